"""Section 1 of the dossier: how many clients, how many active, B2B/B2C, countries,
concentration, revenue over W, MRR and ARR at T (DESIGN §4 "Clients" … "Concentration").
"""

from __future__ import annotations

from typing import Any

import ibis

from personae.metrics.accounts import Activeness
from personae.metrics.context import Context
from personae.metrics.stats import count, num, rate, share


def overview(ctx: Context, facts: ibis.Table, active: Activeness) -> dict[str, Any]:
    conf = ctx.settings.confidence
    c = facts.is_client
    totals = facts.aggregate(
        clients_total=c.sum(),
        clients_ever=facts.first_positive.notnull().sum(),
        clients_active=facts.is_active.sum(),
        clients_b2c=(c & (facts.kind == "B2C")).sum(),
        revenue_ttm=facts.rev_w.sum(),
        mrr=facts.mrr_t.sum(),
    )
    top = facts.order_by([facts.rev_w.desc(), facts.account_id]).limit(10)
    top10 = top.aggregate(revenue=top.rev_w.sum())
    clients = facts.filter(c & facts.country.notnull())
    countries = clients.select("country").distinct().order_by("country")

    row = ctx.run("overview", totals)[0]
    top_revenue = num(ctx.run("overview", top10)[0]["revenue"]) or 0.0
    codes = [str(r["country"]) for r in ctx.run("overview", countries)]

    total = count(row["clients_total"])
    b2c = count(row["clients_b2c"])
    revenue = num(row["revenue_ttm"]) or 0.0
    mrr = num(row["mrr"]) or 0.0
    active_n = count(row["clients_active"]) if active.basis else None
    return {
        "clients_total": total,
        "clients_ever": count(row["clients_ever"]),
        "clients_active": active_n,
        "active_share": rate(active_n, total, conf) if active_n is not None else None,
        "active_definition": active.definition,
        "active_basis": active.basis,
        "b2b_share": rate(total - b2c, total, conf),
        "b2c_share": rate(b2c, total, conf),
        "countries": len(codes),
        "country_codes": codes,
        "top10_revenue_share": share(top_revenue, revenue),
        "revenue_ttm": revenue,
        "mrr": mrr,
        "arr": 12 * mrr,
    }
