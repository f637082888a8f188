"""The report's French formats for the numbers of ``dossier.json``: rates written either as
fractions or as ``{value, numerator, denominator, ci_low, ci_high}``, money, counts and
dates (Babel, through :mod:`personae.dossier.kinds`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from personae.dossier.kinds import LOCALE, fmt_int, fmt_money, fmt_percent


def rate(value: Any) -> float | None:
    """A rate's fraction, whether written as a number or as ``{value, numerator, …}``."""
    if isinstance(value, dict):
        value = value.get("value")
    return float(value) if isinstance(value, int | float) else None


def interval(value: Any) -> tuple[float, float] | None:
    if (
        isinstance(value, dict)
        and value.get("ci_low") is not None
        and value.get("ci_high") is not None
    ):
        return float(value["ci_low"]), float(value["ci_high"])
    return None


def pct(value: Any, signed: bool = False) -> str:
    r = rate(value)
    return "n/d" if r is None else fmt_percent(r, signed=signed)


def money(value: Any) -> str:
    return "n/d" if not isinstance(value, int | float) else fmt_money(float(value))


def count(value: Any) -> str:
    return "n/d" if not isinstance(value, int | float) else fmt_int(float(value))


def month_label(month: str) -> str:
    """``2025-12`` → ``décembre 2025``."""
    return format_date(date.fromisoformat(f"{month}-01"), "MMMM y", locale=LOCALE)


def day_label(day: str) -> str:
    """``2025-12-31`` → ``31 décembre 2025``."""
    return format_date(date.fromisoformat(day), "d MMMM y", locale=LOCALE)


def sample(small: Any) -> str:
    return "échantillon faible" if small else ""
