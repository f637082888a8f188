"""Clients, % CA, ARPU and growth by segment, size band, industry and region
(DESIGN §4 "Revenue", "Size bands", "Regions", "ARPU", "Croissance", "LTV moyen").

The engine sums additive figures per raw group value; folding (top industries + Autres)
and ratios are done on those few rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ibis

from personae.metrics import firmographics as fg
from personae.metrics.context import Context
from personae.metrics.stats import count, num, rate, ratio, share


@dataclass(frozen=True)
class GroupSums:
    """Additive figures of one group of accounts."""

    clients: int = 0
    revenue: float = 0.0
    revenue_prev: float = 0.0
    paying: int = 0
    mrr: float = 0.0

    def __add__(self, other: GroupSums) -> GroupSums:
        return GroupSums(
            self.clients + other.clients,
            self.revenue + other.revenue,
            self.revenue_prev + other.revenue_prev,
            self.paying + other.paying,
            self.mrr + other.mrr,
        )

    @property
    def empty(self) -> bool:
        return self.clients == 0 and self.revenue == 0 and self.paying == 0


def group_sums(ctx: Context, facts: ibis.Table, column: str, family: str) -> dict[str, GroupSums]:
    """GroupSums per value of ``column`` of the accounts table."""
    paying = facts.mrr_t > 0
    agg = facts.group_by(column).aggregate(
        clients=facts.is_client.sum(),
        revenue=facts.rev_w.sum(),
        revenue_prev=facts.rev_wp.sum(),
        paying=paying.sum(),
        mrr=facts.mrr_t.sum(where=paying),
    )
    out: dict[str, GroupSums] = {}
    for row in ctx.run(family, agg):
        out[str(row[column])] = GroupSums(
            count(row["clients"]),
            num(row["revenue"]) or 0.0,
            num(row["revenue_prev"]) or 0.0,
            count(row["paying"]),
            num(row["mrr"]) or 0.0,
        )
    return out


def total(sums: Iterable[GroupSums]) -> GroupSums:
    acc = GroupSums()
    for s in sums:
        acc = acc + s
    return acc


def growth(s: GroupSums, covered: bool = True) -> tuple[float | None, str | None, str | None]:
    """Growth over W', or None with why: the data does not cover all of W' ("history"), or
    the group had no revenue there ("no_previous_revenue")."""
    if not covered:
        return None, "history", "les données ne couvrent pas les 12 mois précédents (W') en entier"
    if s.revenue_prev > 0:
        return (s.revenue - s.revenue_prev) / s.revenue_prev, None, None
    return (
        None,
        "no_previous_revenue",
        "pas de chiffre d'affaires positif sur les 12 mois précédents (W')",
    )


def group_row(ctx: Context, name: str, s: GroupSums, whole: GroupSums) -> dict[str, Any]:
    g, reason, note = growth(s, ctx.cal.previous_window_covered)
    row: dict[str, Any] = {
        "name": name,
        "clients": s.clients,
        "client_share": rate(s.clients, whole.clients, ctx.settings.confidence),
        "revenue": s.revenue,
        "revenue_prev": s.revenue_prev,
        "revenue_share": share(s.revenue, whole.revenue),
        "arpu": ratio(s.revenue, s.clients) if s.clients else None,
        "growth": g,
        "small_sample": s.clients < ctx.settings.small_sample,
    }
    if note:
        row["growth_note"] = note
        row["growth_reason"] = reason
    return row


def sizes(
    ctx: Context, facts: ibis.Table, cycle: dict[str, float | None] | None
) -> list[dict[str, Any]]:
    sums = group_sums(ctx, facts, "size_band", "sizes")
    whole = total(sums.values())
    rows = []
    for name in (*fg.SIZE_BANDS, fg.B2C_BAND, fg.NOT_GIVEN):
        s = sums.get(name, GroupSums())
        if name in fg.SIZE_BANDS or not s.empty:
            row = group_row(ctx, name, s, whole)
            row["sales_cycle_days"] = None if cycle is None else cycle.get(name)
            rows.append(row)
    return rows


def regions(ctx: Context, facts: ibis.Table) -> list[dict[str, Any]]:
    sums = group_sums(ctx, facts, "region", "regions")
    whole = total(sums.values())
    rows = []
    for name in (*fg.REGIONS, fg.NOT_GIVEN):
        s = sums.get(name, GroupSums())
        if name in fg.REGIONS or not s.empty:
            rows.append(group_row(ctx, name, s, whole))
    return rows


def industries(ctx: Context, facts: ibis.Table) -> list[dict[str, Any]]:
    """The top industries by revenue in W, then Autres, then Particuliers (B2C accounts
    without an industry) and Non renseigné."""
    sums = group_sums(ctx, facts, "industry", "industries")
    whole = total(sums.values())
    apart = (fg.B2C_BAND, fg.NOT_GIVEN)
    known = sorted(
        ((k, s) for k, s in sums.items() if k not in apart and not s.empty),
        key=lambda kv: (-kv[1].revenue, -kv[1].clients, kv[0]),
    )
    n = ctx.settings.top_industries
    rows = [group_row(ctx, name, s, whole) for name, s in known[:n]]
    rest = total(s for _, s in known[n:])
    rows.append(group_row(ctx, fg.OTHERS, rest, whole))
    for name in apart:
        group = sums.get(name, GroupSums())
        if not group.empty:
            rows.append(group_row(ctx, name, group, whole))
    return rows


def segments(
    ctx: Context, sums: dict[str, GroupSums], monthly_churn: dict[str, float | None]
) -> list[dict[str, Any]]:
    """Segments by revenue in W, each with LTV v1 = ARPA × gross margin / monthly churn.

    ``sums`` is ``group_sums(ctx, facts, "segment", "segments")``.
    """
    whole = total(sums.values())
    ordered = sorted(
        ((k, s) for k, s in sums.items() if not s.empty),
        key=lambda kv: (-kv[1].revenue, -kv[1].clients, kv[0]),
    )
    rows = []
    for name, s in ordered:
        row = group_row(ctx, name, s, whole)
        arpa = ratio(s.mrr, s.paying) if s.paying else None
        churn = monthly_churn.get(name)
        row["arpa"] = arpa
        row["ltv"] = None
        if arpa is None:
            row["ltv_note"] = "aucun compte avec un MRR > 0 à la date d'arrêté"
        elif churn is None:
            row["ltv_note"] = "churn mensuel non mesurable (aucun compte payant sur W)"
        elif churn == 0:
            row["ltv_note"] = "churn mensuel nul : LTV non définie"
        else:
            row["ltv"] = arpa * ctx.settings.gross_margin / churn
        rows.append(row)
    return rows
