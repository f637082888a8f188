"""Cell values of export files: labels, dates, numbers and countries, in English and French.

Every parser raises ``ValueError`` on a value it cannot read, so the importer can name the
file, line and column; an empty cell is ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache

from babel import Locale

from personae.words import yes_no


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """A label folded for comparison: no accents, lower case, straight quotes, single spaces.

    Cached: an export folds the same labels and dropdown values (stages, sources) row after
    row."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return " ".join(text.casefold().split())


def key(text: str) -> str:
    """A value folded to letters and digits only: ``"Food & Beverages"`` -> ``"foodbeverages"``.

    HubSpot's internal option values (``FOOD_BEVERAGES``) fold to the same key as their labels.
    """
    return re.sub(r"[^a-z0-9]", "", fold(text))


def snake_case(text: str) -> str:
    """``"Proposition commerciale"`` -> ``"proposition_commerciale"``."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


# --- dates -----------------------------------------------------------------------------

_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?$",
    re.IGNORECASE,
)
_SLASH = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_EPOCH = re.compile(r"^\d{9,11}$")


def day_first(values: Iterable[str]) -> bool:
    """Whether ``a/b/yyyy`` dates in a column are day first (French) or month first (US).

    Decided by any value that can only be read one way; day first when all are ambiguous.
    """
    month_first_seen = False
    for value in values:
        if "/" not in value:  # most cells: no regex
            continue
        m = _SLASH.match(value.strip())
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12:
            return True
        if b > 12:
            month_first_seen = True
    return not month_first_seen


def parse_datetime(value: str, dayfirst: bool = True) -> datetime | None:
    """``2024-03-05 14:02``, ``2024-03-05T14:02:00Z``, ``05/03/2024 14:02``, epoch seconds.

    Times with a UTC offset are converted to UTC; the result is naive.
    """
    text = value.strip()
    if not text:
        return None
    if m := _ISO.match(text):
        y, mo, d, hh, mi, ss, tz = m.groups()
        moment = datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
        if tz and tz.upper() not in ("Z", "UTC"):
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return moment
    if m := _SLASH.match(text):
        a, b, y, hh, mi, ss, ampm = m.groups()
        d, mo = (int(a), int(b)) if dayfirst else (int(b), int(a))
        hour = int(hh or 0)
        if ampm:
            hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
        return datetime(int(y), mo, d, hour, int(mi or 0), int(ss or 0))
    if _EPOCH.match(text):
        return datetime.fromtimestamp(int(text), UTC).replace(tzinfo=None)
    raise ValueError(f"not a date: {text!r}")


def parse_date(value: str, dayfirst: bool = True) -> date | None:
    moment = parse_datetime(value, dayfirst)
    return moment.date() if moment else None


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``, rounded (31 days -> 1, 92 days -> 3)."""
    return max(0, round((end - start).days / 30.4375))


# --- numbers ---------------------------------------------------------------------------

_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+$")


def parse_number(value: str) -> float | None:
    """``12500``, ``12500.50``, ``12 500,50``, ``12,500.50``, ``€ 1 200``, ``(12.50)``."""
    text = value.strip()
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")
    text = re.sub(r"[\s\u00a0\u202f€$£%]|EUR|USD|GBP", "", text.strip("()"), flags=re.I)
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", "") if _GROUPED.match(text) else text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"not a number: {value!r}") from None
    return -number if negative else number


def parse_bool(value: str) -> bool | None:
    text = fold(value)
    if not text:
        return None
    answer = yes_no(text)
    if answer is not None:
        return answer
    raise ValueError(f"not a boolean: {value!r}")


# --- countries -------------------------------------------------------------------------

_COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "united states of america": "US",
    "etats unis": "US",
    "etats-unis d'amerique": "US",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "angleterre": "GB",
    "grande-bretagne": "GB",
    "royaume uni": "GB",
    "the netherlands": "NL",
    "holland": "NL",
    "hollande": "NL",
    "deutschland": "DE",
    "belgie": "BE",
    "suisse": "CH",
    "schweiz": "CH",
    "espana": "ES",
    "italia": "IT",
}


@cache
def _countries() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in ("en", "fr"):
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(fold(name), code)
    names.update(_COUNTRY_ALIASES)
    return names


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 from a code or an English or French name; ``ValueError`` if unknown."""
    text = value.strip()
    if not text:
        return None
    names = _countries()
    if len(text) == 2 and text.isalpha() and text.upper() in names.values():
        return text.upper()
    folded = fold(text)
    if folded in names:
        return names[folded]
    if folded.startswith(("the ", "la ", "le ", "les ", "l'")):
        bare = folded.split(" ", 1)[-1] if " " in folded else folded[2:]
        if bare in names:
            return names[bare]
    raise ValueError(f"unknown country: {value!r}")
