"""Logo churn, overall and by segment (DESIGN §4 "Logo churn", "Churn main reason").

Monthly: over the 12 months m of W, S_m = accounts with MRR > 0 at the end of m − 1 and
churned_m = those of S_m with MRR = 0 at the end of m; monthly churn = Σ|churned_m| / Σ|S_m|.
Annual: accounts with MRR > 0 at T − 12 months that have MRR = 0 at T, beside the
compounded 1 − (1 − monthly)^12. Main reason: the most frequent churn_reason among the
accounts churned in W (a missing reason counts as "Non renseigné"), with its share.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import ibis

from personae.metrics import firmographics as fg
from personae.metrics.context import Context
from personae.metrics.mrr import stops_from
from personae.metrics.stats import Rate, compounded, count, rate


def _main_reason(reasons: Counter[str], confidence: float) -> dict[str, Any] | None:
    n = sum(reasons.values())
    if n == 0:
        return None
    name, k = min(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    out: dict[str, Any] = {"name": name, "share": rate(k, n, confidence)}
    given = [(g, c) for g, c in reasons.items() if g != fg.NOT_GIVEN and c > 0]
    if name == fg.NOT_GIVEN and given:
        # most leavers gave no reason: also the reason given most, over every departure
        g, c = min(given, key=lambda kv: (-kv[1], kv[0]))
        out["given"] = {"name": g, "share": rate(c, n, confidence)}
    return out


def churn(
    ctx: Context, grid: ibis.Table, facts: ibis.Table, clients: dict[str, int]
) -> dict[str, Any]:
    """Churn overall and per segment; ``clients`` gives each segment's client count."""
    cal = ctx.cal
    conf = ctx.settings.confidence
    t = stops_from(grid, cal.idx_t - 12)
    months = t.filter(t.month_idx < cal.idx_t)
    seg = facts.select("account_id", "segment")
    m = months.join(seg, "account_id")
    monthly = m.group_by("segment").aggregate(at_risk=m.count(), churned=m.stops.sum())

    base = facts.filter(facts.mrr_t12 > 0)
    annual = base.group_by("segment").aggregate(
        at_risk=base.count(), churned=(base.mrr_t <= 0).sum()
    )
    gone = facts.filter(facts.churned_in_w)
    reasons = gone.group_by(["segment", "churn_reason"]).aggregate(n=gone.count())

    mon = {
        str(r["segment"]): (count(r["at_risk"]), count(r["churned"]))
        for r in ctx.run("churn", monthly)
    }
    ann = {
        str(r["segment"]): (count(r["at_risk"]), count(r["churned"]))
        for r in ctx.run("churn", annual)
    }
    why: dict[str, Counter[str]] = {}
    for r in ctx.run("churn", reasons):
        why.setdefault(str(r["segment"]), Counter())[str(r["churn_reason"])] += count(r["n"])

    given = {k for c in why.values() for k in c}
    if given == {fg.NOT_GIVEN}:  # accounts churned, and not one with a reason
        ctx.column_empty("churn.main_reason", "accounts", "churn_reason")

    def summary(pairs: list[tuple[int, int]]) -> Rate:
        return rate(sum(c for _, c in pairs), sum(n for n, _ in pairs), conf)

    overall_monthly = summary(list(mon.values()))
    all_reasons: Counter[str] = Counter()
    for c in why.values():
        all_reasons.update(c)
    by_segment = []
    for name in sorted(set(clients) | set(mon) | set(ann)):
        seg_monthly = summary([mon.get(name, (0, 0))])
        by_segment.append(
            {
                "name": name,
                "monthly": seg_monthly,
                "annual": summary([ann.get(name, (0, 0))]),
                "annual_compounded": compounded(seg_monthly),
                "main_reason": _main_reason(why.get(name, Counter()), conf),
                "small_sample": clients.get(name, 0) < ctx.settings.small_sample,
            }
        )
    return {
        "monthly": overall_monthly,
        "annual": summary(list(ann.values())),
        "annual_compounded": compounded(overall_monthly),
        "main_reason": _main_reason(all_reasons, conf),
        "churned_accounts_w": sum(all_reasons.values()),
        "by_segment": by_segment,
    }
