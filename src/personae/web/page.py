"""What a section's page shows: each question, slot and table with its answer and its form."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from personae.dossier.answers import Answer
from personae.dossier.kinds import format_value
from personae.dossier.model import Dossier
from personae.dossier.questionnaire import Section, Slot, TemplateTable
from personae.web.fields import Field, make_field

SOURCES = {
    "data": "calculé à partir des données",
    "manual": "saisi à la main",
    "derived": "déduit des autres réponses",
}


@dataclass
class Entry:
    """One id on the page: its answer (as shown), where it comes from, its form."""

    field: Field
    kind: str  # "question", "slot" or "table"
    answer: Any = None  # text, list of texts, or (column titles, rows of texts)
    source: str = ""
    override: bool = False
    missing: str = ""  # why a question is unanswered
    items: list[str] = dataclasses.field(default_factory=list)  # a question's sub-items
    group: str = ""  # persona2…

    @property
    def computed(self) -> bool:
        return self.source == SOURCES["data"]


def section_entries(
    dossier: Dossier,
    sec: Section,
    raw: dict[str, Any],
    kept: dict[str, Field] | None = None,
) -> list[Entry]:
    """The entries of ``sec``; ``kept`` holds forms re-shown with the person's input."""
    q = dossier.questionnaire
    kept = kept or {}
    out = []
    for x in sec.questions:
        f = kept.get(x.id) or make_field(q, x.id, x.text, raw.get(x.id), question=True)
        e = _entry(f, "question", dossier.answers.get(x.id))
        e.items = list(x.items)
        if x.id not in dossier.answers:
            e.missing = dossier.missing.get(x.id, "une réponse manuelle")
        out.append(e)
    for s in sec.slots:
        f = kept.get(s.id) or make_field(q, s.id, s.label, raw.get(s.id))
        e = _entry(f, "slot", dossier.answers.get(s.id), slot=s)
        e.group = s.group
        out.append(e)
    for t in sec.tables:
        f = kept.get(t.id) or make_field(q, t.id, t.title, raw.get(t.id))
        out.append(_entry(f, "table", dossier.answers.get(t.id), table=t))
    return out


def _entry(
    f: Field,
    kind: str,
    ans: Answer | None,
    *,
    slot: Slot | None = None,
    table: TemplateTable | None = None,
) -> Entry:
    e = Entry(f, kind)
    if ans is None:
        return e
    e.source = SOURCES.get(ans.source, ans.source)
    e.override = ans.override
    v = ans.value
    if table is not None and isinstance(v, list):
        titles = [c.title for c in table.columns]
        rows = [
            [_cell(v_row.get(c.id), c.kind, c.placeholder) for c in table.columns]
            for v_row in v
            if isinstance(v_row, dict)
        ]
        e.answer = (titles, rows)
    elif isinstance(v, list):
        e.answer = [str(item) for item in v]
    elif slot is not None:
        e.answer = format_value(slot.kind, v, slot.placeholder)
    elif isinstance(v, bool):
        e.answer = "Oui" if v else "Non"
    else:
        e.answer = str(v)
    return e


def _cell(value: Any, kind: Any, placeholder: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return format_value(kind, value, placeholder)
