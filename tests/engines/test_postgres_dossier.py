"""A database URL: the whole dossier on PostgreSQL, number for number.

The demo company (150 customers) is computed from its data folder on DuckDB, and from a
throwaway PostgreSQL server (the ``postgres_con`` fixture, conftest.py) holding the same
canonical tables: every metric, every model's summary, every aggregate the models pull,
accounts.csv's rows and the rendered dossier must be the same, the SQL each engine ran
(provenance) aside. PostgreSQL computes in NUMERIC what DuckDB computes in DOUBLE (a BIGINT
plus 1.0, a rounded integer beside 1.0) and refuses to cast a boolean to a smallint; the
report compiles through :mod:`personae.sources.postgres`, which says the types Ibis means.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pytest

from personae.demo import generate
from personae.pipeline import compute_dossier
from personae.sources import load
from tests.engines.same import Pulled, assert_same_dossier
from tests.metrics.metric_tables import copy_tables

pytestmark = pytest.mark.postgres

TODAY = date(2026, 1, 15)


def test_the_dossier_on_postgres_is_duckdbs(
    postgres_con: ibis.BaseBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = generate(tmp_path / "demo", size="S", seed=0, customers=150)
    ds = load(demo)
    try:
        copy_tables(postgres_con, ds.tables)  # the canonical tables, as a database holds them
    finally:
        ds.close()
    pulled = Pulled(monkeypatch)
    ours = compute_dossier(data=demo, today=TODAY)
    theirs = compute_dossier(data=postgres_con, today=TODAY)

    assert_same_dossier(ours, theirs, tmp_path / "personae-out")
    pulled.assert_same("duckdb", "postgres")
    # the connection is the caller's: still open, without the report's temporary tables
    left = postgres_con.raw_sql(
        "SELECT count(*) FROM pg_tables WHERE schemaname LIKE 'pg_temp%'"
        " AND tablename LIKE 'personae%'"
    )
    assert left.fetchone() == (0,)
