"""Progress of a dossier, section by section, and what each unanswered question lacks."""

from __future__ import annotations

from dataclasses import dataclass

from personae.dossier.model import Dossier


@dataclass(frozen=True)
class SectionProgress:
    id: str
    title: str
    answered: int
    total: int
    unanswered: tuple[tuple[str, str, str], ...]  # (question id, text, what is missing)


def progress_by_section(dossier: Dossier) -> list[SectionProgress]:
    out = []
    for sec in dossier.questionnaire.sections:
        if not sec.questions:
            continue
        todo = tuple(
            (x.id, x.text, dossier.missing.get(x.id, "réponse manuelle (answers.yaml)"))
            for x in sec.questions
            if x.id not in dossier.answers
        )
        out.append(
            SectionProgress(
                sec.id, sec.title, len(sec.questions) - len(todo), len(sec.questions), todo
            )
        )
    return out
