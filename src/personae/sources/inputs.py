"""Where the tables come from: a folder of files, a DuckDB file, or a database URL.

:func:`open_source` finds the canonical tables in a source and types them; the result,
a :class:`Staging`, holds for each table its typed expression (with ``_line``, the row's
line in its file, NULL when unknown), the public expression everyone else sees, and the
problems found so far (missing tables and columns, unreadable rows, unparsable cells).

- A **folder** holds ``NAME.csv`` (``.csv.gz``) or ``NAME.parquet`` files, read into an
  in-memory DuckDB: CSV copied into typed tables, Parquet read in place through views.
- A **DuckDB file** (``.duckdb``, ``.ddb``, ``.db``) is attached read-only; its tables
  with canonical names are typed through views.
- A **URL** (``postgres://…``) is opened with ``ibis.connect``; its tables with canonical
  names are cast to the canonical types as Ibis expressions, run by that database.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import duckdb
import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from personae.errors import EngineError, Problem
from personae.sources import schema
from personae.sources.csvfiles import read_csv
from personae.sources.problems import capped
from personae.sources.typed import (
    RawRelation,
    ident,
    literal,
    match_columns,
    missing_columns,
    type_relation,
)

DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")
KNOWN = (*schema.TABLES, *schema.FREEFORM_TABLES)


@dataclass
class Staged:
    """One canonical table found in the source."""

    name: str
    file: str
    typed: ir.Table  # canonical types, defaults applied, plus ``_line``
    public: ir.Table  # the same without ``_line``
    complete: bool = True  # every required column is there


@dataclass
class Staging:
    con: BaseBackend
    tables: dict[str, Staged] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # tables whose file cannot be read


def open_source(source: str | os.PathLike[str]) -> Staging:
    """Find and type the canonical tables of ``source`` (a folder, a DuckDB file, a URL)."""
    text = os.fspath(source)
    if "://" in text:
        staging = _open_url(text)
    else:
        path = Path(text)
        if path.is_dir():
            staging = _open_folder(path)
        elif path.is_file() and path.suffix.lower() in DUCKDB_SUFFIXES:
            staging = _open_duckdb_file(path)
        else:
            what = "no such folder" if not path.exists() else "not a folder nor a DuckDB file"
            con = ibis.duckdb.connect()
            return Staging(
                con,
                problems=[
                    Problem(
                        text,
                        f"cannot read the data: {what}",
                        hint="give the folder holding accounts.csv, revenue.csv, …, "
                        "a .duckdb file or a database URL",
                    )
                ],
            )
    for name, table in schema.TABLES.items():
        if table.required and name not in staging.tables and name not in staging.unreadable:
            staging.problems.append(
                Problem(
                    _where(text, name),
                    f"required table {name!r} is missing",
                    hint=f"add {name}.csv or {name}.parquet (see data/README.md)"
                    if "://" not in text
                    else f"create a table named {name!r}",
                )
            )
    return staging


def _where(source: str, name: str) -> str:
    if "://" in source:
        return display_url(source)
    path = Path(source)
    return str(path / f"{name}.csv") if path.is_dir() else source


def display_url(url: str) -> str:
    """The URL without its password, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _data_format(path: Path) -> tuple[str, str] | None:
    """(table name, format) of a data file, or None for anything else (README, …)."""
    lower = path.name.lower()
    for suffix, kind in ((".csv.gz", "csv"), (".csv", "csv"), (".parquet", "parquet")):
        if lower.endswith(suffix):
            return lower[: -len(suffix)], kind
    return None


def _open_folder(folder: Path) -> Staging:
    con = ibis.duckdb.connect()
    staging = Staging(con)
    duck = con.con
    seen: dict[str, Path] = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        found = _data_format(path)
        if found is None or path.name.startswith("."):
            continue
        name, kind = found
        file = str(path)
        if name not in KNOWN:
            close = difflib.get_close_matches(name, KNOWN, n=1)
            staging.problems.append(
                Problem(
                    file,
                    f"{path.name} is not a table personae knows: ignored",
                    hint=f"did you mean {close[0]}?"
                    if close
                    else f"tables: {', '.join(KNOWN)}; rename or move the file",
                    severity="warning",
                )
            )
            continue
        if name in seen:
            staging.problems.append(
                Problem(
                    file,
                    f"two files for table {name!r}: {seen[name].name} and {path.name}",
                    hint="keep only one of them",
                )
            )
            continue
        seen[name] = path
        try:
            raw = _read_file(duck, name, path, kind, staging.problems)
        except (duckdb.Error, OSError) as exc:  # a file DuckDB cannot read at all
            staging.problems.append(
                Problem(file, f"cannot read the file: {_first_line(exc)}", hint=_READ_HINT[kind])
            )
            raw = False
        if raw is False:
            staging.unreadable.add(name)
        elif raw is not None:
            _stage(staging, duck, raw)
        else:
            staging.tables[name] = Staged(name, file, con.table(name), con.table(name))
    return staging


_READ_HINT = {
    "csv": "export it again as CSV (UTF-8, with a header line)",
    "parquet": "check that it is a Parquet file, or export it again",
}


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _read_file(
    duck: duckdb.DuckDBPyConnection, name: str, path: Path, kind: str, problems: list[Problem]
) -> RawRelation | Literal[False] | None:
    """The raw relation of one file; None for a free-form table (loaded as it is), False
    for a file without a header."""
    file = str(path)
    if name in schema.FREEFORM_TABLES:
        source = (
            f"read_parquet({literal(file)})"
            if kind == "parquet"
            else f"read_csv({literal(file)}, header = true, all_varchar = true)"
        )
        duck.execute(f"CREATE OR REPLACE VIEW {ident(name)} AS SELECT * FROM {source}")
        return None
    raw_name = f"_raw_{name}"
    if kind == "csv":
        csv = read_csv(duck, path, raw_name, file)
        problems += csv.problems
        if not csv.columns:
            return False
        types = {c: "VARCHAR" for c in csv.columns}
        return RawRelation(name, file, ident(raw_name), types, "rowid + 2", materialise=True)
    duck.execute(
        f"CREATE OR REPLACE VIEW {ident(raw_name)} AS"
        f" SELECT * FROM read_parquet({literal(file)}, file_row_number = true)"
    )
    types = _describe(duck, ident(raw_name))
    types.pop("file_row_number", None)
    return RawRelation(name, file, ident(raw_name), types, "file_row_number + 1")


def _describe(duck: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    rows = duck.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def _stage(staging: Staging, duck: duckdb.DuckDBPyConnection, raw: RawRelation) -> None:
    problems, complete = type_relation(duck, raw)
    staging.problems += problems
    if raw.materialise:  # the typed copy replaces the text one
        duck.execute(f"DROP TABLE IF EXISTS {raw.sql}")
    con = staging.con
    staging.tables[raw.name] = Staged(
        raw.name, raw.file, con.table(f"_typed_{raw.name}"), con.table(raw.name), complete
    )


def _open_duckdb_file(path: Path) -> Staging:
    con = ibis.duckdb.connect()
    staging = Staging(con)
    duck = con.con
    try:
        duck.execute(f"ATTACH {literal(str(path))} AS _source (READ_ONLY)")
    except Exception as exc:
        staging.problems.append(
            Problem(
                str(path),
                f"cannot open the DuckDB file: {_first_line(exc)}",
                hint="check the path, and that no other program holds the file open for writing",
            )
        )
        return staging
    rows = duck.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_catalog = '_source' AND table_schema = 'main' ORDER BY table_name"
    ).fetchall()
    for (found,) in rows:
        name = str(found).lower()
        if name not in KNOWN or name in staging.tables:
            continue
        relation = f"_source.main.{ident(str(found))}"
        file = f"{path}:{found}"
        if name in schema.FREEFORM_TABLES:
            duck.execute(f"CREATE OR REPLACE VIEW {ident(name)} AS SELECT * FROM {relation}")
            staging.tables[name] = Staged(name, file, con.table(name), con.table(name))
            continue
        _stage(staging, duck, RawRelation(name, file, relation, _describe(duck, relation)))
    return staging


def _open_url(url: str) -> Staging:
    shown = display_url(url)
    try:
        con = ibis.connect(url)
        names = con.list_tables()
    except Exception as exc:
        raise EngineError(f"cannot connect to {shown}: {_first_line(exc)}") from exc
    staging = Staging(con)
    for found in sorted(names):
        name = found.lower()
        if name not in KNOWN or name in staging.tables:
            continue
        t = con.table(found)
        file = f"{shown}#{found}"
        if name in schema.FREEFORM_TABLES:
            staging.tables[name] = Staged(name, file, t, t)
            continue
        typed, problems, complete = _type_expression(schema.TABLES[name], t, file)
        staging.problems += problems
        staging.tables[name] = Staged(name, file, typed, typed.drop("_line"), complete)
    return staging


_IBIS_TYPES = {
    "string": "string",
    "int": "int64",
    "float": "float64",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}


def _type_expression(
    table: schema.Table, t: ir.Table, file: str
) -> tuple[ir.Table, list[Problem], bool]:
    """A database table cast to the canonical types, as an Ibis expression (no copy)."""
    present = match_columns(table, list(t.columns))
    problems = missing_columns(table, file, list(t.columns), present, header=False)
    columns: dict[str, ir.Value] = {"_line": ibis.null("int64")}
    for column in table.columns:
        target = _IBIS_TYPES[column.type]
        if column.name not in present:
            columns[column.name] = ibis.null(target)
            continue
        value = t[present[column.name]]
        if value.type() != ibis.dtype(target):
            value = value.cast(target)
            try:  # a cast the database cannot do fails here, not in the middle of a report
                t.aggregate(n=value.count()).to_pyarrow()
            except Exception as exc:
                problems.append(
                    Problem(
                        file,
                        f"column {column.name!r} ({t[present[column.name]].type()}) cannot be"
                        f" read as {target}: {_first_line(exc)}",
                        column=column.name,
                        hint=f"convert the column to {schema.SQL_TYPES[column.type]}",
                    )
                )
                value = ibis.null(target)
        if column.choices:
            low = value.lower()
            value = ibis.cases(*((low == c.lower(), c) for c in column.choices), else_=value)
        columns[column.name] = value
    required = [c for c in table.required_columns if c in present]
    if required:
        counts = t.aggregate(**{c: t[present[c]].isnull().sum() for c in required}).to_pyarrow()
        for c in required:
            total = int(counts[c][0].as_py() or 0)
            problems += capped(
                file, c, f"rows with an empty {c}", total, [],
                f"{c} is empty but required", f"{c} is required: fill it in, or remove the row",
            )  # fmt: skip
    extras = [c for c in t.columns if c not in present.values() and c not in columns]
    typed = t.select(**columns, **{c: t[c] for c in extras})
    typed = typed.mutate(**_ibis_defaults(table.name, typed))
    return typed, problems, all(c in present for c in table.required_columns)


def _ibis_defaults(name: str, t: ir.Table) -> dict[str, ir.Value]:
    """``schema.DEFAULTS`` as Ibis expressions."""
    if name == "accounts":
        return {"kind": t.kind.fill_null("B2B")}
    if name == "revenue":
        start = t.period_start.fill_null(t.date)
        return {
            "recurring": t.recurring.fill_null(True),
            "period_start": start,
            "period_end": t.period_end.fill_null((start + ibis.interval(months=1)).cast("date")),
        }
    return {}
