"""The shifted-beta-geometric (sBG) model of contractual retention.

Fader, P. S. & Hardie, B. G. S. (2007), "How to Project Customer Retention", Journal of
Interactive Marketing 21(1), 76–90 (the model and its likelihood, Appendix B); and (2010),
"Customer-Base Valuation in a Contractual Setting: The Perils of Ignoring Heterogeneity",
Marketing Science 29(1), 85–93 (DERL, the discounted expected residual lifetime).

Each account pays one period at a time and, at the end of each paid period, churns with
its own probability θ (constant over time); θ varies across accounts as Beta(α, β).
``T`` is the number of periods an account pays. The conventions used throughout:

* ``fit(t, churned)``: a churned account paid exactly ``t`` periods (``t ≥ 1``) and
  contributes ``P(T = t)``; an account still active has survived ``t`` renewal decisions
  (``t ≥ 0``; an account in its k-th paid period has survived ``t = k − 1``) and contributes
  ``S(t) = P(T > t)``. In Fader & Hardie's Table 1, the 631 regular customers still there
  at year 1 survived ``t = 1``; the 241 still there at year 7 enter as censored at 7.
* ``derl(d, renewals_seen=n)`` is the paper's DERL for an account that has survived ``n``
  renewals (made n renewals, the paper's "n − 1" with its n = our n + 1), valued just
  before its next renewal decision: the next period's payment, if it renews, counts 1
  (paid at that moment), the one after 1/(1+d), and so on.
* ``derl_new(d)`` is a just-acquired account's expected discounted number of paid
  periods *counting the first one* (paid now, undiscounted):
  ``Σ_{t≥0} S(t)/(1+d)^t = 2F1(1, β; α+β; 1/(1+d)) = 1 + DERL(d | n = 0)/(1+d)``, so that
  LTV = ARPA per period × gross margin × ``derl_new(d)``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy.special import betaln, digamma, hyp2f1

from personae.models._base import (
    ArrayLike,
    FitError,
    Fitter,
    FloatArray,
    as_vector,
    as_weights,
    dot,
    group_rows,
    same_length,
)

__all__ = ["SBG", "per_period_rate"]

Period = Literal["month", "quarter", "year"]
_PER_YEAR: dict[str, int] = {"month": 12, "quarter": 4, "year": 1}


def per_period_rate(annual_rate: float, period: Period) -> float:
    """The per-period discount rate equivalent to ``annual_rate`` compounded yearly:
    ``(1 + annual)^(1/k) − 1`` with k = 12 (month), 4 (quarter) or 1 (year)."""
    if period not in _PER_YEAR:
        raise ValueError(f"period must be one of {sorted(_PER_YEAR)}, got {period!r}")
    if not annual_rate > -1:
        raise ValueError(f"annual_rate must be above -1, got {annual_rate}")
    return float((1.0 + annual_rate) ** (1.0 / _PER_YEAR[period]) - 1.0)


class SBG(Fitter):
    """``SBG().fit(t, churned, weights=None)`` → ``alpha_``, ``beta_``, ``log_likelihood_``,
    ``alpha_ci_``, ``beta_ci_``, ``n_`` (total weight), ``churned_`` (churned weight)."""

    _names = ("alpha", "beta")

    def __init__(self, *, maxiter: int = 1000, bounds: tuple[float, float] = (1e-6, 1e6)) -> None:
        super().__init__(maxiter=maxiter, bounds=bounds)
        self.alpha_ = float("nan")
        self.beta_ = float("nan")
        self.alpha_ci_ = (float("nan"), float("nan"))
        self.beta_ci_ = (float("nan"), float("nan"))
        self.churned_ = 0.0

    def fit(self, t: ArrayLike, churned: ArrayLike, weights: ArrayLike | None = None) -> SBG:
        """Fit on one row per account (or per group of identical accounts with ``weights``).

        ``t``: for a churned account, the number of periods it paid (≥ 1); for an account
        still active, the number of renewals it has survived (≥ 0; k − 1 in its k-th paid
        period). ``churned``: True when the account has left. Survivors are right-censored
        at their own age, so cohorts of every age fit together. Raises :class:`FitError`
        when the data cannot tell α and β (no churn, one kind of row, runaway fit)."""
        self.converged_ = False  # a failed refit leaves no stale estimates usable
        periods = as_vector("t", t, integer=True)
        lost = np.asarray(churned)
        if lost.dtype != np.bool_:
            if not np.all(np.isin(lost, (0, 1))):
                raise ValueError("churned must be booleans (or 0/1)")
            lost = lost.astype(bool)
        n = same_length(t=periods, churned=lost.astype(np.float64).reshape(-1))
        w = as_weights(weights, n)
        if np.any(periods[lost] < 1):
            raise ValueError("a churned account paid at least one period: t ≥ 1 when churned")
        (tt, dead), w = group_rows(periods, lost.astype(np.float64), weights=w)
        dead_mask = dead > 0
        total, churned_weight = float(w.sum()), float(w[dead_mask].sum())
        self.churned_ = churned_weight
        if churned_weight == 0:
            raise FitError(
                "SBG: no account churned, so the churn rate cannot be estimated "
                "(β → ∞, retention looks perfect); report retention as observed instead"
            )
        if w.size == 1:
            what = "churned after" if dead[0] else "still active after"
            raise FitError(
                f"SBG: every account looks the same ({what} {tt[0]:g} periods, weight "
                f"{total:g}): one kind of observation cannot tell α and β apart"
            )
        if tt.max() <= 1:
            raise FitError(
                "SBG: every account was followed for one period at most; that gives the average "
                "first-period churn, not how churn varies across accounts (α and β apart)"
            )

        td, wd = tt[dead_mask], w[dead_mask]
        ts, ws = tt[~dead_mask], w[~dead_mask]

        def objective(x: FloatArray) -> tuple[float, FloatArray]:
            a, b = np.exp(x)
            # (B1) ln P(T=t) = ln B(α+1, β+t−1) − ln B(α, β);  (B2) ln S(t) = ln B(α, β+t) − ln B(α, β)
            # (B3) LL = Σ churned ln P(T=t) + Σ censored ln S(t), with frequency weights.
            ll = (
                dot(wd, betaln(a + 1, b + td - 1))
                + dot(ws, betaln(a, b + ts))
                - total * float(betaln(a, b))
            )
            # d ln B(x, y)/dx = ψ(x) − ψ(x+y)
            base_a = digamma(a) - digamma(a + b)
            base_b = digamma(b) - digamma(a + b)
            ga = (
                dot(wd, (digamma(a + 1) - digamma(a + b + td)))
                + dot(ws, (digamma(a) - digamma(a + b + ts)))
                - total * base_a
            )
            gb = (
                dot(wd, (digamma(b + td - 1) - digamma(a + b + td)))
                + dot(ws, (digamma(b + ts) - digamma(a + b + ts)))
                - total * base_b
            )
            grad = -np.array([ga * a, gb * b]) / total
            return -float(ll) / total, grad

        self._optimise(objective, total)
        self.alpha_, self.beta_ = (float(v) for v in self.params_)
        self.alpha_ci_ = self.confidence_intervals_["alpha"]
        self.beta_ci_ = self.confidence_intervals_["beta"]
        return self

    def survival(self, t: ArrayLike) -> FloatArray:
        """S(t) = P(T > t): the share of new accounts still paying after t periods (B2)."""
        self._check_fitted()
        tt = as_vector("t", t)
        return np.asarray(np.exp(betaln(self.alpha_, self.beta_ + tt) - self._lnb()))

    def churn_probability(self, t: ArrayLike) -> FloatArray:
        """P(T = t): the probability that a new account pays exactly t periods (B1)."""
        self._check_fitted()
        tt = as_vector("t", t)
        if np.any(tt < 1):
            raise ValueError("t must be at least 1")
        return np.asarray(np.exp(betaln(self.alpha_ + 1, self.beta_ + tt - 1) - self._lnb()))

    def retention_rate(self, t: ArrayLike) -> FloatArray:
        """r_t = S(t)/S(t−1) = (β+t−1)/(α+β+t−1): the share of accounts that survived t−1
        renewals and renew again (rising with t: the sorting effect of the 2007 paper)."""
        self._check_fitted()
        tt = as_vector("t", t)
        if np.any(tt < 1):
            raise ValueError("t must be at least 1")
        return np.asarray((self.beta_ + tt - 1) / (self.alpha_ + self.beta_ + tt - 1))

    def derl(self, discount_rate_per_period: float, renewals_seen: ArrayLike = 0) -> FloatArray:
        """Discounted expected residual lifetime (DERL, Fader & Hardie 2010), in periods,
        of an account that has survived ``renewals_seen`` renewals, valued just before its
        next renewal decision (that renewal's payment counts 1, the next 1/(1+d), …):

            DERL(d | α, β, n) = (β+n)/(α+β+n) · 2F1(1, β+n+1; α+β+n+1; 1/(1+d))

        (the paper writes it for an account that made n−1 renewals, with n−1 where we
        write n). Equals Σ_{k≥1} S(n+k)/S(n) / (1+d)^{k−1}."""
        self._check_fitted()
        d = _rate(discount_rate_per_period)
        n = as_vector("renewals_seen", renewals_seen)
        a, b = self.alpha_, self.beta_
        return np.asarray(
            (b + n) / (a + b + n) * hyp2f1(1.0, b + n + 1, a + b + n + 1, 1 / (1 + d))
        )

    def derl_new(self, discount_rate_per_period: float) -> float:
        """Expected discounted number of paid periods of a just-acquired account, the first
        one (paid now) included: Σ_{t≥0} S(t)/(1+d)^t = 2F1(1, β; α+β; 1/(1+d)). LTV of a
        new account = value per period × this."""
        self._check_fitted()
        d = _rate(discount_rate_per_period)
        return float(hyp2f1(1.0, self.beta_, self.alpha_ + self.beta_, 1 / (1 + d)))

    def base_value(
        self,
        ages: ArrayLike,
        weights: ArrayLike | None,
        value_per_period: float,
        discount: float,
    ) -> float:
        """Residual value of the current base (Fader & Hardie 2010): Σ over active accounts
        of ``weight × value_per_period × DERL(discount | renewals_seen = age)``, ``ages``
        being the renewals each has survived (the ``t`` it is censored at in ``fit``) and
        ``discount`` the per-period rate. The periods already paid are not counted."""
        age = as_vector("ages", ages, integer=True)
        w = as_weights(weights, age.size)
        (unique_age,), grouped = group_rows(age, weights=w)
        return float(value_per_period * dot(grouped, self.derl(discount, unique_age)))

    def _lnb(self) -> float:
        return float(betaln(self.alpha_, self.beta_))


def _rate(d: float) -> float:
    if not np.isfinite(d) or d <= 0:
        raise ValueError(f"the discount rate per period must be above 0, got {d}")
    return float(d)
