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
from personae.dossier.answers import load_answers
from personae.dossier.persona_questions import PERSONA_QUESTIONS
from personae.dossier.questionnaire import Questionnaire
from personae.fill import DATA_QUESTIONS, answers_from_metrics
from personae.metrics import MetricsSession
from personae.models.run import compute_models
from personae.pipeline import compute_dossier
from personae.render import dossier_document, dossier_schema, render_markdown
from personae.settings import Settings
from personae.sources import load

# The questions the demo's data settles, written out (not read from fill/): a rule that stops
# answering, or a new answer, shows here as a deliberate change.
FROM_DATA = frozenset(
    {"6.1", "6.2", "6.3", "6.4"}
    | {"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6"}
    | {"3.1", "3.2", "4.1", "4.2", "5.1", "5.2"}
    | {"8.1", "8.2", "8.3", "8.4", "8.5", "9.1", "9.2", "9.3", "9.6"}
    | {"10.1", "10.2", "10.3", "10.4", "10.5", "11.1", "11.2", "11.3", "11.4"}
    | {"12.1", "12.2", "12.3"}
)


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
        with MetricsSession(ds.con, ds.tables, Settings()) as session:
            metrics = session.compute()
            models = compute_models(session, metrics)
    finally:
        ds.con.disconnect()
    metrics = {**metrics, "models": models.summaries}  # as the pipeline fills them
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


def test_planted_churn_hazard_bounds_each_segment_interval(
    filled: Any, truth: dict[str, Any]
) -> None:
    """Churn is planted as Beta-heterogeneous (truth ``churn_beta``): a new monthly account
    churns at ``monthly_churn_hazard`` = α/(α+β), one that survived t renewals at
    α/(α+β+t). The base churning in W mixes ages up to the 84 months of history, so its
    interval lies between the two (a constant hazard would contain the planted one)."""
    for row in filled.metrics["churn"]["by_segment"]:
        planted = truth["segments"][row["name"]]
        a, b = planted["churn_beta"]["1"]["alpha"], planted["churn_beta"]["1"]["beta"]
        oldest = a / (a + b + 84)
        rate = row["monthly"]
        assert rate["ci_low"] <= planted["monthly_churn_hazard"], (row["name"], rate)
        assert rate["ci_high"] >= oldest, (row["name"], rate, oldest)
        assert rate["value"] < planted["monthly_churn_hazard"] * 1.1, (row["name"], rate)


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
    """Plan (+ add-on) of one billing interval, plus a whole number of users at that
    interval's seat price; and ten different amounts, the top 10 being no tie."""
    seat = truth["seats"]["prices"]
    for row in filled.metrics["top_clients"]:
        mrr = row["arr"] / 12
        assert any(
            (mrr - plan[k] - addon) % seat[k] == 0 and mrr >= plan[k] + addon
            for plan in truth["prices"].values()
            for k in plan
            for addon in (0, truth["addon"]["prices"][k])
        ), row
    arrs = [row["arr"] for row in filled.metrics["top_clients"]]
    assert len(arrs) == 10 and len(set(arrs)) == 10


def test_planted_lost_reason_segment_is_the_one_concerned(
    filled: Any, truth: dict[str, Any]
) -> None:
    """« Segment concerné » by lift: the planted segment for the planted reason, with its
    counts; no segment for the others, whose mix is the same everywhere else."""
    plant = truth["lost_reason_plant"]
    rows = {
        r["raison_de_perte"]: r["segment_concerne"]
        for r in filled.answers["12.analyse_prospects_perdus"].value
    }
    assert rows[plant["reason"]].startswith(f"{plant['segment']} : ")
    assert "de ses affaires perdues" in rows[plant["reason"]]
    others = {r: s for r, s in rows.items() if r != plant["reason"]}
    assert set(others.values()) == {"Tous segments"}, others


def test_demo_dossier_end_to_end(demo: Path, questionnaire: Questionnaire) -> None:
    d = compute_dossier(answers=demo_answers_path(), data=demo)
    assert any("country" in (w.column or "") for w in d.warnings)  # planted: a few missing
    doc = dossier_document(d)
    jsonschema.Draft202012Validator(
        dossier_schema(), format_checker=jsonschema.FormatChecker()
    ).validate(doc)
    sources = {q["id"]: q["source"] for q in doc["questions"] if q["answered"]}
    manual = {aid for aid in load_answers(demo_answers_path(), questionnaire) if aid in sources}
    assert {q for q, s in sources.items() if s == "manual"} == manual
    # section 7's questions are derived from the persona blocks, every other is data or manual
    assert {q for q, s in sources.items() if s == "derived"} == set(PERSONA_QUESTIONS)
    assert {q for q, s in sources.items() if s == "data"} == FROM_DATA - manual
    assert DATA_QUESTIONS >= FROM_DATA
    md = render_markdown(d)
    assert "| Global |" in md and "[X%]" not in md.split("## 10.")[1].split("### Signaux")[0]
    assert doc["metrics"]["overview"]["clients_total"] == d.answers["1.clients_total"].value
