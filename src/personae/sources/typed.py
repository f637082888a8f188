"""Raw relations in DuckDB become typed canonical tables, and bad cells become problems.

A *raw* relation is whatever holds one table's data in the DuckDB connection: the
all-text table of a CSV file, a ``read_parquet`` view, a table of an attached DuckDB
file. :func:`type_relation` creates, in the same connection:

- ``_typed_NAME``: every canonical column with its type from ``schema.SQL_TYPES``
  (absent optional columns as typed NULLs), defaults applied (``schema.DEFAULTS``), values
  of columns with choices normalised to their canonical case, country codes in capitals,
  text trimmed (an empty cell is NULL), the file's extra columns
  as they are, and ``_line``, the row's line in the file (NULL when unknown). A view
  (read in place), or a table (copied) for a CSV file with text to parse or trim. A
  column whose conversion changes none of its values is read as it is.
- ``NAME``: a view of it without ``_line``: what the rest of personae sees.

Cells that are present but cannot be parsed, and empty cells of required columns, are
found by one aggregate query over the raw relation, then sampled with their line; the
same query finds the columns whose conversion changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

import duckdb

from personae.errors import Problem
from personae.sources import distinct, schema, values
from personae.sources.columns import match_columns, missing_columns
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
    null_free: frozenset[str] = frozenset()  # columns known to hold no NULL (file statistics)
    plain: frozenset[str] = frozenset()  # text columns of whole numbers holding only digits


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


def _convert(column: schema.Column, raw: RawRelation, source: str) -> str:
    """SQL of ``source`` (a column of ``raw``) as the canonical type of ``column``."""
    if source in raw.plain:
        return values.plain_int_sql(ident(source))
    return values.convert_sql(column.type, ident(source), raw.types[source])


def _typed_sql(column: schema.Column, raw: RawRelation, present: dict[str, str]) -> str:
    """SQL of the canonical value of ``column`` (before its final cast) from ``raw``."""
    return _normalised(column, _convert(column, raw, present[column.name]))


def _plain(
    con: duckdb.DuckDBPyConnection,
    table: schema.TableSpec,
    raw: RawRelation,
    present: dict[str, str],
) -> frozenset[str]:
    """The text columns of whole numbers whose every cell is empty or plain digits (at
    most 18, a sign allowed, spaces around): :func:`values.plain_int_sql` parses them to
    the values of :func:`values.int_sql`, in a far shorter query (one cheap scan to know)."""
    ints = [
        present[c.name]
        for c in table.columns
        if c.type == "int" and c.name in present and _is_text(raw.types[present[c.name]])
    ]
    if not ints:
        return frozenset()
    tests = ", ".join(
        f"bool_and(COALESCE(regexp_full_match({values.clean_sql(ident(c))},"
        f" '[+-]?[0-9]{{1,18}}'), TRUE))"
        for c in ints
    )
    row = con.execute(f"SELECT {tests} FROM {raw.sql}").fetchone() or ()
    return frozenset(c for c, plain in zip(ints, row, strict=True) if plain is not False)


def _select_typed(
    table: schema.TableSpec,
    raw: RawRelation,
    present: dict[str, str],
    kept: frozenset[str] = frozenset(),
) -> str:
    """The typed table's SELECT; the columns of ``kept`` are read as they are (their
    conversion was found to change no value)."""
    inner = [f"{raw.line or 'NULL'}::BIGINT AS _line"]
    for column in table.columns:
        target = schema.SQL_TYPES[column.type]
        if column.name in kept:
            expr = ident(present[column.name])
        elif column.name in present:
            expr = _typed_sql(column, raw, present)
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


def _as_is(
    table: schema.TableSpec,
    raw: RawRelation,
    present: dict[str, str],
    edge: Callable[[str], str] | None = None,
) -> dict[str, str]:
    """Column -> SQL condition over ``raw`` true on a row whose canonical value differs
    from the value as found, for each column of the canonical type that is nonetheless
    converted (text trimmed, choices and country codes normalised): where no row holds
    such a value, the typed table reads the column as it is. ``edge`` gives the SQL of
    :func:`_edge` for a column (by default the expression itself)."""
    edge = edge or _edge
    changed = {}
    for column in table.columns:
        if column.name not in present:
            continue
        source = present[column.name]
        src = ident(source)
        target = schema.SQL_TYPES[column.type]
        expr = _typed_sql(column, raw, present)
        if raw.types[source].upper() != target or expr == src:
            continue
        cond = f"{src} IS DISTINCT FROM CAST({expr} AS {target})"
        if expr == _normalised(column, values.clean_sql(values.clean_sql(src))):
            # Trimmed text, NULL when empty, then normalised: a value is kept as it is
            # exactly when it is not empty, trimming leaves it, and so does normalising.
            # The same test as ``cond``, without building the trimmed text twice, and
            # trimming only a value that starts or ends with a space or holds a letter
            # outside ASCII (every space trim removes is one or the other).
            cond = f"CASE WHEN {edge(src)} THEN {src} = '' OR {src} != trim({src}) END"
            normalised = _normalised(column, src)
            if normalised != src:
                cond += f" OR {src} != {normalised}"
        changed[column.name] = cond
    return changed


def _light(
    table: schema.TableSpec, raw: RawRelation, present: dict[str, str], kept: frozenset[str]
) -> bool:
    """Whether the typed values are the found ones but for casts between typed values (a
    date cut from a timestamp) and defaults: cheap enough to compute at each read, where
    parsing or trimming text is not."""
    return not any(
        _is_text(raw.types[present[c.name]])
        for c in table.columns
        if c.name in present and c.name not in kept
    )


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


def _edge(src: str) -> str:
    """SQL true for text that trimming may change or that is empty: it starts or ends with
    a space, or holds a letter outside ASCII (every space DuckDB's ``trim`` removes is one
    or the other); a cheap test that spares trimming every other value."""
    return (
        f"{src} = '' OR prefix({src}, ' ') OR suffix({src}, ' ') OR length({src}) != strlen({src})"
    )


def _empty_text(src: str, edge: Callable[[str], str] | None = None) -> str:
    """SQL true for text that is empty once trimmed (``clean_sql`` is NULL), trimming only
    the values :func:`_edge` (or ``edge``) lets through."""
    return (
        f"({src} IS NULL OR CASE WHEN {(edge or _edge)(src)} THEN trim({src}) = '' ELSE FALSE END)"
    )


def _cell_checks(
    table: schema.TableSpec,
    raw: RawRelation,
    present: dict[str, str],
    edge: Callable[[str], str] | None = None,
) -> list[tuple[schema.Column, str, str]]:
    """(column, kind, SQL condition over the raw relation) for each check of its cells."""
    checks = []
    for column in table.columns:
        if column.name not in present:
            continue
        source = present[column.name]
        src = ident(source)
        text = _is_text(raw.types[source])
        empty = _empty_text(src, edge) if text else f"{src} IS NULL"
        converted = _convert(column, raw, source)
        # No check of a value already of its type, nor of a date cut from a timestamp
        # (every TIMESTAMP has its DATE): such a conversion never fails.
        never_fails = column.type == "date" and raw.types[source].upper() == "TIMESTAMP"
        if column.type != "string" and converted != src and not never_fails:
            checks.append((column, "unparsable", f"NOT ({empty}) AND ({converted}) IS NULL"))
        if column.required and (text or source not in raw.null_free):
            checks.append((column, "missing", empty))
    return checks


def cell_problems(
    con: duckdb.DuckDBPyConnection,
    table: schema.TableSpec,
    raw: RawRelation,
    present: dict[str, str],
    groups: Mapping[str, str] | None = None,
) -> tuple[list[Problem], frozenset[str]]:
    """Unparsable cells and empty required cells, every kind counted in one scan; and, in
    the same scan, the columns whose conversion changes no value (:func:`_as_is`).

    ``groups``: canonical column -> a table of its distinct values and their rows
    (:func:`personae.sources.distinct.group`): that column's conditions are counted over
    it, weighted by the rows, instead of in the scan."""
    groups = groups or {}
    checks = _cell_checks(table, raw, present)
    changed = _as_is(table, raw, present)
    if not checks and not changed:
        return [], frozenset()
    owners = [column.name for column, _, _ in checks] + list(changed)
    plain = [cond for _, _, cond in checks] + list(changed.values())
    found: list[int] = [0] * len(owners)
    scanned = [i for i, owner in enumerate(owners) if owner not in groups]
    if scanned:
        # Counted over a projection computing each text column's _edge once, where the
        # conditions below test it up to three times (empty cell, trimmed, normalised).
        columns = [present[c.name] for c in table.columns if c.name in present]
        columns = [c for c in dict.fromkeys(columns) if c not in {present[g] for g in groups}]
        texts = [c for c in columns if _is_text(raw.types[c])]
        alias = {ident(c): ident(f"_edge{i}") for i, c in enumerate(texts)}

        def edge(src: str) -> str:  # a grouped column's own test: not in this scan
            return alias.get(src) or _edge(src)

        conditions = [cond for _, _, cond in _cell_checks(table, raw, present, edge)]
        conditions += list(_as_is(table, raw, present, edge).values())
        counts = ", ".join(f"count(*) FILTER (WHERE {conditions[i]})" for i in scanned)
        inner = [ident(c) for c in columns]
        inner += [f"({_edge(src)}) AS {name}" for src, name in alias.items()]
        row = con.execute(
            f"SELECT {counts} FROM (SELECT {', '.join(inner)} FROM {raw.sql})"
        ).fetchone()
        for i, n in zip(scanned, row or [0] * len(scanned), strict=True):
            found[i] = n
    for owner, grouped in groups.items():
        mine = [i for i, o in enumerate(owners) if o == owner]
        if not mine:
            continue
        sums = ", ".join(f"COALESCE(sum(_n) FILTER (WHERE {plain[i]}), 0)" for i in mine)
        row = con.execute(f"SELECT {sums} FROM {grouped}").fetchone()
        for i, n in zip(mine, row or [0] * len(mine), strict=True):
            found[i] = int(n)
    totals, differ = found[: len(checks)], found[len(checks) :]
    kept = frozenset(c for c, n in zip(changed, differ, strict=True) if not n)
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
    return problems, kept


class Typed(NamedTuple):
    """What :func:`type_relation` found and made."""

    problems: list[Problem]
    complete: bool  # every required column is there
    values: dict[str, str]  # id column -> table of its typed values and rows (distinct.py)


def type_relation(con: duckdb.DuckDBPyConnection, raw: RawRelation) -> Typed:
    """Create ``_typed_NAME`` and ``NAME`` from ``raw``; its problems, whether complete,
    and the tables of its id columns' distinct values (:mod:`~personae.sources.distinct`).

    A table is complete when every required column is there; checks across tables
    (keys, references) only look at complete ones. ``_typed_NAME`` is a view of ``raw``
    unless ``raw.materialise`` and some value must be parsed or trimmed: then a table,
    and ``raw``, copied, is dropped.
    """
    table = schema.TABLES[raw.name]
    present = match_columns(table, list(raw.types))
    raw = replace(raw, plain=_plain(con, table, raw, present))
    problems = missing_columns(
        table,
        raw.file,
        list(raw.types),
        present,
        header=raw.materialise,  # CSV: line 1
    )
    checked = [column.name for column, _, _ in _cell_checks(table, raw, present)]
    checked += list(_as_is(table, raw, present))
    ids, few = distinct.plan(con, table, raw.sql, raw.types, present, checked)
    grouped = ids + few
    groups = {
        c: distinct.group(con, raw.sql, present[c], f"_values_{raw.name}_{c}") for c in grouped
    }
    found, kept = cell_problems(con, table, raw, present, groups)
    problems += found
    values = {
        c: distinct.typed_values(
            con,
            groups[c],
            present[c],
            c,
            None if c in kept else _typed_sql(table.column(c), raw, present),
        )
        for c in ids
    }
    for c in few:  # counted: no check across tables reads them
        con.execute(f"DROP TABLE {groups[c]}")
    typed = ident(f"_typed_{raw.name}")
    copy = raw.materialise and not _light(table, raw, present, kept)
    con.execute(
        f"CREATE OR REPLACE {'TABLE' if copy else 'VIEW'} {typed} AS"
        f" {_select_typed(table, raw, present, kept)}"
    )
    if copy:  # the typed copy replaces the text one
        con.execute(f"DROP TABLE IF EXISTS {raw.sql}")
    con.execute(
        f"CREATE OR REPLACE VIEW {ident(raw.name)} AS SELECT * EXCLUDE (_line) FROM {typed}"
    )
    return Typed(problems, all(c in present for c in table.required_columns), values)
