"""DuckDB's typed CSV reading (the fast path) gives the very tables of the careful path.

Both paths of :func:`personae.sources.csvfiles.read_csv` are run on the same file — with
the table's declaration (number, date and time columns parsed by DuckDB's reader, a column
that fails read again as text) and without it (every cell text, parsed in SQL) — then typed
by :func:`personae.sources.typed.type_relation`; the typed tables and the problems must be
equal, cell for cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from personae.errors import Problem
from personae.sources import schema, typed
from personae.sources.csvfiles import read_csv
from personae.sources.typed import RawRelation, type_relation
from tests.sources.helpers import only


def _typed(
    path: Path, *, fast: bool
) -> tuple[list[tuple[Any, ...]], list[Problem], dict[str, str]]:
    con = duckdb.connect()
    spec = schema.TABLES["revenue"]
    csv = read_csv(con, path, "_raw_revenue", str(path), spec if fast else None)
    raw = RawRelation(
        "revenue", str(path), '"_raw_revenue"', csv.types, "rowid + 2", materialise=True
    )
    problems = type_relation(con, raw).problems
    rows = con.execute('SELECT * FROM "_typed_revenue" ORDER BY _line').fetchall()
    return rows, csv.problems + problems, csv.types


def _same_both_ways(path: Path) -> tuple[list[Problem], dict[str, str]]:
    fast_rows, fast_problems, types = _typed(path, fast=True)
    careful_rows, careful_problems, text = _typed(path, fast=False)
    assert set(text.values()) == {"VARCHAR"}
    assert fast_rows == careful_rows
    assert fast_problems == careful_problems
    return fast_problems, types


def test_a_plain_export_takes_the_fast_path_whole(tmp_path: Path) -> None:
    path = tmp_path / "revenue.csv"
    path.write_text(
        "account_id,date,amount,period_start,period_end,product\n"
        "A1,2024-01-31,100.5,2024-01-01,2024-02-01,Pro\n"
        "A2,2024-02-15,1e3,,, Pro \n"
        "A3,2024-03-01 10:30:00,-0.125,2024-03-01,2025-03-01,\n"
        "A4,2024-04-02,,2024-04-01,2024-05-01,Pro\n",
        encoding="utf-8",
    )
    problems, types = _same_both_ways(path)
    assert [(p.line, p.column) for p in problems] == [(5, "amount")]  # required, empty
    assert (types["date"], types["amount"], types["period_end"]) == (
        "TIMESTAMP",
        "DOUBLE",
        "TIMESTAMP",
    )
    assert types["product"] == "VARCHAR"


def test_one_bad_column_falls_back_alone_and_its_cell_is_still_reported(tmp_path: Path) -> None:
    path = tmp_path / "revenue.csv"
    path.write_text(
        "account_id;date;amount;period_start\n"
        "A1;2024-01-31;100,50;2024-01-01\n"
        "A2;2024-02-15;1 234,5;2024-02-01\n"
        "A3;2024-03-01;douze;2024-03-01\n"
        "A4;2024-04-02;7;2024-04-01\n",
        encoding="utf-8",
    )
    problems, types = _same_both_ways(path)
    assert types["amount"] == "VARCHAR"  # the careful path: French numbers, one bad cell
    assert types["date"] == types["period_start"] == "TIMESTAMP"  # the others stay fast
    bad = only(problems, column="amount")
    assert (bad.line, bad.value) == (4, "douze")
    assert "is not a number" in bad.message


@pytest.mark.parametrize(
    "amount",
    ["1_000.5", "inf", "nan", "1e400", "0x10", " 12.5 ", "+.5", "5.", "1,5"],
)
def test_numbers_duckdb_reads_but_the_careful_path_refuses_are_still_refused(
    tmp_path: Path, amount: str
) -> None:
    path = tmp_path / "revenue.csv"
    path.write_text(
        f'account_id,date,amount\nA1,2024-01-31,10\nA2,2024-02-01,"{amount}"\n',
        encoding="utf-8",
    )
    _same_both_ways(path)


@pytest.mark.parametrize(
    "when",
    ["2024-3-1", "01/03/2024", " 2024-03-01 ", "2024-03-01T10:00:00", "2024-03-01 25:00", "x"],
)
def test_dates_read_the_same_both_ways(tmp_path: Path, when: str) -> None:
    path = tmp_path / "revenue.csv"
    path.write_text(f'account_id,date,amount\nA1,2024-01-31,10\nA2,"{when}",20\n', encoding="utf-8")
    _same_both_ways(path)


def test_demo_files_read_the_same_both_ways(tmp_path: Path) -> None:
    from personae.demo import generate

    data = generate(tmp_path, size="S", seed=1, customers=40)
    path = data / "revenue.csv"
    problems, types = _same_both_ways(path)
    assert problems == []
    assert types["amount"] == "DOUBLE"


@pytest.mark.parametrize(
    ("cells", "plain"),
    [
        (["12", " 300 ", "", "-4", "+5", "007"], True),
        (["12", "12.5"], False),  # refused, as before: not a whole number
        (["12", "1 200"], False),  # a French thousands space: the full parsing reads it
        (["1234567890123456789"], False),  # 19 digits: the full parsing decides
        (["12", "douze"], False),
    ],
)
def test_whole_numbers_of_plain_digits_read_as_the_full_parsing_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cells: list[str], plain: bool
) -> None:
    """A text column of whole numbers holding only plain digits is typed with a short
    cast instead of the full parsing (:func:`personae.sources.values.plain_int_sql`); the
    values and problems are those of the full parsing, cell for cell."""
    path = tmp_path / "contacts.csv"
    rows = "".join(f'C{i},"{c}"\n' for i, c in enumerate(cells))
    path.write_text(f"contact_id,age\n{rows}", encoding="utf-8")
    spec = schema.TABLES["contacts"]

    def read() -> tuple[list[tuple[Any, ...]], list[Problem], frozenset[str]]:
        con = duckdb.connect()
        csv = read_csv(con, path, "_raw_contacts", str(path), spec)
        raw = RawRelation(
            "contacts", str(path), '"_raw_contacts"', csv.types, "rowid + 2", materialise=True
        )
        found = typed._plain(con, spec, raw, typed.match_columns(spec, list(csv.types)))
        problems = type_relation(con, raw).problems
        got = con.execute('SELECT _line, contact_id, age FROM "_typed_contacts" ORDER BY _line')
        return got.fetchall(), problems, found

    rows_short, problems_short, found = read()
    assert found == ({"age"} if plain else set())
    monkeypatch.setattr(typed, "_plain", lambda *args: frozenset())  # the full parsing
    rows_full, problems_full, _ = read()
    assert rows_short == rows_full
    assert problems_short == problems_full
