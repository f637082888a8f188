"""The models run on an open :class:`~personae.metrics.MetricsSession` (DESIGN §5).

Each step pulls the aggregates it needs through the session (the MRR grid and the accounts
table are already there), fits its model and returns a :class:`ModelOutput`: the JSON-ready
summary that goes under ``models.<name>`` in dossier.json, and optionally per-account
columns for ``accounts.csv`` (risk, signal, score, with their reasons). A step returns None
when it has nothing to say. Steps run in order and see the summaries of the steps before
them (the ICP reads the LTV).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from personae import profiling
from personae.metrics import MetricsSession
from personae.models import commonalities as _commonalities
from personae.models import expansion as _expansion
from personae.models import signals as _signals
from personae.models.icp import icp
from personae.models.journey_people import journey_people_step
from personae.models.logit import thread_pools
from personae.models.ltv import ltv
from personae.models.market import tam
from personae.models.output import ModelOutput
from personae.models.personas import personas_step

__all__ = ["STEPS", "ModelOutput", "Models", "compute_models"]


@dataclass
class Models:
    summaries: dict[str, Any] = field(default_factory=dict)
    accounts: list[pd.DataFrame] = field(default_factory=list)


Step = Callable[[MetricsSession, Mapping[str, Any], Mapping[str, Any]], ModelOutput | None]

# (name, step): name is the key under ``models``; a step gets (session, metrics, summaries so
# far). Add a model by adding its line here.
STEPS: tuple[tuple[str, Step], ...] = (
    ("ltv", ltv),  # first: the ICP reads it
    ("personas", personas_step),
    ("journey_people", journey_people_step),
    ("churn_signals", _signals.churn_signals),
    ("expansion", _expansion.expansion),
    ("commonalities", _commonalities.commonalities),
    ("icp", icp),  # after ltv when present: it reads models.ltv
    ("tam", tam),  # after icp: it counts the ICP's criteria in the market file
)

# The temporary tables whose last reader is the step (none of the steps after it, nor
# accounts.csv, reads them): dropped once it ran (MetricsSession.release).
LAST_READ_BY: dict[str, tuple[str, ...]] = {
    "ltv": ("personae_ltv_lives",),
    "personas": ("personae_won_contacts", "personae_won_deal_contacts"),
    "journey_people": (
        "personae_touchpoint_phases",
        "personae_contact_groups",
        "personae_grouped_contacts",
    ),
    "churn_signals": (
        "personae_signals_grid",
        "personae_signals_raw",
        "personae_signals_usage",
        "personae_plan_lines",
        "personae_activity_months",
        "personae_mrr_grid",  # session.grid: read by the metrics, the LTV and the panel
        "personae_months",
    ),
    "expansion": ("personae_signals_panel",),
    "commonalities": ("personae_commonalities_clients", "personae_plan_months"),
    "icp": (
        "personae_icp_accounts",
        "personae_icp_attributes",
        "personae_icp_eligible",
        "personae_icp_scores",
        "personae_icp_weights",
    ),
}


def compute_models(session: MetricsSession, metrics: Mapping[str, Any]) -> Models:
    """Every model's summary, by name, and the per-account columns they give."""
    out = Models()
    with _one_blas_thread():
        for name, step in STEPS:
            with profiling.phase(f"models.{name}"):
                result = step(session, metrics, out.summaries)
                session.release(LAST_READ_BY.get(name, ()))
            if result is None:
                continue
            out.summaries[name] = result.summary
            if result.accounts is not None:
                out.accounts.append(result.accounts)
    return out


def _one_blas_thread() -> AbstractContextManager[object]:
    """BLAS on one thread while the models fit: their matrices are tiny, and OpenBLAS
    threads cost more than they give (scipy's L-BFGS-B: 20 × slower on 2 busy cores).
    threadpoolctl comes with scikit-learn, which requires it; the pools are found once
    (:func:`personae.models.logit.thread_pools`)."""
    limits: AbstractContextManager[object] = thread_pools().limit(limits=1, user_api="blas")
    return limits
