"""Counts over the typed tables, one aggregate query per table however many rules ask.

Validation asks many questions of each table (its rows, the rows breaking each rule, the
rows dated after the as-of date…). Each is an aggregate of that table (``t.count(where=…)``);
a :class:`Tally` gathers them and runs, for each table, one query computing them all, so
the engine reads the table once instead of once per rule. Plain Ibis: the same on DuckDB,
PostgreSQL or Spark.

>>> tally = Tally()                                   # doctest: +SKIP
>>> rows = tally.add("deals", t, t.count())           # doctest: +SKIP
>>> tally.run(); tally[rows]                          # doctest: +SKIP
"""

from __future__ import annotations

from typing import NamedTuple

import ibis.expr.types as ir


class Key(NamedTuple):
    """Where one aggregate lands: its table and its column in the table's query."""

    table: str
    name: str


class Tally:
    """Aggregates of several tables, run as one query per table (:meth:`run`)."""

    def __init__(self) -> None:
        self._tables: dict[str, ir.Table] = {}
        self._asked: dict[str, dict[str, ir.Scalar]] = {}
        self._values: dict[Key, int] = {}

    def add(self, table: str, t: ir.Table, value: ir.Scalar) -> Key:
        """Ask for ``value``, an integer aggregate of ``t`` (the table named ``table``)."""
        known = self._tables.setdefault(table, t)
        if known is not t:
            raise ValueError(f"table {table!r} given as two different expressions")
        asked = self._asked.setdefault(table, {})
        key = Key(table, f"_{len(asked)}")
        asked[key.name] = value
        return key

    def run(self) -> None:
        """Compute every value asked for: one query per table."""
        for table, asked in self._asked.items():
            pending = {name: v for name, v in asked.items() if Key(table, name) not in self._values}
            if not pending:
                continue
            row = self._tables[table].aggregate(**pending).to_pyarrow().to_pylist()[0]
            for name, value in row.items():
                self._values[Key(table, name)] = int(value or 0)

    def __getitem__(self, key: Key) -> int:
        return self._values[key]
