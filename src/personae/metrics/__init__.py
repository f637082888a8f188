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

from personae.metrics.calendar import resolve_as_of
from personae.metrics.compute import MetricsSession, compute_metrics
from personae.metrics.stats import Rate, rate, wilson_interval

__all__ = ["MetricsSession", "Rate", "compute_metrics", "rate", "resolve_as_of", "wilson_interval"]
