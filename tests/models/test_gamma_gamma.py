"""The Gamma-Gamma fitter: CDNOW's repeat buyers, recovery, and refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from personae.models import FitError, GammaGamma

CDNOW = Path(__file__).parent / "data" / "cdnow_customers_summary_with_transactions.csv"


def sig3(x: float) -> float:
    return float(f"{x:.3g}")


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW)


@pytest.fixture(scope="module")
def fitted(cdnow: pd.DataFrame) -> GammaGamma:
    return GammaGamma().fit(cdnow["x"], cdnow["zbar"])


def test_cdnow_anchors(fitted: GammaGamma) -> None:
    """Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value", on CDNOW's 946
    repeat buyers: p = 6.25, q = 3.74, γ = 15.44 (to 3 significant digits)."""
    assert sig3(fitted.p_) == sig3(6.25)
    assert sig3(fitted.q_) == sig3(3.74)
    assert sig3(fitted.gamma_) == sig3(15.44)
    assert fitted.n_ == 946
    assert fitted.ignored_ == 2357 - 946  # customers without a repeat purchase
    for name, value in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        lo, hi = fitted.confidence_intervals_[name]
        assert 0 < lo < value < hi
    assert list(fitted.summary.index) == ["p", "q", "gamma"]


def test_conditional_expected_average_profit(fitted: GammaGamma) -> None:
    """E[M | m̄, x] = (γ + m̄x)p/(px + q − 1) (Fader & Hardie 2013): a weighted mean of the
    population mean γp/(q−1) and the customer's m̄, leaning to m̄ as x grows."""
    p, q, g = fitted.p_, fitted.q_, fitted.gamma_
    population = g * p / (q - 1)
    assert fitted.conditional_expected_average_profit(0, 0)[0] == pytest.approx(population)
    one = fitted.conditional_expected_average_profit(2, 22.35)[0]  # CDNOW customer 1
    assert one == pytest.approx((g + 2 * 22.35) * p / (2 * p + q - 1))
    values = fitted.conditional_expected_average_profit([1, 5, 50], [100.0] * 3)
    assert np.all(np.diff(values) > 0)
    assert np.all((values > population) & (values < 100.0))


def test_weights_equal_expanded_rows(cdnow: pd.DataFrame) -> None:
    """Duplicating every repeat buyer 3 times or weighting it 3 gives the same fit (1e-6)."""
    buyers = cdnow[cdnow["x"] > 0]
    weighted = GammaGamma().fit(buyers["x"], buyers["zbar"], weights=np.full(len(buyers), 3))
    expanded = GammaGamma().fit(np.repeat(buyers["x"], 3), np.repeat(buyers["zbar"], 3))
    for name in ("p_", "q_", "gamma_"):
        assert getattr(weighted, name) == pytest.approx(getattr(expanded, name), rel=1e-6)


def test_recovers_planted_parameters() -> None:
    """p = 4, q = 3, γ = 20 planted in 20 000 customers with 1–10 transactions (seed 5)."""
    rng = np.random.default_rng(5)
    n = 20_000
    nu = rng.gamma(3.0, 1 / 20.0, n)
    x = rng.integers(1, 11, n)
    # The mean of x Gamma(p, ν) draws is Gamma(px, xν).
    zbar = rng.gamma(4.0 * x, 1 / (x * nu))
    m = GammaGamma().fit(x, zbar)
    for name, value in {"p": 4.0, "q": 3.0, "gamma": 20.0}.items():
        lo, hi = m.confidence_intervals_[name]
        assert lo < value < hi, (name, lo, hi)


def test_non_convergence_says_so(cdnow: pd.DataFrame) -> None:
    with pytest.raises(FitError, match="converge"):
        GammaGamma(maxiter=1).fit(cdnow["x"], cdnow["zbar"])


def test_one_customer() -> None:
    with pytest.raises(FitError, match="every row looks the same"):
        GammaGamma().fit([0, 2], [0.0, 5.0])


def test_zero_weights_are_left_out(cdnow: pd.DataFrame, fitted: GammaGamma) -> None:
    weights = np.where(cdnow["ID"] % 2 == 0, 0.0, 1.0)
    half = GammaGamma().fit(cdnow["x"], cdnow["zbar"], weights)
    odd = cdnow[cdnow["ID"] % 2 == 1]
    same = GammaGamma().fit(odd["x"], odd["zbar"])
    assert half.p_ == pytest.approx(same.p_, rel=1e-9)
    assert half.n_ == same.n_


@pytest.mark.parametrize(
    ("x", "m", "weights", "message"),
    [
        ([0, 0], [0.0, 0.0], None, "no customer with frequency > 0"),
        ([1, 2], [0.0, 5.0], None, "above 0"),
        ([1, 2], [5.0], None, "same length"),
        ([1, 2], [5.0, -1.0], None, "negative"),
        ([1, 2], [5.0, 6.0], [0, 0], "sum to 0"),
    ],
)
def test_bad_input(x: list[int], m: list[float], weights: list[float] | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GammaGamma().fit(x, m, weights)
