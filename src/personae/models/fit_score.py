"""The ICP fit score: weights of evidence summed per account, scaled 0–100 (DESIGN §5).

For a value v of a single-valued attribute with K values, among B best and R other
clients, b and r of which hold v, the weight of evidence is (Laplace smoothing α = 0.5)

    WoE(v) = ln( ((b + α) / (B + α·K)) / ((r + α) / (R + α·K)) )

(Siddiqi, *Credit Risk Scorecards*, 2006, ch. 6). A tool of the tech stack is a yes/no
attribute: holding it weighs d = WoE(present) − WoE(absent), with the shares smoothed as
(b + α) / (B + 2α). An account's raw score S is the sum of its weights (a value no client
holds weighs 0); the score is 100 × (S − S_min) / (S_max − S_min), S_min and S_max the
lowest and highest sums any account could reach. The tiers cut the score at the quartiles
of the scored clients: A is the level of the best quarter of today's clients, D the lowest.
The three reasons are the account's weights of largest magnitude.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from personae.metrics.context import Context
from personae.models.attributes import LABELS, MULTI, SCORED

ALPHA = 0.5
TIERS = ("A", "B", "C", "D")
REASONS = 3  # the weights of largest magnitude named per account


def woe_weights(counts: Sequence[Mapping[str, Any]], best: int, rest: int) -> list[dict[str, Any]]:
    """``{attribute, value, woe}`` for every scored value; ``counts`` rows hold
    ``attribute, value, best, rest`` (clients of each group holding the value)."""
    out: list[dict[str, Any]] = []
    for attr in SCORED:
        rows = [r for r in counts if r["attribute"] == attr]
        if attr in MULTI:
            for r in rows:
                pb = (r["best"] + ALPHA) / (best + 2 * ALPHA)
                pr = (r["rest"] + ALPHA) / (rest + 2 * ALPHA)
                d = math.log(pb / pr) - math.log((1 - pb) / (1 - pr))
                out.append({"attribute": attr, "value": r["value"], "woe": d})
            continue
        k = len(rows)
        for r in rows:
            pb = (r["best"] + ALPHA) / (best + ALPHA * k)
            pr = (r["rest"] + ALPHA) / (rest + ALPHA * k)
            out.append({"attribute": attr, "value": r["value"], "woe": math.log(pb / pr)})
    return out


def score_range(weights: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    """(S_min, S_max): per single-valued attribute its lowest and highest weight (0 for a
    value no client holds), per tool min(0, d) and max(0, d)."""
    lo = hi = 0.0
    for attr in SCORED:
        w = [r["woe"] for r in weights if r["attribute"] == attr]
        if attr in MULTI:
            lo += sum(min(0.0, x) for x in w)
            hi += sum(max(0.0, x) for x in w)
        elif w:
            lo += min(0.0, *w)
            hi += max(0.0, *w)
    return lo, hi


def score_accounts(
    ctx: Context,
    long: ibis.Table,
    weights: Sequence[Mapping[str, Any]],
    clients: ibis.Table,
    facts: ibis.Table,
) -> tuple[pd.DataFrame, dict[str, float], dict[str, dict[str, int]]]:
    """Per account ``icp_score`` (0–100), ``icp_tier`` and ``icp_reasons``; the tier
    cut-offs; accounts, clients and prospects per tier. ``clients``: the account ids whose
    scores set the quartiles; ``facts``: the session's accounts table."""
    table = pa.table(
        {
            "attribute": [str(w["attribute"]) for w in weights],
            "value": [str(w["value"]) for w in weights],
            "woe": [float(w["woe"]) for w in weights],
            "k": list(range(len(weights))),
            "rank": reason_ranks(weights),
        },
        schema=pa.schema(
            [
                ("attribute", pa.string()),
                ("value", pa.string()),
                ("woe", "f8"),
                ("k", "i8"),
                ("rank", "i8"),
            ]
        ),
    )
    w = ctx.upload("personae_icp_weights", table.to_pydict(), table.schema)
    lo, hi = score_range(weights)
    span = hi - lo if hi > lo else 1.0
    scored = long.filter(long.attribute.isin(list(SCORED)))
    j = scored.left_join(w, ["attribute", "value"]).select(
        "account_id", "attribute", "value", woe=ibis._.woe.fill_null(0.0)
    )
    sums = j.group_by("account_id").aggregate(raw=j.woe.sum())
    sums = sums.mutate(icp_score=((sums.raw - lo) / span * 100).clip(0, 100).round(1))
    sums = ctx.materialize("icp", "personae_icp_scores", sums)
    mine = sums.semi_join(clients, "account_id")
    q = ctx.run(
        "icp",
        mine.aggregate(
            a=mine.icp_score.quantile(0.75),
            b=mine.icp_score.quantile(0.5),
            c=mine.icp_score.quantile(0.25),
        ),
    )[0]
    cuts = {t: float(q[k] if q[k] is not None else 0.0) for t, k in zip("ABC", "abc", strict=True)}
    tier = ibis.cases(
        (sums.icp_score >= cuts["A"], "A"),
        (sums.icp_score >= cuts["B"], "B"),
        (sums.icp_score >= cuts["C"], "C"),
        else_="D",
    )
    # a reason is a weight the account holds (a value no client holds weighs 0); ``k``
    # indexes ``weights``
    held = scored.inner_join(w, ["attribute", "value"])
    held = held.filter(held.woe != 0).select("account_id", "k", "rank")
    # the account's weights by rank (largest magnitude first): the window sorts integers
    ranked = held.mutate(rn=ibis.row_number().over(group_by=held.account_id, order_by=held.rank))
    top = ranked.filter(ranked.rn < REASONS)  # ibis numbers rows from 0
    # one row per account: the weight index of its first, second… reason (few distinct
    # weights, so the text is built once per weight in Python, not once per account)
    picks = top.group_by("account_id").aggregate(
        **{f"r{i}": top.k.max(where=top.rn == i) for i in range(REASONS)}
    )
    tiered = sums.select("account_id", "icp_score", icp_tier=tier)
    status = tiered.left_join(
        facts.select("account_id", "is_client", "first_positive"), "account_id"
    )
    agg = status.group_by("icp_tier").aggregate(
        accounts=status.count(),
        clients=status.is_client.sum(),
        prospects=status.first_positive.isnull().sum(),
    )
    tiers = {t: {"accounts": 0, "clients": 0, "prospects": 0} for t in TIERS}
    for r in ctx.run("icp", agg):
        tiers[str(r["icp_tier"])] = {
            k: int(r[k] or 0) for k in ("accounts", "clients", "prospects")
        }
    pulled = tiered.left_join(picks, "account_id").select(
        "account_id", "icp_score", "icp_tier", *[f"r{i}" for i in range(REASONS)]
    )
    scores = ctx.fetch("icp", pulled).to_pandas()  # its SQL recorded: accounts.csv's columns
    texts = [reason_text(str(w["attribute"]), str(w["value"]), float(w["woe"])) for w in weights]
    return _with_reasons(scores, texts), cuts, tiers


def reason_ranks(weights: Sequence[Mapping[str, Any]]) -> list[int]:
    """Each weight's rank among the reasons: by magnitude, the largest first, then by
    attribute and value (the text's order, the same on every engine)."""
    order = sorted(
        range(len(weights)),
        key=lambda i: (-abs(float(weights[i]["woe"])), str(weights[i]["attribute"]),
                       str(weights[i]["value"])),
    )  # fmt: skip
    ranks = [0] * len(weights)
    for r, i in enumerate(order):
        ranks[i] = r
    return ranks


def reason_text(attribute: str, value: str, woe: float) -> str:
    sign = "+" if woe > 0 else "−"
    size = f"{abs(woe):.1f}".replace(".", ",")
    return f"{LABELS[attribute]} : {value} ({sign}{size})"


def _with_reasons(scores: pd.DataFrame, texts: Sequence[str]) -> pd.DataFrame:
    """Replace the columns ``r0``… (index in ``texts`` of each reason, null when the
    account has fewer) with ``icp_reasons``, the reasons joined by « ; »: one string built
    per distinct combination of reasons, shared by every account holding it."""
    cols = [f"r{i}" for i in range(REASONS)]
    if scores.empty:
        scores = scores.drop(columns=cols)
        scores["icp_reasons"] = pd.Series([], dtype=object)
        return scores
    n = len(texts) + 1  # code 0: no reason
    key = np.zeros(len(scores), dtype=np.int64)
    for c in cols:
        code = scores[c].fillna(-1).to_numpy(dtype=np.int64) + 1
        key = key * n + code
    uniq, inverse = np.unique(key, return_inverse=True)
    built: list[str] = []
    for k in uniq.tolist():
        parts: list[str] = []
        for _ in cols:
            k, code = divmod(k, n)
            if code:
                parts.append(texts[code - 1])
        built.append(" ; ".join(reversed(parts)))
    scores = scores.drop(columns=cols)
    scores["icp_reasons"] = np.asarray(built, dtype=object)[inverse]
    return scores
