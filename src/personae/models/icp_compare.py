"""Why the ICP is ideal, and what its clients look like (DESIGN §5 "ICP").

:func:`compare` sets the clients matching the ICP against the other clients on LTV, annual
logo churn (DESIGN §4: accounts paying at T − 12 months that pay nothing at T), sales
cycle (median days of the won deals closed in W) and win rate (won / (won + lost) among
deals closed in W). :func:`describe` gives the ICP block's figures: headcount and
turnover interquartile ranges, the median yearly spend (revenue over the last 12
months), and the most frequent region, digital maturity and tools of the matching clients.
"""

from __future__ import annotations

from typing import Any

import ibis

from personae.metrics import deals as _deals
from personae.metrics import firmographics as fg
from personae.metrics.context import Context
from personae.metrics.stats import count, num, rate


def compare(ctx: Context, matched: ibis.Table) -> dict[str, Any]:
    """``{icp: {...}, rest: {...}}``; ``matched`` has ``matching`` beside the accounts'
    facts and ``ltv``."""
    conf = ctx.settings.confidence
    clients = matched.filter(matched.is_client)
    base = matched.filter(matched.mrr_t12 > 0)
    out: dict[str, Any] = {"icp": {}, "rest": {}}
    by_ltv = clients.group_by("matching").aggregate(clients=clients.count(), ltv=clients.ltv.mean())
    for r in ctx.run("icp", by_ltv):
        side = out["icp" if r["matching"] else "rest"]
        side["clients"] = count(r["clients"])
        side["ltv"] = num(r["ltv"])
    by_churn = base.group_by("matching").aggregate(
        base=base.count(), churned=(base.mrr_t <= 0).sum()
    )
    for r in ctx.run("icp", by_churn):
        out["icp" if r["matching"] else "rest"]["annual_churn"] = rate(
            r["churned"], r["base"], conf
        )
    if ctx.need("icp.comparison.sales_cycle", "deals"):
        flags = matched.select("account_id", "matching")
        won = _deals._won_with_days(ctx).inner_join(flags, "account_id")
        cyc = won.group_by("matching").aggregate(days=won.days.median(), won=won.count())
        for r in ctx.run("icp", cyc):
            side = out["icp" if r["matching"] else "rest"]
            side["sales_cycle_days"] = num(r["days"])
            side["won_deals"] = count(r["won"])
        closed = _deals.closed_in_w(ctx).inner_join(flags, "account_id")
        closed = closed.filter(closed.status.isin(["won", "lost"]))
        wr = closed.group_by("matching").aggregate(
            won=(closed.status == "won").sum(), closed=closed.count()
        )
        for r in ctx.run("icp", wr):
            out["icp" if r["matching"] else "rest"]["win_rate"] = rate(r["won"], r["closed"], conf)
    return out


def describe(ctx: Context, matched: ibis.Table, long: ibis.Table) -> dict[str, Any]:
    """The matching clients' figures for the ICP block."""
    icp = matched.filter(matched.is_client & matched.matching)
    agg = icp.aggregate(
        clients=icp.count(),
        emp_q1=icp.emp.quantile(0.25),
        emp_q3=icp.emp.quantile(0.75),
        emp_n=icp.emp.count(),
        turnover_q1=icp.turnover.quantile(0.25),
        turnover_q3=icp.turnover.quantile(0.75),
        turnover_n=icp.turnover.count(),
        spend=icp.rev_w.median(),
    )
    row = ctx.run("icp", agg)[0]
    n = count(row["clients"])
    out: dict[str, Any] = {"clients": n}
    if n == 0:
        return out
    if count(row["emp_n"]):
        out["employees_iqr"] = [round(num(row["emp_q1"]) or 0), round(num(row["emp_q3"]) or 0)]
        out["employees_n"] = count(row["emp_n"])
    if count(row["turnover_n"]):
        out["turnover_iqr"] = [num(row["turnover_q1"]), num(row["turnover_q3"])]
        out["turnover_n"] = count(row["turnover_n"])
    out["yearly_spend_median"] = num(row["spend"])
    ids = icp.select("account_id")
    j = long.filter(long.attribute.isin(["region", "digital_maturity", "tool", "naf_code"]))
    j = j.semi_join(ids, "account_id")
    j = j.filter(j.value != fg.NOT_GIVEN)
    freq = j.group_by(["attribute", "value"]).aggregate(n=j.count())
    for r in ctx.run("icp", freq.order_by(["attribute", ibis.desc("n"), "value"])):
        out.setdefault(f"top_{r['attribute']}", []).append(
            {"value": r["value"], "clients": count(r["n"]), "share": count(r["n"]) / n}
        )
    return out
