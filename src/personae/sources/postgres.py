"""PostgreSQL as the engine: Ibis's compiler, with the types Ibis means.

Ibis types an expression as DuckDB computes it; PostgreSQL computes some of them otherwise,
and its rows then fail to convert (« Could not convert Decimal('0.0') … to double ») or its
SQL is refused:

- Ibis writes a float literal as ``1.0``, which PostgreSQL reads as NUMERIC: ``events + 1.0``
  (a BIGINT plus it), ``GREATEST(n, 1.0)`` and ``SUM(n) / 3.0`` are then NUMERIC where Ibis
  means a double. Here the literal is cast to DOUBLE PRECISION, as on DuckDB and Spark.
- PostgreSQL casts a boolean to an integer, not to a SMALLINT (``cannot cast type boolean
  to smallint``): a 0/1 indicator goes through an integer first.

Only the SQL differs; the numbers are those of DuckDB (tests/engines/test_postgres_dossier.py).
"""

from __future__ import annotations

from typing import Any

import ibis.expr.datatypes as dt
import sqlglot.expressions as sge
from ibis.backends import BaseBackend
from ibis.backends.postgres import Backend as _Postgres
from ibis.backends.sql.compilers.postgres import PostgresCompiler as _PostgresCompiler


class PostgresCompiler(_PostgresCompiler):  # type: ignore[misc]
    """Ibis's PostgreSQL compiler, with double literals and boolean indicators."""

    def visit_NonNullLiteral(self, op: Any, *, value: Any, dtype: Any) -> Any:
        result = super().visit_NonNullLiteral(op, value=value, dtype=dtype)
        if result is not None or not dtype.is_floating():
            return result
        literal = self.visit_DefaultLiteral(op, value=value, dtype=dtype)
        return literal if isinstance(literal, sge.Cast) else self.cast(literal, dtype)

    def visit_Cast(self, op: Any, *, arg: Any, to: Any) -> Any:
        if op.arg.dtype.is_boolean() and to.is_integer() and not to.is_int32():
            arg = self.cast(arg, dt.int32)
        return super().visit_Cast(op, arg=arg, to=to)


class PostgresBackend(_Postgres):  # type: ignore[misc]
    """Ibis's PostgreSQL backend, compiling with :class:`PostgresCompiler`."""

    compiler = PostgresCompiler()


def postgres_backend(con: BaseBackend) -> BaseBackend:
    """``con`` if it is not a PostgreSQL connection, else one on the same database session
    that compiles with :class:`PostgresCompiler` (``con`` itself is left as it was)."""
    if con.name != "postgres" or isinstance(con, PostgresBackend):
        return con
    backend: BaseBackend = PostgresBackend.from_connection(con.con)
    return backend
