"""What every part of fill/ shares to write numbers as French answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from personae.dossier.kinds import fmt_int, fmt_percent

SMALL = "échantillon faible"


def value_of(rate: Any) -> float | None:
    """The value of a rate object (or a plain number)."""
    if isinstance(rate, Mapping):
        v = rate.get("value")
        return None if v is None else float(v)
    return None if rate is None else float(rate)


def pct(rate: Any) -> str:
    v = value_of(rate)
    return "n/d" if v is None else fmt_percent(v)


def or_nd(value: Any, convert: Callable[[Any], Any] = lambda v: v) -> Any:
    """A computed value, or "n/d" where the metric is undefined for this row."""
    return "n/d" if value is None else convert(value)


def clients_cell(row: Mapping[str, Any]) -> int | str:
    """A group's client count, flagged when the group is small."""
    n = int(row["clients"])
    return f"{fmt_int(n)} ({SMALL})" if row.get("small_sample") and n else n


def best(
    rows: Sequence[Mapping[str, Any]],
    key: Callable[[Mapping[str, Any]], float | None],
    lowest: bool = False,
    robust: bool = True,
) -> Mapping[str, Any] | None:
    """The row with the highest (lowest) score; small groups only when nothing else scores."""
    scored: list[tuple[float, Mapping[str, Any]]] = []
    for r in rows:
        score = key(r)
        if score is not None:
            scored.append((score, r))
    if robust and any(not r.get("small_sample") for _, r in scored):
        scored = [(s, r) for s, r in scored if not r.get("small_sample")]
    if not scored:
        return None
    pick = min if lowest else max
    return pick(scored, key=lambda sr: sr[0])[1]


def with_clients(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [r for r in rows if r.get("clients")]


def most_common(values: Sequence[str]) -> tuple[list[str], int]:
    """The most frequent values (all of them on a tie, in alphabetical order) and their count."""
    if not values:
        return [], 0
    counts = {v: values.count(v) for v in values}
    top = max(counts.values())
    return sorted(v for v, n in counts.items() if n == top), top


def french_list(items: Sequence[str]) -> str:
    """``a``, ``a et b``, ``a, b et c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


INCOMPLETE = "n/d (historique incomplet)"


def growth_cell(row: Mapping[str, Any]) -> Any:
    """A group's growth, or why there is none: the previous 12 months not fully covered."""
    if row.get("growth") is not None:
        return row["growth"]
    return INCOMPLETE if row.get("growth_reason") == "history" else "n/d"


def counted_share(rate: Any, unit: str, units: str, small: int = 30) -> str:
    """A share as French text; from a small count, the counts themselves and the flag
    (« 1 départ sur 1, échantillon faible »)."""
    if isinstance(rate, Mapping) and rate.get("denominator") is not None:
        k, n = int(rate["numerator"]), int(rate["denominator"])
        if n < small:
            word = unit if k <= 1 else units
            return f"{fmt_int(k)} {word} sur {fmt_int(n)}, {SMALL}"
    return pct(rate)
