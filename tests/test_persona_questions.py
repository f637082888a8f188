"""Section 7's questions ticked from the persona blocks, the blocks filled from the personas
model, "Persona principal" following, and what the dossier says when a table is missing."""

from __future__ import annotations

from datetime import date
from typing import Any

from personae.dossier.answers import Answer
from personae.dossier.model import Dossier
from personae.dossier.persona_questions import PERSONA_QUESTIONS
from personae.dossier.questionnaire import Questionnaire
from personae.fill import BLOCK_QUESTIONS, missing_without_data, why_missing
from personae.fill.journey_people import journey_people
from personae.fill.personas import persona_people, persona_themes

DAY = date(2026, 1, 15)
FULL_BLOCK = {
    "7.persona1.nom": "Claire, la DAF",
    "7.persona1.titre": "DAF",
    "7.persona1.departement": "Finance",
    "7.persona1.age": (40.0, 50.0),
    "7.persona1.seniorite": "C-level",
    "7.persona1.objectifs": ["Fiabiliser la prévision", "Clôturer plus vite"],
    "7.persona1.defis": ["Excel"],
    "7.persona1.comment_on_l_aide": "Rapprochement automatique",
    "7.persona1.objections": ["Prix"],
    "7.persona1.sources_d_info": "DFCG",
    "7.persona1.criteres_decision": "Connecteurs bancaires",
    "7.persona1.influenceurs": "Le CEO",
}


def _dossier(q: Questionnaire, values: dict[str, Any], source: str = "manual") -> Dossier:
    manual = {k: Answer(k, v, source) for k, v in values.items()}
    return Dossier.assemble(q, manual=manual, generated=DAY)


def test_a_block_filled_by_hand_ticks_all_ten(questionnaire: Questionnaire) -> None:
    d = _dossier(questionnaire, FULL_BLOCK)
    section7 = [x.id for x in questionnaire.questions if x.section == "7"]
    assert sorted(section7) == sorted(PERSONA_QUESTIONS)
    assert all(d.answers[q].source == "derived" for q in section7)
    assert d.answers["7.1"].value == "Persona 1 : DAF"
    assert d.answers["7.3"].value == "Persona 1 : 40-50 ans"
    assert d.answers["7.4"].value == "Persona 1 : 2 objectifs"
    assert d.answers["7.5"].value == "Persona 1 : 1 défi"
    assert d.answers["7.10"].value == "Persona 1 : Le CEO"


def test_only_the_fields_present_are_ticked(questionnaire: Questionnaire) -> None:
    d = _dossier(questionnaire, {"7.persona2.titre": "DAF", "7.persona3.titre": "CEO"})
    assert d.answers["7.1"].value == "Persona 2 : DAF ; persona 3 : CEO"
    assert not any(q in d.answers for q in PERSONA_QUESTIONS if q != "7.1")


def test_a_question_answered_by_hand_is_kept(questionnaire: Questionnaire) -> None:
    d = _dossier(questionnaire, {**FULL_BLOCK, "7.1": "Surtout des DAF"})
    assert d.answers["7.1"].value == "Surtout des DAF"
    assert d.answers["7.1"].source == "manual"


def test_persona_principal_follows_the_first_block(questionnaire: Questionnaire) -> None:
    d = _dossier(
        questionnaire,
        {"7.persona1.nom": "Directeur financier (DAF)", "7.persona1.titre": "DAF"},
        source="data",
    )
    assert d.answers["resume.persona_principal"].value == "Directeur financier (DAF)"
    d = _dossier(questionnaire, {"7.persona1.nom": "Claire", "7.persona1.titre": "DAF"})
    assert d.answers["resume.persona_principal"].value == "Claire (DAF)"


# --- the blocks from models.personas ------------------------------------------------------

PERSONA = {
    "name": "Directeur financier (DAF)",
    "department": "finance",
    "department_label": "Finance",
    "seniority": "C-level",
    "title": "DAF",
    "age_range": [41.6, 50.2],
    "ages": 120,
    "contacts": 120,
    "weight": 0.52,
    "won_deals": 80,
    "decider_deals": 75,
    "influencers": [
        {
            "name": "Dirigeant (CEO)",
            "department": "direction",
            "seniority": "C-level",
            "role": "influencer",
            "won_deals": 24,
            "share": 0.3,
        },
    ],
    "themes": {
        "objectifs": [{"verbatim": "Objectif : clôturer plus vite.", "count": 12, "terms": []}],
        "sources": [
            {"verbatim": "Recommandé par la DFCG.", "count": 4, "terms": []},
            {"verbatim": "Vu sur LinkedIn.", "count": 1, "terms": []},
        ],
    },
}
SMALL = {
    **PERSONA,
    "name": "Dirigeant (CEO)",
    "contacts": 7,
    "ages": 3,
    "influencers": [],
    "themes": {},
}


def test_blocks_in_french_with_counts() -> None:
    m = {"models": {"personas": [PERSONA, SMALL]}}
    people = persona_people(m)
    assert people["7.persona1.nom"] == "Directeur financier (DAF)"
    assert people["7.persona1.titre"] == "DAF"
    assert people["7.persona1.departement"] == "Finance"
    assert people["7.persona1.age"] == (42.0, 50.0)
    assert people["7.persona1.seniorite"] == "C-level"
    assert people["7.persona1.influenceurs"] == (
        "Dirigeant (CEO), influenceur sur 30,0\u00a0% de ses affaires gagnées (24 affaires)"
    )
    # a small group says so, and too few ages give no range
    assert people["7.persona2.nom"] == "Dirigeant (CEO) (échantillon faible : 7 contacts)"
    assert "7.persona2.age" not in people and "7.persona2.influenceurs" not in people
    themes = persona_themes(m)
    assert themes["7.persona1.objectifs"] == ["« Objectif : clôturer plus vite. » (12 notes)"]
    assert themes["7.persona1.sources_d_info"] == (
        "« Recommandé par la DFCG. » (4 notes) et « Vu sur LinkedIn. » (1 note)"
    )
    assert not any(k.startswith("7.persona2.") for k in themes)


def test_data_blocks_tick_section_7(questionnaire: Questionnaire) -> None:
    m: dict[str, Any] = {"models": {"personas": [PERSONA]}}
    values = {**persona_people(m), **persona_themes(m)}
    computed = {k: Answer(k, v, "data") for k, v in values.items()}
    d = Dossier.assemble(questionnaire, computed=computed, generated=DAY)
    ticked = {q for q in PERSONA_QUESTIONS if q in d.answers}
    assert ticked == {"7.1", "7.2", "7.3", "7.4", "7.8", "7.10"}
    assert d.answers["7.2"].value == "Persona 1 : Finance"
    assert d.answers["resume.persona_principal"].value == "Directeur financier (DAF)"


def test_what_is_missing_names_the_table(questionnaire: Questionnaire) -> None:
    assert frozenset(PERSONA_QUESTIONS) == BLOCK_QUESTIONS
    no_contacts = {
        "missing": [{"metric": "personas", "needs": "contacts table", "table": "contacts"}]
    }
    assert why_missing("7.1", no_contacts).startswith("table contacts absente")
    no_notes = {
        "missing": [{"metric": "personas.themes", "needs": "notes table", "table": "notes"}]
    }
    assert why_missing("7.4", no_notes).startswith("table notes absente")
    assert why_missing("7.1", no_notes) == "réponse manuelle (answers.yaml)"
    no_won = {
        "missing": [
            {
                "metric": "personas",
                "needs": "deals.status",
                "table": "deals",
                "column": "status",
                "reason": "aucune affaire gagnée (status won) dans deals",
            }
        ]
    }
    assert why_missing("7.2", no_won) == (
        "aucune affaire gagnée (status won) dans deals, ou réponse manuelle"
    )
    no_touch = {
        "missing": [
            {"metric": "journey_people", "needs": "touchpoints table", "table": "touchpoints"}
        ]
    }
    assert why_missing("8.4", no_touch).startswith("table touchpoints absente")
    without = missing_without_data(questionnaire)
    assert without["7.1"] == without["8.5"] == "données (--data) ou réponse manuelle"


def test_journey_people_in_french() -> None:
    phase = {
        "name": "Decision",
        "touchpoints": 20,
        "channels": [
            {"name": "appel", "touchpoints": 12, "share": 0.6},
            {"name": "email", "touchpoints": 8, "share": 0.4},
        ],
        "contents": [{"name": "Proposition commerciale", "touchpoints": 8, "share": 0.4}],
        "people_met": 18,
        "people": [{"name": "Directeur financier (DAF)", "touchpoints": 12, "share": 2 / 3}],
    }
    out = journey_people({"models": {"journey_people": {"phases": [phase]}}})
    assert out["8.3"] == (
        "Decision : appel 60,0\u00a0%, email 40,0\u00a0% "
        "(sur 20 points de contact, échantillon faible)"
    )
    assert out["8.4"] == (
        "Decision : Proposition commerciale 40,0\u00a0% (sur 20 points de contact, "
        "échantillon faible)"
    )
    assert out["8.5"] == (
        "Decision : Directeur financier (DAF) 66,7\u00a0% (des 18 points de contact dont on "
        "connaît le contact, échantillon faible)"
    )
    assert journey_people({"models": {}}) == {}


# --- end to end: a data folder without some tables says which one would answer ------------


def _write(folder: Any, name: str, rows: list[dict[str, Any]]) -> None:
    import csv

    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
        fields = list(dict.fromkeys(k for r in rows for k in r))
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def test_dossier_names_the_missing_tables(tmp_path: Any) -> None:
    from personae.pipeline import compute_dossier
    from tests.models.test_personas import ACCOUNTS, CONTACTS, DEALS

    _write(tmp_path, "accounts", ACCOUNTS)
    _write(tmp_path, "deals", DEALS)
    revenue = [{"account_id": a, "date": "2025-06-01", "amount": 100} for a in ("A1", "A2", "A3")]
    _write(tmp_path, "revenue", revenue)
    d = compute_dossier(data=tmp_path, as_of=date(2025, 12, 31))
    assert d.missing["7.1"].startswith("table contacts absente")
    assert d.missing["8.5"].startswith("table touchpoints absente")
    assert "resume.persona_principal" not in d.answers

    _write(tmp_path, "contacts", CONTACTS)
    d = compute_dossier(data=tmp_path, as_of=date(2025, 12, 31))
    assert d.answers["7.1"].value == ("Persona 1 : DAF ; persona 2 : CEO ; persona 3 : Comptable")
    # a small group says so, in its block and in the summary
    assert d.answers["resume.persona_principal"].value == (
        "Responsable financier (DAF) (échantillon faible : 4 contacts)"
    )
    assert d.answers["7.persona2.nom"].value == "Dirigeant (CEO) (échantillon faible : 2 contacts)"
    assert d.missing["7.4"].startswith("table notes absente")

    _write(tmp_path, "deals", [{**r, "status": "lost"} for r in DEALS])
    d = compute_dossier(data=tmp_path, as_of=date(2025, 12, 31))
    assert d.missing["7.1"] == (
        "aucune affaire gagnée (status won) dans deals, ou réponse manuelle"
    )
