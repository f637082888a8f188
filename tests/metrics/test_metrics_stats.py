"""Wilson intervals and rate objects.

References: Newcombe (1998), "Two-sided confidence intervals for the single proportion",
Stat. Med. 17:857–872, Table I, method 3 (score interval without continuity correction):
81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605, 0/20 → 0.0000–0.1611, 1/29 → 0.0061–0.1718;
and scipy.stats.binomtest(k, n).proportion_ci(method="wilson").
"""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from personae.metrics.stats import compounded, rate, share, wilson_interval


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998(k, n, lo, hi):
    got = wilson_interval(k, n, 0.95)
    assert got == pytest.approx((lo, hi), abs=5e-5)


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 1), (3, 7), (50, 100), (999, 1000)])
@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
def test_wilson_matches_scipy(k, n, confidence):
    ci = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    assert wilson_interval(k, n, confidence) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_wilson_rejects_bad_counts():
    with pytest.raises(ValueError):
        wilson_interval(1, 0)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_rate_object():
    r = rate(81, 263)
    assert r["value"] == pytest.approx(81 / 263)
    assert (r["numerator"], r["denominator"]) == (81, 263)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert rate(0, 0) == {
        "value": None,
        "numerator": 0,
        "denominator": 0,
        "ci_low": None,
        "ci_high": None,
    }
    assert rate(5, 5)["ci_high"] == 1.0


def test_share_of_money_has_no_interval():
    s = share(25.0, 100.0)
    assert s == {
        "value": 0.25,
        "numerator": 25.0,
        "denominator": 100.0,
        "ci_low": None,
        "ci_high": None,
    }
    assert share(1.0, 0.0)["value"] is None


def test_compounded_maps_the_interval():
    c = compounded(rate(2, 39))
    assert c["value"] == pytest.approx(1 - (1 - 2 / 39) ** 12)
    assert c["ci_low"] < c["value"] < c["ci_high"]
    assert c["numerator"] is None
