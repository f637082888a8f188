"""Section 12, « Prospects perdus »: lost reasons, the profiles lost most, competitors."""

from __future__ import annotations

from typing import Any

from personae.dossier.kinds import fmt_int
from personae.fill._rule import Metrics, rule
from personae.fill._text import best, pct, value_of


@rule(
    ("lost_reasons", "deals"),
    ("12.1",),
    columns={"12.analyse_prospects_perdus": ("raison_de_perte", "frequence", "segment_concerne")},
    needs=("deals",),
)
def lost_reasons(m: Metrics) -> dict[str, Any]:
    rows = m.get("lost_reasons")
    if not rows:
        return {}
    table = [
        {
            "raison_de_perte": r["name"],
            "frequence": value_of(r["share"]),
            "segment_concerne": r.get("main_segment"),
        }
        for r in rows
    ]
    answer = " ; ".join(f"{r['name']} ({pct(r['share'])})" for r in rows[:5])
    win = m.get("win_rate")
    if win and value_of(win) is not None:
        answer += (
            f" — taux de gain {pct(win)} ({fmt_int(win['numerator'])} gagnées sur "
            f"{fmt_int(win['denominator'])} affaires closes)"
        )
    return {"12.analyse_prospects_perdus": table, "12.1": answer}


@rule("deals", ("12.2",), needs=("deals",))
def lost_profiles(m: Metrics) -> dict[str, Any]:
    groups = [("segment", r) for r in m.get("win_rate_by_segment") or []] + [
        ("taille", r) for r in m.get("win_rate_by_size") or []
    ]
    win = m.get("win_rate")
    if not groups or not win or value_of(win) is None:
        return {}
    lost_often = [(kind, r) for kind, r in groups if r["lost_systematically"]]
    if lost_often:
        return {
            "12.2": " ; ".join(
                f"{r['name']} ({kind}) : taux de gain {pct(r['win_rate'])} contre "
                f"{pct(win)} en moyenne ({fmt_int(r['lost'])} perdues sur "
                f"{fmt_int(r['won'] + r['lost'])})"
                for kind, r in lost_often
            )
        }
    worst = best([r for _, r in groups], lambda r: value_of(r["win_rate"]), lowest=True)
    if not worst:
        return {}
    return {
        "12.2": f"Aucun profil n'est perdu nettement plus que la moyenne ({pct(win)}) ; "
        f"le plus bas : {worst['name']} ({pct(worst['win_rate'])})"
    }


@rule("deals", ("12.3",), needs=("deals",))
def competitors(m: Metrics) -> dict[str, Any]:
    comps = m.get("competitors")
    if not comps:
        return {}
    return {
        "12.3": " ; ".join(
            ("Aucun concurrent nommé (statu quo ?)" if r["name"] == "Non renseigné" else r["name"])
            + f" {pct(r['share'])}"
            for r in comps[:5]
        )
    }
