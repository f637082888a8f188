"""Rates and proportions as the dossier prints them: value, numerator, denominator, interval.

Every proportion of counts carries a Wilson score interval (Wilson 1927; Newcombe 1998,
method 3). Shares of money (a group's part of revenue) carry their numerator and
denominator but no interval: they are not binomial proportions.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any, TypedDict


def num(x: Any) -> float | None:
    """A plain Python float, or None for missing / NaN / infinite values."""
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def count(x: Any) -> int:
    """A plain Python int from a count (NULL sums count as 0)."""
    f = num(x)
    return 0 if f is None else round(f)


def ratio(numerator: Any, denominator: Any) -> float | None:
    """numerator / denominator, None when the denominator is missing or not positive."""
    n, d = num(numerator), num(denominator)
    if n is None or d is None or d <= 0:
        return None
    return n / d


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion.

    p̂ = k/n, z the two-sided normal quantile; the bounds are
    (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)  (Newcombe 1998, eq. 3).
    """
    if trials <= 0:
        raise ValueError("a Wilson interval needs at least one trial")
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = successes / trials
    z2n = z * z / trials
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / trials + z2n / (4 * trials)) / (1 + z2n)
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == trials else min(1.0, centre + half)
    return lo, hi


class Rate(TypedDict):
    """A rate as dossier.json carries it: its value (a fraction), the counts or amounts it
    divides, and its 95 % interval (None for shares of money and for empty groups)."""

    value: float | None
    numerator: float | None
    denominator: float | None
    ci_low: float | None
    ci_high: float | None


def rate(successes: Any, trials: Any, confidence: float = 0.95) -> Rate:
    """A proportion of counts: ``{value, numerator, denominator, ci_low, ci_high}``."""
    k, n = count(successes), count(trials)
    if n <= 0:
        return {"value": None, "numerator": k, "denominator": n, "ci_low": None, "ci_high": None}
    lo, hi = wilson_interval(k, n, confidence)
    return {"value": k / n, "numerator": k, "denominator": n, "ci_low": lo, "ci_high": hi}


def share(part: Any, whole: Any) -> Rate:
    """A share of money (no interval): ``{value, numerator, denominator, None, None}``."""
    p, w = num(part) or 0.0, num(whole) or 0.0
    return {
        "value": ratio(p, w),
        "numerator": p,
        "denominator": w,
        "ci_low": None,
        "ci_high": None,
    }


def compounded(monthly: Rate, months: int = 12) -> Rate:
    """1 − (1 − monthly)^months, its interval mapped from the monthly one (a monotone map)."""

    def f(x: float | None) -> float | None:
        return None if x is None else 1 - (1 - x) ** months

    return {
        "value": f(monthly["value"]),
        "numerator": None,
        "denominator": None,
        "ci_low": f(monthly["ci_low"]),
        "ci_high": f(monthly["ci_high"]),
    }
