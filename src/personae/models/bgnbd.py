"""The BG/NBD model of repeat purchasing in a non-contractual setting.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "'Counting Your Customers' the Easy
Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275–284.

While active, a customer buys as a Poisson process of rate λ ~ Gamma(r, α); after each
purchase they drop out with probability p ~ Beta(a, b). A customer is summarised by
``(x, t_x, T)``: ``x`` repeat purchases (``frequency``), the last at ``t_x`` (``recency``)
in an observation window of length ``T`` since their first purchase, all in the same
time unit (weeks in the paper and in DESIGN §5).
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, gammaln, hyp2f1

from personae.models._base import (
    ArrayLike,
    FitError,
    Fitter,
    FloatArray,
    as_vector,
    as_weights,
    dot,
    factorize,
    group_rows,
    same_length,
)

__all__ = ["BGNBD"]


class BGNBD(Fitter):
    """``BGNBD().fit(frequency, recency, T, weights=None)`` → ``r_``, ``alpha_``, ``a_``,
    ``b_``, ``log_likelihood_``, ``confidence_intervals_`` (and ``r_ci_`` … ``b_ci_``),
    ``n_`` (total weight), ``groups_`` (distinct (x, t_x, T) rows actually fitted)."""

    _names = ("r", "alpha", "a", "b")

    def __init__(self, *, maxiter: int = 1000, bounds: tuple[float, float] = (1e-6, 1e6)) -> None:
        super().__init__(maxiter=maxiter, bounds=bounds)
        self.r_ = self.alpha_ = self.a_ = self.b_ = float("nan")
        nan = (float("nan"), float("nan"))
        self.r_ci_ = self.alpha_ci_ = self.a_ci_ = self.b_ci_ = nan
        self.groups_ = 0

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        weights: ArrayLike | None = None,
    ) -> BGNBD:
        self.converged_ = False  # a failed refit leaves no stale estimates usable
        x = as_vector("frequency", frequency, integer=True)
        t_x = as_vector("recency", recency)
        big_t = as_vector("T", T)
        n = same_length(frequency=x, recency=t_x, T=big_t)
        w = as_weights(weights, n)
        if np.any(t_x > big_t):
            raise ValueError("recency must not exceed T (the last purchase is inside the window)")
        if np.any((x == 0) & (t_x != 0)):
            raise ValueError("recency must be 0 for customers without repeat purchases")
        (x, t_x, big_t), w = group_rows(x, t_x, big_t, weights=w)
        self.groups_ = int(w.size)
        if not np.any(x > 0):
            raise FitError(
                "BGNBD: no customer made a repeat purchase, so the purchase rate and the "
                "dropout cannot be estimated (r/α → 0)"
            )
        self._need_variety(w.size, f"x = {x[0]:g}, t_x = {t_x[0]:g}, T = {big_t[0]:g}")
        total = float(w.sum())
        # Whatever depends on x, T or t_x alone is computed once per distinct value and
        # gathered; sums over rows of a function of T alone are sums over distinct T.
        ux, ix = factorize(x)
        ut, it = factorize(big_t)
        wx, wt = np.bincount(ix, weights=w), np.bincount(it, weights=w)
        wxt = np.bincount(it, weights=w * x)  # Σ w·x per distinct T
        rep = x > 0
        w_r, x_r, ix_r, it_r = w[rep], x[rep], ix[rep], it[rep]
        utx, itx_r = factorize(t_x[rep])

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            r, alpha, a, b = np.exp(theta)
            # Eq. (6): L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
            #            + δ(x>0) B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)),
            # written ln L = A + B1 + ln(1 + δ e^D) with
            # A = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b),  B1 = −(r+x) ln(α+T),
            # D = B2 − B1 = ln(a/(b+x−1)) + (r+x)(ln(α+T) − ln(α+t_x)).
            log_t, log_tx = np.log(alpha + ut), np.log(alpha + utx)
            a_x = (
                gammaln(r + ux) - gammaln(r) + r * np.log(alpha) + betaln(a, b + ux) - betaln(a, b)
            )
            ratio = np.log(a) - np.log(b + np.maximum(ux, 1) - 1)
            gap = log_t[it_r] - log_tx[itx_r]
            d = ratio[ix_r] + (r + x_r) * gap
            # ln(1 + e^D) and q = e^D/(1 + e^D) through tanh (exp is slow on long arrays):
            # q = (1 + tanh(D/2))/2 and ln(1 + e^D) = max(D, 0) − ln((1 + |tanh(D/2)|)/2).
            th = np.tanh(d / 2)
            softplus = np.maximum(d, 0) - np.log(0.5 + 0.5 * np.abs(th))
            q = 0.5 + 0.5 * th
            ll = dot(wx, a_x) - dot(r * wt + wxt, log_t) + dot(w_r, softplus)
            # Gradient; q weighs the second term of (6).
            wq = w_r * q
            wq_rx = wq * (r + x_r)
            psi_abx = digamma(a + b + ux)
            dr = dot(wx, digamma(r + ux) - digamma(r) + np.log(alpha)) - dot(wt, log_t)
            dr += dot(wq, gap)
            dalpha = total * r / alpha - dot(r * wt + wxt, 1 / (alpha + ut))
            dalpha += dot(np.bincount(it_r, weights=wq_rx, minlength=ut.size), 1 / (alpha + ut))
            dalpha -= dot(np.bincount(itx_r, weights=wq_rx, minlength=utx.size), 1 / (alpha + utx))
            sum_wq = float(wq.sum())
            da = dot(wx, digamma(a + b) - psi_abx) + sum_wq / a
            db = dot(wx, digamma(b + ux) - psi_abx - digamma(b) + digamma(a + b))
            wq_x = np.bincount(ix_r, weights=wq, minlength=ux.size)
            db -= dot(wq_x, 1 / (b + np.maximum(ux, 1) - 1))
            grad = -np.array([dr * r, dalpha * alpha, da * a, db * b]) / total
            return -ll / total, grad

        self._optimise(objective, total)
        self.r_, self.alpha_, self.a_, self.b_ = (float(v) for v in self.params_)
        ci = self.confidence_intervals_
        self.r_ci_, self.alpha_ci_, self.a_ci_, self.b_ci_ = (ci[k] for k in self._names)
        return self

    def expected_purchases(self, t: ArrayLike) -> FloatArray:
        """E[X(t)]: expected purchases in (0, t] of a customer acquired at 0 (eq. (7)):
        (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))]."""
        self._check_fitted()
        tt = as_vector("t", t)
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        hyp = hyp2f1(r, b, a + b - 1, tt / (alpha + tt))
        return np.asarray((a + b - 1) / (a - 1) * (1 - (alpha / (alpha + tt)) ** r * hyp))

    def conditional_expected_purchases(
        self, t: ArrayLike, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] of a customer with history
        (x, t_x, T) (eq. (10))."""
        self._check_fitted()
        tt, xx = as_vector("t", t), as_vector("frequency", x)
        tx, big_t = as_vector("recency", t_x), as_vector("T", T)
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        hyp = hyp2f1(r + xx, b + xx, a + b + xx - 1, tt / (alpha + big_t + tt))
        head = (a + b + xx - 1) / (a - 1)
        body = 1 - ((alpha + big_t) / (alpha + big_t + tt)) ** (r + xx) * hyp
        return np.asarray(head * body * self.probability_alive(xx, tx, big_t))

    def probability_alive(self, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> FloatArray:
        """P(active at T | x, t_x, T) = 1 / [1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)]
        (Fader, Hardie & Lee 2005, eq. (10)'s denominator; their 2008 note on P(alive))."""
        self._check_fitted()
        xx, tx = as_vector("frequency", x), as_vector("recency", t_x)
        big_t = as_vector("T", T)
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = np.log(a / (b + xx - 1)) + (r + xx) * (
                np.log(alpha + big_t) - np.log(alpha + tx)
            )
        odds = np.where(xx > 0, np.exp(np.where(xx > 0, log_odds, 0.0)), 0.0)
        return np.asarray(1 / (1 + odds))
