"""The Gamma-Gamma model of spend per transaction.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "RFM and CLV: Using Iso-Value Curves
for Customer Base Analysis", Journal of Marketing Research 42(4), 415–430; and Fader, P. S.
& Hardie, B. G. S. (2013), "The Gamma-Gamma Model of Monetary Value" (note,
brucehardie.com/notes/025).

Each transaction's value is Gamma(p, ν); ν varies across customers as Gamma(q, γ). A
customer is summarised by ``x`` transactions of mean value ``m̄``. The model is only
defined for customers with at least one (repeat) transaction: ``fit`` ignores rows with
``frequency == 0`` and counts them in ``ignored_``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from personae.models._base import (
    ArrayLike,
    Fitter,
    FloatArray,
    as_vector,
    as_weights,
    dot,
    factorize,
    same_length,
)

__all__ = ["GammaGamma"]


class GammaGamma(Fitter):
    """``GammaGamma().fit(frequency, monetary_value, weights=None)`` → ``p_``, ``q_``,
    ``gamma_``, ``log_likelihood_``, ``p_ci_``, ``q_ci_``, ``gamma_ci_``, ``n_`` (weight
    fitted), ``ignored_`` (weight of rows with frequency 0, left out)."""

    _names = ("p", "q", "gamma")

    def __init__(self, *, maxiter: int = 1000, bounds: tuple[float, float] = (1e-6, 1e6)) -> None:
        super().__init__(maxiter=maxiter, bounds=bounds)
        self.p_ = self.q_ = self.gamma_ = float("nan")
        nan = (float("nan"), float("nan"))
        self.p_ci_ = self.q_ci_ = self.gamma_ci_ = nan
        self.ignored_ = 0.0

    def fit(
        self, frequency: ArrayLike, monetary_value: ArrayLike, weights: ArrayLike | None = None
    ) -> GammaGamma:
        self.converged_ = False  # a failed refit leaves no stale estimates usable
        x_all = as_vector("frequency", frequency, integer=True)
        m_all = as_vector("monetary_value", monetary_value)
        w_all = as_weights(weights, same_length(frequency=x_all, monetary_value=m_all))
        keep = (x_all > 0) & (w_all > 0)
        self.ignored_ = float(w_all[x_all == 0].sum())
        if not keep.any():
            raise ValueError(
                "no customer with frequency > 0: the Gamma-Gamma model needs repeat buyers"
            )
        x, m, w = x_all[keep], m_all[keep], w_all[keep]
        if np.any(m <= 0):
            raise ValueError("monetary_value must be above 0 for customers with frequency > 0")
        total = float(w.sum())
        alike = bool(np.all(x == x[0]) and np.all(m == m[0]))
        self._need_variety(1 if alike else 2, f"frequency {x[0]:g}, monetary value {m[0]:g}")
        # Terms in x only are summed per distinct x; the ones in ln m̄ are constants.
        ux, ix = factorize(x)
        wx = np.bincount(ix, weights=w)
        log_m = np.log(m)
        sum_wx_logm, sum_w_logm = dot(w * x, log_m), dot(w, log_m)
        xm = x * m
        wx_rows = w * x
        log_ux = np.log(ux)

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            p, q, g = np.exp(theta)
            # ln f(m̄ | p, q, γ; x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ
            #                      + (px−1) ln m̄ + px ln x − (px+q) ln(γ + m̄x)
            # (Fader & Hardie 2013, eq. (4): the marginal of m̄ after integrating ν out).
            px = p * ux
            log_gxm = np.log(g + xm)
            sum_w_log, sum_wx_log = dot(w, log_gxm), dot(wx_rows, log_gxm)
            ll = (
                dot(wx, gammaln(px + q) - gammaln(px) + px * log_ux)
                + total * (q * np.log(g) - gammaln(q))
                + p * sum_wx_logm
                - sum_w_logm
                - p * sum_wx_log
                - q * sum_w_log
            )
            psi = digamma(px + q)
            dp = dot(wx, ux * (psi - digamma(px) + log_ux)) + sum_wx_logm - sum_wx_log
            dq = dot(wx, psi) + total * (np.log(g) - digamma(q)) - sum_w_log
            inv = 1 / (g + xm)
            dg = total * q / g - p * dot(wx_rows, inv) - q * dot(w, inv)
            grad = -np.array([dp * p, dq * q, dg * g]) / total
            return -float(ll) / total, grad

        self._optimise(objective, total)
        self.p_, self.q_, self.gamma_ = (float(v) for v in self.params_)
        ci = self.confidence_intervals_
        self.p_ci_, self.q_ci_, self.gamma_ci_ = (ci[k] for k in self._names)
        return self

    def conditional_expected_average_profit(
        self, frequency: ArrayLike, monetary_value: ArrayLike
    ) -> FloatArray:
        """E[M | p, q, γ, m̄, x] = (γ + m̄x) p / (px + q − 1) (Fader & Hardie 2013, eq. (5)):
        a weighted mean of the population mean γp/(q−1) and the customer's own m̄.
        For x = 0 it is the population mean (needs q > 1)."""
        self._check_fitted()
        x, m = as_vector("frequency", frequency), as_vector("monetary_value", monetary_value)
        p, q, g = self.p_, self.q_, self.gamma_
        if q <= 1:
            raise ValueError(f"q = {q:.3g} ≤ 1: the mean spend per transaction is infinite")
        return np.asarray((g + np.where(x > 0, m, 0.0) * x) * p / (p * x + q - 1))
