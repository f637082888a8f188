"""The BG/NBD fitter: Fader, Hardie & Lee (2005) on CDNOW, recovery, and refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from personae.models import BGNBD, FitError

CDNOW = Path(__file__).parent / "data" / "cdnow_customers_summary_with_transactions.csv"


def sig3(x: float) -> float:
    return float(f"{x:.3g}")


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW)


@pytest.fixture(scope="module")
def fitted(cdnow: pd.DataFrame) -> BGNBD:
    return BGNBD().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])


def test_cdnow_anchors(fitted: BGNBD, cdnow: pd.DataFrame) -> None:
    """Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", §4 on the CDNOW
    cohort (2,357 customers, 39 weeks): r = 0.2426, α = 4.4136, a = 0.7929, b = 2.4259,
    LL = −9582.4 (to 3 significant digits; the parameters also to 1e-3 relative)."""
    published = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
    for name, value in published.items():
        assert sig3(getattr(fitted, f"{name}_")) == sig3(value), name
        assert getattr(fitted, f"{name}_") == pytest.approx(value, rel=1e-3), name
        lo, hi = fitted.confidence_intervals_[name]
        assert 0 < lo < value < hi
    assert fitted.log_likelihood_ == pytest.approx(-9582.43, abs=0.01)
    assert fitted.n_ == len(cdnow) == 2357
    assert fitted.groups_ < len(cdnow)  # identical (x, t_x, T) rows were grouped
    assert list(fitted.summary.index) == ["r", "alpha", "a", "b"]


def test_expected_purchases_match_hardie(fitted: BGNBD) -> None:
    """E[X(t)] (eq. 7) at the published parameters' fit: the values of Hardie's BG/NBD
    spreadsheet for CDNOW, as checked in lifetimes' test suite
    (test_expectation_returns_same_value_Hardie_excel_sheet), to 4 decimals."""
    times = [0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00]
    expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    assert fitted.expected_purchases(times) == pytest.approx(expected, abs=5e-4)


def test_conditional_expectation_matches_hardie(fitted: BGNBD) -> None:
    """E[Y(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226 (eq. 10; Hardie's spreadsheet, as
    in lifetimes' test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet)."""
    value = fitted.conditional_expected_purchases(39, 2, 30.43, 38.86)
    assert value[0] == pytest.approx(1.226, abs=1e-3)


def test_probability_alive(fitted: BGNBD) -> None:
    """No repeat purchase: alive for sure (the model's dropout follows a purchase); the
    longer since the last purchase, the less likely alive."""
    assert fitted.probability_alive([0, 0], [0, 0], [10, 38.86]) == pytest.approx([1.0, 1.0])
    p = fitted.probability_alive([3, 3, 3], [36.0, 20.0, 5.0], [38.86] * 3)
    assert np.all(np.diff(p) < 0)
    assert np.all((p > 0) & (p < 1))


def test_grouped_weights_equal_rows(cdnow: pd.DataFrame, fitted: BGNBD) -> None:
    """Grouping by hand and passing weights gives the row-by-row fit to 1e-6."""
    grouped = cdnow.groupby(["x", "t_x", "T"], as_index=False).size()
    m = BGNBD().fit(grouped["x"], grouped["t_x"], grouped["T"], weights=grouped["size"])
    for name in ("r_", "alpha_", "a_", "b_"):
        assert getattr(m, name) == pytest.approx(getattr(fitted, name), rel=1e-6)
    assert m.log_likelihood_ == pytest.approx(fitted.log_likelihood_, rel=1e-9)


def simulate(
    r: float, alpha: float, a: float, b: float, n: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The BG/NBD story: Poisson purchases at rate λ ~ Gamma(r, α) (α a rate), a coin of
    p ~ Beta(a, b) after each repeat purchase for dropping out; windows of 13–52 weeks."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    big_t = rng.uniform(13, 52, n)
    x, t_x, now = np.zeros(n), np.zeros(n), np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        nxt = now[idx] + rng.exponential(1 / lam[idx])
        bought = nxt <= big_t[idx]
        got = idx[bought]
        x[got] += 1
        t_x[got] = nxt[bought]
        now[got] = nxt[bought]
        drop = rng.random(got.size) < p[got]
        active[idx[~bought]] = False
        active[got[drop]] = False
    return x, t_x, big_t


def test_recovers_planted_parameters() -> None:
    """r = 0.5, α = 6, a = 0.7, b = 2.5 planted in 30 000 customers (seed 11)."""
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 2.5}
    x, t_x, big_t = simulate(*truth.values(), n=30_000, seed=11)
    m = BGNBD().fit(x, t_x, big_t)
    for name, value in truth.items():
        lo, hi = m.confidence_intervals_[name]
        assert lo < value < hi, (name, lo, hi)


def test_non_convergence_says_so(cdnow: pd.DataFrame) -> None:
    with pytest.raises(FitError, match="converge"):
        BGNBD(maxiter=2).fit(cdnow["x"], cdnow["t_x"], cdnow["T"])


def test_nobody_came_back() -> None:
    """No repeat purchase at all: the purchase rate runs to 0, nothing can be told."""
    with pytest.raises(FitError, match="no customer made a repeat purchase"):
        BGNBD().fit([0, 0, 0], [0, 0, 0], [30, 35, 39])


def test_one_customer() -> None:
    with pytest.raises(FitError, match="every row looks the same"):
        BGNBD().fit([2], [5.0], [30.0])


def test_too_few_customers_give_no_number() -> None:
    """Five customers: whatever the optimiser stops at, the model must not report it."""
    with pytest.raises(FitError):
        BGNBD().fit([0, 1, 2, 0, 3], [0, 4.0, 9.0, 0, 20.0], [30, 35, 39, 12, 25])


@pytest.mark.parametrize(
    ("x", "t_x", "big_t", "weights", "message"),
    [
        ([], [], [], None, "empty"),
        ([1, 2], [3.0], [10, 10], None, "same length"),
        ([1, 2], [3.0, 12.0], [10, 10], None, "exceed T"),
        ([0, 2], [1.0, 3.0], [10, 10], None, "recency must be 0"),
        ([-1, 2], [0.0, 3.0], [10, 10], None, "negative"),
        ([1.5, 2], [1.0, 3.0], [10, 10], None, "whole numbers"),
        ([1, 2], [1.0, 3.0], [10, 10], [0, 0], "sum to 0"),
        ([1, 2], [1.0, 3.0], [10, 10], [1, 1, 1], "weights has 3"),
    ],
)
def test_bad_input(
    x: list[float],
    t_x: list[float],
    big_t: list[float],
    weights: list[float] | None,
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        BGNBD().fit(x, t_x, big_t, weights)


def test_whole_weeks_are_fine(cdnow: pd.DataFrame) -> None:
    """Recency rounded down to whole weeks puts some repeat purchases at t_x = 0; the
    likelihood is defined there, and grouping gets coarser (far fewer distinct rows)."""
    weeks = np.floor(cdnow["t_x"])
    assert ((cdnow["x"] > 0) & (weeks == 0)).any()
    m = BGNBD().fit(cdnow["x"], weeks, np.floor(cdnow["T"]))
    assert m.r_ == pytest.approx(0.2426, rel=0.05)
    assert m.groups_ < 1000
