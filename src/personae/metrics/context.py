"""What every metric family shares: the backend, the tables, the settings, the calendar,
and the two records the dossier needs beside the numbers — the SQL each family ran
(provenance) and the metrics that could not be computed for want of a table (missing).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import ibis
import pyarrow as pa

from personae import profiling
from personae.metrics.calendar import Calendar
from personae.metrics.query import compile_sql, create_temp_table, fetch, in_fixed_order
from personae.settings import Settings

T = TypeVar("T")


@dataclass
class Context:
    con: ibis.BaseBackend
    tables: Mapping[str, ibis.Table]
    settings: Settings
    cal: Calendar
    provenance: dict[str, list[str]] = field(default_factory=dict)
    missing: list[dict[str, str]] = field(default_factory=list)
    temp_tables: list[str] = field(default_factory=list)
    stand_ins: frozenset[str] = frozenset()  # absent tables standing in empty (CRM-only data)
    shared: dict[str, Any] = field(default_factory=dict)  # built once, read by many (see once)

    def has(self, table: str) -> bool:
        return table in self.tables and table not in self.stand_ins

    def need(self, metric: str, *tables: str) -> bool:
        """True when every table is present; else record the metric as missing."""
        absent = [t for t in tables if not self.has(t)]
        for t in absent:
            self.missing.append({"metric": metric, "needs": f"{t} table", "table": t})
        return not absent

    def column_empty(self, metric: str, table: str, column: str) -> None:
        """Record that ``metric`` is left out because ``table.column`` holds no value."""
        self.missing.append(
            {"metric": metric, "needs": f"{table}.{column}", "table": table, "column": column}
        )

    def record(self, family: str, expr: ibis.Expr) -> str:
        """Record the SQL of ``expr`` under ``family``; the SQL, to run it as it is."""
        sql = compile_sql(self.con, expr)
        sqls = self.provenance.setdefault(family, [])
        if sql not in sqls:
            sqls.append(sql)
        return sql

    def once(self, key: str, build: Callable[[], T]) -> T:
        """``build()`` the first time ``key`` is asked for, its result after: what several
        families read (a summary of a big table, a row count) is computed once a report."""
        if key not in self.shared:
            self.shared[key] = build()
        value: T = self.shared[key]
        return value

    def fetch(self, family: str, expr: ibis.Table) -> pa.Table:
        """Execute ``expr`` (compiled once), record its SQL under ``family``; Arrow."""
        with profiling.phase(f"sql.{family}"):
            sql = self.record(family, expr)
            return fetch(self.con, expr, sql)

    def run(self, family: str, expr: ibis.Table) -> list[dict[str, Any]]:
        """Execute a (small) aggregate, record its SQL under ``family``; rows as dicts, in
        an order that does not vary from run to run (:func:`in_fixed_order`).

        Values are plain Python objects; NULL is None.
        """
        return list(in_fixed_order(expr, self.fetch(family, expr)).to_pylist())

    def materialize(self, family: str, name: str, expr: ibis.Table) -> ibis.Table:
        """Record the SQL, then store the result as a temporary table reused downstream."""
        with profiling.phase(f"sql.{family}"):
            sql = self.record(family, expr)
            table = create_temp_table(self.con, name, expr, sql)
        self.temp_tables.append(name)
        return table

    def shared_table(
        self, reader: str, name: str, build: Callable[[], ibis.Table], family: str | None = None
    ) -> ibis.Table:
        """The temporary table ``name`` of the expression ``build()`` gives, stored the first
        time a family asks for it (its SQL under ``family``, by default that first reader's)
        and read by every family after; its SQL is recorded under each ``reader`` too."""

        def store() -> tuple[ibis.Table, str]:
            expr = build()
            owner = family or reader
            with profiling.phase(f"sql.{owner}"):
                sql = self.record(owner, expr)
                table = create_temp_table(self.con, name, expr, sql)
            self.temp_tables.append(name)
            return table, sql

        table, sql = self.once(name, store)
        sqls = self.provenance.setdefault(reader, [])
        if sql not in sqls:
            sqls.append(sql)
        return table

    def upload(self, name: str, columns: dict[str, list[Any]], schema: pa.Schema) -> ibis.Table:
        """Store a few rows (a calendar) as a temporary table with a stable name."""
        data = pa.table(columns, schema=schema)
        table = self.con.create_table(name, data, temp=True, overwrite=True)
        self.temp_tables.append(name)
        return table

    def drop_temp_tables(self) -> None:
        """Drop the temporary tables; a failure here never hides the error being raised."""
        for name in reversed(self.temp_tables):
            with contextlib.suppress(Exception):  # they die with the session anyway
                self.con.drop_table(name, force=True)
        self.temp_tables.clear()
        self.shared.clear()

    def provenance_map(self) -> dict[str, Any]:
        return {family: ";\n\n".join(sqls) + ";" for family, sqls in self.provenance.items()}
