"""The logistic models of the churn signals and expansion triggers, fitted side by side
(:func:`personae.models.logit.fit_all`): each the same to the bit as the standardise-then-
regress pipeline fitted alone, whether the fits share the cores or run one after another."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from personae.models import logit


def _matrix(seed: int = 7, rows: int = 6000) -> logit.Matrix:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 6)) * [1, 2, 5, 0.5, 10, 1] + [0, 1, 100, 0, -3, 2]
    month = rng.integers(0, 36, size=rows)
    churn = rng.random(rows) < 1 / (1 + np.exp(-(0.8 * x[:, 0] - 0.1 * x[:, 1] - 3)))
    up = rng.random(rows) < 1 / (1 + np.exp(-(0.05 * x[:, 4] + 0.6 * x[:, 3] - 2.5)))
    y = {"churn": churn.astype(np.int8), "expansion": up.astype(np.int8)}
    names = [f"f{i}" for i in range(x.shape[1])]
    frame = pd.DataFrame({"account_id": [f"a{i}" for i in range(rows)]})
    return logit.Matrix(names, np.ascontiguousarray(x), y, month.astype(np.int64), frame)


def _alone(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    model = LogisticRegression(C=1.0, max_iter=1000, random_state=logit.RANDOM_STATE)
    with logit.thread_pools().limit(limits=1):
        pipe = make_pipeline(StandardScaler(), model).fit(x, y)
    coef: np.ndarray = pipe[-1].coef_
    return coef


@pytest.mark.parametrize("cores", [1, 2, 4])
def test_each_model_is_the_pipeline_fitted_alone(
    monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    monkeypatch.setattr(logit, "_cores", lambda: cores)
    m = _matrix()
    first = 24
    jobs: dict[tuple[str, str], logit.Job] = {}
    for o in ("churn", "expansion"):
        job, reason = logit.holdout_job(m, o, first)
        assert reason is None and job is not None
        jobs[(o, "holdout")] = job
        jobs[(o, "final")] = (None, m.y[o])
    fitted = logit.fit_all(logit.Standardised(m), jobs)
    assert list(fitted) == list(jobs)  # in the order asked
    before = m.month < first
    for o in ("churn", "expansion"):
        held = fitted[(o, "holdout")][-1].coef_
        final = fitted[(o, "final")][-1].coef_
        assert np.array_equal(held, _alone(m.x[before], m.y[o][before]))
        assert np.array_equal(final, _alone(m.x, m.y[o]))
    assert not np.array_equal(
        fitted[("churn", "final")][-1].coef_, fitted[("expansion", "final")][-1].coef_
    )


def test_holdout_metrics_of_a_fitted_model() -> None:
    m = _matrix()
    scaled = logit.Standardised(m)
    job, _ = logit.holdout_job(m, "churn", 24)
    assert job is not None
    model = logit.fit_all(scaled, {"h": job})["h"]
    got = logit.holdout(m, "churn", 24, scaled, model)
    test = m.month >= 24
    assert got["n"] == int(test.sum()) and got["events"] == int(m.y["churn"][test].sum())
    assert got["train_n"] == int((~test).sum())
    assert 0.6 < got["auc"] <= 1.0  # the planted effect of f0 is found on months it never saw
    assert got["brier"] < got["brier_base"]


def test_no_holdout_job_without_enough_outcomes() -> None:
    m = _matrix()
    m.y["churn"][:] = 0
    m.y["churn"][:3] = 1
    job, reason = logit.holdout_job(m, "churn", 24)
    assert job is None and reason is not None and "trop peu de cas" in reason
    assert logit.fit_all(logit.Standardised(m), {}) == {}
