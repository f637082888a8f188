"""The models run on an open :class:`~personae.metrics.MetricsSession` (DESIGN §5).

Each step pulls the aggregates it needs through the session (the MRR grid and the accounts
table are already there), fits its model and returns the JSON-ready object that goes under
``models.<name>`` in dossier.json, or None when it has nothing to say. Steps run in order
and see the results of the steps before them (the ICP reads the LTV).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from personae.metrics import MetricsSession

Step = Callable[[MetricsSession, Mapping[str, Any], Mapping[str, Any]], dict[str, Any] | None]

# (name, step): name is the key under ``models``; the step gets (session, metrics, models so far).
STEPS: tuple[tuple[str, Step], ...] = ()


def compute_models(session: MetricsSession, metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Every model's result, by name."""
    out: dict[str, Any] = {}
    for name, step in STEPS:
        result = step(session, metrics, out)
        if result is not None:
            out[name] = result
    return out
