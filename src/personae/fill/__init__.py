"""Answers from numbers: the computed metrics written into the dossier's ids (DESIGN §8).

One module per part of the dossier, each a set of small pure rules registered with
:func:`~personae.fill._rule.rule`: every rule declares the metric family it reads, the ids
and table columns it can write and the tables it needs. From those declarations come the
questions the data can answer (:data:`DATA_QUESTIONS`), each data answer's provenance, and
the reason an unanswered question is missing. What the data cannot say stays unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from personae.dossier.answers import Answer
from personae.dossier.persona_questions import PERSONA_QUESTIONS, block_slot
from personae.dossier.questionnaire import Questionnaire
from personae.fill import (  # noqa: F401  each part registers its rules on import
    churn,
    expansion,
    firmographics,
    icp,
    journey,
    journey_people,
    lost,
    overview,
    personas,
    segments,
    signals,
    top_clients,
)
from personae.fill._rule import RULES, Metrics, Rule
from personae.fill.awaited import AWAITED

NO_DATA = "données (--data) ou réponse manuelle"
MANUAL = "réponse manuelle (answers.yaml)"


@dataclass
class Filled:
    answers: dict[str, Answer]
    missing: dict[str, str] = field(default_factory=dict)
    as_of: date | None = None


def _is_question(aid: str) -> bool:
    return aid.count(".") == 1 and aid.split(".")[1].isdigit()


def rules_writing(aid: str) -> list[Rule]:
    """The rules that write ``aid``; for section 7's questions, those that fill the persona
    blocks' field the question asks for (the question is then derived from the blocks)."""
    ids = {aid} | {block_slot(1, key) for key in PERSONA_QUESTIONS.get(aid, ())}
    return [r for r in RULES if ids & r.writes]


# The questions the rules answer when the data has what they need.
DATA_QUESTIONS: frozenset[str] = frozenset(
    aid for r in RULES for aid in r.writes if _is_question(aid)
)
# Section 7's questions that the data answers through the persona blocks.
BLOCK_QUESTIONS: frozenset[str] = frozenset(q for q in PERSONA_QUESTIONS if rules_writing(q))
_AWAITED: dict[str, str] = {a.question: a.model for a in AWAITED}
# What else gives a table's answers, beside the table itself.
_ALTERNATIVE = {"market": " (ou réglage market_file : fichier SIRENE StockUniteLegale)"}


def answers_from_metrics(q: Questionnaire, m: Metrics) -> Filled:
    """The data answers the metrics settle, and why each other question is open."""
    answers: dict[str, Answer] = {}
    known = {x.id for x in q.questions} | set(q.slots) | set(q.tables)
    records = list(m.get("missing") or [])
    for r in RULES:
        if any(need.column is None and need.unmet_in(records) for need in r.needs):
            continue  # computed on a stand-in empty table: nothing to say but what is missing
        detail = {
            "metrics": list(r.families),
            "provenance": [_provenance(f, m) for f in r.families if _provenance(f, m)],
            "rule": r.name,
        }
        for aid, value in r(m).items():
            if aid in known and value not in (None, "", []):
                answers[aid] = Answer(aid, value, "data", detail=detail)
    missing = {x.id: why_missing(x.id, m) for x in q.questions if x.id not in answers}
    return Filled(answers, missing, date.fromisoformat(m["as_of"]))


def _provenance(family: str, m: Metrics) -> str | None:
    """Where a family's SQL is: ``metrics.provenance.<family>``, or for a model
    (``models.<name>``) its summary's ``provenance``."""
    if family.startswith("models."):
        name = family.removeprefix("models.")
        found = ((m.get("models") or {}).get(name) or {}).get("provenance")
        return f"{family}.provenance" if found else None
    return f"metrics.provenance.{family}" if family in (m.get("provenance") or {}) else None


def why_missing(qid: str, m: Metrics) -> str:
    """What an unanswered question lacks, from the rules' declared needs."""
    records = list(m.get("missing") or [])
    for r in rules_writing(qid):
        for need in r.needs:
            record = need.unmet_in(records)
            if record is not None and record.get("reason"):
                return f"{record['reason']}, ou réponse manuelle"
            if record is not None:
                what = f"table {need.table}" if need.column is None else f"colonne {need}"
                what += _ALTERNATIVE.get(need.table, "")
                return f"{what} absente des données, ou réponse manuelle"
    if qid in _AWAITED:
        return f"réponse manuelle (calcul à venir : {_AWAITED[qid]})"
    return MANUAL


def missing_without_data(q: Questionnaire) -> dict[str, str]:
    """What each question lacks when the report runs without ``--data``."""
    data = DATA_QUESTIONS | BLOCK_QUESTIONS
    return {x.id: NO_DATA if x.id in data else why_missing(x.id, {}) for x in q.questions}


def declared_ids() -> dict[str, frozenset[str]]:
    """Every id a rule can write, with the table columns it fills (empty for the others)."""
    out: dict[str, frozenset[str]] = {}
    for r in RULES:
        for aid in r.writes:
            out[aid] = out.get(aid, frozenset()) | r.columns.get(aid, frozenset())
    return out


__all__ = [
    "BLOCK_QUESTIONS",
    "DATA_QUESTIONS",
    "RULES",
    "Filled",
    "answers_from_metrics",
    "declared_ids",
    "missing_without_data",
    "why_missing",
]
