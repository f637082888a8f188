"""Section 8, « Parcours client »: the pipeline's phases and their durations."""

from __future__ import annotations

from typing import Any

from personae.dossier.kinds import fmt_int
from personae.fill._rule import Metrics, rule


@rule(
    "journey",
    ("8.1", "8.2"),
    columns={"8.parcours_detaille": ("etape", "duree", "contenu", "decideurs_impliques")},
    needs=("deal_stages",),
)
def journey(m: Metrics) -> dict[str, Any]:
    rows = [r for r in (m.get("journey") or []) if r.get("n")]
    if not rows:
        return {}
    timed = [r for r in rows if r.get("days_mean") is not None]
    people = {
        p["name"]: p
        for p in ((m.get("models") or {}).get("journey_people") or {}).get("phases", [])
    }
    return {
        "8.parcours_detaille": [
            {"etape": r["name"], "duree": round(r["days_mean"]), **_met(people.get(r["name"]))}
            for r in timed
        ],
        "8.1": " → ".join(r["name"] for r in rows)
        + " (étapes du pipeline CRM regroupées par phase)",
        "8.2": " ; ".join(
            f"{r['name']} {fmt_int(r['days_mean'])} j en moyenne "
            f"(médiane {fmt_int(r['days_median'])} j, n = {fmt_int(r['n'])})"
            for r in timed
        ),
    }


def _met(phase: Any) -> dict[str, Any]:
    """The phase's most used content and the people most met (models.journey_people)."""
    if not phase:
        return {}
    out = {}
    if phase.get("contents"):
        out["contenu"] = str(phase["contents"][0]["name"])
    if phase.get("people"):
        out["decideurs_impliques"] = ", ".join(str(g["name"]) for g in phase["people"][:2])
    return out
