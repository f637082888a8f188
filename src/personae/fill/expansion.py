"""Section 11, « Expansion »: NRR and upsell by segment."""

from __future__ import annotations

from typing import Any

from personae.dossier.kinds import fmt_int, fmt_money, fmt_percent
from personae.fill._rule import Metrics, rule
from personae.fill._text import best


@rule(
    "expansion",
    ("11.1", "11.2"),
    columns={"11.expansion_par_segment": ("segment", "nrr", "upsell_moyen")},
    needs=("revenue",),
)
def expansion(m: Metrics) -> dict[str, Any]:
    e = m.get("expansion")
    if not e or e.get("nrr") is None:
        return {}
    rows = [
        {"segment": r["name"], "nrr": r.get("nrr"), "upsell_moyen": r.get("upsell_avg")}
        for r in e["by_segment"]
    ]
    rows.append({"segment": "Global", "nrr": e["nrr"], "upsell_moyen": e.get("upsell_avg")})
    out: dict[str, Any] = {
        "11.expansion_par_segment": rows,
        "11.1": f"NRR {fmt_percent(e['nrr'])} (GRR {fmt_percent(e['grr'])}) sur "
        f"{fmt_int(e['base_accounts'])} comptes payants il y a 12 mois",
    }
    top = best(
        e["by_segment"],
        lambda r: (r.get("upsell_avg") or 0) * (r.get("upsell_accounts") or 0) or None,
    )
    if top:
        out["11.2"] = (
            f"{top['name']} : {top['upsell_accounts']} comptes en hausse, "
            f"upsell moyen {fmt_money(top['upsell_avg'], per_year=True)}"
        )
    return out
