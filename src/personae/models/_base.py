"""What every fitter shares: input checks, bounded fitting on the log scale, the
convergence report, intervals from the observed information, and ``summary``.

A fitter describes its likelihood with one function of the log-parameters returning the
*mean* negative log-likelihood (per unit of weight) and its gradient; this module does the
rest. Parameters are fitted as ``log θ`` with L-BFGS-B inside ``[log lower, log upper]``,
so they stay positive and intervals from the delta method on the log scale
(``exp(log θ ± 1.96 se)``) stay positive too.

A fit that cannot be trusted raises :class:`FitError` with the reason: the optimiser did
not converge, a parameter ran to its bound (the data cannot tell it), the observed
information is singular (two parameters cannot be told apart), or an interval would span
more than eight orders of magnitude. Never a silent number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import OptimizeResult, minimize

from personae.errors import FitError

__all__ = ["FitError"]

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike
Objective = Callable[[FloatArray], tuple[float, FloatArray]]

_Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)
# Beyond this standard error of log θ, the interval spans a factor of e^(2 × 1.96 × 5) ≈ 3e8:
# the data do not constrain θ and no estimate is given.
_MAX_SE_LOG = 5.0


def as_vector(name: str, values: ArrayLike, *, integer: bool = False) -> FloatArray:
    """One-dimensional, finite, non-negative floats; a ValueError that names ``name``."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty: no data to fit")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} has missing or infinite values")
    if np.any(array < 0):
        raise ValueError(f"{name} has negative values (smallest {array.min():g})")
    if integer and np.any(array != np.round(array)):
        raise ValueError(f"{name} must hold whole numbers")
    return array


def as_weights(weights: ArrayLike | None, n: int) -> FloatArray:
    """Frequency weights (default one per row), as long as the data, summing above 0."""
    if weights is None:
        return np.ones(n)
    w = as_vector("weights", weights)
    if w.size != n:
        raise ValueError(f"weights has {w.size} values for {n} rows")
    if w.sum() <= 0:
        raise ValueError("weights sum to 0: no data to fit")
    return w


def same_length(**arrays: FloatArray) -> int:
    sizes = {name: a.size for name, a in arrays.items()}
    if len(set(sizes.values())) != 1:
        listed = ", ".join(f"{name} {size}" for name, size in sizes.items())
        raise ValueError(f"inputs must have the same length, got {listed}")
    return next(iter(sizes.values()))


def group_rows(*columns: FloatArray, weights: FloatArray) -> tuple[list[FloatArray], FloatArray]:
    """Identical rows collapsed into one with the sum of their weights (rows of weight 0 go).

    Each column is coded by hashing (``pandas.factorize``, no sort), the codes combined
    into one integer key, and the keys coded again: a million rows take tens of ms."""
    keep = weights > 0
    kept = [c[keep] for c in columns]
    levels: list[FloatArray] = []
    key = np.zeros(int(keep.sum()), dtype=np.int64)
    for column in kept:
        codes, values = pd.factorize(column)
        levels.append(np.asarray(values, dtype=np.float64))
        key = key * len(values) + codes
    if float(np.prod([float(v.size) for v in levels])) >= 2.0**62:  # the key would overflow
        unique, inverse = np.unique(np.column_stack(kept), axis=0, return_inverse=True)
        summed = np.bincount(inverse.ravel(), weights=weights[keep], minlength=len(unique))
        return [unique[:, j].copy() for j in range(unique.shape[1])], summed.astype(np.float64)
    inverse, keys = pd.factorize(key)
    summed = np.bincount(inverse, weights=weights[keep], minlength=len(keys))
    rest = np.asarray(keys, dtype=np.int64)
    grouped: list[FloatArray] = []
    for values in reversed(levels):
        rest, code = np.divmod(rest, values.size)
        grouped.append(values[code])
    return grouped[::-1], summed.astype(np.float64)


def factorize(values: FloatArray) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """Distinct values (unsorted) and each row's index into them, by hashing."""
    codes, uniques = pd.factorize(values)
    return np.asarray(uniques, dtype=np.float64), np.asarray(codes, dtype=np.intp)


def dot(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> float:
    """Σ a·b over 1-D arrays, without BLAS: on a busy two-core machine OpenBLAS's threads
    made ``a @ b`` on a million rows several times slower than this plain loop."""
    return float(np.einsum("i,i->", a, b))


class Fitter:
    """The lifelines contract: ``Model(**settings).fit(...)`` returns ``self``, fitted
    values end in ``_``, ``summary`` is a table, nothing is printed.

    Settings shared by every model: ``maxiter`` (optimiser iterations) and ``bounds``
    (the interval every parameter is searched in; reaching it is an error).
    """

    _names: tuple[str, ...] = ()

    def __init__(self, *, maxiter: int = 1000, bounds: tuple[float, float] = (1e-6, 1e6)) -> None:
        if maxiter < 1:
            raise ValueError("maxiter must be at least 1")
        if not 0 < bounds[0] < bounds[1]:
            raise ValueError("bounds must be 0 < lower < upper")
        self.maxiter = maxiter
        self.bounds = bounds
        self.params_: FloatArray = np.full(len(self._names), np.nan)
        self.standard_errors_: FloatArray = np.full(len(self._names), np.nan)
        # covariance of the log-parameters (the observed information's inverse)
        self.covariance_log_: FloatArray = np.full((len(self._names),) * 2, np.nan)
        self.confidence_intervals_: dict[str, tuple[float, float]] = {}
        self.log_likelihood_ = float("nan")
        self.n_ = 0.0
        self.converged_ = False
        self.message_ = "not fitted"
        self.iterations_ = 0

    def __repr__(self) -> str:
        if not self.converged_:
            return f"<{type(self).__name__}: not fitted>"
        fitted = ", ".join(f"{k}={v:.4g}" for k, v in zip(self._names, self.params_, strict=True))
        return f"<{type(self).__name__}: fitted on {self.n_:g}, {fitted}>"

    @property
    def summary(self) -> pd.DataFrame:
        """One row per parameter: estimate, standard error and 95 % interval."""
        self._check_fitted()
        return pd.DataFrame(
            {
                "coef": self.params_,
                "se": self.standard_errors_,
                "lower 0.95": [self.confidence_intervals_[n][0] for n in self._names],
                "upper 0.95": [self.confidence_intervals_[n][1] for n in self._names],
            },
            index=pd.Index(list(self._names), name="param"),
        )

    def _check_fitted(self) -> None:
        if not self.converged_:
            raise FitError(f"{type(self).__name__} is not fitted: call fit() first")

    def _need_variety(self, distinct: int, what: str) -> None:
        """Refuse data in which every row says the same thing: one kind of observation
        cannot identify several parameters."""
        if distinct < 2:
            raise FitError(
                f"{type(self).__name__}: every row looks the same ({what}): one kind of "
                "observation cannot tell the model's parameters apart"
            )

    def _optimise(
        self, objective: Objective, total_weight: float, start: Sequence[float] | None = None
    ) -> FloatArray:
        """Minimise ``objective`` over the log-parameters; fill the fitted attributes."""
        self.converged_ = False
        model = type(self).__name__
        lo, hi = np.log(self.bounds[0]), np.log(self.bounds[1])
        x0 = np.zeros(len(self._names)) if start is None else np.log(np.asarray(start, float))
        result = minimize(
            objective,
            x0,
            jac=True,
            method="L-BFGS-B",
            bounds=[(lo, hi)] * len(self._names),
            options={"maxiter": self.maxiter, "ftol": 1e-14, "gtol": 1e-9},
        )
        self.iterations_ = int(result.nit)
        self.message_ = str(result.message)
        finite = bool(np.all(np.isfinite(result.x)) and np.isfinite(result.fun))
        if not result.success and (result.nit >= self.maxiter or not finite):
            self._not_converged(result, f"the iteration limit maxiter={self.maxiter} was reached")
        at_bound = [
            f"{name} = {np.exp(v):.3g}"
            for name, v in zip(self._names, result.x, strict=True)
            if v - lo < 1e-3 or hi - v < 1e-3
        ]
        if at_bound:
            raise FitError(
                f"{model}: {', '.join(at_bound)} ran to the search bound {self.bounds}: "
                "the data cannot tell this parameter (too few accounts, or too little variety "
                "in what was observed)"
            )
        hessian = _hessian(objective, result.x) * total_weight
        eigen = np.linalg.eigvalsh(hessian)
        if not np.all(np.isfinite(eigen)) or eigen.min() <= 1e-9 * max(eigen.max(), 1e-300):
            raise FitError(
                f"{model}: the observed information is singular at the optimum "
                f"(eigenvalues {eigen.min():.3g} … {eigen.max():.3g}): some parameters cannot "
                "be told apart by these data, so no interval can be given"
            )
        covariance = np.linalg.inv(hessian)
        se_log = np.sqrt(np.diag(covariance))
        if not result.success:
            # L-BFGS-B's line search can give up at float precision next to the optimum
            # ("ABNORMAL"). Accept the point only if the Newton step still to go is under
            # 1 % of every standard error; otherwise the likelihood is flat or runs away.
            newton = covariance @ (np.asarray(result.jac) * total_weight)
            if not np.all(np.abs(newton) <= 0.01 * se_log):
                self._not_converged(
                    result,
                    "the likelihood is flat, or keeps rising toward a limit, in some direction: "
                    "these data cannot pin the parameters down (too few accounts, or too "
                    "little variety in what was observed)",
                )
            self.message_ = (
                f"converged: the line search stopped at float precision ({result.message}) "
                f"{np.abs(newton / se_log).max():.1e} standard errors from the optimum"
            )
        vague = [
            f"{name} = {np.exp(v):.3g} (standard error {s:.3g} on the log scale)"
            for name, v, s in zip(self._names, result.x, se_log, strict=True)
            if not s <= _MAX_SE_LOG
        ]
        if vague:
            raise FitError(
                f"{model}: the data barely constrain {', '.join(vague)}: its 95 % interval "
                f"would span more than a factor of 10^{2 * _Z95 * _MAX_SE_LOG / np.log(10):.0f}, "
                "so the estimate means nothing (too few accounts, or too little variety)"
            )
        self.params_ = np.exp(result.x)
        self.standard_errors_ = self.params_ * se_log  # delta method
        self.covariance_log_ = np.asarray(covariance, dtype=np.float64)
        self.confidence_intervals_ = {
            name: (float(np.exp(v - _Z95 * s)), float(np.exp(v + _Z95 * s)))
            for name, v, s in zip(self._names, result.x, se_log, strict=True)
        }
        self.log_likelihood_ = -float(result.fun) * total_weight
        self.n_ = total_weight
        self.converged_ = True
        return self.params_

    def _not_converged(self, result: OptimizeResult, why: str) -> NoReturn:
        last = ", ".join(
            f"{k} = {np.exp(v):.3g}" for k, v in zip(self._names, result.x, strict=True)
        )
        self.message_ = f"did not converge after {result.nit} iterations ({result.message})"
        raise FitError(f"{type(self).__name__} fit {self.message_}: {why}; last values {last}")


def _hessian(objective: Objective, x: FloatArray) -> FloatArray:
    """Central differences of the analytic gradient, symmetrised."""
    k = x.size
    hessian = np.empty((k, k))
    for j in range(k):
        step = 1e-5 * max(1.0, abs(x[j]))
        up, down = x.copy(), x.copy()
        up[j] += step
        down[j] -= step
        hessian[:, j] = (objective(up)[1] - objective(down)[1]) / (2 * step)
    return (hessian + hessian.T) / 2
