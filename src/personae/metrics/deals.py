"""Sales cycle, win rate and lost reasons (DESIGN §4 "Sales cycle", "Lost deals").

All three look at the deals closed in W: closed_at in (T − 12 months, T].
Sales cycle = median days from created_at to closed_at of the won ones; win rate =
won / (won + lost); a lost reason's frequency is its share of the lost ones, a missing
reason counting as "Non renseigné".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import ibis

from personae.metrics import firmographics as fg
from personae.metrics.context import Context
from personae.metrics.stats import Rate, count, num, rate


def closed_in_w(ctx: Context) -> ibis.Table:
    d = ctx.tables["deals"]
    d = d.filter((d.closed_at > ctx.cal.t12) & (d.closed_at <= ctx.cal.t))
    return d.mutate(status=d.status.strip().lower())


def _won_with_days(ctx: Context) -> ibis.Table:
    d = closed_in_w(ctx)
    won = d.filter(d.status == "won")
    days = won.closed_at.epoch_days() - won.created_at.epoch_days()
    return won.mutate(days=days.cast("float64"))


def sales_cycle(ctx: Context) -> dict[str, Any] | None:
    """Median (and mean) days from creation to close of the won deals closed in W."""
    if not ctx.need("deals.sales_cycle_days", "deals"):
        return None
    won = _won_with_days(ctx)
    agg = won.aggregate(median=won.days.median(), mean=won.days.mean(), n=won.count())
    row = ctx.run("deals", agg)[0]
    n = count(row["n"])
    return {
        "sales_cycle_days": num(row["median"]) if n else None,
        "sales_cycle_mean_days": num(row["mean"]) if n else None,
        "won_deals": n,
        "small_sample": n < ctx.settings.small_sample,
    }


def sales_cycle_by(ctx: Context, facts: ibis.Table, column: str) -> dict[str, float | None] | None:
    """Median sales cycle of the won deals closed in W, per value of an account column."""
    if not ctx.need("sizes.sales_cycle_days", "deals"):
        return None
    won = _won_with_days(ctx)
    j = won.join(facts.select("account_id", column), "account_id")
    agg = j.group_by(column).aggregate(median=j.days.median())
    return {str(r[column]): num(r["median"]) for r in ctx.run("deals", agg)}


def win_rate(ctx: Context) -> Rate | None:
    if not ctx.need("win_rate", "deals"):
        return None
    d = closed_in_w(ctx)
    agg = d.aggregate(won=(d.status == "won").sum(), lost=(d.status == "lost").sum())
    row = ctx.run("deals", agg)[0]
    won, lost = count(row["won"]), count(row["lost"])
    return rate(won, won + lost, ctx.settings.confidence)


def lost_reasons(ctx: Context, facts: ibis.Table) -> list[dict[str, Any]] | None:
    """Each reason's share of the deals lost in W, and the segment that loses it most."""
    if not ctx.need("lost_reasons", "deals"):
        return None
    d = closed_in_w(ctx)
    lost = d.filter(d.status == "lost")
    lost = lost.mutate(reason=lost.lost_reason.strip().nullif("").fill_null(fg.NOT_GIVEN))
    j = lost.left_join(facts.select("account_id", "segment"), "account_id")
    agg = j.group_by(["reason", "segment"]).aggregate(n=j.count())
    by_reason: dict[str, Counter[str]] = {}
    for r in ctx.run("lost_reasons", agg):
        seg = r["segment"] if isinstance(r["segment"], str) else fg.NOT_GIVEN
        by_reason.setdefault(str(r["reason"]), Counter())[seg] += count(r["n"])
    total = sum(sum(c.values()) for c in by_reason.values())
    rows = []
    for reason, segs in sorted(by_reason.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        k = sum(segs.values())
        main = min(segs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        rows.append(
            {
                "name": reason,
                "count": k,
                "share": rate(k, total, ctx.settings.confidence),
                "main_segment": main,
                "segments": [
                    {"name": name, "count": n}
                    for name, n in sorted(segs.items(), key=lambda kv: (-kv[1], kv[0]))
                ],
            }
        )
    return rows


def win_rate_by(ctx: Context, facts: ibis.Table, column: str) -> list[dict[str, Any]] | None:
    """Win rate of the deals closed in W per value of an account column (segment, size
    band), with its lift over the overall win rate: the profiles lost systematically are
    those whose whole interval lies below the overall rate."""
    if not ctx.need(f"win_rate_by_{column}", "deals"):
        return None
    d = closed_in_w(ctx)
    j = d.left_join(facts.select("account_id", column), "account_id")
    agg = j.group_by(column).aggregate(
        won=(j.status == "won").sum(), lost=(j.status == "lost").sum()
    )
    counts = [
        (
            r[column] if isinstance(r[column], str) else fg.NOT_GIVEN,
            count(r["won"]),
            count(r["lost"]),
        )
        for r in ctx.run("deals", agg)
    ]
    won_all = sum(w for _, w, _ in counts)
    closed_all = sum(w + lost for _, w, lost in counts)
    overall = won_all / closed_all if closed_all else None
    out = []
    for name, won, lost in sorted(counts, key=lambda c: (-(c[1] + c[2]), c[0])):
        if won + lost == 0:
            continue
        r = rate(won, won + lost, ctx.settings.confidence)
        below = overall is not None and r["ci_high"] is not None and r["ci_high"] < overall
        out.append(
            {
                "name": name,
                "won": won,
                "lost": lost,
                "win_rate": r,
                "lift": (r["value"] / overall) if overall and r["value"] is not None else None,
                "lost_systematically": bool(below),
                "small_sample": won + lost < ctx.settings.small_sample,
            }
        )
    return out


def competitors(ctx: Context) -> list[dict[str, Any]] | None:
    """Where the deals lost in W went: each competitor's share ("Non renseigné" when the
    deal names none, which is most often the status quo)."""
    if not ctx.need("competitors", "deals"):
        return None
    d = closed_in_w(ctx)
    lost = d.filter(d.status == "lost")
    lost = lost.mutate(name=lost.competitor.strip().nullif("").fill_null(fg.NOT_GIVEN))
    agg = lost.group_by("name").aggregate(n=lost.count())
    found = [(str(r["name"]), count(r["n"])) for r in ctx.run("deals", agg)]
    total = sum(n for _, n in found)
    return [
        {"name": name, "count": n, "share": rate(n, total, ctx.settings.confidence)}
        for name, n in sorted(found, key=lambda c: (-c[1], c[0]))
    ]
