"""Section 9, « Top 10 clients »: the table and what it says about channels and references."""

from __future__ import annotations

from typing import Any

from personae.fill._rule import Metrics, rule
from personae.fill._text import french_list, most_common, pct

TOP_COLUMNS = ("rang", "client", "secteur", "arr", "anciennete", "canal_acquisition", "case_study")


@rule(
    ("top_clients", "overview"),
    ("9.1", "9.3", "9.6", "9.canal_acquisition_dominant"),
    columns={"9.top_10_clients": TOP_COLUMNS},
    needs=("revenue",),
)
def top_clients(m: Metrics) -> dict[str, Any]:
    rows = m.get("top_clients") or []
    if not rows:
        return {}
    key = "arr" if m.get("top_clients_ranked_by", "arr") == "arr" else "revenue"
    table = [
        {
            "rang": str(r["rank"]),
            "client": r.get("name") or r["account_id"],
            "secteur": r.get("industry"),
            "arr": r.get(key),
            "anciennete": r.get("tenure_months"),
            "canal_acquisition": r.get("acquisition_channel"),
            "case_study": r.get("case_study"),
        }
        for r in rows
    ]
    out: dict[str, Any] = {"9.top_10_clients": table}
    names = ", ".join(str(r["client"]) for r in table[:3])
    share = m["overview"]["top10_revenue_share"]
    out["9.1"] = f"{names}… ({len(table)} clients, {pct(share)} du CA) — voir le tableau"
    channels = [r["acquisition_channel"] for r in rows if r.get("acquisition_channel")]
    leaders, n = most_common(channels)
    if leaders:
        each = " chacun" if len(leaders) > 1 else ""
        out["9.canal_acquisition_dominant"] = f"{' / '.join(leaders)} ({n}/{len(rows)}{each})"
        out["9.3"] = f"Surtout par {french_list(leaders)} ({n} sur {len(rows)}{each})"
    studies = [r for r in rows if r.get("case_study") is not None]
    if studies:
        k = sum(1 for r in studies if r["case_study"])
        if k == 0:
            out["9.6"] = f"Aucun des {len(rows)} n'est encore une référence client"
        elif k == 1:
            out["9.6"] = f"1 sur {len(rows)} est déjà une référence client"
        else:
            out["9.6"] = f"{k} sur {len(rows)} sont déjà des références clients"
    return out
