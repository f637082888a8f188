"""The dossier: the questionnaire with its answers, ready to be written out.

Answers flow one way (DESIGN §8): computed answers (``data``) are overlaid with manual
ones (``manual`` always wins), then the executive summary and the counters are
``derived`` from them. :func:`build_dossier` does that; :meth:`Dossier.markdown` and
:meth:`Dossier.to_json` give the two files ``personae report`` writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from personae.answers import Answer, merge
from personae.errors import Problem
from personae.kinds import fmt_percent, format_value
from personae.questionnaire import Questionnaire
from personae.render import render_markdown, status_label

SCHEMA_VERSION = 1


@dataclass
class Dossier:
    questionnaire: Questionnaire
    answers: dict[str, Answer]
    generated: date
    as_of: date | None = None
    metrics: dict[str, Any] | None = None
    missing: dict[str, str] = field(default_factory=dict)  # question id -> what is missing
    warnings: list[Problem] = field(default_factory=list)  # the input data's warnings

    @property
    def answered(self) -> int:
        return sum(1 for x in self.questionnaire.questions if x.id in self.answers)

    @property
    def total(self) -> int:
        return len(self.questionnaire.questions)

    @property
    def status(self) -> str:
        return status_label(self.answered, self.total)

    def markdown(self) -> str:
        return render_markdown(self.questionnaire, self.answers, self.generated)

    def to_json(self) -> dict[str, Any]:
        q = self.questionnaire
        questions = []
        for x in q.questions:
            ans = self.answers.get(x.id)
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
            if ans is None and x.id in self.missing:
                item["missing"] = self.missing[x.id]
            questions.append(item)
        slots = []
        for sid, slot in q.slots.items():
            ans = self.answers.get(sid)
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
            for a in self.answers.values()
            if a.id not in q.slots and q.repeat_slot(a.id) is not None
        ]
        tables = {
            tid: {
                "columns": [c.id for c in t.columns],
                "rows": _jsonable(self.answers[tid].value) if tid in self.answers else None,
                "source": self.answers[tid].source if tid in self.answers else None,
            }
            for tid, t in q.tables.items()
        }
        doc: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "title": q.title,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "generated": self.generated.isoformat(),
            "status": self.status,
            "progress": {"answered": self.answered, "total": self.total},
            "questions": questions,
            "slots": slots + extra,
            "tables": tables,
        }
        if self.metrics is not None:
            doc["metrics"] = self.metrics
        return doc

    def json_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
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


# ---------------------------------------------------------------- derived answers


def _value(answers: Mapping[str, Answer], aid: str) -> Any:
    a = answers.get(aid)
    return None if a is None else a.value


def _rows(answers: Mapping[str, Answer], tid: str) -> list[dict[str, Any]]:
    v = _value(answers, tid)
    return v if isinstance(v, list) else []


def _clients(a: Mapping[str, Answer]) -> Any:
    return _value(a, "1.clients_total")


def _main_segment(a: Mapping[str, Answer]) -> Any:
    rows = [r for r in _rows(a, "2.segments_identifies") if r.get("segment")]
    ranked = [r for r in rows if isinstance(r.get("pct_ca"), float)]
    if ranked:
        best = max(ranked, key=lambda r: r["pct_ca"])
        return f"{best['segment']} ({fmt_percent(best['pct_ca'])} du CA)"
    if rows:
        return str(rows[0]["segment"])
    return _value(a, "2.3")


def _icp(a: Mapping[str, Answer]) -> Any:
    parts = []
    for sid in ("6.icp.taille", "6.icp.industrie", "6.icp.geographie"):
        v = _value(a, sid)
        if v is None:
            continue
        if isinstance(v, tuple):
            v = f"{v[0]:g}-{v[1]:g} employés"
        parts.append(str(v))
    return ", ".join(parts) if parts else _value(a, "6.1")


def _persona(a: Mapping[str, Answer]) -> Any:
    name, title = _value(a, "7.persona1.nom"), _value(a, "7.persona1.titre")
    if name and title and name != title:
        return f"{name} ({title})"
    return name or title


def _churn(a: Mapping[str, Answer]) -> Any:
    for r in _rows(a, "10.churn_par_segment"):
        if str(r.get("segment", "")).strip().lower() == "global":
            m, y = r.get("churn_mensuel"), r.get("churn_annuel")
            if isinstance(m, float) and isinstance(y, float):
                return f"{fmt_percent(m)} par mois, {fmt_percent(y)} par an"
            if isinstance(m, float):
                return f"{fmt_percent(m)} par mois"
    return _value(a, "10.1")


# Executive summary rows of the default template, by slot id: how each is derived.
SUMMARY_RULES: dict[str, Callable[[Mapping[str, Answer]], Any]] = {
    "resume.clients_totaux": _clients,
    "resume.segment_principal": _main_segment,
    "resume.icp": _icp,
    "resume.persona_principal": _persona,
    "resume.churn_global": _churn,
}


def derive(q: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """Answers with the executive summary filled from the others (manual rows kept)."""
    out = dict(answers)
    for sid, rule in SUMMARY_RULES.items():
        if sid not in q.slots or sid in out:
            continue
        value = rule(answers)
        if value is not None:
            out[sid] = Answer(sid, value, "derived")
    return out


def build_dossier(
    q: Questionnaire,
    *,
    manual: Mapping[str, Answer] | None = None,
    computed: Mapping[str, Answer] | None = None,
    metrics: dict[str, Any] | None = None,
    missing: Mapping[str, str] | None = None,
    warnings: list[Problem] | None = None,
    as_of: date | None = None,
    generated: date | None = None,
) -> Dossier:
    answers = merge(computed or {}, manual or {})
    answers = derive(q, answers)
    return Dossier(
        q,
        answers,
        generated or date.today(),
        as_of=as_of,
        metrics=metrics,
        missing=dict(missing or {}),
        warnings=list(warnings or []),
    )
