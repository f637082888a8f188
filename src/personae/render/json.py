"""``dossier.json``: every question, slot and table with its answer and source, and the
computed numbers under ``metrics`` (DESIGN §6). Its JSON Schema ships in
``personae/schemas/dossier.schema.json``.
"""

from __future__ import annotations

import json
import math
from datetime import date
from importlib import resources
from typing import Any

from personae.dossier.kinds import format_value
from personae.dossier.model import Dossier

SCHEMA_VERSION = 1


def dossier_document(dossier: Dossier) -> dict[str, Any]:
    """The content of ``dossier.json`` as plain JSON values."""
    q = dossier.questionnaire
    answers = dossier.answers
    questions = []
    for x in q.questions:
        ans = answers.get(x.id)
        item: dict[str, Any] = {
            "id": x.id,
            "section": x.section,
            "text": x.text,
            "answered": ans is not None,
            "answer": _jsonable(ans.value) if ans else None,
            "source": ans.source if ans else None,
        }
        if ans and ans.override:
            item["override"] = True
        if ans and ans.detail:
            item["detail"] = dict(ans.detail)
        if ans is None and x.id in dossier.missing:
            item["missing"] = dossier.missing[x.id]
        questions.append(item)
    slots = []
    for sid, slot in q.slots.items():
        ans = answers.get(sid)
        slots.append(
            {
                "id": sid,
                "label": slot.label,
                "kind": slot.kind.name,
                "value": _jsonable(ans.value) if ans else None,
                "text": format_value(slot.kind, ans.value, slot.placeholder) if ans else None,
                "source": ans.source if ans else None,
            }
        )
    extra = [
        {"id": a.id, "value": _jsonable(a.value), "source": a.source}
        for a in answers.values()
        if a.id not in q.slots and q.repeat_slot(a.id) is not None
    ]
    tables = {
        tid: {
            "columns": [c.id for c in t.columns],
            "rows": _jsonable(answers[tid].value) if tid in answers else None,
            "source": answers[tid].source if tid in answers else None,
        }
        for tid, t in q.tables.items()
    }
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "title": _title(dossier),
        "company": dossier.company or q.company,
        "as_of": dossier.as_of.isoformat() if dossier.as_of else None,
        "generated": dossier.generated.isoformat(),
        "status": dossier.status,
        "progress": {"answered": dossier.answered, "total": dossier.total},
        "sections": [{"id": s.id, "title": s.title} for s in q.sections],
        "questions": questions,
        "slots": slots + extra,
        "tables": tables,
    }
    if dossier.metrics is not None:
        doc["metrics"] = _jsonable(dossier.metrics)
    if dossier.models is not None:
        doc["models"] = _jsonable(dossier.models)
    return doc


def _title(dossier: Dossier) -> str:
    q = dossier.questionnaire
    if dossier.company and q.company:
        return q.title[: q.title.rindex(q.company)] + dossier.company
    return q.title


def render_json(dossier: Dossier) -> str:
    """``dossier.json``'s text."""
    return dump_document(dossier_document(dossier))


def dump_document(document: dict[str, Any]) -> str:
    """The text of a ``dossier.json`` document."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


DECIMALS = 6  # money to the cent and rates to 1e-6, without the float noise of a sum


def _jsonable(value: Any) -> Any:
    """Plain JSON values; floats rounded at this boundary (computations stay exact inside)."""
    if isinstance(value, float):
        return round(value, DECIMALS) if math.isfinite(value) else None
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


def dossier_schema() -> dict[str, Any]:
    """The JSON Schema of ``dossier.json`` shipped with the package."""
    text = resources.files("personae.schemas").joinpath("dossier.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
