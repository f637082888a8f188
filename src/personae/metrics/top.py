"""The 10 best clients (DESIGN §4 "Top 10 clients").

Ranked by ARR at T (12 × MRR), or by revenue in W when no account has recurring revenue
at T. Ancienneté = whole months from the account's first positive revenue to T.
"""

from __future__ import annotations

from typing import Any

import ibis

from personae.metrics.context import Context
from personae.metrics.stats import num
from personae.months import whole_months


def _text(x: Any) -> str | None:
    return None if x is None else str(x)


def top_clients(ctx: Context, facts: ibis.Table, by_arr: bool, n: int = 10) -> list[dict[str, Any]]:
    key = facts.mrr_t if by_arr else facts.rev_w
    top = (
        facts.filter(key > 0)
        .order_by([key.desc(), *([facts.rev_w.desc()] if by_arr else []), facts.account_id])
        .limit(n)
        .select(
            "account_id",
            "name",
            "industry",
            "segment",
            "acquisition_channel",
            "case_study",
            "first_positive",
            "mrr_t",
            "rev_w",
        )
    )
    rows = []
    for rank, r in enumerate(ctx.run("top_clients", top), start=1):
        first = r["first_positive"]
        case = None if r["case_study"] is None else bool(r["case_study"])
        rows.append(
            {
                "rank": rank,
                "account_id": str(r["account_id"]),
                "name": _text(r["name"]) or str(r["account_id"]),
                "industry": _text(r["industry"]),
                "segment": _text(r["segment"]),
                "arr": 12 * (num(r["mrr_t"]) or 0.0),
                "revenue": num(r["rev_w"]) or 0.0,
                "tenure_months": None if first is None else whole_months(first, ctx.cal.t),
                "acquisition_channel": _text(r["acquisition_channel"]),
                "case_study": case,
            }
        )
    return rows
