"""The metric engine: every number of the dossier as Ibis expressions (DESIGN §4).

A :class:`MetricsSession` owns the temporary tables (MRR grid, accounts) for the life of a
report, so models reuse them; ``compute_metrics(con, tables, settings)`` is the one-shot
form and returns the JSON-ready ``metrics`` object of dossier.json; ``resolve_as_of`` gives the as-of date T it uses. One module per metric
family: calendar (T, W, W', the month grid), mrr (MRR grid, movements), accounts (one row
per account), firmographics (size band, region, industry, segment), overview, groups,
churn, expansion, deals, journey, top; stats holds the rate objects and the Wilson
interval; context and query the provenance / missing records and result fetching;
compute ties them together.
"""

import typing as _typing

from personae._lazy import attach as _attach
from personae.metrics.stats import Rate, rate, wilson_interval

if _typing.TYPE_CHECKING:  # imported on first use (PEP 562): fill/ needs no Ibis nor pandas
    from personae.metrics.calendar import resolve_as_of
    from personae.metrics.compute import MetricsSession, compute_metrics

_HOMES = {
    "resolve_as_of": "personae.metrics.calendar",
    "MetricsSession": "personae.metrics.compute",
    "compute_metrics": "personae.metrics.compute",
}


__getattr__, __dir__ = _attach(__name__, _HOMES)


__all__ = ["MetricsSession", "Rate", "compute_metrics", "rate", "resolve_as_of", "wilson_interval"]
