"""The L2 logistic regression on the panel: trained before the last 12 months, scored on them.

Only the model matrix leaves the engine (numeric columns, NULLs imputed in SQL). Above
:data:`MAX_MODEL_ROWS` labelled account-months, whole accounts are sampled by a hash of
their id (deterministic on a given engine) and the summary says so. Features are
standardised; the regression is scikit-learn's ``LogisticRegression`` (L2, C = 1, lbfgs,
``random_state`` fixed). Hold-out: AUC, the top decile's outcome rate over the hold-out's
rate (top-decile lift), the Brier score beside that of the training base rate.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import ibis
import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import ThreadpoolController

from personae.metrics.context import Context
from personae.models.features import matrix_columns
from personae.models.panel import FAMILY, Panel

MAX_MODEL_ROWS = 200_000  # 4 fits (hold-out and final, 2 outcomes) on this many rows
HOLDOUT_MONTHS = 12
MIN_EVENTS = 20  # outcomes needed in the training months (and 5 in the hold-out)
MIN_HOLDOUT_EVENTS = 5
RANDOM_STATE = 0
Floats = npt.NDArray[np.float64]
K = TypeVar("K")


@dataclass
class Matrix:
    names: list[str]
    x: Floats
    y: dict[str, npt.NDArray[np.int8]]  # outcome -> 0/1 (empty for the rows to score)
    month: npt.NDArray[np.int64]
    frame: pd.DataFrame  # account_id and the other requested columns


def sample_filter(table: ibis.Table, rows: int) -> tuple[ibis.Table, float | None]:
    """Whole accounts sampled by hash when ``rows`` exceeds the cap: (table, fraction)."""
    if rows <= MAX_MODEL_ROWS:
        return table, None
    fraction = MAX_MODEL_ROWS / rows
    bucket = (table.account_id.hash() % 10_000 + 10_000) % 10_000
    return table.filter(bucket < round(fraction * 10_000)), fraction


def pull(
    ctx: Context,
    panel: Panel,
    table: ibis.Table,
    outcomes: tuple[str, ...],
    levels: Mapping[str, list[str]],
    keep: tuple[str, ...] = (),
) -> Matrix:
    """The model matrix of ``table``, its outcomes and the ``keep`` columns, in one query."""
    cols = matrix_columns(table, panel.has_usage, panel.has_support, levels)
    extra: dict[str, Any] = {"month_idx": table.month_idx, "account_id": table.account_id}
    extra.update({f"y_{o}": table[o] for o in outcomes})
    extra.update({k: table[k] for k in keep})
    expr = table.select(**extra, **{f"x{i}": c for i, c in enumerate(cols.values())})
    # in a fixed order: the fits sum along the rows, and the panel's joins give them in
    # the order the engine's threads finish (the last bits of a coefficient would vary)
    expr = expr.order_by(["month_idx", "account_id"])
    data = ctx.fetch(FAMILY, expr)  # compiled once: its SQL recorded, then run
    names = list(cols)
    # row-major float64, as the fits read it, in one pass by Arrow (indicators widened
    # exactly, a missing value NaN as NumPy would make it): 5 x faster than column by column
    features = data.select([f"x{i}" for i in range(len(names))])
    x: Floats = features.to_tensor(null_to_nan=True, row_major=True).to_numpy()
    y = {o: data.column(f"y_{o}").to_numpy(zero_copy_only=False).astype(np.int8) for o in outcomes}
    month = data.column("month_idx").to_numpy(zero_copy_only=False).astype(np.int64)
    frame = data.select(["account_id", *keep]).to_pandas()
    return Matrix(names, x, y, month, frame)


@cache
def thread_pools() -> ThreadpoolController:
    """The thread pools (BLAS, OpenMP) loaded with NumPy, SciPy and scikit-learn, found
    once: finding them reads the list of every shared library the process has loaded
    (10 to 60 ms, once per fit otherwise)."""
    return ThreadpoolController()


class Standardised:
    """The standardised rows of a matrix, shared by the outcomes' models.

    The scaler of a set of rows does not depend on the outcome: each set (the months
    before the hold-out, every month) is scaled once for churn and expansion alike, where
    a pipeline per outcome would fit and apply the same scaler again. A model fitted on
    them (:func:`fit_all`) is the standardise-then-regress pipeline, to the bit.
    """

    def __init__(self, m: Matrix) -> None:
        self.m = m
        self._train: dict[int | None, tuple[StandardScaler, Floats]] = {}
        self._test: dict[int, Floats] = {}

    def train(self, before: int | None) -> tuple[StandardScaler, Floats]:
        """The scaler of the months before ``before`` (every month: None), and those rows
        scaled."""
        if before not in self._train:
            x = self.m.x if before is None else self.m.x[self.m.month < before]
            with thread_pools().limit(limits=1):
                scaler = StandardScaler().fit(x)
                self._train[before] = (scaler, scaler.transform(x))
        return self._train[before]

    def test(self, before: int) -> Floats:
        """The months from ``before`` on, scaled by the scaler of the months before."""
        if before not in self._test:
            scaler, _ = self.train(before)
            with thread_pools().limit(limits=1):
                self._test[before] = scaler.transform(self.m.x[self.m.month >= before])
        return self._test[before]


Job = tuple[int | None, npt.NDArray[np.int8]]  # (the month the rows stop before, outcomes)


def fit_all(scaled: Standardised, jobs: Mapping[K, Job]) -> dict[K, Pipeline]:
    """Standardise, then the L2 logistic regression, for every ``(before, y)`` of ``jobs``:
    each on the rows of ``scaled.train(before)`` (their scaler fitted once, before any fit).

    The fits are independent (the hold-out's and the final one, of churn and of expansion),
    so they run side by side, one per core, while the engine has nothing to do: each on
    one BLAS thread, as alone (more threads only fight each other over a 40-column problem),
    so each model is the same to the bit as if fitted alone. The BLAS and OpenMP limits
    are process-wide, so they are set once around all of them, never by a fit.
    """
    for before in dict.fromkeys(before for before, _ in jobs.values()):
        scaled.train(before)  # fitted here, before the threads that read them
    items = list(jobs.items())
    workers = max(1, min(len(items), _cores()))

    def fit(job: Job) -> Pipeline:
        before, y = job
        scaler, xt = scaled.train(before)
        model = LogisticRegression(C=1.0, max_iter=1000, random_state=RANDOM_STATE)
        model.fit(xt, y)
        return Pipeline([("standardscaler", scaler), ("logisticregression", model)])

    with (
        thread_pools().limit(limits=1),
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fit") as pool,
    ):
        models = list(pool.map(fit, [job for _, job in items]))
    return {key: model for (key, _), model in zip(items, models, strict=True)}


def _cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def probability(model: Pipeline, x: Floats) -> Floats:
    p: Floats = model.predict_proba(x)[:, 1]
    return p


def top_decile_lift(y: npt.NDArray[np.int8], p: Floats) -> float:
    """Outcome rate among the 10 % highest scores over the overall rate (stable order)."""
    k = max(1, int(np.ceil(0.1 * len(y))))
    top = np.argsort(-p, kind="stable")[:k]
    return float(y[top].mean() / y.mean())


def holdout_job(m: Matrix, outcome: str, first_holdout: int) -> tuple[Job | None, str | None]:
    """The fit that trains before ``first_holdout`` (for :func:`fit_all`), or why there is
    none: too few outcomes, or only outcomes, before it or from it."""
    train = m.month < first_holdout
    y_tr, y_te = m.y[outcome][train], m.y[outcome][~train]
    if int(y_tr.sum()) < MIN_EVENTS or int(y_tr.sum()) == len(y_tr):
        return None, (
            f"trop peu de cas pour entraîner le modèle avant les {HOLDOUT_MONTHS} derniers "
            f"mois ({int(y_tr.sum())} sur {len(y_tr)} mois-comptes, minimum {MIN_EVENTS})"
        )
    if int(y_te.sum()) < MIN_HOLDOUT_EVENTS or int(y_te.sum()) == len(y_te):
        return None, (
            f"trop peu de cas sur les {HOLDOUT_MONTHS} derniers mois pour évaluer le modèle "
            f"({int(y_te.sum())} sur {len(y_te)} mois-comptes, minimum {MIN_HOLDOUT_EVENTS})"
        )
    return (first_holdout, y_tr), None


def holdout(
    m: Matrix, outcome: str, first_holdout: int, scaled: Standardised, model: Pipeline
) -> dict[str, Any]:
    """The hold-out metrics of ``model``, trained before ``first_holdout`` (its
    :func:`holdout_job`), on the months from it."""
    train = m.month < first_holdout
    y_tr, y_te = m.y[outcome][train], m.y[outcome][~train]
    p: Floats = model[-1].predict_proba(scaled.test(first_holdout))[:, 1]
    base = float(y_tr.mean())
    return {
        "auc": float(roc_auc_score(y_te, p)),
        "top_decile_lift": top_decile_lift(y_te, p),
        "brier": float(brier_score_loss(y_te, p)),
        "brier_base": float(np.mean((y_te - base) ** 2)),
        "n": len(y_te),
        "events": int(y_te.sum()),
        "train_n": len(y_tr),
        "train_events": int(y_tr.sum()),
        "rate": float(y_te.mean()),
    }


def coefficients(model: Pipeline, names: list[str]) -> list[dict[str, Any]]:
    """Standardised coefficients, largest first (what the model leans on)."""
    coef = model[-1].coef_[0]
    order = np.argsort(-np.abs(coef), kind="stable")
    return [{"feature": names[i], "coef": float(coef[i])} for i in order]
