"""The README cannot rot: its library example runs, its commands and settings exist."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from personae.settings import SETTINGS, settings_toml

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_quick_start_has_exactly_two_commands() -> None:
    block = README.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in block.strip().splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[0].endswith("personae demo")
    assert commands[1].endswith("pytest")
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def test_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = re.search(r"## Library\n\n```python\n(.*?)```", README, re.S)
    assert code is not None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "answers.yaml").write_text('"1.1": "120"\n"1.2": "80"\n', encoding="utf-8")
    exec(compile(code.group(1), "README.md", "exec"), {})
    assert "- [x] **Combien de clients avez-vous au total ?** — 120" in (
        tmp_path / "dossier.md"
    ).read_text(encoding="utf-8")
    assert os.path.exists("dossier.md")


def test_every_setting_is_in_the_generated_config() -> None:
    text = settings_toml()
    for s in SETTINGS:
        assert s.name in text and s.help[:30] in text
