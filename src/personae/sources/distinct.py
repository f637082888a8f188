"""The distinct values of a table's id columns, each with its number of rows (DuckDB).

An id column of an event table (``activity.account_id``, ``touchpoints.contact_id``…)
holds few distinct values for many rows: demo L's 402 million events name a few million
accounts. Every check of such a column looks at one value at a time — an empty cell, a
cell to trim (:mod:`~personae.sources.typed`), a totals row
(:mod:`~personae.sources.plausibility`), a reference to an unknown account
(:mod:`~personae.sources.checks`) — so each is answered by the column's distinct values
weighted by their rows: one ``GROUP BY`` reads the column once, instead of each check
reading it row by row. The rows breaking a check are still read from the table itself,
with their lines, only when there are some.

:func:`group` counts the raw values (before typing); :func:`typed_values` turns them into
the typed ones, the relation the checks across tables read (``Staged.values``).
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from personae.sources import schema
from personae.sql import ident

ID_COLUMNS = ("account_id", "contact_id", "deal_id")
"""The columns read through their distinct values, in a table where they are not the key
(a key's values are as many as its rows): references, and where a totals row shows."""


def id_columns(
    table: schema.TableSpec, types: Mapping[str, str], present: Mapping[str, str]
) -> list[str]:
    """The canonical id columns of ``table`` found as text (``present``: canonical ->
    found column, ``types``: found column -> DuckDB type), the key excepted."""
    return [
        c.name
        for c in table.columns
        if c.name in ID_COLUMNS
        and c.name != table.key
        and c.type == "string"
        and c.name in present
        and types[present[c.name]].upper().startswith("VARCHAR")
    ]


MANY = 100_000
"""Rows a table has at least for its id columns to be read through their distinct values:
below, reading each row costs less than the queries grouping them."""

BIG = 1_000_000
"""Rows a table has at least for its other text columns to be looked at."""

SAMPLE = 10_000
"""Rows looked at, the table's first ones, to guess whether a column holds few values."""

FEW = 100
"""Distinct values, at most, among a column's first :data:`SAMPLE` rows for its cells to be
checked through its distinct values (a kind of event, a channel, a stage): grouping a
column of as many values as rows would cost more than testing each row."""


def plan(
    con: duckdb.DuckDBPyConnection,
    table: schema.TableSpec,
    relation: str,
    types: Mapping[str, str],
    present: Mapping[str, str],
    checked: list[str],
) -> tuple[list[str], list[str]]:
    """The canonical columns of ``table`` (in ``relation``) to read through their distinct
    values: its id columns (:func:`id_columns`, from :data:`MANY` rows on), and those of
    ``checked`` (the columns whose cells are checked) that are text holding few values
    (:func:`few_values`, from :data:`BIG` rows on)."""
    ids = id_columns(table, types, present)
    others = [
        c
        for c in dict.fromkeys(checked)
        if c not in ids and c != table.key and types[present[c]].upper().startswith("VARCHAR")
    ]
    if not ids and not others:
        return [], []
    (rows,) = con.execute(f"SELECT count(*) FROM {relation}").fetchone() or (0,)
    few = set(few_values(con, relation, [present[c] for c in others])) if rows >= BIG else set()
    return (ids if rows >= MANY else []), [c for c in others if present[c] in few]


def few_values(con: duckdb.DuckDBPyConnection, relation: str, sources: list[str]) -> list[str]:
    """The columns of ``sources`` (of ``relation``) with at most :data:`FEW` distinct
    values among its first rows: a cheap guess, which only decides how their cells are
    counted, not what is found."""
    if not sources:
        return []
    counts = ", ".join(f"count(DISTINCT {ident(s)})" for s in sources)
    first = ", ".join(ident(s) for s in sources)
    found = con.execute(
        f"SELECT {counts} FROM (SELECT {first} FROM {relation} LIMIT {SAMPLE})"
    ).fetchone()
    return [s for s, n in zip(sources, found or (), strict=True) if n <= FEW]


def group(con: duckdb.DuckDBPyConnection, relation: str, source: str, name: str) -> str:
    """Create the table ``name``: each value of the column ``source`` of ``relation`` (as
    found, NULL included) and ``_n``, its rows; its SQL name."""
    table = ident(name)
    src = ident(source)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS"
        f" SELECT {src}, count(*) AS _n FROM {relation} GROUP BY {src}"
    )
    return table


def typed_values(
    con: duckdb.DuckDBPyConnection, grouped: str, source: str, column: str, expr: str | None
) -> str:
    """The table of :func:`group` ``grouped`` as typed values: ``column`` (VARCHAR, the
    typed value: ``expr``, SQL over ``source``, or the value as found when None) and
    ``_n``, its rows; the name of the table (``grouped`` itself when nothing changes)."""
    name = grouped.strip('"')
    if expr is None and source == column:
        return name
    typed = f"{name}_typed"
    value = expr if expr is not None else ident(source)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {ident(typed)} AS"
        f" SELECT CAST({value} AS VARCHAR) AS {ident(column)}, CAST(sum(_n) AS BIGINT) AS _n"
        f" FROM {grouped} GROUP BY 1"
    )
    con.execute(f"DROP TABLE {grouped}")
    return typed
