"""Expansion triggers and opportunities (DESIGN §5, §6 ``models.expansion``).

Triggers: the panel's groups that precede a rise of MRR the next month, found exactly as
the churn signals are (cohort lift with a Wilson interval, then the logistic model and its
hold-out). Opportunities: the accounts paying now whose strong behavioural trigger is on
(lift ≥ :data:`~personae.models.cohorts.STRONG_LIFT`; usage, users, support, MRR moves — not
who they are), counted by segment with their ARR, in SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis

from personae.metrics import MetricsSession
from personae.metrics.stats import num
from personae.models.cohorts import STRONG_LIFT
from personae.models.features import BEHAVIOUR, BY_NAME
from personae.models.output import ModelOutput
from personae.models.panel import FAMILY, bin_column
from personae.models.signals import analyse, prepared


def strong_triggers(triggers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The triggers that define an opportunity: behavioural, lift ≥ STRONG_LIFT."""
    return [t for t in triggers if t["kind"] == BEHAVIOUR and t["lift"] >= STRONG_LIFT]


def opportunities(session: MetricsSession, triggers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[{segment, accounts, arr}]`` of the accounts whose strong trigger is on now."""
    on = strong_triggers(triggers)
    if not on:
        return []
    cur = prepared(session).panel.current
    cond = ibis.literal(False)
    for t in on:
        cond = cond | (cur[bin_column(BY_NAME[t["feature"]])] == t["group"])
    hit = cur.filter(cond)
    expr = hit.group_by("segment").aggregate(accounts=hit.count(), arr=(hit.mrr * 12).sum())
    rows = session.ctx.run(FAMILY, expr)
    out = [
        {"segment": r["segment"], "accounts": int(r["accounts"]), "arr": num(r["arr"]) or 0.0}
        for r in rows
    ]
    return sorted(out, key=lambda r: (-r["arr"], r["segment"]))


def expansion(
    session: MetricsSession, metrics: Mapping[str, Any], models: Mapping[str, Any]
) -> ModelOutput:
    """``models.expansion`` and the accounts' ``expansion_signal`` with its reasons."""
    summary, frame = analyse(session, "expansion")
    triggers = summary.pop("signals")
    summary["triggers"] = triggers
    summary["opportunities"] = opportunities(session, triggers)
    summary["opportunity_triggers"] = [t["phrase"] for t in strong_triggers(triggers)]
    if frame is None:
        return ModelOutput(summary)
    accounts = frame.rename(columns={"score": "expansion_signal", "reasons": "expansion_reasons"})
    return ModelOutput(summary, accounts[["account_id", "expansion_signal", "expansion_reasons"]])
