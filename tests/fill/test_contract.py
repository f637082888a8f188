"""The fill registry's contract with the template: every id and column a rule can write
exists, and what is derived from the declarations is right."""

from __future__ import annotations

from personae.dossier.questionnaire import Questionnaire
from personae.fill import DATA_QUESTIONS, RULES, declared_ids, missing_without_data, why_missing
from personae.fill.awaited import AWAITED


def test_every_declared_id_exists_in_the_template(questionnaire: Questionnaire) -> None:
    known = (
        {x.id for x in questionnaire.questions}
        | set(questionnaire.slots)
        | set(questionnaire.tables)
    )
    unknown = {aid: r.name for r in RULES for aid in r.writes if aid not in known}
    assert not unknown, f"ids the template does not have: {unknown}"


def test_every_declared_column_exists_in_its_table(questionnaire: Questionnaire) -> None:
    for tid, columns in declared_ids().items():
        if not columns:
            continue
        table_columns = {c.id for c in questionnaire.tables[tid].columns}
        assert columns <= table_columns, (tid, columns - table_columns)


def test_the_families_are_metric_families() -> None:
    families = {
        "overview",
        "segments",
        "sizes",
        "industries",
        "regions",
        "churn",
        "expansion",
        "top_clients",
        "lost_reasons",
        "deals",
        "journey",
        "mrr_movements",
    }
    import importlib
    import pkgutil

    import personae.models

    # a model module records its SQL under its FAMILY
    models = {
        getattr(importlib.import_module(f"personae.models.{m.name}"), "FAMILY", None)
        for m in pkgutil.iter_modules(personae.models.__path__)
    } - {None}
    for r in RULES:
        assert set(r.families) <= families | models, (r.name, r.families)


def test_every_rule_needs_a_canonical_table() -> None:
    from personae.sources.schema import TABLES

    for r in RULES:
        for need in r.needs:
            if need.table == "market":  # DESIGN §3: the market file, scanned in place (TAM)
                continue
            assert need.table in TABLES, (r.name, need)
            if need.column:
                assert need.column in {c.name for c in TABLES[need.table].columns}


def test_no_question_is_both_computed_and_awaited() -> None:
    assert not DATA_QUESTIONS & {a.question for a in AWAITED}


def test_data_questions_are_the_questions_the_rules_write(questionnaire: Questionnaire) -> None:
    questions = {x.id for x in questionnaire.questions}
    written = {aid for r in RULES for aid in r.writes if aid in questions}
    assert written == DATA_QUESTIONS
    assert "1.1" in DATA_QUESTIONS and "12.3" in DATA_QUESTIONS
    assert "7.1" not in DATA_QUESTIONS or any("persona" in r.name for r in RULES)


def test_missing_reasons_come_from_structured_records() -> None:
    no_deals = {"missing": [{"metric": "win_rate", "needs": "deals table", "table": "deals"}]}
    assert why_missing("12.3", no_deals) == "table deals absente des données, ou réponse manuelle"
    assert why_missing("8.1", {"missing": []}) == "réponse manuelle (answers.yaml)"
    no_stages = {
        "missing": [{"metric": "journey", "needs": "deal_stages table", "table": "deal_stages"}]
    }
    assert why_missing("8.1", no_stages).startswith("table deal_stages absente")
    no_reason = {
        "missing": [
            {
                "metric": "churn.main_reason",
                "needs": "accounts.churn_reason",
                "table": "accounts",
                "column": "churn_reason",
            }
        ]
    }
    assert why_missing("10.4", no_reason) == (
        "colonne accounts.churn_reason absente des données, ou réponse manuelle"
    )
    # a missing column never reads as the whole table missing for the rules that need it all
    assert why_missing("10.1", no_reason) == "réponse manuelle (answers.yaml)"


def test_without_data_every_data_question_asks_for_data(questionnaire: Questionnaire) -> None:
    from personae.fill import BLOCK_QUESTIONS

    missing = missing_without_data(questionnaire)
    asking = {q for q, why in missing.items() if why.startswith("données (--data)")}
    assert asking == DATA_QUESTIONS | BLOCK_QUESTIONS
    assert {f"7.{k}" for k in range(1, 11)} <= BLOCK_QUESTIONS  # through the persona blocks
