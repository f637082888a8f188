"""What every fitter shares: input checks, bounded fitting on the log scale, the
convergence report, intervals from the observed information, and ``summary``.

A fitter describes its likelihood with one function of the log-parameters returning the
*mean* negative log-likelihood (per unit of weight) and its gradient; this module does the
rest. Parameters are fitted as ``log θ`` with L-BFGS-B inside ``[log lower, log upper]``,
so they stay positive and intervals from the delta method on the log scale
(``exp(log θ ± 1.96 se)``) stay positive too.

A fit that cannot be trusted raises :class:`FitError` with the reason: the optimiser did
not converge, a parameter ran to its bound (the data cannot tell it), or the observed
information is singular (two parameters cannot be told apart). Never a silent number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import minimize

from personae.errors import PersonaeError

__all__ = ["FitError"]

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike
Objective = Callable[[FloatArray], tuple[float, FloatArray]]

_Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)
# Beyond this standard error of log θ, the interval spans a factor of e^(2 × 1.96 × 5) ≈ 3e8:
# the data do not constrain θ and no estimate is given.
_MAX_SE_LOG = 5.0


class FitError(PersonaeError):
    """A model could not be fitted, or its fit says nothing: the message says why."""


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
    """Identical rows collapsed into one with the sum of their weights (rows of weight 0 go)."""
    keep = weights > 0
    stacked = np.column_stack([c[keep] for c in columns])
    unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=weights[keep], minlength=len(unique)).astype(
        np.float64
    )
    return [unique[:, j].copy() for j in range(unique.shape[1])], summed


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
        if not result.success or not np.all(np.isfinite(result.x)):
            if result.nit >= self.maxiter:
                why = f"the iteration limit maxiter={self.maxiter} was reached"
            else:
                why = (
                    "the likelihood is flat, or keeps rising toward a limit, in some direction: "
                    "these data cannot pin the parameters down (too few accounts, or too "
                    "little variety in what was observed)"
                )
            last = ", ".join(
                f"{k} = {np.exp(v):.3g}" for k, v in zip(self._names, result.x, strict=True)
            )
            self.message_ = f"did not converge after {result.nit} iterations ({result.message})"
            raise FitError(f"{model} fit {self.message_}: {why}; last values {last}")
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
        self.confidence_intervals_ = {
            name: (float(np.exp(v - _Z95 * s)), float(np.exp(v + _Z95 * s)))
            for name, v, s in zip(self._names, result.x, se_log, strict=True)
        }
        self.log_likelihood_ = -float(result.fun) * total_weight
        self.n_ = total_weight
        self.converged_ = True
        return self.params_


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
