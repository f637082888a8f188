"""NRR, GRR and the average upsell, overall and by segment (DESIGN §4 "NRR / GRR",
"Upsell moyen").

Base B = accounts with MRR > 0 at T − 12 months. NRR = Σ_B MRR(T) / Σ_B MRR(T−12);
GRR = Σ_B min(MRR(T), MRR(T−12)) / Σ_B MRR(T−12); upsell moyen (€/an) = mean of
12 × (MRR(T) − MRR(T−12)) over the accounts of B whose MRR grew.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis

from personae.metrics.context import Context
from personae.metrics.stats import count, num, ratio


@dataclass(frozen=True)
class _Sums:
    accounts: int = 0
    mrr_t12: float = 0.0
    mrr_t: float = 0.0
    kept: float = 0.0
    grew: int = 0
    upsell: float = 0.0

    def __add__(self, o: _Sums) -> _Sums:
        return _Sums(
            self.accounts + o.accounts,
            self.mrr_t12 + o.mrr_t12,
            self.mrr_t + o.mrr_t,
            self.kept + o.kept,
            self.grew + o.grew,
            self.upsell + o.upsell,
        )


def _figures(s: _Sums) -> dict[str, Any]:
    out: dict[str, Any] = {
        "nrr": ratio(s.mrr_t, s.mrr_t12),
        "grr": ratio(s.kept, s.mrr_t12),
        "upsell_avg": ratio(s.upsell, s.grew) if s.grew else None,
        "base_accounts": s.accounts,
        "base_mrr": s.mrr_t12,
        "base_mrr_now": s.mrr_t,
        "upsell_accounts": s.grew,
    }
    if s.accounts == 0:
        out["note"] = "aucun compte avec un MRR > 0 douze mois avant la date d'arrêté"
    elif s.grew == 0:
        out["note"] = "aucun compte de la base n'a augmenté son MRR"
    return out


def expansion(ctx: Context, facts: ibis.Table, clients: dict[str, int]) -> dict[str, Any]:
    b = facts.filter(facts.mrr_t12 > 0)
    grew = b.mrr_t > b.mrr_t12
    agg = b.group_by("segment").aggregate(
        accounts=b.count(),
        mrr_t12=b.mrr_t12.sum(),
        mrr_t=b.mrr_t.sum(),
        kept=ibis.least(b.mrr_t, b.mrr_t12).sum(),
        grew=grew.sum(),
        upsell=(12 * (b.mrr_t - b.mrr_t12)).sum(where=grew),
    )
    per: dict[str, _Sums] = {}
    for r in ctx.run("expansion", agg):
        per[str(r["segment"])] = _Sums(
            count(r["accounts"]),
            num(r["mrr_t12"]) or 0.0,
            num(r["mrr_t"]) or 0.0,
            num(r["kept"]) or 0.0,
            count(r["grew"]),
            num(r["upsell"]) or 0.0,
        )
    overall = _Sums()
    for s in per.values():
        overall = overall + s
    by_segment = []
    for name in sorted(set(clients) | set(per)):
        row = {"name": name, **_figures(per.get(name, _Sums()))}
        row["small_sample"] = clients.get(name, 0) < ctx.settings.small_sample
        by_segment.append(row)
    return {**_figures(overall), "by_segment": by_segment}
