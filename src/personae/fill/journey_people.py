"""Section 8, « Parcours d'achat »: the touchpoints, contents and people of each phase."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from personae.dossier.kinds import fmt_int, fmt_percent
from personae.fill._rule import Metrics, rule
from personae.fill._text import SMALL


def _phases(m: Metrics) -> list[Mapping[str, Any]]:
    found = (m.get("models") or {}).get("journey_people") or {}
    return list(found.get("phases") or [])


def _line(phase: Mapping[str, Any], items: Sequence[Mapping[str, Any]], total: int) -> str:
    listed = ", ".join(f"{i['name']} {fmt_percent(i['share'])}" for i in items)
    small = f", {SMALL}" if total < 30 else ""
    return f"{phase['name']} : {listed} (sur {fmt_int(total)} points de contact{small})"


def _lines(m: Metrics, key: str) -> str | None:
    parts = [_line(p, p[key], int(p["touchpoints"])) for p in _phases(m) if p.get(key)]
    return " ; ".join(parts) or None


def _people(phase: Mapping[str, Any]) -> str:
    people = phase.get("people") or []
    listed = ", ".join(f"{g['name']} {fmt_percent(g['share'])}" for g in people[:3])
    met = int(phase.get("people_met") or 0)
    small = f", {SMALL}" if met < 30 else ""
    return (
        f"{phase['name']} : {listed} (des {fmt_int(met)} points de contact dont on connaît "
        f"le contact{small})"
    )


@rule("journey_people", ("8.3", "8.4", "8.5"), needs=("touchpoints",))
def journey_people(m: Metrics) -> dict[str, Any]:
    people = " ; ".join(_people(p) for p in _phases(m) if p.get("people"))
    out = {
        "8.3": _lines(m, "channels"),
        "8.4": _lines(m, "contents"),
        "8.5": people or None,
    }
    return {k: v for k, v in out.items() if v}
