"""Every way answers.yaml and personae.toml can fail is one clean input error (exit 2) with
its line and what to do, in bounded time and memory (issue 12, item 5)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personae.cli import app
from personae.dossier.answers import parse_answers
from personae.dossier.questionnaire import Questionnaire
from personae.dossier.yamlfile import MAX_NODES
from personae.errors import AnswersError, ConfigError
from personae.settings import load_settings
from personae.sources.problems import CAP

runner = CliRunner()


def _bomb(levels: int = 9) -> str:
    """The "billion laughs": 9 ** levels strings from a few hundred bytes."""
    lines = ['"1.1": &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, levels):
        lines.append(f'"x{k}": &a{k} [' + ", ".join([f"*a{k - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('"1.1": "x"\n"1.2":\n\t- a\n', 3, "line 3, column 1: a tab character"),
        ('"1.1":\t"x"\n\t"1.2": y\n', 1, "a tab character"),
    ],
)
def test_a_tab_names_line_and_column_and_says_to_use_spaces(
    questionnaire: Questionnaire, text: str, line: int, message: str
) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers(text, questionnaire, "answers.yaml")
    (p,) = caught.value.problems
    assert p.line == line and message in p.message
    assert "spaces" in (p.hint or "")


def test_other_syntax_errors_name_line_and_column(questionnaire: Questionnaire) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers('"1.1": "x"\n"1.2": [unclosed\n', questionnaire)
    (p,) = caught.value.problems
    assert p.line == 3 and "line 3, column 1" in p.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"1.clients_total": ' + "9" * 5000 + "\n", "cannot be read"),
        ('"1.1": ' + "[" * 1500 + "]" * 1500 + "\n", "nested more than"),
        ('"1.1":\n' + "".join("  " * k + "- \n" for k in range(1, 200)), "nested more than"),
        ('"1.1": ' + "[" * 30 + "]" * 30 + "\n", "nested more than"),
        (_bomb(), f"more than {MAX_NODES:,}".replace(",", "\u202f")),
    ],
    ids=["huge-integer", "deep-flow", "deep-block", "nested", "billion-laughs"],
)
def test_hostile_yaml_is_refused_fast(
    questionnaire: Questionnaire, text: str, message: str
) -> None:
    start = time.perf_counter()
    with pytest.raises(AnswersError) as caught:
        parse_answers(text, questionnaire)
    assert time.perf_counter() - start < 5
    assert message in caught.value.problems[0].message


def test_a_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text('"1.clients_total": ' + "9" * 10_000_000 + "\n", encoding="utf-8")
    start = time.perf_counter()
    result = runner.invoke(app, ["status", "--answers", str(path)])
    assert time.perf_counter() - start < 5
    assert result.exit_code == 2, result.output
    assert "too large" in result.output


def test_thousands_of_unknown_ids_make_a_capped_list(questionnaire: Questionnaire) -> None:
    text = "".join(f'"x{i}": 1\n' for i in range(3000))
    with pytest.raises(AnswersError) as caught:
        parse_answers(text, questionnaire)
    problems = caught.value.problems
    assert len(problems) == CAP + 1
    assert "2980 more" in problems[-1].message and "(3000 in all)" in problems[-1].message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[personae]\nx = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deep"),
        ("[personae]\nactive_window_days = " + "9" * 5000 + "\n", "cannot be read"),
        ("[personae]\nactive_window_days = 99999999999999999\n", "plausible size"),
        ("[personae]\ngross_margin = nan\n", "finite number"),
        ("[personae]\ngross_margin = inf\n", "finite number"),
        ("[personae]\ngross_margin = 1e400\n", "finite number"),
        ("[personae]\ngross_margin = 0.8\n\tx = [\n", "invalid TOML"),
    ],
)
def test_toml_failures_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "personae.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert message in str(caught.value)
    result = runner.invoke(app, ["status", "--config", str(path)])
    assert result.exit_code == 2, result.output


def test_thousands_of_unknown_settings_make_a_capped_list(tmp_path: Path) -> None:
    path = tmp_path / "personae.toml"
    path.write_text("[personae]\n" + "".join(f"x{i} = 1\n" for i in range(500)), "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert len(caught.value.problems) == CAP + 1
    assert "(500 in all)" in caught.value.problems[-1].message


def test_an_id_written_twice_says_to_keep_one(questionnaire: Questionnaire) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers('"1.1": "a"\n"1.1": "b"\n', questionnaire)
    (p,) = caught.value.problems
    assert p.line == 2 and "duplicate key" in p.message and "once" in (p.hint or "")
