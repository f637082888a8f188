"""MRR per account and month, ARR and the MRR movements (DESIGN §4 "MRR", "MRR movements").

A recurring line covers [period_start, period_end); its monthly amount is amount / n,
n = the period's length in months rounded to a whole number (≥ 1), the length being its
days / 30.4375 (the mean month). MRR_a(m) sums the monthly amounts of a's recurring lines
covering the evaluation date of m (its last day, or T). The account-month grid is a
range join of the lines to the month calendar — one pass, no loop — and keeps the
positive account-months only (a net negative or zero MRR counts as no MRR).
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from personae.errors import InternalError
from personae.metrics.calendar import (
    MONTHS_SCHEMA,
    POINTS_SCHEMA,
    month_label,
    months_columns,
    points_columns,
)
from personae.metrics.context import Context
from personae.metrics.stats import num

DAYS_PER_MONTH = 30.4375  # 365.25 / 12: ties (x.5 months) cannot occur for whole days
EPSILON = 1e-6  # MRR at or below this is "no MRR" (credit notes that cancel a line)
MONTHS_TABLE = "personae_months"
POINTS_TABLE = "personae_points"
GRID_TABLE = "personae_mrr_grid"


def recurring_lines(revenue: ibis.Table) -> ibis.Table:
    """Recurring lines with their ``monthly`` amount: account_id, period_start, period_end."""
    lines = revenue.filter(revenue.recurring.fill_null(True))
    days = lines.period_end.epoch_days() - lines.period_start.epoch_days()
    n = ibis.greatest((days / DAYS_PER_MONTH).round(), 1)
    return lines.select(
        "account_id",
        "period_start",
        "period_end",
        monthly=lines.amount / n,
    )


def mrr_at(lines: ibis.Table, points: ibis.Table, key: str) -> ibis.Table:
    """Positive MRR of each account at each point: ``account_id, <key>, mrr``.

    ``points`` has a column ``key`` and an evaluation date ``at``; a line counts at a
    point when period_start ≤ at < period_end.
    """
    joined = lines.join(
        points,
        [lines.period_start <= points.at, lines.period_end > points.at],
    )
    per = joined.group_by(["account_id", key]).aggregate(mrr=joined.monthly.sum())
    return per.filter(per.mrr > EPSILON)


def build_grid(ctx: Context) -> ibis.Table:
    """The sparse account-month MRR grid ``account_id, month_idx, mrr`` (temporary table)."""
    cal = ctx.cal
    months = ctx.upload(MONTHS_TABLE, months_columns(cal), MONTHS_SCHEMA)
    lines = recurring_lines(ctx.tables["revenue"])
    lines = lines.filter(lines.period_start <= cal.t, lines.period_end > cal.at(cal.grid_start))
    grid = ctx.materialize("mrr_grid", GRID_TABLE, mrr_at(lines, months, "month_idx"))
    ctx.shared[GRID_TABLE] = grid  # the activity summary reads how large it is
    return grid


def build_snapshot(ctx: Context) -> ibis.Table:
    """MRR at T and at T − 12 months per account: ``account_id, mrr_t, mrr_t12``."""
    cal = ctx.cal
    points = ctx.upload(POINTS_TABLE, points_columns(cal), POINTS_SCHEMA)
    lines = recurring_lines(ctx.tables["revenue"])
    lines = lines.filter(lines.period_start <= cal.t, lines.period_end > cal.t12)
    per = mrr_at(lines, points, "point")
    wide = per.group_by("account_id").aggregate(
        mrr_t=per.mrr.sum(where=per.point == 0),
        mrr_t12=per.mrr.sum(where=per.point == -12),
    )
    return wide.mutate(mrr_t=wide.mrr_t.fill_null(0.0), mrr_t12=wide.mrr_t12.fill_null(0.0))


def snapshot_from_grid(ctx: Context, grid: ibis.Table) -> ibis.Table | None:
    """:func:`build_snapshot` read from the grid, without another pass over revenue, when
    T − 12 months is the evaluation date of its month on the grid (T always is): the same
    lines cover the same dates. None otherwise (T − 12 months mid-month, or a 29 February
    that the grid evaluates on the 28th…)."""
    cal = ctx.cal
    before = cal.idx_t - 12
    if before < cal.grid_start or cal.at(before) != cal.t12:
        return None
    g = grid.filter(grid.month_idx.isin([cal.idx_t, before]))
    wide = g.group_by("account_id").aggregate(
        mrr_t=g.mrr.sum(where=g.month_idx == cal.idx_t),
        mrr_t12=g.mrr.sum(where=g.month_idx == before),
    )
    return wide.mutate(mrr_t=wide.mrr_t.fill_null(0.0), mrr_t12=wide.mrr_t12.fill_null(0.0))


def transitions(grid: ibis.Table) -> ibis.Table:
    """Each positive account-month with its predecessor and whether MRR stops after it.

    Columns: account_id, month_idx, mrr, prev_idx, prev_mrr, stops (MRR is 0 the next
    month: a churn in month_idx + 1).
    """
    w = ibis.window(group_by=grid.account_id, order_by=grid.month_idx)
    t = grid.mutate(
        prev_idx=grid.month_idx.lag().over(w),
        prev_mrr=grid.mrr.lag().over(w),
        next_idx=grid.month_idx.lead().over(w),
    )
    return t.mutate(stops=_stops(t.month_idx, t.next_idx)).drop("next_idx")


def _stops(month: ir.IntegerValue, following: ir.IntegerValue) -> ir.BooleanValue:
    """Whether MRR stops after ``month``, the account's next positive month being
    ``following`` (NULL: none)."""
    stops: ir.BooleanValue = following.isnull() | (following > month + 1)
    return stops


def stops_from(grid: ibis.Table, first: int) -> ibis.Table:
    """The positive account-months from month ``first`` on, and whether MRR stops after
    each: ``account_id, month_idx, mrr, stops``, as :func:`transitions` gives them.

    A stop reads only the month after, so the months before ``first`` are left out
    before the window sorts the rows (the last 13 months, not every account's history).
    """
    recent = grid.filter(grid.month_idx >= first)
    w = ibis.window(group_by=recent.account_id, order_by=recent.month_idx)
    return recent.mutate(stops=_stops(recent.month_idx, recent.month_idx.lead().over(w)))


def movements(ctx: Context, grid: ibis.Table) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """MRR movements per month from the first revenue month to T, and the identity check.

    new: first positive month on the grid; reactivation: positive after a month at 0;
    expansion / contraction: up / down with both months positive; churn: positive → 0.
    """
    cal = ctx.cal
    t = transitions(grid)
    consecutive = t.prev_idx == t.month_idx - 1
    delta = t.mrr - t.prev_mrr
    zero = ibis.literal(0.0)
    gains = t.group_by("month_idx").aggregate(
        mrr=t.mrr.sum(),
        new=t.mrr.sum(where=t.prev_idx.isnull()),
        reactivation=t.mrr.sum(where=t.prev_idx < t.month_idx - 1),
        expansion=ibis.greatest(delta, zero).sum(where=consecutive),
        contraction=ibis.greatest(-delta, zero).sum(where=consecutive),
        # the MRR lost the next month (a churn in month_idx + 1): same query, one pass
        stopping=t.mrr.sum(where=t.stops & (t.month_idx < cal.idx_t)),
    )
    g = ctx.run("mrr_movements", gains)
    by_month: dict[int, dict[str, float]] = {}
    for r in g:
        by_month[int(r["month_idx"])] = {
            k: num(r[k]) or 0.0 for k in ("mrr", "new", "reactivation", "expansion", "contraction")
        }
    churn = {int(r["month_idx"]) + 1: num(r["stopping"]) or 0.0 for r in g}
    rows: list[dict[str, Any]] = []
    worst = 0.0
    prev_mrr = 0.0
    for idx in range(cal.grid_start, cal.idx_t + 1):
        m = by_month.get(idx, {})
        amounts = {
            "mrr": m.get("mrr", 0.0),
            "new": m.get("new", 0.0),
            "expansion": m.get("expansion", 0.0),
            "contraction": m.get("contraction", 0.0),
            "churn": churn.get(idx, 0.0),
            "reactivation": m.get("reactivation", 0.0),
        }
        expected = (
            prev_mrr
            + amounts["new"]
            + amounts["reactivation"]
            + amounts["expansion"]
            - amounts["contraction"]
            - amounts["churn"]
        )
        worst = max(worst, abs(amounts["mrr"] - expected))
        prev_mrr = amounts["mrr"]
        if idx >= cal.first_idx:
            rows.append({"month": month_label(idx), **amounts})
    tolerance = 1e-6 * max(1.0, max((r["mrr"] for r in rows), default=0.0))
    check = {"holds": worst <= tolerance, "max_abs_error": worst, "months": len(rows)}
    if not check["holds"]:
        raise InternalError(
            f"the MRR identity (DESIGN §4) does not hold: off by {worst} at worst over "
            f"{len(rows)} months (tolerance {tolerance}, as of {cal.t.isoformat()}); this is "
            "a bug in personae: please report it with the command you ran"
        )
    return rows, check
