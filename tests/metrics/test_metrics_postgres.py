"""The second engine: the same metrics on PostgreSQL as on DuckDB, number for number.

A throwaway server is started by the ``postgres_con`` fixture (conftest.py); the fixture
tables are loaded into both engines and every value of compute_metrics is compared, the
provenance (SQL in each engine's dialect) aside.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pytest

from personae.metrics import compute_metrics
from personae.settings import Settings
from tests.engines.same import assert_same
from tests.metrics.metric_tables import company_frames, copy_tables, make_tables

pytestmark = pytest.mark.postgres

ANCHOR = Path(__file__).parent / "anchors" / "mrr-playbook"


def both(postgres_con: ibis.BaseBackend, frames: dict[str, Any], settings: Settings) -> None:
    duck = ibis.duckdb.connect()
    tables = make_tables(duck, **frames)
    ours = compute_metrics(duck, tables, settings)
    theirs = compute_metrics(postgres_con, copy_tables(postgres_con, tables), settings)
    assert set(ours["provenance"]) == set(theirs["provenance"])
    ours.pop("provenance")
    theirs.pop("provenance")
    assert_same(ours, theirs)


def test_company_on_postgres(postgres_con):
    both(postgres_con, company_frames(), Settings(as_of=date(2025, 12, 31)))


def test_company_by_size_and_revenue_basis_on_postgres(postgres_con):
    frames = {k: v for k, v in company_frames().items() if k != "activity"}
    settings = Settings(as_of=date(2025, 12, 15), segment_by="size", top_industries=2)
    both(postgres_con, frames, settings)


def test_mrr_playbook_on_postgres(postgres_con):
    frames = {
        "accounts": pd.read_csv(ANCHOR / "accounts.csv", dtype=str),
        "revenue": pd.read_csv(ANCHOR / "revenue.csv"),
    }
    both(postgres_con, frames, Settings())
