"""Answers from the demo company's data: the planted truths come back out of the dossier."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from personae.demo import generate
from personae.demo.run import demo_answers_path
from personae.dossier.questionnaire import Questionnaire
from personae.fill import DATA_QUESTIONS, answers_from_metrics
from personae.metrics import compute_metrics
from personae.pipeline import compute_dossier
from personae.render import dossier_document, dossier_schema, render_markdown
from personae.settings import Settings
from personae.sources import load

# The questions the demo's metrics settle (the others need a person, or a model: the ICP's
# and the TAM's answers come from models.icp / models.tam, tested in tests/models).
FROM_MODELS = frozenset({"6.1", "6.2", "6.3", "6.4"})
FROM_DATA = DATA_QUESTIONS - FROM_MODELS


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("demo"), size="S", seed=0)


@pytest.fixture(scope="module")
def truth(demo: Path) -> dict[str, Any]:
    return dict(json.loads((demo / "truth.json").read_text(encoding="utf-8")))


@dataclass
class Filled:
    answers: dict[str, Any]
    metrics: dict[str, Any]


@pytest.fixture(scope="module")
def filled(demo: Path) -> Filled:
    from personae.dossier.questionnaire import load_questionnaire

    ds = load(demo)
    try:
        metrics = compute_metrics(ds.con, ds.tables, Settings())
    finally:
        ds.con.disconnect()
    return Filled(answers_from_metrics(load_questionnaire(), metrics).answers, metrics)


def test_every_question_the_data_settles_is_answered(filled: Any) -> None:
    answered = {
        aid for aid in filled.answers if aid.count(".") == 1 and aid.split(".")[1].isdigit()
    }
    assert answered == FROM_DATA
    assert all(a.source == "data" for a in filled.answers.values())


def test_mrr_identity_holds_every_month(filled: Any) -> None:
    check = filled.metrics["checks"]["mrr_identity"]
    assert check["holds"] and check["months"] == len(filled.metrics["mrr_movements"])


def test_planted_churn_hazard_is_within_each_segment_interval(
    filled: Any, truth: dict[str, Any]
) -> None:
    for row in filled.metrics["churn"]["by_segment"]:
        hazard = truth["segments"][row["name"]]["monthly_churn_hazard"]
        rate = row["monthly"]
        assert rate["ci_low"] <= hazard <= rate["ci_high"], (row["name"], rate, hazard)


def test_planted_lost_reason_mix_is_recovered(filled: Any, truth: dict[str, Any]) -> None:
    got = {r["name"]: r["share"]["value"] for r in filled.metrics["lost_reasons"]}
    for name, share in truth["lost_reasons"].items():
        assert got[name] == pytest.approx(share, abs=0.04), name


def test_planted_win_rates_are_within_each_segment_interval(
    filled: Any, truth: dict[str, Any]
) -> None:
    for row in filled.metrics["win_rate_by_segment"]:
        planted = truth["segments"][row["name"]]["win_rate"]
        assert row["win_rate"]["ci_low"] <= planted <= row["win_rate"]["ci_high"], row


def test_arr_of_top_clients_is_made_of_planted_price_points(
    filled: Any, truth: dict[str, Any]
) -> None:
    prices = {p for plan in truth["prices"].values() for p in plan.values()}
    addons = {0, *truth["addon"]["prices"].values()}
    allowed = {p + a for p in prices for a in addons}
    for row in filled.metrics["top_clients"]:
        assert row["arr"] / 12 in allowed, row


def test_demo_dossier_end_to_end(demo: Path, questionnaire: Questionnaire) -> None:
    d = compute_dossier(answers=demo_answers_path(), data=demo)
    assert any("country" in (w.column or "") for w in d.warnings)  # planted: a few missing
    doc = dossier_document(d)
    jsonschema.Draft202012Validator(
        dossier_schema(), format_checker=jsonschema.FormatChecker()
    ).validate(doc)
    sources = {q["id"]: q["source"] for q in doc["questions"] if q["answered"]}
    assert {q for q, s in sources.items() if s == "data"} | {
        q for q, s in sources.items() if s == "manual"
    } == set(sources)
    assert FROM_DATA - {"2.1", "1.3"} <= {q for q, s in sources.items() if s == "data"}
    md = render_markdown(d)
    assert "| Global |" in md and "[X%]" not in md.split("## 10.")[1].split("### Signaux")[0]
    assert doc["metrics"]["overview"]["clients_total"] == d.answers["1.clients_total"].value
