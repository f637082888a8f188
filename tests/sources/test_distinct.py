"""Id columns read through their distinct values (DuckDB): the very problems of the row by
row checks.

On DuckDB each id column of a table that is not its key (``activity.account_id``,
``touchpoints.deal_id``…) is grouped once at load into its values and their rows
(:mod:`personae.sources.distinct`); its empty and untrimmed cells, its totals rows and its
references to unknown accounts or deals are found over those. Turning the grouping off
(``id_columns`` finds none) gives the row by row checks of before: both must report the
same problems, line for line, and the hand-counted ones below.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import ibis
import ibis.backends.duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from personae.sources import distinct, validate
from personae.sources.inputs import open_source
from personae.sources.validation import inspect
from tests.sources.conftest import Folder
from tests.sources.helpers import only

ACCOUNTS = """\
    account_id,name,country
    A1,Alpha,FR
    A2,Beta,FR
    A3,Gamma,FR
"""
# Line by line (the header is line 1): untrimmed known ids (3, 10), an unknown id (4),
# the same untrimmed (7), blank cells of a required column (5, 9), a totals row in
# account_id (6) and one in contact_id (7), an untrimmed event and a quantity in words (8).
ACTIVITY = (
    "account_id,timestamp,contact_id,event,quantity\n"
    "A1,2024-01-01 10:00:00,C1,login,1\n"
    " A2 ,2024-01-02 10:00:00,C2 ,login,1\n"
    "A9,2024-01-03 10:00:00,C1,login,1\n"
    "  ,2024-01-04 10:00:00,C1,login,1\n"
    "Total,2024-01-05 10:00:00,,login,3\n"
    " A9,2024-01-06 10:00:00,Sous-total (2),login,1\n"
    "A1,2024-01-07 10:00:00,C1, login ,deux\n"
    ",2024-01-08 10:00:00,C1,login,1\n"
    "A3\u00a0,2024-01-09 10:00:00, C3,export,2\n"
)
DEALS = """\
    deal_id,account_id,created_at,status
    D1,A1,2024-01-10,won
    D2,A2,2024-01-12,open
"""
TOUCHPOINTS = """\
    account_id,timestamp,channel,deal_id
    A1,2024-01-01 09:00:00,email,D1
    A2,2024-01-02 09:00:00,email, D2
    A2,2024-01-03 09:00:00,call,D9
    A3,2024-01-04 09:00:00,call,
    A1,2024-01-05 09:00:00,  ,D1
"""


def _folder(path: Path, *, parquet: bool) -> Path:
    path.mkdir()
    tables = {
        "accounts": textwrap.dedent(ACCOUNTS),
        "activity": ACTIVITY,
        "deals": textwrap.dedent(DEALS),
        "touchpoints": textwrap.dedent(TOUCHPOINTS),
    }
    for name, text in tables.items():
        csv = path / f"{name}.csv"
        csv.write_text(text, encoding="utf-8")
        if parquet and name == "activity":  # ids as text, kept as written (spaces too)
            strings = pacsv.ConvertOptions(
                column_types={c: pa.string() for c in ("account_id", "contact_id", "event")},
                strings_can_be_null=False,
            )
            table = pacsv.read_csv(csv, convert_options=strings)
            empty = pc.equal(table["account_id"], "")
            table = table.set_column(0, "account_id", pc.if_else(empty, None, table["account_id"]))
            pq.write_table(table, path / f"{name}.parquet")
            csv.unlink()
    return path


def _listed(report: Any) -> list[tuple[Any, ...]]:
    return [
        (Path(p.file).name, p.severity, p.line, p.column, p.value, p.message, p.hint)
        for p in report.errors + report.warnings
    ]


@pytest.mark.parametrize("parquet", [False, True], ids=["csv", "parquet"])
def test_the_distinct_values_find_the_problems_of_the_row_by_row_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parquet: bool
) -> None:
    data = _folder(tmp_path / "data", parquet=parquet)
    monkeypatch.setattr(distinct, "MANY", 0)  # the id columns of however few rows
    grouped = validate(data)
    seen: list[str] = []
    group = distinct.group
    with monkeypatch.context() as m:
        m.setattr(distinct, "BIG", 1)  # and every text column of few values
        m.setattr(
            distinct,
            "group",
            lambda con, r, source, name: seen.append(name) or group(con, r, source, name),
        )
        all_grouped = validate(data)
    assert {"_values_activity_event", "_values_activity_quantity"} <= set(seen)
    assert "_values_touchpoints_channel" in seen
    with monkeypatch.context() as m:
        m.setattr(distinct, "id_columns", lambda *args: [])
        row_by_row = validate(data)
    assert _listed(grouped) == _listed(row_by_row)
    assert _listed(all_grouped) == _listed(row_by_row)
    assert grouped.tables == all_grouped.tables == row_by_row.tables

    errors = grouped.errors
    activity = "activity.parquet" if parquet else "activity.csv"
    s = 1 if parquet else 0  # a Parquet file's first row is its line 1, a CSV's line 2
    empty = [p for p in errors if p.message == "account_id is empty but required"]
    # Parquet: the blank cell (line 5) is text of two spaces, the empty one NULL
    assert [(Path(p.file).name, p.line) for p in empty] == [(activity, 5 - s), (activity, 9 - s)]
    unknown = [p for p in errors if p.message.startswith("unknown account_id")]
    assert [(p.line, p.value) for p in unknown] == [(4 - s, "A9"), (6 - s, "Total"), (7 - s, "A9")]
    assert unknown[0].hint == "add the missing row to accounts, or correct the account_id"
    totals = [p for p in errors if p.message == "this looks like a totals row, not data"]
    assert [(p.line, p.column, p.value) for p in totals] == [
        (6 - s, "account_id", "Total"),
        (7 - s, "contact_id", "Sous-total (2)"),
    ]
    deal = only(errors, message="unknown deal_id: no such deal_id in deals")
    assert (Path(deal.file).name, deal.line, deal.value) == ("touchpoints.csv", 4, "D9")
    words = only(errors, message="quantity is not a number")
    assert (words.line, words.value) == (8 - s, "deux")
    channel = only(errors, message="channel is empty but required")
    assert (Path(channel.file).name, channel.line, channel.value) == ("touchpoints.csv", 6, "  ")
    assert len(errors) == 2 + 3 + 2 + 1 + 1 + 1


def test_an_id_column_is_counted_by_its_trimmed_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(distinct, "MANY", 0)
    staging = open_source(_folder(tmp_path / "data", parquet=False))
    try:
        activity = staging.tables["activity"]
        assert set(activity.values) == {"account_id", "contact_id"}  # not event, a label
        counts = activity.values["account_id"].to_pyarrow().to_pylist()
        got = {r["account_id"]: r["_n"] for r in counts}
        assert got == {"A1": 2, "A2": 1, "A3": 1, "A9": 2, "Total": 1, None: 2}
        events = staging.con.table("_typed_activity").event.to_pyarrow().to_pylist()
        assert events.count("login") == 8  # " login " trimmed: the event column read so
        assert set(staging.tables["touchpoints"].values) == {"account_id", "deal_id"}
        assert set(staging.tables["deals"].values) == {"account_id"}  # deal_id: the key
        assert staging.tables["accounts"].values == {}  # account_id: the key
    finally:
        staging.con.disconnect()


def test_the_tables_of_distinct_values_are_dropped_once_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(distinct, "MANY", 0)
    staging, report = inspect(_folder(tmp_path / "data", parquet=True))
    try:
        assert not report.ok
        tables = staging.con.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        assert tables  # the typed copies of the CSV files
        assert not [t for (t,) in tables if t.startswith("_values_")]
        assert all(not staged.values for staged in staging.tables.values())
        assert staging.tables["activity"].public.count().to_pyarrow().as_py() == 9
    finally:
        staging.con.disconnect()


def test_small_tables_are_read_row_by_row(tmp_path: Path) -> None:
    """Below :data:`distinct.MANY` rows, grouping costs more queries than it saves."""
    staging = open_source(_folder(tmp_path / "data", parquet=False))
    try:
        assert all(not staged.values for staged in staging.tables.values())
    finally:
        staging.con.disconnect()


def test_a_clean_source_reads_its_ids_distinct_values_once(
    folder: Folder, queries: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(distinct, "MANY", 0)
    ran = queries
    deals = """\
        deal_id,account_id,created_at,status
        D1,A1,2024-01-10,open
    """
    report = validate(folder(deals=deals))
    assert report.ok and not report.warnings
    # accounts, revenue, deals: one aggregate each; the distinct account_id of revenue
    # and of deals: one each (their totals rows); both references: one test, over those
    assert len(ran) == 6, "\n\n".join(ran)
    assert not [q for q in ran if "ORDER BY" in q]
    assert len([q for q in ran if '"_values_' in q and "JOIN" not in q]) == 2
    (references,) = [q for q in ran if "JOIN" in q]
    assert references.count("ANTI JOIN") == 1 and references.count('"_values_') == 2


AMOUNTS = [float("nan"), float("inf"), float("-inf"), None, 5.0, 1e12, -1e12, 999e9]


def test_an_amount_beyond_plausible_is_nan_infinite_or_out_of_range(tmp_path: Path) -> None:
    """NaN and the infinities can only come from a typed file: each is refused, an empty
    cell is not, and the range is [-1e12, 1e12)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "accounts.csv").write_text(textwrap.dedent(ACCOUNTS), encoding="utf-8")
    n = len(AMOUNTS)
    revenue = pa.table(
        {
            "account_id": ["A1"] * n,
            "date": pa.array([f"2024-01-{i + 1:02d}" for i in range(n)]).cast(pa.date32()),
            "amount": pa.array(AMOUNTS, pa.float64()),
        }
    )
    pq.write_table(revenue, data / "revenue.parquet")
    report = validate(data)
    bad = [p for p in report.errors if "not plausible" in p.message]
    # a Parquet file's first row is its line 1; the empty cell is an empty required one
    assert [(p.line, p.value) for p in bad] == [
        (1, "nan"),
        (2, "inf"),
        (3, "-inf"),
        (6, "1000000000000.0"),
    ]
    only(report.errors, line=4, message="amount is empty but required")


@pytest.mark.postgres
def test_the_same_amounts_beyond_plausible_on_postgres(postgres_con: ibis.BaseBackend) -> None:
    for sql in (
        "DROP TABLE IF EXISTS accounts, revenue, activity, contacts, deals, deal_stages,"
        " touchpoints, notes CASCADE",
        "CREATE TABLE accounts (account_id TEXT)",
        "INSERT INTO accounts VALUES ('A1')",
        "CREATE TABLE revenue (account_id TEXT, date DATE, amount DOUBLE PRECISION)",
        "INSERT INTO revenue VALUES "
        + ", ".join(
            f"('A1', '2024-01-{i + 1:02d}', {'NULL' if a is None else repr(str(a))})"
            for i, a in enumerate(AMOUNTS)
        ),
    ):
        postgres_con.raw_sql(sql).close()
    info = postgres_con.con.info
    report = validate(f"postgres://{info.user}@{info.host}:{info.port}/{info.dbname}")
    bad = [p for p in report.errors if "not plausible" in p.message]
    # no lines in a database; ordered by value as PostgreSQL writes it
    assert [p.value for p in bad] == ["-Infinity", "1000000000000", "Infinity", "NaN"]
