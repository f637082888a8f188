"""Section 11, « Expansion »: NRR and upsell by segment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.numbers import format_decimal

from personae.dossier.kinds import LOCALE, fmt_int, fmt_money, fmt_percent
from personae.fill._rule import Metrics, rule
from personae.fill._text import best


def _plural(n: int, word: str) -> str:
    return f"{fmt_int(n)} {word}{'s' if n > 1 else ''}"


def _trigger_cells(m: Metrics) -> dict[str, str]:
    """« Triggers upsell » per segment (and "Global") from models.expansion: the accounts
    paying now whose strong trigger is on, with their ARR, and the segment's own lift when
    being in it is itself a trigger; nothing when the model did not run."""
    e = (m.get("models") or {}).get("expansion")
    if not isinstance(e, Mapping) or "opportunities" not in e:
        return {}
    on: list[str] = list(e.get("opportunity_triggers") or [])
    profile = {
        t["group"]: t
        for t in e.get("triggers") or []
        if t.get("feature") == "segment" and not t.get("small_sample")
    }
    opp = {o["segment"]: o for o in e.get("opportunities") or []}
    cells: dict[str, str] = {}
    names = {*opp, *profile, *(r["name"] for r in (m.get("expansion") or {}).get("by_segment", []))}
    for name in names:
        parts = []
        if name in profile:
            lift = format_decimal(profile[name]["lift"], locale=LOCALE, format="#,##0.0")
            parts.append(f"expansion × {lift} dans ce segment")
        if name in opp:
            o = opp[name]
            parts.append(
                f"{_plural(int(o['accounts']), 'compte')} au déclencheur allumé "
                f"({fmt_money(o['arr'])} d'ARR)"
            )
        elif on:
            parts.append("aucun compte au déclencheur allumé")
        if parts:
            cells[name] = " ; ".join(parts)
    if on:
        total = sum(int(o["accounts"]) for o in opp.values())
        arr = sum(float(o["arr"]) for o in opp.values())
        which = " ou ".join(on)
        cells["Global"] = (
            f"{which[:1].upper()}{which[1:]} : {_plural(total, 'compte')} ({fmt_money(arr)} d'ARR)"
            if total
            else f"{which[:1].upper()}{which[1:]} : aucun compte aujourd'hui"
        )
    return cells


@rule(
    ("expansion", "signals"),
    ("11.1", "11.2"),
    columns={"11.expansion_par_segment": ("segment", "nrr", "upsell_moyen", "triggers_upsell")},
    needs=("revenue",),
)
def expansion(m: Metrics) -> dict[str, Any]:
    e = m.get("expansion")
    if not e or e.get("nrr") is None:
        return {}
    triggers = _trigger_cells(m)
    rows = [
        {
            "segment": r["name"],
            "nrr": r.get("nrr"),
            "upsell_moyen": r.get("upsell_avg"),
            "triggers_upsell": triggers.get(r["name"]),
        }
        for r in e["by_segment"]
    ]
    rows.append(
        {
            "segment": "Global",
            "nrr": e["nrr"],
            "upsell_moyen": e.get("upsell_avg"),
            "triggers_upsell": triggers.get("Global"),
        }
    )
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
