"""Loading: types, defaults, the French-Excel equivalence, Parquet in place, DuckDB sources."""

from __future__ import annotations

import gzip
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from personae.errors import DataError
from personae.sources import Dataset, load, schema, validate
from tests.sources.conftest import Folder
from tests.sources.helpers import only

ALL_TABLES = {
    "activity": "account_id,timestamp,event\nA1,2024-03-01 10:22:00,login\n",
    "contacts": "contact_id,account_id,job_title,age,role\nC1,A1,CEO,45,Decision_Maker\n",
    "deals": "deal_id,account_id,created_at,status,closed_at,amount\n"
    "D1,A1,2024-01-01,won,2024-02-01,5000\n",
    "deal_stages": "deal_id,stage,entered_at\nD1,lead,2024-01-01\n",
    "touchpoints": "account_id,timestamp,channel\nA1,2024-01-01T09:00:00,email\n",
    "notes": "account_id,date,kind,text\nA1,2024-01-01,interview,Très content\n",
}


def column_types(ds: Dataset, name: str) -> dict[str, str]:
    rows = ds.con.con.execute(f'DESCRIBE SELECT * FROM "{name}"').fetchall()
    return {r[0]: r[1] for r in rows}


def rows(ds: Dataset, name: str) -> list[dict[str, object]]:
    table = ds.tables[name]
    key = (schema.TABLES[name].key if name in schema.TABLES else None) or table.columns[0]
    return table.order_by(list(dict.fromkeys([key, *table.columns]))).to_pyarrow().to_pylist()


def test_every_table_typed_as_the_schema_says(folder: Folder) -> None:
    ds = load(folder(**ALL_TABLES))
    assert set(ds.tables) == set(schema.TABLES)
    for name, table in schema.TABLES.items():
        types = column_types(ds, name)
        assert list(types)[: len(table.columns)] == [c.name for c in table.columns]
        for column in table.columns:
            assert types[column.name] == schema.SQL_TYPES[column.type], (name, column.name)
        assert ds.files[name].endswith(f"{name}.csv")
        assert table.name in ds.tables
    assert ds.warnings == []


def test_optional_columns_added_extra_columns_kept(folder: Folder) -> None:
    ds = load(folder(accounts="account_id,crm_owner\nA1,Léa\nA2,\nA3,Max\n"))
    first = rows(ds, "accounts")[0]
    assert first["crm_owner"] == "Léa"
    assert first["employees"] is None and first["country"] is None
    assert "_line" not in ds.tables["accounts"].columns


def test_defaults(folder: Folder) -> None:
    ds = load(
        folder(
            revenue="account_id,date,amount,recurring,period_start,period_end\n"
            "A1,2024-01-31,10,,,\n"
            "A2,2024-03-15,10,non,2024-04-01,\n"
            "A3,2024-03-15,10,,2024-01-01,2024-04-01\n"
        )
    )
    kinds = {r["account_id"]: r["kind"] for r in rows(ds, "accounts")}
    assert kinds == {"A1": "B2B", "A2": "B2B", "A3": "B2C"}
    got = [(r["recurring"], r["period_start"], r["period_end"]) for r in rows(ds, "revenue")]
    assert got == [
        (True, date(2024, 1, 31), date(2024, 2, 29)),
        (False, date(2024, 4, 1), date(2024, 5, 1)),
        (True, date(2024, 1, 1), date(2024, 4, 1)),
    ]


def test_choices_are_normalised(folder: Folder) -> None:
    ds = load(folder(**ALL_TABLES))
    assert rows(ds, "contacts")[0]["role"] == "decision_maker"


def test_an_empty_table_counts_as_absent(folder: Folder) -> None:
    ds = load(folder(activity="account_id,timestamp\n"))
    assert "activity" not in ds.tables and "activity" in ds.files
    assert any("'activity' has no rows" in w.message for w in ds.warnings)


def company() -> dict[str, pd.DataFrame]:
    """One small company, as a data frame per table."""
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "name": ["Société Générale d'Études", "Beta; Gamma", 'Le "Bon" Coin'],
            "kind": ["B2B", None, "B2C"],
            "country": ["FR", "BE", None],
            "employees": [12, 3400, None],
            "annual_turnover": [1234567.89, 0.5, None],
            "case_study": [True, False, None],
        }
    )
    revenue = pd.DataFrame(
        {
            "account_id": ["A1", "A1", "A2", "A3"],
            "date": [date(2024, 1, 31), date(2024, 2, 29), date(2024, 12, 1), date(2023, 7, 4)],
            "amount": [1234.5, -99.99, 1e6 + 0.25, 0.0],
            "recurring": [True, True, False, None],
        }
    )
    activity = pd.DataFrame(
        {
            "account_id": ["A1", "A2"],
            "timestamp": [datetime(2024, 3, 1, 10, 22), datetime(2024, 12, 31, 23, 59)],
            "quantity": [1.5, 2000.0],
        }
    )
    return {"accounts": accounts, "revenue": revenue, "activity": activity}


def _french_number(x: object) -> object:
    if not isinstance(x, float) or pd.isna(x):
        return x
    return format(x, ",.2f").replace(",", "\u00a0").replace(".", ",")


def test_french_excel_export_loads_like_the_plain_one(tmp_path: Path) -> None:
    plain, french = tmp_path / "plain", tmp_path / "french"
    plain.mkdir()
    french.mkdir()
    for name, frame in company().items():
        frame.to_csv(plain / f"{name}.csv", index=False, date_format="%Y-%m-%d %H:%M:%S")
        excel = frame.copy()
        for column in excel.columns:
            if excel[column].dtype == float:
                excel[column] = excel[column].map(_french_number).astype(object)
            elif excel[column].dtype == object and isinstance(excel[column].dropna().iloc[0], bool):
                excel[column] = excel[column].map({True: "VRAI", False: "FAUX"})
        excel.to_csv(
            french / f"{name}.csv",
            index=False,
            sep=";",
            decimal=",",
            encoding="utf-8-sig",
            date_format="%d/%m/%Y %H:%M" if name == "activity" else "%d/%m/%Y",
        )
    assert (french / "revenue.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "1\u00a0234,50" in (french / "revenue.csv").read_text(encoding="utf-8-sig")
    a, b = load(plain), load(french)
    assert [p.message for p in a.warnings] == [p.message for p in b.warnings]
    for name in company():
        assert rows(a, name) == rows(b, name), name
        assert len(rows(a, name)) == len(company()[name])
    assert rows(b, "accounts")[1]["name"] == "Beta; Gamma"
    assert rows(b, "revenue")[0]["amount"] == 1234.5


def test_parquet_read_in_place(tmp_path: Path) -> None:
    pq.write_table(
        pa.table(
            {
                "account_id": ["A1", "A2"],
                "employees": pa.array([12.0, None]),  # a float column of whole numbers
                "country": ["FR", "fr"],
            }
        ),
        tmp_path / "accounts.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "account_id": ["A1", "A2", "A1"],
                "date": pa.array([date(2024, 1, 1), date(2024, 2, 1), None]),
                "amount": pa.array([10, 20, 30], pa.int32()),
                "period_end": ["2024-02-01", "01/03/2024", "2023-01-01"],
            }
        ),
        tmp_path / "revenue.parquet",
    )
    with pytest.raises(DataError) as caught:
        load(tmp_path)
    problems = caught.value.problems
    missing = only(problems, column="date")
    assert (missing.file.endswith("revenue.parquet"), missing.line) == (True, 3)
    pq.write_table(
        pq.read_table(tmp_path / "revenue.parquet").slice(0, 2), tmp_path / "revenue.parquet"
    )
    ds = load(tmp_path)
    views = dict(ds.con.con.execute("SELECT view_name, sql FROM duckdb_views()").fetchall())
    assert "read_parquet" in views["_raw_revenue"]
    assert ds.con.con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)
    assert column_types(ds, "revenue")["amount"] == "DOUBLE"
    assert column_types(ds, "accounts")["employees"] == "BIGINT"
    got = [(r["amount"], r["period_end"]) for r in rows(ds, "revenue")]
    assert got == [(10.0, date(2024, 2, 1)), (20.0, date(2024, 3, 1))]
    assert [r["country"] for r in rows(ds, "accounts")] == ["FR", "FR"]


def make_duckdb(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE Accounts AS SELECT * FROM (VALUES ('A1', 'FR'), ('A2', NULL))"
            " t(account_id, country)"
        )
        con.execute(
            "CREATE TABLE revenue AS SELECT * FROM (VALUES ('A1', DATE '2024-01-31', 10),"
            " ('A2', DATE '2024-02-01', 20), ('A9', DATE '2024-02-01', 5)) t(account_id, date, amount)"
        )
        con.execute("CREATE TABLE other AS SELECT 1 AS x")


def test_duckdb_file(tmp_path: Path) -> None:
    path = tmp_path / "company.duckdb"
    make_duckdb(path)
    report = validate(path)
    unknown = only(report.errors, message="unknown account_id")
    assert (unknown.file, unknown.line, unknown.value) == (f"{path}:revenue", None, "A9")
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM revenue WHERE account_id = 'A9'")
    ds = load(path)
    assert set(ds.tables) == {"accounts", "revenue"}
    assert column_types(ds, "revenue")["amount"] == "DOUBLE"
    assert [r["period_end"] for r in rows(ds, "revenue")] == [date(2024, 2, 29), date(2024, 3, 1)]
    only(ds.warnings, message="1 of 2 accounts")


def test_database_url(tmp_path: Path) -> None:
    path = tmp_path / "company.duckdb"
    make_duckdb(path)
    report = validate(f"duckdb://{path}")
    only(report.errors, message="unknown account_id")
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM revenue WHERE account_id = 'A9'")
    ds = load(f"duckdb://{path}")
    schema_ = ds.tables["revenue"].schema()
    assert str(schema_["amount"]) == "float64" and str(schema_["period_end"]) == "date"
    assert [(r["recurring"], r["period_end"]) for r in rows(ds, "revenue")] == [
        (True, date(2024, 2, 29)),
        (True, date(2024, 3, 1)),
    ]
    assert [r["kind"] for r in rows(ds, "accounts")] == ["B2B", "B2B"]


def test_gzipped_csv_and_market_table(folder: Folder) -> None:
    path = folder()
    with gzip.open(path / "activity.csv.gz", "wt", encoding="utf-8") as f:
        f.write("account_id;timestamp\nA1;01/03/2024 10:22\n")
    (path / "market.csv").write_text("siren,trancheEffectifsUniteLegale\n000325175,03\n")
    ds = load(path)
    assert rows(ds, "activity")[0]["timestamp"] == datetime(2024, 3, 1, 10, 22)
    assert rows(ds, "market") == [{"siren": "000325175", "trancheEffectifsUniteLegale": "03"}]
