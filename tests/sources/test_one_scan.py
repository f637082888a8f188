"""Validation reads each table once: every rule of a table counted by one aggregate query.

The rows breaking a rule are read (for their lines) only when the rule counts some; rules
across rows (duplicate keys, unknown references, identical rows) are settled by a cheap
test when nothing breaks them. The problems are the very ones the one-query-per-rule
validation reported (the expected lists below are its output on the same files).
"""

from __future__ import annotations

import dataclasses
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.backends.duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personae.sources import schema, validate
from personae.sources import values as text_values
from personae.sources.checks import run
from personae.sources.inputs import open_source
from personae.sources.plausibility import _repeated
from personae.sources.tally import Tally
from personae.sources.typed import RawRelation, _as_is, _empty_text, _typed_sql, match_columns
from tests.sources.conftest import Folder

ACCOUNTS = """\
    account_id,name,kind,country,employees,digital_maturity
    A1,Alpha,B2B,FR,12,low
    A2,Beta,b2c ,be,300,High
    A3,Gamma,B2X,France,,medium
    A3,Gamma bis,B2B,,5,huge
    Total : 3 comptes,,,,,
"""
DEALS = """\
    deal_id,account_id,created_at,status,closed_at,amount
    D1,A1,2024-01-10,won,2024-02-01,1000
    D2,A2,2024-01-12,lost,,500
    D3,A9,2024-02-01,won,2024-01-15,2e15
    D1,A1,2024-03-01,open,,10
    D4,A2,2024-03-02,pending,,20
    D5,,2024-03-03,Won,2024-03-01,30
    Grand total,,2024-03-31,open,,1560
    D6,A8,2024-03-04,won,,40
"""
REVENUE = """\
    account_id,date,amount,period_start,period_end,product
    A1,2024-01-15,100,2024-01-01,2024-02-01,Pro
    A1,2024-01-15,100,2024-01-01,2024-02-01,Pro
    A2,2024-02-15,200.5,2024-02-01,2024-01-01,Pro
    A7,2024-03-15,-20,,,
    A1,2024-01-15,100,2024-01-01,2024-02-01,Pro
    A2,2024-04-15,1e13,,,Pro
    TOTAL,2024-04-30,1e4,,,
    A2,2024-02-15,200.5,2024-02-01,2024-01-01,Pro
"""

# What validation reported on these files when each rule ran its own queries (commit
# 30f9695), in order: (file, severity, line, column, value, message).
BEFORE = [
    ("accounts.csv", "error", 5, "account_id", "A3", "duplicate account_id: already on line 4"),
    ("accounts.csv", "error", 4, "kind", "B2X", "unknown kind"),
    ("accounts.csv", "error", 5, "digital_maturity", "huge", "unknown digital_maturity"),
    ("accounts.csv", "error", 6, "account_id", "Total : 3 comptes", "this looks like a totals row, not data"),
    ("deals.csv", "error", 5, "deal_id", "D1", "duplicate deal_id: already on line 2"),
    ("deals.csv", "error", 4, "account_id", "A9", "unknown account_id: no such account_id in accounts"),
    ("deals.csv", "error", 9, "account_id", "A8", "unknown account_id: no such account_id in accounts"),
    ("deals.csv", "error", 6, "status", "pending", "unknown status"),
    ("deals.csv", "error", 8, "deal_id", "Grand total", "this looks like a totals row, not data"),
    ("deals.csv", "error", 4, "amount", "2000000000000000.0", "amount is not plausible: a deal of a thousand billion or more"),
    ("revenue.csv", "error", 5, "account_id", "A7", "unknown account_id: no such account_id in accounts"),
    ("revenue.csv", "error", 8, "account_id", "TOTAL", "unknown account_id: no such account_id in accounts"),
    ("revenue.csv", "error", 4, "period_end", "2024-01-01", "period_end is not after period_start 2024-02-01"),
    ("revenue.csv", "error", 9, "period_end", "2024-01-01", "period_end is not after period_start 2024-02-01"),
    ("revenue.csv", "error", 8, "account_id", "TOTAL", "this looks like a totals row, not data"),
    ("revenue.csv", "error", 7, "amount", "10000000000000.0", "amount is not plausible: an invoice line of a thousand billion or more"),
    ("accounts.csv", "warning", 4, "country", "FRANCE", "country is not an ISO 3166-1 alpha-2 code"),
    ("accounts.csv", "warning", None, "country", None, "2 of 5 accounts (40,0 %) have no country"),
    ("deals.csv", "warning", 3, "closed_at", "lost", "lost deal without closed_at"),
    ("deals.csv", "warning", 9, "closed_at", "won", "won deal without closed_at"),
    ("deals.csv", "warning", 4, "closed_at", "2024-01-15", "closed_at is before created_at 2024-02-01"),
    ("deals.csv", "warning", 7, "closed_at", "2024-03-01", "closed_at is before created_at 2024-03-03"),
    ("deals.csv", "warning", 6, "created_at", "2024-03-02", "4 rows dated after the as-of date 2024-03-01"),
    ("revenue.csv", "warning", 6, None, None, "this row repeats line 2 in every column: it counts 3 times"),
    ("revenue.csv", "warning", 9, None, None, "this row repeats line 4 in every column: it counts 2 times"),
    ("revenue.csv", "warning", 5, "date", "2024-03-15", "3 rows dated after the as-of date 2024-03-01"),
]  # fmt: skip


def _listed(report: Any) -> list[tuple[Any, ...]]:
    return [
        (Path(p.file).name, p.severity, p.line, p.column, p.value, p.message)
        for p in report.errors + report.warnings
    ]


def test_a_clean_source_costs_one_query_per_table_and_one_for_the_references(
    folder: Folder, queries: list[str]
) -> None:
    deals = """\
        deal_id,account_id,created_at,status,closed_at,amount
        D1,A1,2024-01-10,won,2024-02-01,1000
        D2,A2,2024-01-12,open,,500
    """
    report = validate(folder(deals=deals), as_of=date(2024, 12, 31))
    assert report.ok and not report.warnings
    assert report.tables == {"accounts": 3, "revenue": 3, "deals": 2}
    # accounts, revenue, deals: one aggregate each; revenue -> accounts and deals ->
    # accounts: one test for both that every account_id is known, the account_id of both
    # against the accounts' keys in one anti-join. No rows read: no rule broken.
    assert len(queries) == 4, "\n\n".join(queries)
    assert not [q for q in queries if "ORDER BY" in q]
    aggregates = [q for q in queries if "JOIN" not in q]
    assert len(aggregates) == 3
    assert all("FILTER" in q for q in aggregates)
    (references,) = [q for q in queries if "JOIN" in q]
    assert references.count("ANTI JOIN") == 1 and "UNION ALL" in references


def test_several_rules_broken_in_each_table_give_the_problems_as_before(
    folder: Folder, queries: list[str]
) -> None:
    data = folder(accounts=ACCOUNTS, deals=DEALS, revenue=REVENUE)
    report = validate(data, as_of=date(2024, 3, 1))
    assert _listed(report) == BEFORE
    assert report.tables == {"accounts": 5, "deals": 8, "revenue": 8}
    # Rows are read only for the rules broken, one query each: accounts 5 (duplicate,
    # kind, digital_maturity, totals, country code), deals 8 (duplicate, unknown account,
    # status, totals, amount, without closed_at, closed before created, after the as-of
    # date), revenue 6 (unknown account, period, totals, amount, identical rows, after
    # the as-of date); the accounts without country need their count alone.
    assert len([q for q in queries if "ORDER BY" in q]) == 5 + 8 + 6


def test_a_rule_that_no_row_breaks_never_reads_its_rows(folder: Folder, queries: list[str]) -> None:
    report = validate(folder(), as_of=date(2030, 1, 1))
    assert report.ok
    assert len(queries) == 3  # accounts, revenue, and revenue's account_id all known
    assert not [q for q in queries if "ORDER BY" in q]


def test_the_hash_guard_of_identical_rows_is_checked_exactly(folder: Folder) -> None:
    """Two different rows with the same hash make the guard say "maybe": the exact
    grouping then finds no group, and no problem."""
    staging = open_source(folder())
    try:
        revenue = staging.tables["revenue"]
        columns = [c.name for c in schema.TABLES["revenue"].columns]
        check = _repeated(revenue, columns)
        assert check.guard is not None  # on DuckDB
        tally = Tally()
        key = tally.add("revenue", revenue.typed, check.guard)
        tally.run()
        assert tally[key] == 0  # three different rows
        collided = dataclasses.replace(check, guard=revenue.typed.count())  # "maybe"
        key = tally.add("revenue", revenue.typed, collided.guard)  # type: ignore[arg-type]
        tally.run()
        assert tally[key] == 3
        assert run(collided, tally, key) == []
    finally:
        staging.con.disconnect()


def test_a_tally_runs_one_query_per_table(queries: list[str]) -> None:
    con = ibis.duckdb.connect()
    a = con.create_table("a", pa.table({"x": [1, 2, 3, None]}))
    b = con.create_table("b", pa.table({"y": ["u", "v"]}))
    tally = Tally()
    rows_a = tally.add("a", a, a.count())
    big = tally.add("a", a, a.count(where=a.x >= 2))
    nulls = tally.add("a", a, a.count(where=a.x.isnull()))
    rows_b = tally.add("b", b, b.count())
    tally.run()
    assert (tally[rows_a], tally[big], tally[nulls], tally[rows_b]) == (4, 2, 1, 2)
    assert len(queries) == 2
    with pytest.raises(ValueError, match="two different expressions"):
        tally.add("a", b, b.count())


def _kinds(duck: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = duck.execute(
        "SELECT table_name, table_type FROM information_schema.tables"
        " WHERE table_name LIKE '\\_%' ESCAPE '\\'"
    ).fetchall()
    return {str(name): str(kind) for name, kind in rows}


def test_a_csv_read_whole_by_duckdb_is_typed_in_place(tmp_path: Path) -> None:
    """No second copy of a table whose values DuckDB's reader typed and that has no text
    to trim: ``_typed_X`` is a view of the file's table, and its lines stay right."""
    (tmp_path / "activity.csv").write_text(
        textwrap.dedent("""\
            account_id,timestamp,event,quantity
            A1,2024-01-02 10:00:00,login,1
            A2,2024-01-03 11:00:00,export,2.5
            ,2024-01-04 12:00:00,login,3
            A1,2024-01-05 09:30:00,login,1e13
        """),
        encoding="utf-8",
    )
    (tmp_path / "touchpoints.csv").write_text(
        "account_id,timestamp,channel\nA1,2024-01-02, Email\nA2,2024-01-03,Ads\n",
        encoding="utf-8",
    )
    staging = open_source(tmp_path)
    try:
        duck = staging.con.con  # type: ignore[attr-defined]
        kinds = _kinds(duck)
        assert kinds["_typed_activity"] == "VIEW"
        assert kinds["_raw_activity"] == "BASE TABLE"  # what the view reads
        assert kinds["_typed_touchpoints"] == "BASE TABLE"  # " Email" is trimmed: copied
        assert "_raw_touchpoints" not in kinds  # and the text copy dropped
        rows = duck.execute(
            "SELECT _line, account_id, event, quantity FROM _typed_activity ORDER BY _line"
        ).fetchall()
        assert rows == [
            (2, "A1", "login", 1.0),
            (3, "A2", "export", 2.5),
            (4, None, "login", 3.0),
            (5, "A1", "login", 1e13),
        ]
        channels = duck.execute("SELECT channel FROM touchpoints ORDER BY channel").fetchall()
        assert channels == [("Ads",), ("Email",)]
        assert [(p.line, p.column) for p in staging.problems] == [(4, "account_id")]
    finally:
        staging.con.disconnect()
    report = validate(tmp_path)
    magnitude = [p for p in report.errors if p.column == "quantity"]
    assert [(p.line, p.value) for p in magnitude] == [(5, "10000000000000.0")]


def test_parquet_statistics_and_untouched_columns(tmp_path: Path) -> None:
    """A Parquet column already of its type and without NULL (its statistics say so) is
    not scanned for empty cells; a text column that needs no trimming is read as it is;
    one that does is trimmed; the problems are found either way."""
    pq.write_table(
        pa.table(
            {
                "account_id": ["A1", " A2", None],
                "timestamp": pa.array([1, None, 3], pa.timestamp("s")),
                "event": ["login", "export", "login"],
            }
        ),
        tmp_path / "activity.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "deal_id": ["D1", "D2"],
                "stage": ["demo", "proposal"],
                "entered_at": pa.array([1, 2], pa.timestamp("s")),
            }
        ),
        tmp_path / "deal_stages.parquet",
    )
    staging = open_source(tmp_path)
    try:
        duck = staging.con.con  # type: ignore[attr-defined]
        view = duck.execute(
            "SELECT sql FROM duckdb_views() WHERE view_name = '_typed_activity'"
        ).fetchone()
        assert view is not None
        sql = str(view[0])
        assert 'CAST("event" AS VARCHAR) AS "event"' in sql  # read as it is
        assert '"trim"(CAST(account_id AS VARCHAR))' in sql  # " A2" is trimmed
        assert "CAST(account_id AS VARCHAR) AS account_id" not in sql
        assert duck.execute("SELECT account_id FROM activity").fetchall() == [
            ("A1",),
            ("A2",),
            (None,),
        ]
        assert sorted((p.line, p.column) for p in staging.problems) == [
            (2, "timestamp"),
            (3, "account_id"),
        ]
    finally:
        staging.con.disconnect()


_TEXT = st.text(
    alphabet=st.sampled_from(["a", "B", "w", "o", "n", " ", "\u00a0", "\u3000", "\t", "é", "É"]),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), _TEXT, st.sampled_from(["won", "Won", "fr"])), min_size=1)
)
def test_the_cheap_test_of_untouched_text_is_the_exact_one(values: list[str | None]) -> None:
    """:func:`personae.sources.typed._as_is` tests with ``x = '' OR x != trim(x)`` (and the
    normalisation, trimming only values with a space or a non-ASCII letter at an end)
    whether converting a column changes a value: the same answer as comparing each value
    with its converted self, on any text. Likewise for an empty cell."""
    con = duckdb.connect()
    con.execute("CREATE TABLE r (v VARCHAR)")
    con.executemany("INSERT INTO r VALUES (?)", [[v] for v in values])
    raw = RawRelation("deals", "f", "r", {"v": "VARCHAR"})
    for table, column in (("deals", "status"), ("accounts", "country"), ("deals", "source")):
        spec = dataclasses.replace(
            schema.TABLES[table],
            columns=(dataclasses.replace(schema.TABLES[table].column(column), name="v"),),
        )
        present = match_columns(spec, ["v"])
        cheap = _as_is(spec, raw, present)["v"]
        exact = f"v IS DISTINCT FROM CAST({_typed_sql(spec.columns[0], raw, present)} AS VARCHAR)"
        assert cheap != exact
        row = con.execute(
            f"SELECT count(*) FILTER (WHERE COALESCE({cheap}, FALSE) != ({exact})) FROM r"
        ).fetchone()
        assert row == (0,), (column, values)
    exact = f"{text_values.clean_sql('v')} IS NULL"
    row = con.execute(f"SELECT count(*) FILTER (WHERE ({_empty_text('v')}) != ({exact})) FROM r")
    assert row.fetchone() == (0,), values  # an empty cell: found with as few trims
