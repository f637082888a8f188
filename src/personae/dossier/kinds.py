"""Kinds of answer values: told by the template's placeholder, parsed, and written in French.

The template says what a slot holds by its placeholder: ``[X]`` a count, ``[X%]`` a
percentage, ``[€/an]`` an amount, ``[X jours]`` a number of days, ``[X-X employés]`` a
range, ``[Oui/Non]`` yes or no, ``[Faible/Moyenne/Haute]`` one of a few choices,
``[À compléter]`` free text. :func:`kind_of` reads it; :func:`parse` checks a value a
person wrote (``"42,3 %"``, ``"12 000 €"``, ``"10-50 employés"``, ``oui``) and
:func:`format_value` writes a value in French with Babel (``12 345 €``, ``42,3 %``).

Values are held as plain Python: percentages as fractions (0.423), money as float
euros, counts and days as int, ranges as ``(low, high)``, yes/no as bool, lists as
lists of str.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_currency, format_decimal, format_percent

from personae.errors import KindError
from personae.words import yes_no

LOCALE = "fr_FR"
NBSP = "\u00a0"


@dataclass(frozen=True)
class Kind:
    name: str  # integer, percent, percent_pair, money, money_range, days, months,
    #            range, yesno, choice, text, list
    unit: str = ""  # for ranges and counts: "employés", "ans", "entreprises"
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        return {
            "integer": "un nombre entier, ex. 120",
            "percent": "un pourcentage, ex. 42 % ou 42,3 %",
            "percent_pair": "deux pourcentages, ex. 80 %/20 %",
            "money": "un montant, ex. 12 000 € ou 12000",
            "money_range": "une fourchette de montants, ex. 1 M€-10 M€",
            "days": "un nombre de jours, ex. 45",
            "months": "un nombre de mois, ex. 18",
            "range": f"une fourchette, ex. 10-50{' ' + self.unit if self.unit else ''}",
            "yesno": "oui ou non",
            "choice": "au choix : " + ", ".join(self.choices),
            "text": "un texte court",
            "list": "une liste de textes courts (liste YAML, un élément par ligne)",
        }[self.name]


TEXT = Kind("text")
LIST = Kind("list")


def kind_of(placeholder: str) -> Kind:
    """The kind of a placeholder such as ``[X%]`` (brackets included or not)."""
    p = placeholder.strip().strip("[]").strip()
    low = p.lower()
    if low in ("oui/non", "non/oui"):
        return Kind("yesno")
    if re.fullmatch(r"\+?x%\s*/\s*x%", low):
        return Kind("percent_pair")
    if re.fullmatch(r"[+-]?x\s*%.*", low):
        return Kind("percent")
    if "€" in p:
        return Kind("money_range") if re.search(r"x\s*-\s*€", low) else Kind("money")
    m = re.fullmatch(r"x\s*-\s*x\s*(.*)", low)
    if m:
        return Kind("range", unit=m.group(1).strip())
    m = re.fullmatch(r"x\s+(.+)", low)
    if m:
        unit = m.group(1).strip()
        if unit == "jours":
            return Kind("days")
        if unit == "mois":
            return Kind("months")
        return Kind("integer", unit=unit)
    if low == "x":
        return Kind("integer")
    if "/" in p and " " not in p.replace(" / ", "/") and p[:1].isupper():
        parts = tuple(s.strip() for s in p.split("/"))
        if len(parts) >= 2 and all(parts) and not any(s.isupper() and len(s) <= 3 for s in parts):
            return Kind("choice", choices=parts)
    return TEXT


# ---------------------------------------------------------------- parsing


_NUM = r"[+-]?\d[\d\s\u00a0\u202f.,]*"


def _number(text: str) -> float:
    """A number written the French or English way: ``1 234,5``, ``1,234.5``, ``1234.5``."""
    t = text.strip().replace("\u00a0", " ").replace("\u202f", " ").replace(" ", "")
    if "," in t and "." in t:
        t = (
            t.replace(",", "")
            if t.rfind(".") > t.rfind(",")
            else t.replace(".", "").replace(",", ".")
        )
    elif "," in t:
        t = t.replace(",", ".")
    return float(t)


def _scale(suffix: str) -> float:
    s = suffix.strip().lower().replace("€", "").strip()
    return {"k": 1e3, "m": 1e6, "md": 1e9, "mds": 1e9, "mrd": 1e9}.get(s, 1.0)


def parse_as(kind: Kind, raw: Any) -> Any:
    """Check and normalise a value written by a person; raise :class:`KindError`."""
    if raw is None:
        return None
    name = kind.name
    if name == "list":
        if isinstance(raw, str):
            items = [raw]
        elif isinstance(raw, list):
            items = raw
        else:
            raise KindError(f"attendu : {kind.describe()}")
        out = []
        for item in items:
            if isinstance(item, dict | list) or item is None:
                raise KindError(f"attendu : {kind.describe()}")
            out.append(str(item).strip())
        return [s for s in out if s]
    if isinstance(raw, dict | list) and name not in ("range", "money_range"):
        raise KindError(f"attendu : {kind.describe()}")
    if name == "text":
        text = str(raw).strip() if not isinstance(raw, bool) else ("Oui" if raw else "Non")
        if not text:
            raise KindError("empty text")
        return text
    if name == "yesno":
        if isinstance(raw, bool):
            return raw
        answer = yes_no(str(raw))
        if answer is not None:
            return answer
        raise KindError(f"attendu : {kind.describe()}")
    if name == "choice":
        t = str(raw).strip()
        for c in kind.choices:
            if c.lower() == t.lower():
                return c
        raise KindError(f"attendu : {kind.describe()}")
    if isinstance(raw, bool):
        raise KindError(f"attendu : {kind.describe()}")
    try:
        return _parse_number_kind(kind, raw)
    except (ValueError, TypeError):
        raise KindError(f"attendu : {kind.describe()}") from None


def _parse_number_kind(kind: Kind, raw: Any) -> Any:
    name = kind.name
    if name == "percent":
        if isinstance(raw, int | float):
            raise ValueError("a bare number is ambiguous for a percentage")
        m = re.fullmatch(rf"\s*({_NUM})\s*%.*", str(raw))
        if not m:
            raise ValueError(raw)
        return _number(m.group(1)) / 100
    if name == "percent_pair":
        parts = str(raw).split("/")
        if len(parts) != 2:
            raise ValueError(raw)
        return tuple(_parse_number_kind(Kind("percent"), p) for p in parts)
    if name in ("integer", "days", "months"):
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError(raw)
        if isinstance(raw, int | float):
            return int(raw)
        m = re.fullmatch(rf"\s*({_NUM})\s*[^\d]*", str(raw))
        if not m:
            raise ValueError(raw)
        value = _number(m.group(1))
        if not value.is_integer():
            raise ValueError(raw)
        return int(value)
    if name == "money":
        if isinstance(raw, int | float):
            return float(raw)
        m = re.fullmatch(
            rf"\s*€?\s*({_NUM})\s*(k|m|md|mds|mrd)?\s*€?\s*(/\s*an)?\s*", str(raw).lower()
        )
        if not m:
            raise ValueError(raw)
        return _number(m.group(1)) * _scale(m.group(2) or "")
    if name in ("range", "money_range"):
        if isinstance(raw, list) and len(raw) == 2:
            lo, hi = (float(v) for v in raw)
        else:
            t = str(raw).lower().replace("€", "")
            m = re.fullmatch(
                rf"\s*({_NUM}?)\s*(k|m|md)?\s*(?:-|–|à)\s*({_NUM})\s*(k|m|md)?\s*[^\d]*", t
            )
            if not m:
                raise ValueError(raw)
            lo = _number(m.group(1)) * _scale(m.group(2) or "")
            hi = _number(m.group(3)) * _scale(m.group(4) or "")
        if lo > hi:
            raise ValueError(raw)
        if name == "range":
            return (int(lo) if lo.is_integer() else lo, int(hi) if hi.is_integer() else hi)
        return (lo, hi)
    raise ValueError(name)


# ---------------------------------------------------------------- formatting


def fmt_list(values: Iterable[object]) -> str:
    """Items of a list as French writes them: « a ; b ; c » (a space before the
    semicolon, as the ICP's reasons in accounts.csv and the dossier's sentences have it)."""
    return " ; ".join(str(v) for v in values)


def fmt_int(value: float) -> str:
    return format_decimal(round(value), locale=LOCALE)


_CURRENCY: ContextVar[str] = ContextVar("personae_currency", default="EUR")


@contextmanager
def money_in(currency: str | None) -> Iterator[None]:
    """Within the block, :func:`fmt_money` writes amounts in ``currency`` (ISO 4217; the
    company currency of the report: the ``currency`` setting, or the data's own)."""
    token = _CURRENCY.set((currency or "EUR").upper())
    try:
        yield
    finally:
        _CURRENCY.reset(token)


def fmt_money(value: float, per_year: bool = False, currency: str | None = None) -> str:
    """``12 345 €`` (or ``12 345 $US``, ``12 345 R$``…: the currency of :func:`money_in`)."""
    digits = "#,##0" if abs(value) >= 100 or float(value).is_integer() else "#,##0.00"
    text = format_currency(
        value,
        currency or _CURRENCY.get(),
        locale=LOCALE,
        format=f"{digits}{NBSP}¤",
        currency_digits=False,
    )
    return text + ("/an" if per_year else "")


def fmt_percent(value: float, signed: bool = False, digits: int = 1) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + f"{NBSP}%"
    text = format_percent(value, locale=LOCALE, format=pattern)
    if signed and value > 0:
        text = "+" + text
    return text


def fmt_number(value: float, digits: int = 1) -> str:
    return format_decimal(value, locale=LOCALE, format="#,##0." + "#" * digits)


def format_value(kind: Kind, value: Any, placeholder: str = "") -> str:
    """``value`` written in French for a slot of ``kind``."""
    if value is None:
        return ""
    name = kind.name
    if isinstance(value, str) and name not in ("list",):
        return value
    if name == "percent":
        signed = placeholder.strip("[]").startswith("+")
        text = fmt_percent(float(value), signed=signed)
        return text + (" du CA" if "du ca" in placeholder.lower() else "")
    if name == "percent_pair":
        return "/".join(fmt_percent(float(v)) for v in value)
    if name == "integer":
        return fmt_int(value) + (f" {kind.unit}" if kind.unit else "")
    if name == "days":
        return f"{fmt_number(value, 0)}{NBSP}jours" if value != 1 else f"1{NBSP}jour"
    if name == "months":
        return f"{fmt_int(value)}{NBSP}mois"
    if name == "money":
        return fmt_money(float(value), per_year="/an" in placeholder)
    if name == "money_range":
        lo, hi = value
        return f"{fmt_money(lo)} – {fmt_money(hi)}"
    if name == "range":
        lo, hi = value
        unit = f" {kind.unit}" if kind.unit else ""
        return f"{fmt_number(lo)}-{fmt_number(hi)}{unit}"
    if name == "yesno":
        return "Oui" if value else "Non"
    if name == "list":
        return fmt_list(value)
    if isinstance(value, float):
        return fmt_number(value) if math.isfinite(value) else "n/d"
    return str(value)
