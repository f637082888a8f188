"""The command line, through Typer's test runner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personae.cli import app

runner = CliRunner()


def test_init_writes_a_workspace_and_refuses_to_overwrite(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = runner.invoke(app, ["init", str(ws)])
    assert result.exit_code == 0, result.output
    assert (ws / "answers.yaml").read_text(encoding="utf-8").count('\n"') >= 138
    assert "active_window_days = 90" in (ws / "personae.toml").read_text(encoding="utf-8")
    assert "revenue" in (ws / "data" / "README.md").read_text(encoding="utf-8")
    before = (ws / "answers.yaml").read_text(encoding="utf-8")
    (ws / "answers.yaml").write_text(before + '"1.1": "Mes réponses"\n', encoding="utf-8")
    again = runner.invoke(app, ["init", str(ws)])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert "Mes réponses" in (ws / "answers.yaml").read_text(encoding="utf-8")


def test_report_with_no_answers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    md = (out / "dossier.md").read_text(encoding="utf-8")
    assert "**Répondues : 0/63**" in md
    doc = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    assert doc["progress"] == {"answered": 0, "total": 63}
    assert len(doc["questions"]) == 63
    assert doc["questions"][0] == {
        "id": "1.1",
        "section": "1",
        "text": "Combien de clients avez-vous au total ?",
        "answered": False,
        "answer": None,
        "source": None,
        "missing": "données (--data) ou réponse manuelle",
    }


def test_report_with_complete_answers(tmp_path: Path, complete_answers: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--answers", str(complete_answers), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "63/63" in result.output
    doc = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    assert doc["status"] == "✅ Complété"
    assert {q["source"] for q in doc["questions"]} == {"manual"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('"1.1": [oops\n', "answers.yaml:2"),
        ('"1.1": ok\n"9.99": x\n', "answers.yaml:2"),
        ('"1.pays": beaucoup\n', "1.pays"),
    ],
)
def test_bad_answers_exit_2_and_leave_the_output_untouched(
    tmp_path: Path, content: str, expected: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "dossier.md").write_text("previous", encoding="utf-8")
    answers = tmp_path / "answers.yaml"
    answers.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["report", "--answers", str(answers), "--out", str(out)])
    assert result.exit_code == 2
    assert expected in result.output
    assert (out / "dossier.md").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in out.iterdir()) == ["dossier.md"]


def test_status_lists_progress_and_unanswered(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text('"1.1": "120 clients"\n"1.2": "80"\n', encoding="utf-8")
    result = runner.invoke(app, ["status", "--answers", str(answers)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "2/6" in result.output
    assert "Répondues : 2/63" in result.output
    assert "1.3" in result.output and "données (--data)" in result.output
    assert "5.3" in result.output and "réponse manuelle (answers.yaml)" in result.output


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        assert f"personae {name}" in readme, name


def test_import_then_validate(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    out = tmp_path / "data"
    hub = sorted((fixtures / "hubspot" / "en").glob("*.csv"))
    result = runner.invoke(app, ["import", "hubspot", *map(str, hub), "--out", str(out)])
    assert result.exit_code == 0, result.output
    stripe = sorted((fixtures / "stripe").glob("*.csv"))
    result = runner.invoke(app, ["import", "stripe", *map(str, stripe), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "revenue" in result.output
    result = runner.invoke(app, ["validate", "--data", str(out)])
    assert result.exit_code == 0, result.output


def test_import_refuses_a_file_of_the_other_vendor(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    stripe = sorted((fixtures / "stripe").glob("*.csv"))
    result = runner.invoke(app, ["import", "hubspot", str(stripe[0]), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "personae import stripe" in result.output
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


BAD_DATA = {
    "duplicate key": (
        "account_id,name\nA1,x\nA1,y\n",
        "account_id,date,amount\nA1,2024-01-31,10\n",
        "accounts.csv:3",
    ),
    "unparsable amount": (
        "account_id,name\nA1,x\n",
        "account_id,date,amount\nA1,2024-01-31,dix\n",
        "revenue.csv:2, column 'amount'",
    ),
    "unknown account": (
        "account_id,name\nA1,x\n",
        "account_id,date,amount\nB9,2024-01-31,10\n",
        "revenue.csv:2, column 'account_id'",
    ),
    "bad date": (
        "account_id,name\nA1,x\n",
        "account_id,date,amount\nA1,31-31-2024,10\n",
        "revenue.csv:2, column 'date'",
    ),
    "period end before start": (
        "account_id,name\nA1,x\n",
        "account_id,date,amount,period_start,period_end\nA1,2024-01-31,10,2024-02-01,2024-01-01\n",
        "revenue.csv:2, column 'period_end'",
    ),
    "unknown kind": (
        "account_id,kind\nA1,B3B\n",
        "account_id,date,amount\nA1,2024-01-31,10\n",
        "accounts.csv:2, column 'kind'",
    ),
    "bad boolean": (
        "account_id,name\nA1,x\n",
        "account_id,date,amount,recurring\nA1,2024-01-31,10,peut-être\n",
        "revenue.csv:2, column 'recurring'",
    ),
    "missing required column": (
        "account_id,name\nA1,x\n",
        "account_id,amount\nA1,10\n",
        "column 'date'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_DATA))
def test_bad_data_exits_2_names_the_place_and_writes_nothing(tmp_path: Path, case: str) -> None:
    accounts, revenue, where = BAD_DATA[case]
    data = tmp_path / "data"
    data.mkdir()
    (data / "accounts.csv").write_text(accounts, encoding="utf-8")
    if revenue is not None:
        (data / "revenue.csv").write_text(revenue, encoding="utf-8")
    checked = runner.invoke(app, ["validate", "--data", str(data)])
    assert checked.exit_code == 2
    assert where in checked.output.replace("\n", " ")
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 2
    assert where in result.output.replace("\n", " ")
    assert not out.exists()


def test_amounts_in_several_currencies_exit_2_naming_the_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "accounts.csv").write_text("account_id,annual_turnover\nA1,10\n", encoding="utf-8")
    (data / "revenue.csv").write_text(
        "account_id,date,amount\nA1,2024-01-31,10\n", encoding="utf-8"
    )
    (data / "_meta.json").write_text(
        '{"currency": {"accounts": "EUR", "revenue": "USD"}}', encoding="utf-8"
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 2
    text = result.output.replace("\n", " ")
    assert "accounts.csv in EUR, revenue.csv in USD" in text
    assert not out.exists()


def test_a_crm_only_folder_reports(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "deals.csv").write_text(
        "deal_id,account_id,created_at,status,closed_at,lost_reason\n"
        "D1,,2024-01-05,won,2024-02-01,\n"
        "D2,,2024-01-10,lost,2024-03-01,Prix\n"
        "D3,C1,2024-02-10,open,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    dossier = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    assert dossier["metrics"]["as_of"] == "2024-03-31"
    assert dossier["metrics"]["win_rate"]["numerator"] == 1
    questions = {q["id"]: q for q in dossier["questions"]}
    assert "Prix (100,0\u00a0%)" in questions["12.1"]["answer"]


def test_report_profile_says_where_the_time_goes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "deals.csv").write_text(
        "deal_id,account_id,created_at,status,closed_at\nD1,A1,2024-01-05,won,2024-02-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["report", "--data", str(data), "--out", str(out), "--profile"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "personae profile:" in text
    for phase in ("load+validate", "sql.deals", "models.", "render: report.html"):
        assert phase in text, phase
    again = runner.invoke(app, args[:-1])  # off again once the command is over
    assert again.exit_code == 0, again.output
    assert "personae profile:" not in again.output


def test_the_import_help_names_every_source() -> None:
    from personae.cli import SOURCE_NAMES
    from personae.importers import SOURCES

    assert "|".join(SOURCES) == SOURCE_NAMES


def test_import_prints_the_problems(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    hub = sorted((fixtures / "hubspot" / "en").glob("*.csv"))
    result = runner.invoke(app, ["import", "hubspot", *map(str, hub), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = result.output.replace("\n", " ")
    assert "1 contact(s) kept without a company" in text
    assert "deal stages read as" in text


def test_report_and_status_on_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "accounts.csv").write_text(
        "account_id,name,country,employees\nA1,Alpha,FR,12\nA2,Beta,BE,300\n", encoding="utf-8"
    )
    (data / "revenue.csv").write_text(
        "account_id;date;amount\nA1;31/01/2025;100,50\nA2;15/02/2025;200\nA1;28/02/2025;100,50\n",
        encoding="utf-8-sig",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Warnings about the data" not in result.output  # every account has a country
    doc = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    assert doc["as_of"] == "2025-02-28"
    assert doc["metrics"]["overview"]["clients_total"] == 2
    assert "Clients total : 2\n" in (out / "dossier.md").read_text(encoding="utf-8")
    status = runner.invoke(app, ["status", "--data", str(data)], env={"COLUMNS": "200"})
    assert status.exit_code == 0, status.output
    assert "table deals" in status.output  # 12.1 needs the deals table


# --- one error seam: every mistake a clean message, never a traceback -------------------


def _clean_failure(result: object, code: int) -> str:
    output = getattr(result, "output", "")
    assert getattr(result, "exit_code", None) == code, output
    assert "Traceback" not in output
    return str(output)


def test_config_or_answers_pointing_at_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for option in ("--config", "--answers"):
        result = runner.invoke(app, ["report", option, str(tmp_path), "--out", str(out)])
        assert "is a folder" in _clean_failure(result, 2)
    assert not out.exists()


def test_a_misspelt_segment_rule_key(tmp_path: Path) -> None:
    config = tmp_path / "personae.toml"
    config.write_text(
        '[[personae.segment_rules]]\nname = "PME"\nemployee_min = 11\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["report", "--config", str(config), "--out", str(tmp_path / "o")])
    text = _clean_failure(result, 2)
    assert "employee_min" in text and "employees_min" in text


def test_an_engine_failing_mid_computation_is_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from personae.demo import generate
    from personae.metrics import compute

    data = generate(tmp_path / "demo", size="S", seed=0)

    def broken(ctx: object, *args: object) -> object:
        return ctx.con.raw_sql("SELECT * FROM a_table_that_went_away")  # type: ignore[attr-defined]

    monkeypatch.setattr(compute, "overview", broken)
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--data", str(data), "--out", str(out)])
    text = _clean_failure(result, 1)
    assert "database engine failed while computing the metrics" in text
    assert "a_table_that_went_away" in text
    assert not out.exists()


def test_init_takes_the_company_name_from_the_folder_or_the_option(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", str(tmp_path / "Acme")]).exit_code == 0
    toml = (tmp_path / "Acme" / "personae.toml").read_text(encoding="utf-8")
    assert 'company_name = "Acme"' in toml
    result = runner.invoke(app, ["init", str(tmp_path / "ws"), "--company", "Dupont SAS"])
    assert result.exit_code == 0
    config = tmp_path / "ws" / "personae.toml"
    assert 'company_name = "Dupont SAS"' in config.read_text(encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["report", "--config", str(config), "--out", str(out)]).exit_code == 0
    first = (out / "dossier.md").read_text(encoding="utf-8").split("\n")[0]
    assert first == "# Segments Clients & Personas - Dupont SAS"


def test_an_as_of_date_after_all_data_is_exit_2_and_keeps_the_previous_dossier(
    tmp_path: Path,
) -> None:
    from personae.demo import generate

    data = generate(tmp_path / "demo", size="S", seed=0)
    out = tmp_path / "out"
    assert runner.invoke(app, ["report", "--data", str(data), "--out", str(out)]).exit_code == 0
    before = (out / "dossier.json").read_bytes()
    for as_of in ("2030-01-01", "2010-01-01"):
        result = runner.invoke(
            app, ["report", "--data", str(data), "--out", str(out), "--as-of", as_of]
        )
        assert "lies outside the data" in _clean_failure(result, 2)
    assert (out / "dossier.json").read_bytes() == before


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"], ["status", "--help"]])
def test_the_help_imports_no_engine(args: list[str], tmp_path: Path) -> None:
    """The help imports neither the engine nor the models' libraries, nor ftfy (only a
    template other than the shipped one needs it) nor Jinja (report.html)."""
    code = (
        "import sys\n"
        "from personae.cli import app\n"
        "try:\n"
        f"    app({args!r}, prog_name='personae')\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "heavy = {'pandas', 'scipy', 'sklearn', 'ibis', 'duckdb', 'pyarrow', 'ftfy', 'jinja2'}\n"
        "print('IMPORTED', sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "IMPORTED []"


def test_the_command_collects_garbage_less_often() -> None:
    """``main`` raises the youngest generation's threshold for the command's life."""
    code = (
        "import gc\n"
        "from personae import cli\n"
        "cli.app = lambda **_: print('THRESHOLD', gc.get_threshold(), flush=True)\n"
        "cli.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "THRESHOLD (10000, 10, 10)"
