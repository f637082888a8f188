"""Churn signals (DESIGN §5, §6 ``models.churn_signals``) and the analysis they share with
the expansion triggers: cohort lifts per feature, then the logistic model and its hold-out.

:func:`analyse` runs one outcome ("churn": MRR > 0 this month and none the next;
"expansion": MRR up the next month) on the session's panel (built once per session). When
the data cannot support a model — no labelled month, no outcome, fewer than
:data:`~personae.models.logit.MIN_EVENTS`, one class only in training — the summary carries
a ``reason`` and no invented number.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.pipeline import Pipeline

from personae.dossier.kinds import fmt_int, fmt_list, fmt_percent
from personae.metrics import MetricsSession
from personae.models import logit
from personae.models.cohorts import STRONG_LIFT, Group, cohort_stats, ranked_signals
from personae.models.features import BEHAVIOUR, BY_NAME, CATEGORICAL, PROFILE, available
from personae.models.logit import Floats
from personae.models.output import ModelOutput
from personae.models.panel import FAMILY, MAX_PANEL_ROWS, Panel, bin_column, build_panel

MAX_REASONS = 3
LEVEL_SHARE = 0.01  # a categorical value gets its own indicator above this share of rows

OUTCOMES = ("churn", "expansion")
OUTCOME_TEXT = {  # outcome -> (none, too few, every month)
    "churn": ("aucun churn observé", "trop peu de churns", "des churns"),
    "expansion": ("aucune hausse de MRR observée", "trop peu de hausses de MRR", "des hausses"),
}


Scores = tuple[dict[str, Any] | None, str | None, Floats | None, dict[str, Any]]


@dataclass
class Prepared:
    panel: Panel
    groups: list[Group]
    rows: int  # labelled account-months
    events: dict[str, int]
    accounts: int  # accounts with a labelled month
    levels: dict[str, list[str]] = field(default_factory=dict)
    train: logit.Matrix | None = None  # labelled months (sampled above the cap)
    current: logit.Matrix | None = None  # T's month, with segment, mrr and the group keys
    sample: float | None = None
    scores: dict[str, Scores] = field(default_factory=dict)  # outcome -> its models' results


_PREPARED: weakref.WeakKeyDictionary[MetricsSession, Prepared] = weakref.WeakKeyDictionary()


def prepared(session: MetricsSession) -> Prepared:
    """The panel, its cohort counts and the model matrices, built once per session."""
    if session not in _PREPARED:
        ctx = session.ctx
        panel = build_panel(session)
        features = available(panel.has_usage, panel.has_support)
        groups, accounts = cohort_stats(ctx, panel, features)
        first = [g for g in groups if g.feature == features[0].name]
        lab = panel.labelled
        prep = Prepared(
            panel,
            groups,
            sum(g.months for g in first),
            {o: sum(g.events[o] for g in first) for o in OUTCOMES},
            accounts,
        )
        prep.levels = _levels(prep)
        if prep.rows and any(prep.events.values()):
            sampled, prep.sample = logit.sample_filter(lab, prep.rows)
            prep.train = logit.pull(ctx, panel, sampled, OUTCOMES, prep.levels)
            keys = tuple(bin_column(f) for f in features)
            prep.current = logit.pull(
                ctx, panel, panel.current, (), prep.levels, ("segment", "mrr", *keys)
            )
        _PREPARED[session] = prep
    return _PREPARED[session]


def sample_text(panel: Panel, model: float | None) -> str | None:
    """What was sampled, in French (None when nothing was)."""
    parts = []
    if panel.sample is not None:
        parts.append(
            f"signaux mesurés sur un échantillon déterministe de {fmt_percent(panel.sample)} "
            f"des comptes (hachage de l'identifiant), pour rester sous "
            f"{fmt_int(MAX_PANEL_ROWS)} des {fmt_int(panel.source_rows)} mois-comptes ; "
            f"tous les comptes payants aujourd'hui sont notés"
        )
    if model is not None:
        parts.append(
            f"modèle entraîné sur un échantillon déterministe de {fmt_percent(model)} "
            + ("de ces comptes" if parts else "des comptes (hachage de l'identifiant)")
            + f", pour rester sous {fmt_int(logit.MAX_MODEL_ROWS)} mois-comptes"
        )
    return " ; ".join(parts) or None


def _levels(prep: Prepared) -> dict[str, list[str]]:
    """The categorical groups that get an indicator (the most frequent is the reference)."""
    out: dict[str, list[str]] = {}
    for name in CATEGORICAL:
        groups = sorted(
            (g for g in prep.groups if g.feature == name), key=lambda g: (-g.months, g.key)
        )
        keep = [g.key for g in groups[1:] if g.months >= LEVEL_SHARE * prep.rows]
        if keep:
            out[name] = keep
    return out


def _reasons(
    current: logit.Matrix, signals: list[dict[str, Any]], kinds: set[str]
) -> npt.NDArray[np.object_]:
    """For every account paying now: the phrases of the strong signals on for it (by rank,
    at most :data:`MAX_REASONS`), as a French list (« a ; b »). Each account's signals are a
    bit mask; the text is built once per distinct mask (a few dozen), not once per account."""
    frame = current.frame
    strong = [s for s in signals if s["kind"] in kinds and s["lift"] >= STRONG_LIFT]
    mask = np.zeros(len(frame), dtype=np.int64)
    for bit, s in enumerate(strong):
        on = (frame[bin_column(BY_NAME[s["feature"]])] == s["group"]).to_numpy(dtype=bool)
        mask |= on.astype(np.int64) << bit
    masks, inverse = np.unique(mask, return_inverse=True)
    texts = [
        fmt_list([s["phrase"] for bit, s in enumerate(strong) if m >> bit & 1][:MAX_REASONS])
        for m in masks.tolist()
    ]
    out: npt.NDArray[np.object_] = np.asarray(texts, dtype=object)[inverse.reshape(-1)]
    return out


def _modelled(prep: Prepared, outcome: str) -> bool:
    """Whether ``outcome`` gets its logistic model: some labelled months, not all of them
    outcomes, and at least :data:`~personae.models.logit.MIN_EVENTS` outcomes."""
    n, k = prep.rows, prep.events[outcome]
    return n > 0 and k != n and k >= logit.MIN_EVENTS


def _scores(prep: Prepared, outcome: str) -> Scores:
    """Hold-out metrics (or why not), the current scores, and what the model leans on.

    Every modelled outcome is fitted on the first call, its hold-out and final models side
    by side (:func:`~personae.models.logit.fit_all`, the standardised rows shared), then
    the rows freed: only the results are kept.
    """
    if outcome not in prep.scores:
        m = prep.train
        assert m is not None
        first = prep.panel.idx_t - logit.HOLDOUT_MONTHS
        modelled = [o for o in OUTCOMES if _modelled(prep, o)]
        jobs: dict[tuple[str, str], logit.Job] = {}
        reasons: dict[str, str | None] = {}
        for o in modelled:
            job, reasons[o] = logit.holdout_job(m, o, first)
            if job is not None:
                jobs[(o, "holdout")] = job
            if _final(m, o):
                jobs[(o, "final")] = (None, m.y[o])
        scaled = logit.Standardised(m)
        fitted = logit.fit_all(scaled, jobs)
        for o in modelled:
            prep.scores[o] = _results(prep, o, scaled, fitted, reasons[o])
    return prep.scores[outcome]


def _final(m: logit.Matrix, outcome: str) -> bool:
    """Whether the model on every labelled month can be fitted: enough outcomes, not all."""
    y = m.y[outcome]
    return int(y.sum()) >= logit.MIN_EVENTS and int(y.sum()) != len(y)


def _results(
    prep: Prepared,
    outcome: str,
    scaled: logit.Standardised,
    fitted: Mapping[tuple[str, str], Pipeline],
    reason: str | None,
) -> Scores:
    m, cur = prep.train, prep.current
    assert m is not None and cur is not None
    info: dict[str, Any] = {"model_rows": len(m.month)}
    text = sample_text(prep.panel, prep.sample)
    if text:
        info["sample"] = text
    if prep.panel.sample is not None:
        info["panel_sample"] = prep.panel.sample  # the counts below are the sample's
    first = prep.panel.idx_t - logit.HOLDOUT_MONTHS
    metrics = None
    if (outcome, "holdout") in fitted:
        metrics = logit.holdout(m, outcome, first, scaled, fitted[(outcome, "holdout")])
    model = fitted.get((outcome, "final"))
    if model is None:
        return metrics, reason, None, info
    info["coefficients"] = logit.coefficients(model, m.names)[:10]
    p = logit.probability(model, cur.x) if len(cur.x) else np.zeros(0)
    return metrics, reason, p, info


def analyse(session: MetricsSession, outcome: str) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """The summary for ``outcome`` and, per account paying now, its score and reasons."""
    prep = prepared(session)
    n, k = prep.rows, prep.events[outcome]
    summary: dict[str, Any] = {
        "base_rate": None,
        "holdout": None,
        "signals": [],
        "n": n,
        "events": k,
        "accounts": prep.accounts,
        "dropped": list(prep.panel.dropped),
    }
    if prep.panel.notes:
        summary["notes"] = list(prep.panel.notes)
    none, few, every = OUTCOME_TEXT[outcome]
    if n == 0:
        summary["reason"] = "aucun mois payant suivi d'un mois connu : pas de panel à analyser"
        return summary, None
    summary["base_rate"] = k / n
    if k == n:
        summary["reason"] = f"tous les mois-comptes sont {every} : rien à comparer"
        return summary, None
    if k < logit.MIN_EVENTS:
        summary["reason"] = (
            f"{none if k == 0 else few} ({k} sur {n} mois-comptes, minimum "
            f"{logit.MIN_EVENTS}) : pas de signal mesurable"
        )
        return summary, None
    features = {f.name: f for f in available(prep.panel.has_usage, prep.panel.has_support)}
    signals = ranked_signals(prep.groups, features, outcome, k / n)
    summary["signals"] = signals
    holdout, reason, scores, info = _scores(prep, outcome)
    summary["holdout"] = holdout
    summary.update(info)
    if reason is not None:
        summary["holdout_reason"] = reason
    assert prep.current is not None
    kinds = {BEHAVIOUR, PROFILE} if outcome == "churn" else {BEHAVIOUR}
    frame = pd.DataFrame(
        {
            "account_id": prep.current.frame["account_id"],
            "score": np.round(scores, 4) if scores is not None else np.nan,
            "reasons": _reasons(prep.current, signals, kinds),
        }
    )
    return summary, frame


def churn_signals(
    session: MetricsSession, metrics: Mapping[str, Any], models: Mapping[str, Any]
) -> ModelOutput:
    """``models.churn_signals`` and the accounts' ``churn_risk`` with its reasons."""
    summary, frame = analyse(session, "churn")
    if frame is None:
        return ModelOutput(summary)
    accounts = frame.rename(columns={"score": "churn_risk", "reasons": "churn_risk_reasons"})
    return ModelOutput(summary, accounts[["account_id", "churn_risk", "churn_risk_reasons"]])


__all__ = ["FAMILY", "analyse", "churn_signals", "prepared"]
