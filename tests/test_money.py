"""Amounts are written in the report's currency: the setting, or the data's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from personae.dossier.kinds import fmt_money, money_in
from personae.errors import ConfigError
from personae.pipeline import compute_dossier
from personae.settings import load_settings

NNBSP, NBSP = "\u202f", "\u00a0"


def test_euros_by_default() -> None:
    assert fmt_money(12345) == f"12{NNBSP}345{NBSP}€"


@pytest.mark.parametrize(
    ("currency", "text"),
    [
        ("USD", f"12{NNBSP}345{NBSP}$US"),
        ("brl", f"12{NNBSP}345{NBSP}R$"),
        ("GBP", f"12{NNBSP}345{NBSP}£GB"),
    ],
)
def test_the_report_currency(currency: str, text: str) -> None:
    with money_in(currency):
        assert fmt_money(12345) == text
    assert fmt_money(12345).endswith("€")  # the block ends, euros again


def test_per_year_and_cents() -> None:
    with money_in("USD"):
        assert fmt_money(-50.5, per_year=True) == f"-50,50{NBSP}$US/an"


def _folder(tmp_path: Path, currency: str) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "accounts.csv").write_text("account_id\nA1\n", encoding="utf-8")
    (data / "revenue.csv").write_text(
        "account_id,date,amount\nA1,2024-01-31,1200\nA1,2024-02-29,1200\n", encoding="utf-8"
    )
    (data / "_meta.json").write_text(
        f'{{"currency": {{"accounts": "{currency}", "revenue": "{currency}"}}}}', encoding="utf-8"
    )
    return data


def test_the_data_currency_reaches_the_dossier(tmp_path: Path) -> None:
    dossier = compute_dossier(data=_folder(tmp_path, "USD"))
    assert dossier.metrics is not None and dossier.metrics["currency"] == "USD"


def test_a_setting_that_disagrees_with_the_data_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "personae.toml"
    config.write_text('[personae]\ncurrency = "GBP"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="currency GBP but the data is in USD") as caught:
        compute_dossier(data=_folder(tmp_path, "USD"), config=config)
    assert caught.value.exit_code == 2


def test_stage_status_setting(tmp_path: Path) -> None:
    config = tmp_path / "personae.toml"
    config.write_text('[personae.stage_status]\n"Closed: parked" = "Open"\n', encoding="utf-8")
    assert load_settings(config).stage_status == {"Closed: parked": "open"}
    config.write_text('[personae.stage_status]\n"Closed: parked" = "maybe"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="stage_status"):
        load_settings(config)
