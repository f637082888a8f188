"""Time spent in each phase of the buyer journey (DESIGN §4 "Journey").

Time in a stage = the next stage's entered_at − this one's (days); stages map to the
template's phases by ``settings.journey_phases`` (stage lower-cased), and a deal's time in
a phase is the sum over its stages of that phase. Only stages left during W count.
Onboarding = days from a won deal's closed_at (closed in W) to the account's first
activity on or after that day (read from the activity summary, :mod:`.activity`).
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from personae.metrics.activity import first_event_on_or_after
from personae.metrics.context import Context
from personae.metrics.deals import closed_in_w
from personae.metrics.stats import count, num

PHASES = ("Awareness", "Consideration", "Decision")
ONBOARDING = "Onboarding"


def _row(ctx: Context, name: str, mean: Any, median: Any, n: Any) -> dict[str, Any]:
    k = count(n)
    return {
        "name": name,
        "days_mean": num(mean) if k else None,
        "days_median": num(median) if k else None,
        "n": k,
        "small_sample": k < ctx.settings.small_sample,
    }


def stage_phase(ctx: Context, stage: ir.StringValue) -> tuple[ir.StringValue, ir.BooleanValue]:
    """The phase of a stage (``settings.journey_phases``, stage lower-cased; NULL when it
    maps to none) and whether it maps to one: filter on the second, cheaper than testing
    the first for NULL (the stage is trimmed and lower-cased once, not once per phase)."""
    phases = {k.strip().lower(): v for k, v in ctx.settings.journey_phases.items()}
    key = stage.strip().lower()
    phase = key.substitute(phases, else_=ibis.literal(None, type="string"))
    known = key.isin(list(phases)) if phases else ibis.literal(False)
    return phase, known


def _stage_phases(ctx: Context) -> dict[str, dict[str, Any]]:
    s = ctx.tables["deal_stages"]
    # a stage left during W is followed by one entered during W: only those deals' stages
    # are sorted by the window (the same stages and next dates, years of deals fewer)
    day = s.entered_at.date()
    recent = s.filter((day > ctx.cal.t12) & (day <= ctx.cal.t)).select("deal_id").distinct()
    s = s.semi_join(recent, "deal_id")
    w = ibis.window(group_by=s.deal_id, order_by=[s.entered_at, s.stage])
    s = s.mutate(next_at=s.entered_at.lead().over(w))
    left = s.next_at.date()
    s = s.filter(s.next_at.notnull() & (left > ctx.cal.t12) & (left <= ctx.cal.t))
    phase, known = stage_phase(ctx, s.stage)
    s = s.filter(known).mutate(
        phase=phase,
        days=(s.next_at.epoch_seconds() - s.entered_at.epoch_seconds()).cast("float64") / 86400,
    )
    per_deal = s.group_by(["deal_id", "phase"]).aggregate(days=s.days.sum())
    agg = per_deal.group_by("phase").aggregate(
        mean=per_deal.days.mean(), median=per_deal.days.median(), n=per_deal.count()
    )
    return {
        str(r["phase"]): _row(ctx, str(r["phase"]), r["mean"], r["median"], r["n"])
        for r in ctx.run("journey", agg)
    }


def _onboarding(ctx: Context) -> dict[str, Any]:
    d = closed_in_w(ctx)
    won = d.filter(d.status == "won").select("deal_id", "account_id", "closed_at")
    j = first_event_on_or_after(ctx, won, "closed_at", "journey")
    first = j.group_by(["deal_id", "closed_at"]).aggregate(first=j.first.min())
    days = first.first.epoch_days() - first.closed_at.epoch_days()
    first = first.mutate(days=days.cast("float64"))
    agg = first.aggregate(mean=first.days.mean(), median=first.days.median(), n=first.count())
    row = ctx.run("journey", agg)[0]
    return _row(ctx, ONBOARDING, row["mean"], row["median"], row["n"])


def journey(ctx: Context) -> list[dict[str, Any]]:
    """One row per phase: days_mean, days_median, n (deals), small_sample."""
    found: dict[str, dict[str, Any]] = {}
    if ctx.need("journey.phases", "deal_stages"):
        found.update(_stage_phases(ctx))
    if ctx.need(f"journey.{ONBOARDING}", "deals", "activity"):
        found[ONBOARDING] = _onboarding(ctx)
    order = [*PHASES, *sorted(set(found) - {*PHASES, ONBOARDING}), ONBOARDING]
    empty = {name: _row(ctx, name, None, None, 0) for name in order}
    return [found.get(name) or empty[name] for name in order]
