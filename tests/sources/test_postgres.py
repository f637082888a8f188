"""A database URL: the same checks and types on PostgreSQL (a throwaway server)."""

from __future__ import annotations

from datetime import date

import ibis
import pytest

from personae.errors import DataError
from personae.sources import load, validate
from tests.sources.helpers import only

TABLES = [
    # the server is shared with other tests: start from no canonical table at all
    "DROP TABLE IF EXISTS accounts, revenue, activity, contacts, deals, deal_stages, touchpoints,"
    " notes CASCADE",
    "CREATE TABLE accounts (account_id TEXT, kind TEXT, country TEXT, employees INTEGER)",
    "INSERT INTO accounts VALUES ('A1', 'b2b', 'FR', 12), ('A2', NULL, NULL, NULL)",
    "CREATE TABLE revenue (account_id TEXT, date DATE, amount NUMERIC(12, 2), extra TEXT)",
    "INSERT INTO revenue VALUES ('A1', '2024-01-31', 10.5, 'x'), ('A2', '2024-02-01', 20, NULL)",
]


@pytest.mark.postgres
def test_postgres_url(postgres_con: ibis.BaseBackend) -> None:
    for sql in TABLES:
        postgres_con.raw_sql(sql).close()
    info = postgres_con.con.info
    url = f"postgres://{info.user}:secret@{info.host}:{info.port}/{info.dbname}"
    ds = load(url)
    try:
        revenue = ds.tables["revenue"].order_by("date").to_pyarrow().to_pylist()
        assert [(r["amount"], r["recurring"], r["period_end"], r["extra"]) for r in revenue] == [
            (10.5, True, date(2024, 2, 29), "x"),
            (20.0, True, date(2024, 3, 1), None),
        ]
        kinds = ds.tables["accounts"].order_by("account_id").kind.to_pyarrow().to_pylist()
        assert kinds == ["B2B", "B2B"]
        assert ds.files["revenue"].endswith("#revenue") and "secret" not in ds.files["revenue"]
        only(ds.warnings, message="1 of 2 accounts")
    finally:
        ds.con.disconnect()
    postgres_con.raw_sql("INSERT INTO revenue VALUES ('ZZ', '2024-02-01', 1, NULL)").close()
    report = validate(url)
    assert (only(report.errors, message="unknown account_id").value) == "ZZ"
    with pytest.raises(DataError) as caught:
        load(url)
    assert "secret" not in str(caught.value)
