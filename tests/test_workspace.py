"""``status``, ``report`` and ``serve`` find the workspace's files when run inside it, as git
finds its repository; explicit options win; the files used are named (issue 12, item 4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from personae.cli import app
from personae.dossier.workspace import find_workspace

runner = CliRunner()

ACCOUNTS = "account_id,name,kind,country,employees\nA1,Alpha,B2B,FR,12\nA2,Beta,B2B,BE,300\n"
REVENUE = "account_id,date,amount\nA1,2024-01-15,100\nA2,2024-02-15,200.5\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    assert runner.invoke(app, ["init", str(root), "--company", "Acme"]).exit_code == 0
    (root / "data" / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (root / "data" / "revenue.csv").write_text(REVENUE, encoding="utf-8")
    answers = root / "answers.yaml"
    text = answers.read_text(encoding="utf-8")
    assert '\n"1.6":\n' in text
    text = text.replace('\n"1.6":\n', '\n"1.6": "Réponse écrite à la main"\n')
    answers.write_text(text, encoding="utf-8")
    return root


def _answered(output: str) -> str:
    line = next(x for x in output.splitlines() if "answered:" in x or "Répondues :" in x)
    return line.rsplit(" ", 1)[-1]


def test_find_workspace_walks_up_from_a_subfolder(ws: Path) -> None:
    (ws / "notes" / "deep").mkdir(parents=True)
    found = find_workspace(ws / "notes" / "deep")
    assert found is not None
    assert (found.root, found.config, found.answers, found.data) == (
        ws.resolve(),
        ws.resolve() / "personae.toml",
        ws.resolve() / "answers.yaml",
        ws.resolve() / "data",
    )
    assert find_workspace(ws.parent) is None


def test_data_with_only_its_readme_is_no_data(tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path / "w")])
    found = find_workspace(tmp_path / "w")
    assert found is not None and found.data is None


def test_status_and_report_inside_agree_with_explicit_options(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    explicit = [
        "--data", str(ws / "data"), "--answers", str(ws / "answers.yaml"),
        "--config", str(ws / "personae.toml"),
    ]  # fmt: skip
    monkeypatch.chdir(tmp_path)
    by_flags = runner.invoke(app, ["status", *explicit])
    assert by_flags.exit_code == 0, by_flags.output
    assert "workspace" not in by_flags.output
    monkeypatch.chdir(ws / "data")
    inside = runner.invoke(app, ["status"])
    assert inside.exit_code == 0, inside.output
    assert f"workspace {ws.resolve()}: using personae.toml, answers.yaml, data/" in inside.output
    assert _answered(inside.output) == _answered(by_flags.output)
    report = runner.invoke(app, ["report", "--out", str(tmp_path / "out")])
    assert report.exit_code == 0, report.output
    assert _answered(report.output) == _answered(inside.output)
    doc = json.loads((tmp_path / "out" / "dossier.json").read_text(encoding="utf-8"))
    assert "Acme" in json.dumps(doc, ensure_ascii=False)  # company_name from personae.toml
    answered = {q["id"]: q for q in doc["questions"]}
    assert answered["1.6"]["answer"] == "Réponse écrite à la main"
    assert answered["1.1"]["source"] == "data"


def test_explicit_options_win(ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other.yaml"
    other.write_text('"1.6": "Une autre"\n', encoding="utf-8")
    monkeypatch.chdir(ws)
    result = runner.invoke(app, ["report", "--answers", str(other), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "using personae.toml, data/ " in result.output
    doc = json.loads((tmp_path / "o" / "dossier.json").read_text(encoding="utf-8"))
    assert {q["id"]: q for q in doc["questions"]}["1.6"]["answer"] == "Une autre"


def test_db_option_leaves_the_workspace_data_out(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_run_report(**kwargs: Any) -> None:
        seen.update(kwargs)
        raise SystemExit(0)

    monkeypatch.setattr("personae.pipeline.run_report", fake_run_report)
    monkeypatch.chdir(ws)
    runner.invoke(app, ["report", "--db", "duckdb:///nowhere.duckdb"])
    assert seen["data"] == "duckdb:///nowhere.duckdb"
    assert seen["config"] == ws.resolve() / "personae.toml"


def test_serve_inside_a_workspace_finds_its_files(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_create_app(answers: Path, **kwargs: Any) -> object:
        seen.update(kwargs, answers=answers)
        return object()

    monkeypatch.setattr("personae.web.create_app", fake_create_app)
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: None)
    monkeypatch.chdir(ws / "data")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    root = ws.resolve()
    assert seen["answers"] == root / "answers.yaml"
    assert seen["config"] == root / "personae.toml"
    assert seen["data"] == str(root / "data")


def test_serve_outside_a_workspace_without_answers_says_how_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "personae init" in result.output
