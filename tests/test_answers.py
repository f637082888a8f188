"""answers.yaml: checked by kind, every problem with file, line and id."""

from __future__ import annotations

import pytest

from personae.dossier.answers import Answer, merge, parse_answers, skeleton
from personae.dossier.kinds import Kind, kind_of, parse_as
from personae.dossier.questionnaire import Questionnaire
from personae.errors import AnswersError, KindError


def test_values_are_checked_by_kind(questionnaire: Questionnaire) -> None:
    text = """
"1.clients_total": 1 234
"1.concentration_top_10": "42,5 %"
"1.repartition_b2b_b2c": "80 %/20 %"
"6.icp.taille": "10-50 employés"
"6.icp.ca": "1 M€-10 M€"
"6.icp.budget_it_outil": "12 000 €"
"6.icp.maturite_digitale": haute
"8.parcours_detaille":
  - etape: Awareness
    duree: 12 jours
"7.persona1.objectifs": [Un, Deux]
"9.top_10_clients":
  - client: Acme
    case_study: oui
"""
    a = parse_answers(text, questionnaire)
    assert a["1.clients_total"].value == 1234
    assert a["1.concentration_top_10"].value == pytest.approx(0.425)
    assert a["1.repartition_b2b_b2c"].value == pytest.approx((0.8, 0.2))
    assert a["6.icp.taille"].value == (10, 50)
    assert a["6.icp.ca"].value == (1e6, 1e7)
    assert a["6.icp.budget_it_outil"].value == 12000.0
    assert a["6.icp.maturite_digitale"].value == "Haute"
    assert a["8.parcours_detaille"].value == [{"etape": "Awareness", "duree": 12}]
    assert a["7.persona1.objectifs"].value == ["Un", "Deux"]
    assert a["9.top_10_clients"].value == [{"client": "Acme", "case_study": True}]
    assert all(x.source == "manual" for x in a.values())


def test_empty_values_are_unanswered(questionnaire: Questionnaire) -> None:
    assert parse_answers(skeleton(questionnaire), questionnaire) == {}


def test_skeleton_lists_every_id(questionnaire: Questionnaire) -> None:
    text = skeleton(questionnaire)
    for qid in [x.id for x in questionnaire.questions] + list(questionnaire.slots):
        assert f'"{qid}":' in text
    for tid in questionnaire.tables:
        assert f'"{tid}":' in text
    assert "# Combien de clients avez-vous au total ?\n" in text


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('"1.1": ok\n"1.clients_total": [unclosed\n', 3, None, "invalid YAML"),
        ('"1.1": ok\n\n"1.99": oops\n', 3, "1.99", "unknown id '1.99'"),
        ('"1.1": ok\n"1.clients_total": beaucoup\n', 2, "1.clients_total", "nombre entier"),
        ('"1.concentration_top_10": 0.4\n', 1, "1.concentration_top_10", "pourcentage"),
        ("1.1: ok\n", 1, "1.1", "not quoted"),
        ('"2.segments_identifies":\n  - segment: A\n    prix: 3\n', 1, None, "unknown column"),
        ('"6.icp.maturite_digitale": extrême\n', 1, None, "Faible, Moyenne, Haute"),
    ],
)
def test_bad_answers_name_line_and_id(
    questionnaire: Questionnaire, text: str, line: int, column: str | None, message: str
) -> None:
    with pytest.raises(AnswersError) as err:
        parse_answers(text, questionnaire, "ws/answers.yaml")
    [problem] = err.value.problems
    assert problem.file == "ws/answers.yaml"
    assert problem.line == line
    if column:
        assert problem.column == column
    assert message in str(problem)
    assert err.value.exit_code == 2


def test_every_problem_is_listed(questionnaire: Questionnaire) -> None:
    with pytest.raises(AnswersError) as err:
        parse_answers('"1.x": 1\n"1.pays": trois\n"1.y": 2\n', questionnaire)
    assert [p.line for p in err.value.problems] == [1, 2, 3]


def test_unknown_id_suggests_the_close_one(questionnaire: Questionnaire) -> None:
    with pytest.raises(AnswersError) as err:
        parse_answers('"1.client_total": 3\n', questionnaire)
    assert "1.clients_total" in str(err.value)


def test_manual_wins_and_tables_merge_cell_by_cell() -> None:
    computed = {
        "1.pays": Answer("1.pays", 4, "data"),
        "5.repartition_geographique": Answer(
            "5.repartition_geographique",
            [{"pays_region": "France", "nb_clients": 10}, {"pays_region": "DACH", "nb_clients": 2}],
            "data",
        ),
    }
    manual = {
        "1.pays": Answer("1.pays", 5),
        "5.repartition_geographique": Answer(
            "5.repartition_geographique", [{"pays_region": "france", "equipe_locale": True}]
        ),
    }
    out = merge(computed, manual)
    assert out["1.pays"].value == 5 and out["1.pays"].override and out["1.pays"].source == "manual"
    rows = out["5.repartition_geographique"].value
    assert rows[0] == {"pays_region": "france", "nb_clients": 10, "equipe_locale": True}
    assert rows[1] == {"pays_region": "DACH", "nb_clients": 2}


@pytest.mark.parametrize(
    ("placeholder", "raw", "value"),
    [
        ("[X]", "1 234", 1234),
        ("[X%]", "42,3 %", 0.423),
        ("[+X%]", "-5 %", -0.05),
        ("[€]", "1,5 k€", 1500.0),
        ("[€/an]", "12 000,50 €", 12000.5),
        ("[X jours]", "45 jours", 45),
        ("[X mois]", 18, 18),
        ("[X-X ans]", "35-45 ans", (35, 45)),
        ("[Oui/Non]", "Non", False),
        ("[Junior/Mid/Senior/C-level]", "senior", "Senior"),
        ("[FR/NL/EN]", "FR", "FR"),
    ],
)
def test_kinds(placeholder: str, raw: object, value: object) -> None:
    got = parse_as(kind_of(placeholder), raw)
    assert got == pytest.approx(value) if isinstance(value, float | tuple) else got == value


@pytest.mark.parametrize(
    ("kind", "raw"),
    [("integer", "1,5"), ("percent", "abc"), ("range", "50-10"), ("yesno", "peut-être")],
)
def test_kind_rejects(kind: str, raw: str) -> None:
    with pytest.raises(KindError):
        parse_as(Kind(kind), raw)
