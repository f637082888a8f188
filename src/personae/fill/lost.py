"""Section 12, « Prospects perdus »: lost reasons, the profiles lost most, competitors."""

from __future__ import annotations

from typing import Any

from personae.dossier.kinds import fmt_int, fmt_percent
from personae.fill._rule import Metrics, rule
from personae.fill._text import best, pct, value_of
from personae.metrics.stats import wilson_interval

NOT_GIVEN = "Non renseigné"
ALL_SEGMENTS = "Tous segments"
"""The « Segment concerné » of a reason that no segment gives markedly more than the others."""
STANDOUT_LIFT = 1.5
STANDOUT_MIN = 10


def _standout(
    rows: list[dict[str, Any]], reason: dict[str, Any]
) -> tuple[str, int, int, float] | None:
    """(segment, k, n, overall share) where ``reason`` stands out (see standout_segment)."""
    lost_by_segment: dict[str, int] = {}
    for r in rows:
        for s in r.get("segments") or []:
            lost_by_segment[s["name"]] = lost_by_segment.get(s["name"], 0) + int(s["count"])
    total = sum(lost_by_segment.values())
    k_all = int(reason["count"])
    if not total or not k_all:
        return None
    overall = k_all / total
    found: list[tuple[float, str, int, int]] = []
    for s in reason.get("segments") or []:
        name, k, n = s["name"], int(s["count"]), lost_by_segment[s["name"]]
        if name == NOT_GIVEN or k < STANDOUT_MIN:
            continue
        lift = (k / n) / overall
        if lift >= STANDOUT_LIFT and wilson_interval(k, n)[0] > overall:
            found.append((lift, name, k, n))
    if not found:
        return None
    _, name, k, n = max(found, key=lambda f: (f[0], f[1]))
    return name, k, n, overall


def standout_segment(rows: list[dict[str, Any]], reason: dict[str, Any]) -> str | None:
    """The segment where ``reason`` is most over-represented against its share of all lost
    deals (the lift), with its counts — only when it truly stands out: a lift of at least
    1.5, at least 10 such deals, and the reason's share among the segment's lost deals
    above its overall share even at the low end of its 95 % interval. Else
    ALL_SEGMENTS; None without per-segment counts."""
    if "segments" not in reason:
        return None
    found = _standout(rows, reason)
    if found is None:
        return ALL_SEGMENTS
    name, k, n, overall = found
    return (
        f"{name} : {fmt_percent(k / n)} de ses affaires perdues ({fmt_int(k)} sur "
        f"{fmt_int(n)}) contre {fmt_percent(overall)} en moyenne"
    )


def _standouts(m: Metrics) -> str:
    """« ; le segment ETI perd surtout sur « Feature manquante » (…) » for each reason
    that one segment gives far more than the others."""
    rows = m.get("lost_reasons") or []
    parts = []
    for r in rows:
        found = _standout(rows, r) if r.get("segments") and r["name"] != NOT_GIVEN else None
        if found:
            name, k, n, overall = found
            parts.append(
                f"le segment {name} perd surtout sur « {r['name']} » ({fmt_percent(k / n)} de "
                f"ses affaires perdues, {fmt_int(k)} sur {fmt_int(n)}, contre "
                f"{fmt_percent(overall)} en moyenne)"
            )
    return "".join(f" ; {p}" for p in parts)


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
            "segment_concerne": standout_segment(rows, r) or r.get("main_segment"),
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


@rule(("deals", "lost_reasons"), ("12.2",), needs=("deals",))
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
            + _standouts(m)
        }
    worst = best([r for _, r in groups], lambda r: value_of(r["win_rate"]), lowest=True)
    if not worst:
        return {}
    return {
        "12.2": f"Aucun profil n'est perdu nettement plus que la moyenne ({pct(win)}) ; "
        f"le plus bas : {worst['name']} ({pct(worst['win_rate'])})" + _standouts(m)
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
