"""Pulling small results out of the engine as plain Python values (through Arrow).

Results come back as Python ints, floats, strings, bools, dates and None, never pandas
objects, so that the metrics are JSON-ready and engine-independent.

Every expression is compiled by Ibis once: :func:`compile_sql` gives the SQL the dossier
records (its provenance), and :func:`fetch` / :func:`create_temp_table` run that same SQL
on DuckDB instead of compiling the expression again. On any other backend (Postgres,
Spark…) they hand the expression to Ibis as it is, so the expressions stay portable.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.operations as ops
import pyarrow as pa
from ibis.backends import BaseBackend

from personae import profiling, sqlcache


def scalar(expr: ibis.Scalar) -> Any:
    """The value of a scalar expression (None for NULL)."""
    return expr.to_pyarrow().as_py()


def rows(expr: ibis.Table) -> list[dict[str, Any]]:
    """The rows of a (small) table expression as dicts."""
    return list(expr.to_pyarrow().to_pylist())


def in_fixed_order(expr: ibis.Table, table: pa.Table) -> pa.Table:
    """The rows of ``expr``'s result in an order that does not depend on the engine's threads.

    Without ORDER BY, a grouped query's rows come in the order its threads finish: the
    same numbers, but dictionaries built from them, ties broken in their order and sums of
    floats taken along them would differ from one run to the next. An unordered result is
    sorted by every column it can be sorted by; an ordered one (``order_by``, ``limit``)
    is kept as the query gave it.
    """
    if table.num_rows < 2 or _ordered(expr.op()):
        return table
    keys = [(f.name, "ascending") for f in table.schema if _sortable(f.type)]
    return table.sort_by(keys) if keys else table


def _ordered(op: ops.Relation) -> bool:
    """Whether the query's rows come out ordered: a sort or a limit, under any projections
    and filters of its result (an aggregate, a join or a union starts a new order)."""
    while isinstance(op, (ops.Project, ops.Filter, ops.Sort, ops.Limit, ops.DropColumns)):
        if isinstance(op, (ops.Sort, ops.Limit)):
            return True
        op = op.parent
    return False


def _sortable(kind: pa.DataType) -> bool:
    return not (pa.types.is_nested(kind) or pa.types.is_null(kind))


def compile_sql(con: BaseBackend, expr: ibis.Expr) -> str:
    """The SQL of ``expr`` as :func:`ibis.to_sql` writes it (pretty, the backend's dialect).

    On DuckDB the bound expression is compiled as it is: the same text, without the
    rewrite :func:`ibis.to_sql` makes first to unbind every table (a quarter of the cost).
    Within :func:`personae.sqlcache.remembering`, the SQL an earlier run compiled from the
    same expression is taken instead.
    """
    kept = sqlcache.active()
    if kept is not None:
        return kept.sql(expr, lambda: _compile(con, expr))
    return _compile(con, expr)


def _compile(con: BaseBackend, expr: ibis.Expr) -> str:
    with profiling.phase("sql: compiling (Ibis)"):
        return _to_sql(con, expr)


def _to_sql(con: BaseBackend, expr: ibis.Expr) -> str:
    if _duckdb(con):
        return str(con.compile(expr, pretty=True))
    return str(ibis.to_sql(expr))


def _duckdb(con: BaseBackend) -> bool:
    return getattr(con, "name", None) == "duckdb"


def fetch(con: BaseBackend, expr: ibis.Table, sql: str) -> pa.Table:
    """The result of ``expr`` as Arrow, typed by its Ibis schema; ``sql`` is its SQL
    (from :func:`compile_sql`), run as it is on DuckDB."""
    if not _duckdb(con):
        return expr.to_pyarrow()
    from ibis.backends.duckdb.converter import DuckDBPyArrowData

    con._run_pre_execute_hooks(expr)  # in-memory tables, UDFs: as Ibis does before running
    table = con.con.sql(sql).to_arrow_table()
    result: pa.Table = expr.__pyarrow_result__(table, data_mapper=DuckDBPyArrowData)
    return result


def create_temp_table(con: BaseBackend, name: str, expr: ibis.Table, sql: str) -> ibis.Table:
    """Store the result of ``expr`` as the temporary table ``name`` (replacing one of that
    name), with the column types of its Ibis schema, as ``con.create_table`` does."""
    if not _duckdb(con):
        return con.create_table(name, expr, temp=True, overwrite=True)
    import sqlglot.expressions as sge

    con._run_pre_execute_hooks(expr)
    dialect = con.dialect
    target = sge.table_(name, db="main", catalog="temp", quoted=True)
    create = sge.Create(
        kind="TABLE",
        this=sge.Schema(this=target, expressions=expr.schema().to_sqlglot_column_defs(dialect)),
        properties=sge.Properties(expressions=[sge.TemporaryProperty()]),
        replace=True,
    ).sql(dialect)
    columns = ", ".join(sge.to_identifier(c, quoted=True).sql(dialect) for c in expr.columns)
    duck = con.con
    duck.execute(create)
    duck.execute(f"INSERT INTO {target.sql(dialect)} ({columns}) {sql}")
    return con.table(name, database=("temp", "main"))
