"""The panel's features as groups a person can act on, and as the logistic model's matrix.

Each :class:`Feature` cuts the panel into named groups in SQL (``ibis.cases``), each group
with a French phrase ("usage en baisse de plus de 50 % sur 3 mois"). Groups whose phrase is
None (no history yet, unknown value) are counted but never reported as a signal. The
model matrix (:func:`matrix_columns`) turns the same columns into numbers: log usage
trends, counts, the MRR change, log tenure, plan and firmographic indicators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

# kinds: behaviour (what the account does: can switch on and off) and profile (who it is)
BEHAVIOUR = "behaviour"
PROFILE = "profile"


@dataclass(frozen=True)
class Feature:
    name: str
    kind: str
    needs: str | None  # "usage" or "support" when it comes from an optional table
    bins: Callable[[ibis.Table], ir.StringValue]  # the group key of each row
    phrases: Mapping[str, str | None] | None  # group key -> French phrase; None: "prefix value"
    prefix: str = ""

    def phrase(self, key: str) -> str | None:
        if self.phrases is None:
            return f"{self.prefix} {key}"
        return self.phrases.get(key)


def _trend(column: str, months: int) -> Feature:
    def bins(t: ibis.Table) -> ir.StringValue:
        avg, now = t[column], t.events
        r = now / avg
        return ibis.cases(
            (avg.isnull(), "history"),
            ((avg == 0) & (now == 0), "none"),
            (avg == 0, "restart"),
            (r < 0.5, "down50"),
            (r < 0.8, "down20"),
            (r < 1.25, "stable"),
            (r < 2, "up25"),
            else_="up100",
        )

    span = f"par rapport aux {months} mois précédents"
    return Feature(
        f"usage_trend_{months}m",
        BEHAVIOUR,
        "usage",
        bins,
        {
            "history": None,
            "none": f"aucun usage ce mois-ci ni les {months} mois précédents",
            "restart": f"reprise d'usage après {months} mois sans activité",
            "down50": f"usage en baisse de plus de 50 % {span}",
            "down20": f"usage en baisse de 20 à 50 % {span}",
            "stable": f"usage stable {span}",
            "up25": f"usage en hausse de 25 à 100 % {span}",
            "up100": f"usage plus que doublé {span}",
        },
    )


def _steps(
    name: str,
    kind: str,
    needs: str | None,
    column: str,
    cuts: tuple[tuple[int, str, str], ...],
    last: tuple[str, str],
) -> Feature:
    """Groups of an integer column: ``value <= bound`` for each cut, then the rest."""

    def bins(t: ibis.Table) -> ir.StringValue:
        c = t[column]
        return ibis.cases(
            (c.isnull(), "unknown"),
            *((c <= bound, key) for bound, key, _ in cuts),
            else_=last[0],
        )

    phrases: dict[str, str | None] = {"unknown": None}
    phrases.update({key: text for _, key, text in cuts})
    phrases[last[0]] = last[1]
    return Feature(name, kind, needs, bins, phrases)


def _mrr_change(t: ibis.Table) -> ir.StringValue:
    before = t.mrr_3m_ago
    return ibis.cases(
        (before.isnull(), "new"),
        (t.mrr < before * (1 - 1e-6), "down"),
        (t.mrr > before * (1 + 1e-6), "up"),
        else_="flat",
    )


def _plan(t: ibis.Table) -> ir.StringValue:
    n = t.plan_months
    return ibis.cases(
        (n.isnull(), "unknown"),
        (n == 1, "monthly"),
        (n == 3, "quarterly"),
        (n == 12, "annual"),
        else_="other",
    )


def _column(name: str) -> Callable[[ibis.Table], ir.StringValue]:
    def bins(t: ibis.Table) -> ir.StringValue:
        col: ir.StringValue = t[name].cast("string").fill_null("Non renseigné")
        return col

    return bins


FEATURES: tuple[Feature, ...] = (
    _trend("events_3m", 3),
    _trend("events_6m", 6),
    _steps(
        "active_days",
        BEHAVIOUR,
        "usage",
        "active_days",
        (
            (0, "0", "aucun jour d'activité dans le mois"),
            (2, "1-2", "1 à 2 jours actifs dans le mois"),
            (5, "3-5", "3 à 5 jours actifs dans le mois"),
            (10, "6-10", "6 à 10 jours actifs dans le mois"),
        ),
        ("11+", "plus de 10 jours actifs dans le mois"),
    ),
    _steps(
        "users",
        BEHAVIOUR,
        "usage",
        "users",
        (
            (0, "0", "aucun utilisateur actif dans le mois"),
            (1, "1", "un seul utilisateur actif dans le mois"),
            (3, "2-3", "2 à 3 utilisateurs actifs dans le mois"),
        ),
        ("4+", "4 utilisateurs actifs ou plus dans le mois"),
    ),
    _steps(
        "support_90d",
        BEHAVIOUR,
        "support",
        "support_90d",
        (
            (0, "0", "aucune note de support en 90 jours"),
            (1, "1", "1 note de support en 90 jours"),
            (2, "2", "2 notes de support en 90 jours"),
        ),
        ("3+", "3 notes de support ou plus en 90 jours"),
    ),
    Feature(
        "mrr_change_3m",
        BEHAVIOUR,
        None,
        _mrr_change,
        {
            "new": None,
            "down": "MRR en baisse sur 3 mois",
            "up": "MRR en hausse sur 3 mois",
            "flat": "MRR stable sur 3 mois",
        },
    ),
    _steps(
        "tenure",
        PROFILE,
        None,
        "tenure",
        (
            (3, "1-3", "client depuis 3 mois ou moins"),
            (6, "4-6", "client depuis 4 à 6 mois"),
            (12, "7-12", "client depuis 7 à 12 mois"),
            (24, "13-24", "client depuis 1 à 2 ans"),
        ),
        ("25+", "client depuis plus de 2 ans"),
    ),
    Feature(
        "plan_period",
        PROFILE,
        None,
        _plan,
        {
            "unknown": None,
            "monthly": "abonnement mensuel",
            "quarterly": "abonnement trimestriel",
            "annual": "abonnement annuel",
            "other": "abonnement d'une autre durée",
        },
    ),
    Feature("segment", PROFILE, None, _column("segment"), None, "segment"),
    Feature("size_band", PROFILE, None, _column("size_band"), None, "taille"),
    Feature("industry", PROFILE, None, _column("industry"), None, "secteur"),
    Feature("region", PROFILE, None, _column("region"), None, "région"),
    Feature("kind", PROFILE, None, _column("kind"), None, "clients"),
    Feature("acquisition_channel", PROFILE, None, _column("acquisition_channel"), None, "canal"),
)
CATEGORICAL: tuple[str, ...] = (
    "plan_period",
    "segment",
    "size_band",
    "industry",
    "region",
    "kind",
    "acquisition_channel",
)
BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES}


def available(has_usage: bool, has_support: bool) -> tuple[Feature, ...]:
    ok = {None, *(["usage"] if has_usage else []), *(["support"] if has_support else [])}
    return tuple(f for f in FEATURES if f.needs in ok)


def _log_ratio(now: ir.NumericValue, avg: ir.NumericValue) -> ir.FloatingValue:
    value: ir.FloatingValue = ((now + 1.0) / (avg + 1.0)).ln().fill_null(0.0)
    return value


def matrix_columns(
    t: ibis.Table,
    has_usage: bool,
    has_support: bool,
    levels: Mapping[str, list[str]],
) -> dict[str, ir.NumericValue]:
    """The logistic model's numeric columns (name -> expression), NULLs imputed.

    ``levels``: for each categorical feature, the groups that get an indicator (the most
    frequent group is the reference and gets none), read from the panel's ``b_<feature>``
    group keys.
    """
    cols: dict[str, ir.NumericValue] = {}
    if has_usage:
        cols["usage_trend_3m"] = _log_ratio(t.events, t.events_3m)
        cols["usage_trend_6m"] = _log_ratio(t.events, t.events_6m)
        cols["quantity_trend_3m"] = _log_ratio(t.quantity, t.quantity_3m)
        cols["usage_history"] = t.events_3m.notnull().cast("int8")
        cols["log_events"] = (t.events + 1.0).ln()
        cols["active_days"] = t.active_days.cast("float64")
        cols["users"] = t.users.cast("float64")
    if has_support:
        cols["support_90d"] = t.support_90d.cast("float64")
    change = (t.mrr / t.mrr_3m_ago - 1.0).clip(lower=-1.0, upper=3.0)
    cols["mrr_change_3m"] = change.fill_null(0.0)
    cols["mrr_new_3m"] = t.mrr_3m_ago.isnull().cast("int8")
    cols["log_tenure"] = t.tenure.cast("float64").ln()
    for name, values in levels.items():
        key = t[f"b_{name}"]
        for v in values:
            cols[f"{name}={v}"] = (key == v).cast("int8")
    return cols
