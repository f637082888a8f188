"""An answered question fills the field below it that asks the same thing, and the summary's
"to be generated" note says it was generated once it is."""

from __future__ import annotations

from datetime import date

from personae.dossier.answers import Answer
from personae.dossier.model import Dossier
from personae.dossier.questionnaire import Questionnaire
from personae.render import render_markdown

DAY = date(2026, 1, 15)


def test_a_yes_no_answer_fills_its_column_on_every_row(questionnaire: Questionnaire) -> None:
    rows = [
        {"industrie": "Conseil", "nb_clients": 3, "pct_ca": 0.6},
        {"industrie": "Commerce", "nb_clients": 2, "pct_ca": 0.4, "offre_dediee": True},
    ]
    d = Dossier.assemble(
        questionnaire,
        manual={"4.5": Answer("4.5", "Non, une seule offre pour toutes les industries.")},
        computed={
            "4.repartition_par_industrie": Answer("4.repartition_par_industrie", rows, "data")
        },
        generated=DAY,
    )
    table = d.answers["4.repartition_par_industrie"].value
    assert [r["offre_dediee"] for r in table] == [False, True]  # a given value is kept
    md = render_markdown(d)
    assert "| Conseil | 3 | 60,0\u00a0% | — | Non |" in md
    assert "| Commerce | 2 | 40,0\u00a0% | — | Oui |" in md


def test_an_answer_that_is_not_yes_or_no_fills_nothing(questionnaire: Questionnaire) -> None:
    rows = [{"pays_region": "France", "nb_clients": 3}]
    d = Dossier.assemble(
        questionnaire,
        manual={"5.5": Answer("5.5", "En Belgique seulement")},
        computed={"5.repartition_geographique": Answer("5.repartition_geographique", rows, "data")},
        generated=DAY,
    )
    assert "equipe_locale" not in d.answers["5.repartition_geographique"].value[0]


def test_the_core_size_fills_its_slot_unless_a_person_did(questionnaire: Questionnaire) -> None:
    d = Dossier.assemble(
        questionnaire, manual={"3.2": Answer("3.2", "Les PME de 11 à 250")}, generated=DAY
    )
    assert d.answers["3.coeur_de_cible"].value == "Les PME de 11 à 250"
    assert d.answers["3.coeur_de_cible"].source == "derived"
    kept = Dossier.assemble(
        questionnaire,
        manual={
            "3.2": Answer("3.2", "Les PME"),
            "3.coeur_de_cible": Answer("3.coeur_de_cible", "PME (11-250 employés)"),
        },
        generated=DAY,
    )
    assert kept.answers["3.coeur_de_cible"].value == "PME (11-250 employés)"


def test_the_summary_note_once_generated(questionnaire: Questionnaire) -> None:
    empty = render_markdown(Dossier.assemble(questionnaire, generated=DAY))
    assert "*(À générer automatiquement une fois les questions répondues)*" in empty
    d = Dossier.assemble(
        questionnaire,
        computed={"1.clients_total": Answer("1.clients_total", 120, "data")},
        generated=DAY,
    )
    md = render_markdown(d)
    assert "À générer automatiquement" not in md
    assert "*(Généré automatiquement à partir des réponses ci-dessus)*" in md
