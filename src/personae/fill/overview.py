"""Section 1, « Combien de clients avez-vous ? »: the overview numbers."""

from __future__ import annotations

from typing import Any

from personae.dossier.kinds import fmt_int, fmt_percent
from personae.fill._rule import Metrics, rule
from personae.fill._text import pct, value_of


@rule(
    "overview",
    (
        "1.clients_total",
        "1.clients_actifs",
        "1.definition_actif",
        "1.repartition_b2b_b2c",
        "1.pays",
        "1.concentration_top_10",
        *("1.1", "1.2", "1.3", "1.4", "1.5", "1.6"),
    ),
    needs=("revenue",),
)
def overview(m: Metrics) -> dict[str, Any]:
    o = m["overview"]
    b2b, b2c = value_of(o["b2b_share"]), value_of(o["b2c_share"])
    active = value_of(o.get("active_share"))
    countries = o.get("country_codes") or []
    if not o["clients_total"]:
        return {}  # no client in the window: every number below would be an empty zero
    out: dict[str, Any] = {
        "1.clients_total": o["clients_total"],
        "1.clients_actifs": o["clients_active"],
        "1.definition_actif": o["active_definition"],
        "1.1": f"{fmt_int(o['clients_total'])} clients sur les 12 derniers mois "
        f"({fmt_int(o['clients_ever'])} depuis le début)",
    }
    if o["clients_active"] is not None:
        out["1.2"] = f"{fmt_int(o['clients_active'])} clients actifs" + (
            f" ({fmt_percent(active)} des clients)" if active is not None else ""
        )
        out["1.3"] = o["active_definition"]
    if b2b is not None and b2c is not None:
        out["1.repartition_b2b_b2c"] = (b2b, b2c)
        out["1.4"] = f"{pct(o['b2b_share'])} B2B / {pct(o['b2c_share'])} B2C"
    if o["countries"]:
        out["1.pays"] = o["countries"]
        out["1.5"] = f"{fmt_int(o['countries'])} pays" + (
            f" ({', '.join(countries)})" if countries else ""
        )
    top10 = value_of(o["top10_revenue_share"])
    if top10 is not None:
        out["1.concentration_top_10"] = top10
        out["1.6"] = f"Top 10 clients = {pct(o['top10_revenue_share'])} du CA"
    return out
