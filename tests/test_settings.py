"""Settings: one registry; defaults, types, choices and every error of personae.toml."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from personae.errors import ConfigError
from personae.settings import SETTINGS, SegmentRule, Settings, load_settings, settings_toml


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "personae.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_registry_is_the_dataclass() -> None:
    assert [s.name for s in SETTINGS] == [f.name for f in fields(Settings)]
    assert all(s.help for s in SETTINGS)
    by_name = {s.name: s for s in SETTINGS}
    assert by_name["active_basis"].choices == ("auto", "activity", "revenue")
    assert by_name["active_window_days"].default == 90


def test_no_file_gives_the_defaults() -> None:
    assert load_settings() == Settings()
    assert Settings().journey_phases["proposal"] == "Decision"


def test_the_generated_skeleton_loads_back_to_the_defaults(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, settings_toml())) == Settings()


def test_values_are_read_and_typed(tmp_path: Path) -> None:
    s = load_settings(
        write(
            tmp_path,
            "[personae]\n"
            'as_of = "2025-06-30"\n'
            "gross_margin = 1\n"
            'segment_by = "rules"\n'
            "[[personae.segment_rules]]\n"
            'name = "PME France"\n'
            "employees_min = 11\n"
            'countries = "FR"\n'
            "[personae.journey_phases]\n"
            'Demo = "Decision"\n',
        )
    )
    assert s.as_of == date(2025, 6, 30)
    assert s.gross_margin == 1.0 and isinstance(s.gross_margin, float)
    assert s.segment_rules == (SegmentRule("PME France", employees_min=11, countries=("FR",)),)
    assert s.journey_phases == {"demo": "Decision"}


def test_overrides_win_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[personae]\nas_of = "2025-06-30"\n')
    assert load_settings(path, as_of=date(2024, 1, 31)).as_of == date(2024, 1, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[personae]\nactive_window_days = 9.5\n", "must be a whole number"),
        ("[personae]\nactive_window_days = true\n", "must be a whole number"),
        ('[personae]\nactive_basis = "usage"\n', "must be one of 'auto', 'activity', 'revenue'"),
        ('[personae]\nas_of = "30/06/2025"\n', "must be a date YYYY-MM-DD"),
        ('[personae]\ngross_margin = "0,8"\n', "must be a number"),
        ("[personae]\njourney_phases = 3\n", "must be a table of texts"),
        ('[personae]\nsegment_rules = "PME"\n', "must be a list of tables"),
        ("[personae]\nsegment_rules = [{employees_min = 11}]\n", "segment_rules[0].name"),
        (
            '[personae]\nsegment_rules = [{name = "A", employees_min = "11"}]\n',
            "segment_rules[0].employees_min' must be a whole number",
        ),
        ('[personae]\nsegment_rules = [{name = "A", kind = "B2G"}]\n', "'B2B' or 'B2C'"),
        ("[personae]\nunknown_thing = 1\n", "unknown setting 'unknown_thing'"),
        ("[personae\n", "invalid TOML"),
    ],
)
def test_every_mistake_is_a_config_error(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    assert expected in str(info.value)
    assert info.value.exit_code == 2


def test_a_misspelt_segment_rule_key_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, '[[personae.segment_rules]]\nname = "PME"\nemployee_min = 11\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    text = str(info.value)
    assert "unknown key 'employee_min'" in text and "employees_min" in text


@pytest.mark.parametrize("kind", ["missing", "folder", "not utf-8"])
def test_an_unreadable_file_is_a_config_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "personae.toml"
    if kind == "folder":
        path.mkdir()
    elif kind == "not utf-8":
        path.write_bytes(b"[personae]\ncurrency = '\xe9'\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(path) in str(info.value)


def test_docs_settings_page_is_generated_from_the_registry() -> None:
    from personae.settings import settings_markdown

    page = Path(__file__).resolve().parents[1] / "docs" / "settings.md"
    assert page.read_text(encoding="utf-8") == settings_markdown(), "run `make docs`"
