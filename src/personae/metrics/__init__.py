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

import importlib as _importlib
import typing as _typing

from personae.metrics.stats import Rate, rate, wilson_interval

if _typing.TYPE_CHECKING:  # imported on first use (PEP 562): fill/ needs no Ibis nor pandas
    from personae.metrics.calendar import resolve_as_of
    from personae.metrics.compute import MetricsSession, compute_metrics

_HOMES = {
    "resolve_as_of": "personae.metrics.calendar",
    "MetricsSession": "personae.metrics.compute",
    "compute_metrics": "personae.metrics.compute",
}


def __getattr__(name: str) -> _typing.Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'personae.metrics' has no attribute {name!r}")
    value = getattr(_importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = ["MetricsSession", "Rate", "compute_metrics", "rate", "resolve_as_of", "wilson_interval"]
