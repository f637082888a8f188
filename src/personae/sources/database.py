"""Tables of a database reached by URL (``postgres://…``) or given as an Ibis connection
(a Spark session: ``ibis.pyspark.connect(spark)``), typed as Ibis expressions. Spark and
PostgreSQL compile through personae's own compilers (:mod:`personae.sources.spark`,
:mod:`personae.sources.postgres`).

The tables stay where they are: each is cast to the canonical types, given its defaults
and normalised by an Ibis expression the database runs, so nothing is copied.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from personae.errors import EngineError, Problem
from personae.sources import schema
from personae.sources.columns import match_columns, missing_columns
from personae.sources.problems import capped
from personae.sources.staging import KNOWN, Staged, Staging, display_url, first_line


def open_url(url: str) -> Staging:
    shown = display_url(url)
    try:
        con = ibis.connect(url)
    except Exception as exc:
        raise EngineError(f"cannot connect to {shown}: {first_line(exc)}") from exc
    return open_backend(con, shown)


def open_backend(con: BaseBackend, shown: str | None = None) -> Staging:
    """The canonical tables of an open Ibis connection (its current database), typed where
    they are; ``shown`` names the source in problems (default: the backend's name)."""
    shown = shown or con.name
    if con.name == "pyspark":
        from personae.sources.spark import spark_backend

        con = spark_backend(con)
    elif con.name == "postgres":
        from personae.sources.postgres import postgres_backend

        con = postgres_backend(con)
    staging = Staging(con)
    for name, t in _known_tables(con):
        file = f"{shown}#{name}"
        if name in schema.FREEFORM_TABLES:
            staging.tables[name] = Staged(name, file, t, t)
            continue
        typed, problems, complete = _type_expression(schema.TABLES[name], t, file)
        staging.problems += problems
        staging.tables[name] = Staged(name, file, typed, typed.drop("_line"), complete)
    return staging


def _known_tables(con: BaseBackend) -> list[tuple[str, ir.Table]]:
    """(canonical name, table) of the database's tables with a canonical name."""
    try:
        names = con.list_tables()
    except Exception:  # some backends cannot list tables: ask for each name
        names = list(KNOWN)
    found: dict[str, ir.Table] = {}
    for table in sorted(names):
        name = table.lower()
        if name in KNOWN and name not in found:
            try:
                found[name] = con.table(table)
            except Exception:  # listed but not readable (a view it cannot bind, …)
                continue
    return list(found.items())


def _type_expression(
    table: schema.TableSpec, t: ir.Table, file: str
) -> tuple[ir.Table, list[Problem], bool]:
    """A database table cast to the canonical types, as an Ibis expression (no copy)."""
    present = match_columns(table, list(t.columns))
    problems = missing_columns(table, file, list(t.columns), present, header=False)
    columns: dict[str, ir.Value] = {"_line": ibis.null("int64")}
    for column in table.columns:
        target = schema.IBIS_TYPES[column.type]
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
                        f" read as {target}: {first_line(exc)}",
                        column=column.name,
                        hint=f"convert the column to {schema.SQL_TYPES[column.type]}",
                    )
                )
                value = ibis.null(target)
        if column.name == "country":
            value = value.upper()
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
