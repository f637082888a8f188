"""A Spark session as the engine: the few things Ibis's PySpark backend lacks.

- The metrics keep their intermediate tables (calendar, MRR grid, accounts) as temporary
  tables, which Ibis 12 cannot create on Spark; here each becomes a cached temporary view
  of the session, the Spark form of a temporary table (gone with the session, computed
  once).
- Ibis 12 compiles no bitwise aggregate for Spark (the signals panel ORs one bit per active
  day); Spark SQL has them (``bit_or``, ``bit_and``, ``bit_xor``).
- Ibis writes a float literal as ``3.0``, which Spark reads as a DECIMAL: ``x / 3.0`` is then
  rounded to 6 decimals. Here it is cast to DOUBLE, as on every other engine.
- Ibis's ``strip()`` on Spark also trims the letters v and f (see ``visit_Strip``).
- Results come back through Spark's own Arrow path, not through pandas.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.operations as ops
import pyarrow as pa
import sqlglot.expressions as sge
from ibis.backends import BaseBackend
from ibis.backends.pyspark import Backend as _PySpark
from ibis.backends.sql.compilers.pyspark import PySparkCompiler


class SparkCompiler(PySparkCompiler):  # type: ignore[misc]
    """Ibis's Spark SQL compiler, with Spark's bitwise aggregates and double literals."""

    SIMPLE_OPS = {  # noqa: RUF012 (the compiler's own class-level table, extended)
        **PySparkCompiler.SIMPLE_OPS,
        ops.BitAnd: "bit_and",
        ops.BitOr: "bit_or",
        ops.BitXor: "bit_xor",
    }

    def visit_Strip(self, op: Any, *, arg: Any) -> Any:
        """Whitespace trimmed as on DuckDB. Ibis writes the characters as ``' \\t\\n\\r\\v\\f'``,
        and Spark, which knows no ``\\v`` nor ``\\f`` escape, then also trims the letters v and
        f ("Responsable administratif" lost its f)."""
        spaces = self.f.concat(sge.convert(" \t\n\r"), self.f.chr(11), self.f.chr(12))
        return sge.Trim(this=arg, expression=spaces, position="BOTH")

    def visit_NonNullLiteral(self, op: Any, *, value: Any, dtype: Any) -> Any:
        """A float literal typed as such: Spark reads ``3.0`` as DECIMAL(2, 1), and
        ``events / 3.0`` then rounds to the decimal's scale (about 1e-6, not 1e-16)."""
        result = super().visit_NonNullLiteral(op, value=value, dtype=dtype)
        if dtype.is_floating() and result is not None:
            return self.cast(result, dtype)
        return result


class SparkBackend(_PySpark):  # type: ignore[misc]
    """Ibis's PySpark backend, with temporary tables as cached temporary views."""

    name = "pyspark"
    compiler = SparkCompiler()

    def create_table(self, name: str, /, obj: Any = None, **kwargs: Any) -> ibis.Table:
        if not kwargs.get("temp"):
            return super().create_table(name, obj, **kwargs)
        session = self._session
        if isinstance(obj, pa.Table):
            frame = session.createDataFrame(obj)
        else:
            self._register_in_memory_tables(obj)
            frame = session.sql(self.compile(obj))
        frame.createOrReplaceTempView(name)
        session.catalog.cacheTable(name)  # lazy: computed at its first use, then kept
        return self.table(name)

    def drop_table(self, name: str, /, **kwargs: Any) -> None:
        if self._session.catalog.dropTempView(name):  # also uncaches it
            return
        super().drop_table(name, **kwargs)

    def to_pyarrow(self, expr: Any, /, *, params: Any = None, limit: Any = None, **kw: Any) -> Any:
        """The result through Spark's Arrow path (Ibis goes through pandas, which turns an
        integer column with NULLs into floats and warns on pandas 3)."""
        from ibis.formats.pyarrow import PyArrowData

        self._run_pre_execute_hooks(expr)
        table_expr = expr.as_table()
        sql = self.compile(table_expr, params=params, limit=limit, **kw)
        data = self._session.sql(sql).toArrow()
        return expr.__pyarrow_result__(PyArrowData.convert_table(data, table_expr.schema()))


def spark_backend(con: BaseBackend) -> BaseBackend:
    """``con`` if it is not a Spark connection, else the same session as a SparkBackend."""
    if con.name != "pyspark" or isinstance(con, SparkBackend):
        return con
    backend: BaseBackend = SparkBackend().connect(con._session)
    return backend
