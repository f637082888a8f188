"""What the best clients share (DESIGN §5 "Top-10 commonalities", §6 ``models.commonalities``).

Clients are ranked by ARR at T (by revenue over W when no client has MRR, as the top-10
table is); the top 10 and the top decile are each compared with all clients on every
attribute (segment, size band, industry, region, kind, acquisition channel, billing
period). For a value held by ``top`` of the ``n_top`` best and ``all`` of the ``n_all``
clients, the lift is (top / n_top) / (all / n_all); the share among the best carries its
Wilson interval. Kept: values held by at least :data:`MIN_TOP` of the best (3 of the top
10, else a tenth of the group) with a lift of at least :data:`MIN_LIFT`, by lift.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import ibis

from personae.metrics import MetricsSession
from personae.metrics.stats import count, rate
from personae.models.output import ModelOutput
from personae.models.plans import plan_months

FAMILY = "commonalities"
CLIENTS_TABLE = "personae_commonalities_clients"
MIN_LIFT = 1.2
MIN_TOP = 3
MAX_PER_GROUP = 8
ATTRIBUTES: dict[str, str] = {
    "segment": "segment",
    "size_band": "taille",
    "industry": "secteur",
    "region": "région",
    "kind": "type",
    "acquisition_channel": "canal d'acquisition",
    "plan_period": "facturation",
}
PLAN_NAMES = {1: "mensuelle", 3: "trimestrielle", 12: "annuelle"}
GROUPS = {"top10": "top 10", "top_decile": "top 10 %"}


def _clients(session: MetricsSession, by_arr: bool) -> ibis.Table:
    a = session.accounts
    c = a.filter(a.is_client)
    value = c.mrr_t if by_arr else c.rev_w
    w = ibis.window(order_by=[ibis.desc(value), c.account_id])
    plan = plan_months(session.ctx, FAMILY)
    c = c.mutate(rank=ibis.row_number().over(w) + 1).left_join(plan, "account_id")
    n = c.plan_months
    period = ibis.cases(
        *((n == k, v) for k, v in PLAN_NAMES.items()),
        (n.isnull(), "Non renseigné"),
        else_="autre",
    )
    return c.mutate(
        plan_period=period,
        acquisition_channel=c.acquisition_channel.strip().nullif("").fill_null("Non renseigné"),
    )


def commonalities(
    session: MetricsSession, metrics: Mapping[str, Any], models: Mapping[str, Any]
) -> ModelOutput | None:
    """``models.commonalities``: the attribute values over-represented among the best (a
    list, empty when no value stands out)."""
    ctx = session.ctx
    by_arr = metrics.get("top_clients_ranked_by", "arr") == "arr"
    c = ctx.materialize(FAMILY, CLIENTS_TABLE, _clients(session, by_arr))  # read twice below
    n_all = count(ctx.run(FAMILY, c.aggregate(n=c.count()))[0]["n"])
    if n_all == 0:
        return None
    sizes = {"top10": min(10, n_all), "top_decile": max(1, math.ceil(n_all / 10))}
    parts = [
        c.group_by(
            attribute=ibis.literal(col), value=c[col].cast("string").fill_null("?")
        ).aggregate(
            all=c.count(),
            top10=(c.rank <= sizes["top10"]).sum(),
            top_decile=(c.rank <= sizes["top_decile"]).sum(),
        )
        for col in ATTRIBUTES
    ]
    rows = ctx.run(FAMILY, ibis.union(*parts))
    found: list[dict[str, Any]] = []
    for group, n_top in sizes.items():
        if group == "top_decile" and n_top <= sizes["top10"]:
            continue  # the same clients as the top 10
        kept: list[dict[str, Any]] = []
        for r in rows:
            top, everyone = count(r[group]), count(r["all"])
            if everyone == 0 or top < max(MIN_TOP, math.ceil(n_top / 10)):
                continue
            share = rate(top, n_top)
            if share["value"] is None:
                continue
            lift = share["value"] / (everyone / n_all)
            if lift < MIN_LIFT:
                continue
            kept.append(
                {
                    "group": group,
                    "attribute": r["attribute"],
                    "label": ATTRIBUTES[r["attribute"]],
                    "value": r["value"],
                    "lift": lift,
                    "top": top,
                    "n_top": n_top,
                    "all": everyone,
                    "n_all": n_all,
                    "share_top": share["value"],
                    "share_top_ci": [share["ci_low"], share["ci_high"]],
                    "share_all": everyone / n_all,
                }
            )
        kept.sort(key=lambda e: (-e["lift"], -e["top"], e["attribute"], e["value"]))
        found.extend(kept[:MAX_PER_GROUP])
    return ModelOutput(found)
