"""An internal consistency check that fails (the MRR identity) is reported as a bug with its
context and exit 1: never a bare assertion, never exit 2 (issue 12, item 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import pytest
from typer.testing import CliRunner

from personae.cli import app
from personae.metrics import mrr

ACCOUNTS = "account_id,name\nA1,Alpha\nA2,Beta\n"
REVENUE = (
    "account_id,date,amount\n"
    "A1,2024-01-15,100\nA1,2024-02-15,100\nA1,2024-03-15,100\nA2,2024-01-15,50\n"
)


def test_a_broken_mrr_identity_is_a_bug_report_with_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (data / "revenue.csv").write_text(REVENUE, encoding="utf-8")
    original = mrr.transitions

    def no_churn(grid: ibis.Table) -> Any:  # a planted bug: leavers are never counted
        return original(grid).mutate(stops=ibis.literal(False))

    monkeypatch.setattr(mrr, "transitions", no_churn)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["report", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # handled, not a traceback
    assert "Failed:" in result.output
    assert "MRR identity" in result.output and "off by 50" in result.output
    assert "as of 2024-03-31" in result.output and "bug in personae" in result.output
    assert not (out / "dossier.md").exists()
