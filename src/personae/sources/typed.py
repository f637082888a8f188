"""Raw relations in DuckDB become typed canonical tables, and bad cells become problems.

A *raw* relation is whatever holds one table's data in the DuckDB connection: the
all-text table of a CSV file, a ``read_parquet`` view, a table of an attached DuckDB
file. :func:`type_relation` creates, in the same connection:

- ``_typed_NAME``: every canonical column with its type from ``schema.SQL_TYPES``
  (absent optional columns as typed NULLs), defaults applied (``schema.DEFAULTS``), values
  of columns with choices normalised to their canonical case, country codes in capitals,
  text trimmed (an empty cell is NULL), the file's extra columns
  as they are, and ``_line``, the row's line in the file (NULL when unknown). A table
  (copied) for CSV, a view (read in place) otherwise.
- ``NAME``: a view of it without ``_line``: what the rest of personae sees.

Cells that are present but cannot be parsed, and empty cells of required columns, are
found by one aggregate query over the raw relation, then sampled with their line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import duckdb

from personae.errors import Problem
from personae.sources import schema, values
from personae.sources.problems import CAP, capped
from personae.sql import ident, literal

_WHAT = {
    "int": ("is not a whole number", "write a whole number such as 42"),
    "float": (
        "is not a number",
        "write a number such as 1234.5 or 1 234,50, without currency sign",
    ),
    "bool": ("is not a yes/no value", "write true/false, oui/non, yes/no or 1/0"),
    "date": ("is not a date", "write dates as YYYY-MM-DD or DD/MM/YYYY"),
    "timestamp": (
        "is not a date and time",
        "write YYYY-MM-DD HH:MM:SS, YYYY-MM-DDTHH:MM:SS, DD/MM/YYYY HH:MM or a date alone",
    ),
}


@dataclass
class RawRelation:
    """One table's data as found, in the DuckDB connection."""

    name: str  # canonical table name
    file: str  # how problems name the file
    sql: str  # a relation of the connection: a quoted table or view name
    types: dict[str, str]  # the relation's columns and their DuckDB types, in order
    line: str | None = None  # SQL for the row's line in the file, if it has one
    materialise: bool = False  # copy into a typed table (CSV) instead of a view
    lost: int = 0  # rows of the file that could not be read at all


def match_columns(table: schema.TableSpec, found: list[str]) -> dict[str, str]:
    """Canonical column -> the found column holding it (case and spaces ignored)."""
    by_key: dict[str, str] = {}
    for name in found:
        by_key.setdefault(name.strip().lower(), name)
    return {c.name: by_key[c.name] for c in table.columns if c.name in by_key}


def missing_columns(
    table: schema.TableSpec, file: str, columns: list[str], present: dict[str, str], *, header: bool
) -> list[Problem]:
    """A problem for each required column the file lacks (``header``: on line 1)."""
    problems = []
    found = [c for c in columns if c not in present.values()]
    for column in table.required_columns:
        if column in present:
            continue
        close = difflib.get_close_matches(column, found, n=1)
        hint = f"add a column named {column!r} (see data/README.md)"
        if close:
            hint = f"rename column {close[0]!r} to {column!r}"
        problems.append(
            Problem(
                file,
                f"required column {column!r} is missing",
                line=1 if header else None,
                column=column,
                hint=hint + f"; columns found: {', '.join(columns) or 'none'}",
            )
        )
    return problems


def _is_text(duck_type: str) -> bool:
    return duck_type.upper().startswith("VARCHAR")


def _normalised(column: schema.Column, expr: str) -> str:
    """Values matching a choice but for case or spaces, in the choice's own spelling;
    country codes in capitals."""
    if column.name == "country":
        return f"upper({expr})"
    if not column.choices:
        return expr
    whens = " ".join(f"WHEN {literal(c.lower())} THEN {literal(c)}" for c in column.choices)
    return f"(CASE lower({expr}) {whens} ELSE {expr} END)"


def _select_typed(table: schema.TableSpec, raw: RawRelation, present: dict[str, str]) -> str:
    inner = [f"{raw.line or 'NULL'}::BIGINT AS _line"]
    for column in table.columns:
        target = schema.SQL_TYPES[column.type]
        if column.name in present:
            source = present[column.name]
            expr = values.convert_sql(column.type, ident(source), raw.types[source])
            expr = _normalised(column, expr)
        else:
            expr = "NULL"
        inner.append(f"CAST({expr} AS {target}) AS {ident(column.name)}")
    taken = {c.name for c in table.columns} | {"_line"}
    inner += [ident(c) for c in raw.types if c not in present.values() and c not in taken]
    select = f"SELECT {', '.join(inner)} FROM {raw.sql}"
    defaults = _defaults(table.name)
    if defaults:
        select = f"SELECT * REPLACE ({', '.join(defaults)}) FROM ({select})"
    return select


def _defaults(name: str) -> list[str]:
    """``schema.DEFAULTS`` as SQL ``REPLACE`` items."""
    if name == "accounts":
        return ["COALESCE(kind, 'B2B') AS kind"]
    if name == "revenue":
        start = "COALESCE(period_start, date)"
        return [
            "COALESCE(recurring, TRUE) AS recurring",
            f"{start} AS period_start",
            f"COALESCE(period_end, CAST({start} + INTERVAL 1 MONTH AS DATE)) AS period_end",
        ]
    return []


def _cell_checks(
    table: schema.TableSpec, raw: RawRelation, present: dict[str, str]
) -> list[tuple[schema.Column, str, str]]:
    """(column, kind, SQL condition over the raw relation) for each check of its cells."""
    checks = []
    for column in table.columns:
        if column.name not in present:
            continue
        source = present[column.name]
        src = ident(source)
        text = _is_text(raw.types[source])
        empty = f"{values.clean_sql(src)} IS NULL" if text else f"{src} IS NULL"
        converted = values.convert_sql(column.type, src, raw.types[source])
        if column.type != "string" and converted != src:  # already of its type: no check
            checks.append((column, "unparsable", f"NOT ({empty}) AND ({converted}) IS NULL"))
        if column.required:
            checks.append((column, "missing", empty))
    return checks


def cell_problems(
    con: duckdb.DuckDBPyConnection,
    table: schema.TableSpec,
    raw: RawRelation,
    present: dict[str, str],
) -> list[Problem]:
    """Unparsable cells and empty required cells, every kind counted in one scan."""
    checks = _cell_checks(table, raw, present)
    if not checks:
        return []
    counts = ", ".join(f"count(*) FILTER (WHERE {cond})" for _, _, cond in checks)
    row = con.execute(f"SELECT {counts} FROM {raw.sql}").fetchone()
    totals = list(row) if row else [0] * len(checks)
    problems: list[Problem] = []
    line = raw.line or "NULL"
    for (column, kind, cond), total in zip(checks, totals, strict=True):
        if not total:
            continue
        source = ident(present[column.name])
        rows = con.execute(
            f"SELECT {line} AS l, CAST({source} AS VARCHAR), NULL FROM {raw.sql}"
            f" WHERE {cond} ORDER BY l NULLS LAST LIMIT {CAP}"
        ).fetchall()
        if kind == "missing":
            what = f"rows with an empty {column.name}"
            hint = f"{column.name} is required: fill it in, or remove the row"
            problems += capped(
                raw.file, column.name, what, total, rows,
                f"{column.name} is empty but required", hint,
            )  # fmt: skip
        else:
            wrong, hint = _WHAT[column.type]
            what = f"rows whose {column.name} {wrong}"
            problems += capped(
                raw.file, column.name, what, total, rows,
                f"{column.name} {wrong}", hint,
            )  # fmt: skip
    return problems


def type_relation(con: duckdb.DuckDBPyConnection, raw: RawRelation) -> tuple[list[Problem], bool]:
    """Create ``_typed_NAME`` and ``NAME`` from ``raw``; its problems, and whether complete.

    A table is complete when every required column is there; checks across tables
    (keys, references) only look at complete ones.
    """
    table = schema.TABLES[raw.name]
    present = match_columns(table, list(raw.types))
    problems = missing_columns(
        table,
        raw.file,
        list(raw.types),
        present,
        header=raw.materialise,  # CSV: line 1
    )
    problems += cell_problems(con, table, raw, present)
    typed = ident(f"_typed_{raw.name}")
    kind = "TABLE" if raw.materialise else "VIEW"
    con.execute(f"CREATE OR REPLACE {kind} {typed} AS {_select_typed(table, raw, present)}")
    con.execute(
        f"CREATE OR REPLACE VIEW {ident(raw.name)} AS SELECT * EXCLUDE (_line) FROM {typed}"
    )
    return problems, all(c in present for c in table.required_columns)
