"""A question's answer and the field below it that asks the same thing agree.

The template asks some things twice: "Quel segment taille est votre cœur de cible ?" and
the slot « Cœur de cible », "Avez-vous des offres verticalisées par industrie ?" and the
column « Offre dédiée » of the industry table. Answering one fills the other where it is
still empty (source ``derived``): a slot takes the answer's text, a yes/no column takes the
answer's yes or no on every row (when the answer starts with one). A person's own value in
the field is never replaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from personae.dossier.answers import Answer
from personae.dossier.questionnaire import Questionnaire
from personae.words import yes_no


@dataclass(frozen=True)
class Link:
    question: str
    field: str  # a slot id, or a table id with ``column``
    column: str | None = None


LINKS: tuple[Link, ...] = (
    Link("3.2", "3.coeur_de_cible"),
    Link("4.5", "4.repartition_par_industrie", "offre_dediee"),
    Link("5.5", "5.repartition_geographique", "equipe_locale"),
)


def _leading_yes_no(text: str) -> bool | None:
    first = text.strip().split(maxsplit=1)[0].strip(",.;:!—-") if text.strip() else ""
    return yes_no(first)


def link(q: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """``answers`` with every linked field filled from its question where it is empty."""
    out = dict(answers)
    for ln in LINKS:
        question = answers.get(ln.question)
        if question is None or not isinstance(question.value, str):
            continue
        if ln.column is None:
            if ln.field in q.slots and ln.field not in out:
                out[ln.field] = Answer(ln.field, question.value, "derived")
            continue
        table = answers.get(ln.field)
        said = _leading_yes_no(question.value)
        if table is None or said is None or not isinstance(table.value, list):
            continue
        rows = [r if r.get(ln.column) is not None else {**r, ln.column: said} for r in table.value]
        if rows != table.value:
            out[ln.field] = Answer(
                ln.field, rows, table.source, override=table.override, detail=table.detail
            )
    return out
