"""Parsing cells the plain way and the French-Excel way, in DuckDB SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personae.sources.values import parse_sql, parse_value, plain_int_sql


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as c:
        yield c


def parse_all(con: duckdb.DuckDBPyConnection, kind: str, texts: list[str]) -> list[object]:
    """Parse many cells in one query, in order."""
    if not texts:
        return []
    rows = con.execute(
        f"SELECT {parse_sql(kind, 'x')} FROM unnest($1) WITH ORDINALITY AS t(x, i) ORDER BY i",
        [texts],
    ).fetchall()
    return [r[0] for r in rows]


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("float", "1234.5", 1234.5),
        ("float", "1 234,50", 1234.5),
        ("float", "1\u00a0234,50", 1234.5),
        ("float", "1\u202f234\u202f567,5", 1234567.5),
        ("float", "1.234,5", 1234.5),
        ("float", "1,234.5", 1234.5),
        ("float", "1,234", 1.234),  # a lone comma is a decimal comma
        ("float", "-12,5", -12.5),
        ("float", "1,5E+03", 1500.0),
        ("float", " 3,5 ", 3.5),
        ("float", "12 €", 12.0),  # currency-formatted cells, as Excel writes them
        ("float", "2 000,00 €", 2000.0),
        ("float", "-50,00 €", -50.0),
        ("float", "€1,234.50", 1234.5),
        ("float", "(1 234,50)", -1234.5),
        ("float", "1 234,50 EUR", 1234.5),
        ("float", "12 € HT", None),
        ("float", "1_000", None),
        ("float", "1e999", None),
        ("float", "", None),
        ("int", "12", 12),
        ("int", "1 200", 1200),
        ("int", "12,0", 12),
        ("int", "12,5", None),
        ("bool", "True", True),
        ("bool", "oui", True),
        ("bool", "VRAI", True),
        ("bool", "1", True),
        ("bool", "No", False),
        ("bool", "faux", False),
        ("bool", "0", False),
        ("bool", "peut-être", None),
        ("date", "2024-03-01", date(2024, 3, 1)),
        ("date", "01/03/2024", date(2024, 3, 1)),
        ("date", "2024-03-01 10:22:00", date(2024, 3, 1)),
        ("date", "31/02/2024", None),
        ("date", "03-01-2024", None),
        ("timestamp", "2024-03-01 10:22:00", datetime(2024, 3, 1, 10, 22)),
        ("timestamp", "2024-03-01T10:22:00", datetime(2024, 3, 1, 10, 22)),
        ("timestamp", "01/03/2024 10:22", datetime(2024, 3, 1, 10, 22)),
        ("timestamp", "01/03/2024 10:22:05", datetime(2024, 3, 1, 10, 22, 5)),
        ("timestamp", "2024-03-01", datetime(2024, 3, 1)),
        ("timestamp", "01/03/2024", datetime(2024, 3, 1)),
        ("string", "  Alpha  ", "Alpha"),
        ("string", "   ", None),
    ],
)
def test_examples(kind: str, text: str, value: object) -> None:
    assert parse_value(kind, text) == value


def _french(x: float, decimals: int, space: str) -> str:
    """``x`` as French Excel writes it: grouped thousands, decimal comma."""
    return format(x, f",.{decimals}f").replace(",", space).replace(".", ",")


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(finite, st.integers(0, 6), st.sampled_from([" ", "\u00a0", "\u202f", ""])),
        max_size=30,
    )
)
def test_french_numbers_parse_like_plain_ones(
    con: duckdb.DuckDBPyConnection, cases: list[tuple[float, int, str]]
) -> None:
    french = [_french(x, d, s) for x, d, s in cases]
    plain = [format(x, f".{d}f") for x, d, _ in cases]
    assert parse_all(con, "float", french) == [float(p) for p in plain]
    assert parse_all(con, "float", plain) == [float(p) for p in plain]


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, max_size=30))
def test_any_float_round_trips(con: duckdb.DuckDBPyConnection, xs: list[float]) -> None:
    assert parse_all(con, "float", [repr(x) for x in xs]) == xs
    assert parse_all(con, "float", [repr(x).replace(".", ",") for x in xs]) == xs


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(10**15), 10**15), max_size=30))
def test_integers_with_spaces(con: duckdb.DuckDBPyConnection, ns: list[int]) -> None:
    assert parse_all(con, "int", [format(n, ",").replace(",", "\u00a0") for n in ns]) == ns


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(date(1900, 1, 1), date(2100, 12, 31)), max_size=30))
def test_dates_both_ways(con: duckdb.DuckDBPyConnection, days: list[date]) -> None:
    assert parse_all(con, "date", [d.strftime("%d/%m/%Y") for d in days]) == days
    assert parse_all(con, "date", [d.isoformat() for d in days]) == days


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.datetimes(datetime(1900, 1, 1), datetime(2100, 12, 31)).map(
            lambda t: t.replace(microsecond=0)
        ),
        max_size=30,
    )
)
def test_timestamps_both_ways(con: duckdb.DuckDBPyConnection, times: list[datetime]) -> None:
    assert parse_all(con, "timestamp", [t.strftime("%d/%m/%Y %H:%M:%S") for t in times]) == times
    assert parse_all(con, "timestamp", [t.isoformat() for t in times]) == times
    assert parse_all(con, "timestamp", [t.isoformat(sep=" ") for t in times]) == times


_PLAIN = st.from_regex(r"\A *[+-]?[0-9]{1,18} *\Z").filter(lambda s: "\n" not in s)


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.one_of(_PLAIN, st.sampled_from(["", "  ", "0", "-0", "+7", "007"]))))
def test_plain_digits_parse_as_whole_numbers_do(
    con: duckdb.DuckDBPyConnection, texts: list[str]
) -> None:
    """:func:`plain_int_sql`, the short SQL used for a column holding nothing but plain
    digits, gives the very values of the full whole-number parsing."""
    if not texts:
        return
    short = con.execute(
        f"SELECT {plain_int_sql('x')} FROM unnest($1) WITH ORDINALITY AS t(x, i) ORDER BY i",
        [texts],
    ).fetchall()
    assert [r[0] for r in short] == parse_all(con, "int", texts)
