"""The sBG fitter: Fader & Hardie (2007) Table 1, DERL, recovery, and what it refuses."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import personae.models
from personae.errors import PersonaeError
from personae.models import SBG, FitError, per_period_rate

# Fader & Hardie (2007), "How to Project Customer Retention", Table 1: customers still
# there at the start of years 0–7, per 1000 acquired, for the two segments.
TABLE_1 = {
    "regular": [1000, 631, 468, 382, 326, 289, 262, 241],
    "high end": [1000, 869, 743, 653, 593, 551, 517, 491],
}


def sig3(x: float) -> float:
    return float(f"{x:.3g}")


def table_1(segment: str) -> tuple[list[int], list[bool], list[int]]:
    """Years 1–7 as (t, churned, weight): those lost during year t paid t periods; the
    survivors of year 7 are censored at 7."""
    alive = TABLE_1[segment]
    lost = [alive[i] - alive[i + 1] for i in range(7)]
    return [*range(1, 8), 7], [True] * 7 + [False], [*lost, alive[7]]


@pytest.mark.parametrize(
    ("segment", "alpha", "beta", "ll"),
    [("regular", 0.704, 1.182, -1680.27), ("high end", 0.668, 3.806, -1611.16)],
)
def test_table_1_anchors(segment: str, alpha: float, beta: float, ll: float) -> None:
    """Fader & Hardie (2007), p. 80 and Appendix B: regular α = 0.704, β = 1.182,
    LL = −1680.27; high end α = 0.668, β = 3.806, LL = −1611.16 (to 3 significant digits;
    the log-likelihood to its published 2 decimals)."""
    m = SBG().fit(*table_1(segment))
    assert sig3(m.alpha_) == sig3(alpha)
    assert sig3(m.beta_) == sig3(beta)
    assert m.alpha_ == pytest.approx(alpha, abs=5e-4)
    assert m.beta_ == pytest.approx(beta, abs=5e-4)
    assert m.log_likelihood_ == pytest.approx(ll, abs=0.005)
    assert m.n_ == 1000
    assert m.churned_ == 1000 - TABLE_1[segment][7]
    assert m.converged_
    lo, hi = m.alpha_ci_
    assert 0 < lo < m.alpha_ < hi
    lo, hi = m.beta_ci_
    assert 0 < lo < m.beta_ < hi


def test_survival_follows_the_table() -> None:
    """The fitted curve stays within 1.5 points of Table 1's regular survivors (the 2007
    paper's Figure 3 shows the sBG tracking the data closely)."""
    m = SBG().fit(*table_1("regular"))
    observed = np.array(TABLE_1["regular"]) / 1000
    assert np.abs(m.survival(np.arange(8)) - observed).max() < 0.015
    assert m.survival(0)[0] == 1.0
    # P(T = t) are the differences of S, and r_t = S(t)/S(t−1).
    t = np.arange(1, 30)
    assert np.allclose(m.churn_probability(t), m.survival(t - 1) - m.survival(t))
    assert np.allclose(m.retention_rate(t), m.survival(t) / m.survival(t - 1))


def _survival_by_products(alpha: float, beta: float, t: int) -> float:
    """S(t) = Π_{j=1..t} (β+j−1)/(α+β+j−1): the retention-rate recursion, no beta function."""
    s = 1.0
    for j in range(1, t + 1):
        s *= (beta + j - 1) / (alpha + beta + j - 1)
    return s


def _derl_by_sum(alpha: float, beta: float, n: int, d: float, terms: int = 3000) -> float:
    """Σ_{k≥1} S(n+k)/S(n) / (1+d)^(k−1), summed term by term."""
    s_n = _survival_by_products(alpha, beta, n)
    total, s = 0.0, s_n
    for k in range(1, terms):
        s *= (beta + n + k - 1) / (alpha + beta + n + k - 1)
        total += s / s_n / (1 + d) ** (k - 1)
    return total


@pytest.mark.parametrize("segment", ["regular", "high end"])
@pytest.mark.parametrize("n", [0, 1, 4, 10])
def test_derl_against_a_direct_sum(segment: str, n: int) -> None:
    """Fader & Hardie (2010)'s DERL with 2F1 equals the discounted sum of the survival
    curve it stands for, on the 2007 fits, d = 10 % a period."""
    m = SBG().fit(*table_1(segment))
    expected = _derl_by_sum(m.alpha_, m.beta_, n, 0.10)
    assert m.derl(0.10, n)[0] == pytest.approx(expected, rel=1e-9)


def test_derl_new_counts_the_first_period() -> None:
    """DEL = Σ_{t≥0} S(t)/(1+d)^t = 2F1(1, β; α+β; 1/(1+d)) = 1 + DERL(d | 0)/(1+d)."""
    m = SBG().fit(*table_1("regular"))
    d = 0.10
    by_sum = sum(_survival_by_products(m.alpha_, m.beta_, t) / (1 + d) ** t for t in range(3000))
    assert m.derl_new(d) == pytest.approx(by_sum, rel=1e-9)
    assert m.derl_new(d) == pytest.approx(1 + m.derl(d, 0)[0] / (1 + d), rel=1e-12)
    # The sorting effect: the longer an account has stayed, the longer it is expected to stay.
    assert np.all(np.diff(m.derl(d, np.arange(10))) > 0)


def test_base_value() -> None:
    """Σ weight × value × DERL(renewals survived), here on Table 1's regular survivors."""
    m = SBG().fit(*table_1("regular"))
    ages, counts = [1, 4, 7], [631, 326, 241]
    value = m.base_value(ages, counts, value_per_period=100.0, discount=0.10)
    expected = sum(c * 100.0 * m.derl(0.10, a)[0] for a, c in zip(ages, counts, strict=True))
    assert value == pytest.approx(expected, rel=1e-12)
    assert m.base_value([4, 1, 4], None, 1.0, 0.10) == pytest.approx(
        2 * m.derl(0.10, 4)[0] + m.derl(0.10, 1)[0]
    )


def test_per_period_rate() -> None:
    """(1 + 10 %)^(1/12) − 1 = 0.797 % a month compounds back to 10 % a year."""
    monthly = per_period_rate(0.10, "month")
    assert monthly == pytest.approx(0.0079741404289, rel=1e-9)
    assert (1 + monthly) ** 12 == pytest.approx(1.10)
    assert (1 + per_period_rate(0.10, "quarter")) ** 4 == pytest.approx(1.10)
    assert per_period_rate(0.10, "year") == pytest.approx(0.10)
    with pytest.raises(ValueError, match="period"):
        per_period_rate(0.10, "week")  # type: ignore[arg-type]


def _simulate(alpha: float, beta: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Accounts acquired over 36 months, each observed for its own number of renewals."""
    rng = np.random.default_rng(seed)
    theta = rng.beta(alpha, beta, n)
    lifetime = rng.geometric(theta)  # periods paid: P(T = t) = θ(1−θ)^(t−1)
    seen = rng.integers(1, 37, n)  # renewal decisions observed so far
    churned = lifetime <= seen
    return np.where(churned, lifetime, seen), churned


def test_recovers_planted_parameters() -> None:
    """α = 0.8, β = 2.5 planted in 20 000 accounts censored at mixed ages (seed 7)."""
    t, churned = _simulate(0.8, 2.5, 20_000, seed=7)
    m = SBG().fit(t, churned)
    assert m.alpha_ci_[0] < 0.8 < m.alpha_ci_[1]
    assert m.beta_ci_[0] < 2.5 < m.beta_ci_[1]
    assert m.n_ == 20_000
    assert m.churned_ == churned.sum()


def test_weights_equal_expanded_rows() -> None:
    t, churned, w = table_1("high end")
    weighted = SBG().fit(t, churned, w)
    expanded = SBG().fit(np.repeat(t, w), np.repeat(churned, w))
    assert weighted.alpha_ == pytest.approx(expanded.alpha_, rel=1e-6)
    assert weighted.beta_ == pytest.approx(expanded.beta_, rel=1e-6)
    assert weighted.log_likelihood_ == pytest.approx(expanded.log_likelihood_, rel=1e-9)
    # Rows of weight 0 are as good as absent.
    padded = SBG().fit([*t, 3, 5], [*churned, True, False], [*w, 0, 0])
    assert padded.alpha_ == pytest.approx(weighted.alpha_, rel=1e-9)


def test_summary_and_silence(capsys: pytest.CaptureFixture[str]) -> None:
    m = SBG().fit(*table_1("regular"))
    table = m.summary
    assert isinstance(table, pd.DataFrame)
    assert list(table.index) == ["alpha", "beta"]
    assert list(table.columns) == ["coef", "se", "lower 0.95", "upper 0.95"]
    assert table.loc["alpha", "coef"] == m.alpha_
    assert table.loc["beta", "lower 0.95"] == m.beta_ci_[0]
    assert "alpha=0.704" in repr(m)
    assert capsys.readouterr() == ("", "")


def test_no_churn_is_not_a_number() -> None:
    with pytest.raises(FitError, match="no account churned"):
        SBG().fit([3, 5, 12], [False, False, False])


def test_all_churned_in_period_1() -> None:
    with pytest.raises(FitError, match="every account looks the same"):
        SBG().fit([1, 1, 1], [True, True, True])
    # Churned in period 1 or still there after it: only the first-period churn is known.
    with pytest.raises(FitError, match="one period at most"):
        SBG().fit([1, 1], [True, False], [30, 70])


def test_one_account() -> None:
    with pytest.raises(FitError, match="every account looks the same"):
        SBG().fit([4], [True])


def test_one_lifetime_for_everyone() -> None:
    """100 accounts, all churned after exactly 3 periods: no spread to estimate."""
    with pytest.raises(FitError, match="every account looks the same"):
        SBG().fit([3], [True], [100])


def test_churn_without_survivors_runs_away() -> None:
    """Half churned after 1 period, half after 3, nobody censored: the likelihood keeps
    rising as α, β → ∞ (everyone alike), so the fit must refuse rather than stop anywhere."""
    with pytest.raises(
        FitError, match=r"cannot pin the parameters down|bound|singular|barely constrain"
    ):
        SBG().fit([1, 3], [True, True], [50, 50])


def test_non_convergence_says_so() -> None:
    with pytest.raises(FitError, match="converge"):
        SBG(maxiter=1).fit(*table_1("regular"))


def test_fit_error_is_a_personae_error() -> None:
    assert issubclass(FitError, PersonaeError)


@pytest.mark.parametrize(
    ("t", "churned", "weights", "message"),
    [
        ([], [], None, "empty"),
        ([1, -2], [True, False], None, "negative"),
        ([1, 2], [True], None, "same length"),
        ([1, 2], [True, False], [1.0], "weights has 1"),
        ([1, 2], [True, False], [0, 0], "sum to 0"),
        ([1, 2], [True, False], [1, -1], "negative"),
        ([1.5, 2], [True, False], None, "whole numbers"),
        ([0, 2], [True, False], None, "t ≥ 1"),
        ([1, 2], [2, 0], None, "booleans"),
        ([1, float("nan")], [True, False], None, "missing"),
    ],
)
def test_bad_input(
    t: list[float], churned: list[int], weights: list[float] | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        SBG().fit(t, churned, weights)


def test_unfitted_model_says_so() -> None:
    with pytest.raises(FitError, match="not fitted"):
        SBG().derl_new(0.1)
    with pytest.raises(FitError, match="not fitted"):
        _ = SBG().summary


def test_discount_must_be_positive() -> None:
    m = SBG().fit(*table_1("regular"))
    with pytest.raises(ValueError, match="discount"):
        m.derl(0.0, 1)
    assert math.isfinite(m.derl_new(0.01))


def test_all_is_honest() -> None:
    public = {n for n in dir(personae.models) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(personae.models, n)).__name__ == "module"}
    assert set(personae.models.__all__) == public - modules


def test_failed_refit_leaves_nothing_stale() -> None:
    m = SBG().fit(*table_1("regular"))
    with pytest.raises(FitError):
        m.fit([3, 5], [False, False])
    with pytest.raises(FitError, match="not fitted"):
        m.derl_new(0.1)
