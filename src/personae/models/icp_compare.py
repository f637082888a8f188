"""Why the ICP is ideal, and what its clients look like (DESIGN §5 "ICP").

:func:`compare` sets the clients matching the ICP against the other clients on LTV, annual
logo churn (DESIGN §4: accounts paying at T − 12 months that pay nothing at T), sales
cycle (median days of the won deals closed in W) and win rate (won / (won + lost) among
deals closed in W). :func:`describe` gives the ICP block's figures: headcount and
turnover interquartile ranges, the median yearly spend (revenue over the last 12
months), and the most frequent region, digital maturity and tools of the matching clients.
The figures on the accounts of both sides come from one query (:func:`sides`), those on
the deals from another: a query costs more to compile than to run on a small company.
"""

from __future__ import annotations

from typing import Any

import ibis

from personae.metrics import deals as _deals
from personae.metrics import firmographics as fg
from personae.metrics.context import Context
from personae.metrics.stats import Rate, count, num, rate


def sides(ctx: Context, matched: ibis.Table) -> dict[bool, dict[str, Any]]:
    """The figures of the matching accounts and of the others, in one query (``matching``
    → row): clients and their mean LTV, the base of the annual churn and its churned, and
    the matching clients' headcount and turnover quartiles and median yearly spend.
    ``matched`` has ``matching`` beside the accounts' facts, ``emp``, ``turnover`` and
    ``ltv``; a side without any account has no row."""
    m = matched
    client, base = m.is_client, m.mrr_t12 > 0
    icp = client & m.matching
    agg = m.group_by("matching").aggregate(
        clients=m.count(where=client),
        ltv=m.ltv.mean(where=client),
        base=m.count(where=base),
        churned=(m.mrr_t <= 0).sum(where=base),
        emp_q1=m.emp.quantile(0.25, where=icp),
        emp_q3=m.emp.quantile(0.75, where=icp),
        emp_n=m.emp.count(where=icp),
        turnover_q1=m.turnover.quantile(0.25, where=icp),
        turnover_q3=m.turnover.quantile(0.75, where=icp),
        turnover_n=m.turnover.count(where=icp),
        spend=m.rev_w.quantile(0.5, where=icp),  # the median (Spark: no MEDIAN … FILTER)
    )
    return {bool(r["matching"]): r for r in ctx.run("icp", agg)}


def share_of_clients(by_side: dict[bool, dict[str, Any]], conf: float) -> Rate:
    """The share of the clients that match the ICP."""
    clients = {k: count(r["clients"]) for k, r in by_side.items()}
    return rate(clients.get(True, 0), sum(clients.values()), conf)


def compare(
    ctx: Context, matched: ibis.Table, by_side: dict[bool, dict[str, Any]]
) -> dict[str, Any]:
    """``{icp: {...}, rest: {...}}``; ``matched`` has ``matching`` beside the accounts'
    facts and ``ltv``, ``by_side`` its :func:`sides`."""
    conf = ctx.settings.confidence
    out: dict[str, Any] = {"icp": {}, "rest": {}}
    for matching, r in by_side.items():
        if count(r["clients"]):
            side = out["icp" if matching else "rest"]
            side["clients"] = count(r["clients"])
            side["ltv"] = num(r["ltv"])
    for matching, r in by_side.items():
        if count(r["base"]):
            out["icp" if matching else "rest"]["annual_churn"] = rate(r["churned"], r["base"], conf)
    if ctx.need("icp.comparison.sales_cycle", "deals"):
        flags = matched.select("account_id", "matching")
        closed = _deals.closed_in_w(ctx).inner_join(flags, "account_id")
        closed = closed.filter(closed.status.isin(["won", "lost"]))
        won = closed.status == "won"
        days = (closed.closed_at.epoch_days() - closed.created_at.epoch_days()).cast("float64")
        deals = closed.group_by("matching").aggregate(
            days=days.quantile(0.5, where=won),  # the median (Spark: no MEDIAN … FILTER)
            won=closed.count(where=won),
            closed=closed.count(),
        )
        by_deals = {bool(r["matching"]): r for r in ctx.run("icp", deals)}
        for matching, r in by_deals.items():
            if count(r["won"]):
                side = out["icp" if matching else "rest"]
                side["sales_cycle_days"] = num(r["days"])
                side["won_deals"] = count(r["won"])
        for matching, r in by_deals.items():
            out["icp" if matching else "rest"]["win_rate"] = rate(r["won"], r["closed"], conf)
    return out


def describe(
    ctx: Context, matched: ibis.Table, long: ibis.Table, by_side: dict[bool, dict[str, Any]]
) -> dict[str, Any]:
    """The matching clients' figures for the ICP block (``by_side``: :func:`sides`)."""
    row = by_side.get(True)
    n = 0 if row is None else count(row["clients"])
    out: dict[str, Any] = {"clients": n}
    if row is None or n == 0:
        return out
    if count(row["emp_n"]):
        out["employees_iqr"] = [round(num(row["emp_q1"]) or 0), round(num(row["emp_q3"]) or 0)]
        out["employees_n"] = count(row["emp_n"])
    if count(row["turnover_n"]):
        out["turnover_iqr"] = [num(row["turnover_q1"]), num(row["turnover_q3"])]
        out["turnover_n"] = count(row["turnover_n"])
    out["yearly_spend_median"] = num(row["spend"])
    icp = matched.filter(matched.is_client & matched.matching)
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
