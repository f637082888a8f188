"""One row per account with everything the groupings need (a temporary table).

Attributes (kind, country, size band, region, industry, segment, churn reason …) beside
the account's figures: revenue in W (``rev_w``), in W' (``rev_wp``), in the last days
(``rev_recent``), its first positive revenue date, MRR at T and at T − 12 months, and the
flags ``is_client``, ``is_active`` and ``churned_in_w``. Every group metric is an
aggregate of this table, so the per-account work is done once.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis

from personae.metrics import firmographics as fg
from personae.metrics.activity import active_since, event_count
from personae.metrics.context import Context
from personae.metrics.mrr import build_snapshot, snapshot_from_grid, stops_from

ACCOUNTS_TABLE = "personae_accounts"


@dataclass(frozen=True)
class Activeness:
    """The rule that makes a client active, as resolved from the settings."""

    basis: str | None  # "activity", "revenue", or None when it cannot be computed
    definition: str | None


def activeness(ctx: Context) -> Activeness:
    days = ctx.settings.active_window_days
    wanted = ctx.settings.active_basis
    has_rows = event_count(ctx) > 0
    if wanted == "activity" and not ctx.has("activity"):
        ctx.need("overview.clients_active", "activity")
        return Activeness(None, None)
    if wanted == "activity" or (wanted == "auto" and has_rows):
        return Activeness(
            "activity",
            f"Client avec au moins un événement d'usage dans les {days} derniers jours",
        )
    return Activeness(
        "revenue",
        "Client avec un MRR > 0 à la date d'arrêté ou du chiffre d'affaires "
        f"dans les {days} derniers jours",
    )


def build_accounts(
    ctx: Context, grid: ibis.Table, segment_basis: str, active: Activeness
) -> ibis.Table:
    cal = ctx.cal
    a = ctx.tables["accounts"]
    r = ctx.tables["revenue"]
    r = r.filter(r.date <= cal.t)
    revenue = r.group_by("account_id").aggregate(
        rev_w=r.amount.sum(where=r.date > cal.t12),
        rev_wp=r.amount.sum(where=(r.date > cal.t24) & (r.date <= cal.t12)),
        rev_recent=r.amount.sum(where=r.date >= cal.recent_start),
        first_positive=r.date.min(where=r.amount > 0),
    )
    snapshot = snapshot_from_grid(ctx, grid)
    if snapshot is None:
        snapshot = build_snapshot(ctx)
    t = stops_from(grid, cal.idx_t - 12)
    in_w = t.stops & (t.month_idx < cal.idx_t)
    churned = t.filter(in_w).select("account_id").distinct().mutate(churned_in_w=True)

    base = a.select(
        "account_id",
        "name",
        "acquisition_channel",
        "case_study",
        kind=a.kind.upper().fill_null("B2B"),
        country=fg.country_code(a),
        size_band=fg.size_band(a),
        region=fg.region(a),
        industry=fg.industry(a),
        segment=fg.segment(a, segment_basis, ctx.settings),
        churn_reason=a.churn_reason.strip().nullif("").fill_null(fg.NOT_GIVEN),
    )
    facts = (
        base.left_join(revenue, "account_id")
        .drop("account_id_right")
        .left_join(snapshot, "account_id")
        .drop("account_id_right")
        .left_join(churned, "account_id")
        .drop("account_id_right")
    )
    if active.basis == "activity":
        recent = active_since(ctx, cal.recent_start, "accounts").mutate(recent_activity=True)
        facts = facts.left_join(recent, "account_id").drop("account_id_right")
    facts = facts.mutate(
        rev_w=facts.rev_w.fill_null(0.0),
        rev_wp=facts.rev_wp.fill_null(0.0),
        rev_recent=facts.rev_recent.fill_null(0.0),
        mrr_t=facts.mrr_t.fill_null(0.0),
        mrr_t12=facts.mrr_t12.fill_null(0.0),
        churned_in_w=facts.churned_in_w.fill_null(False),
    )
    is_client = (facts.rev_w > 0) | (facts.mrr_t > 0)
    if active.basis == "activity":
        is_active = is_client & facts.recent_activity.fill_null(False)
    elif active.basis == "revenue":
        is_active = is_client & ((facts.mrr_t > 0) | (facts.rev_recent > 0))
    else:
        is_active = ibis.literal(False)
    facts = facts.mutate(is_client=is_client, is_active=is_active)
    if active.basis == "activity":
        facts = facts.drop("recent_activity")
    return ctx.materialize("accounts", ACCOUNTS_TABLE, facts)
