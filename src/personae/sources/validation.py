"""Validation: every problem of a source at once, as a :class:`ValidationReport`.

:func:`validate` opens the source (:mod:`~personae.sources.inputs`), which types the
tables and finds missing tables and columns and unparsable cells, then runs the rules
across tables (:mod:`~personae.sources.checks`). It reports data problems, it does not
raise them; :func:`personae.sources.load` raises them as one ``DataError``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import TypeAlias

from ibis.backends import BaseBackend

from personae.errors import Problem
from personae.sources import checks, coverage
from personae.sources.database import open_backend
from personae.sources.inputs import Staging, open_source
from personae.sources.tally import Tally

Source: TypeAlias = str | os.PathLike[str] | BaseBackend
"""A folder, a DuckDB file, a database URL, or an open Ibis connection (a Spark session)."""


@dataclass
class ValidationReport:
    """The problems of a source, and the row count of each table found."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors


def inspect(source: Source, as_of: date | None = None) -> tuple[Staging, ValidationReport]:
    """The typed tables of ``source`` and their report; the caller closes ``staging.con``
    (unless ``source`` is its own connection).

    Every count (rows, rows breaking each rule, accounts without country, rows after
    ``as_of``) is asked of one :class:`~personae.sources.tally.Tally`: one query per table.
    """
    staging = open_backend(source) if isinstance(source, BaseBackend) else open_source(source)
    tables = staging.tables
    tally = Tally()
    rows = {
        name: tally.add(name, staged.typed, staged.typed.count()) for name, staged in tables.items()
    }
    rules = [(rule, checks.ask(rule, tally)) for rule in checks.rules(tables)]
    countries = coverage.ask_missing_countries(tables, tally)
    dated = coverage.ask_after_as_of(tables, as_of, tally) if as_of is not None else []
    tally.run()
    counts = {name: tally[key] for name, key in rows.items()}
    problems = list(staging.problems)
    problems += coverage.empty_tables(tables, counts)
    # The rules settled by their witnesses alone (unknown references): one query for all.
    alone = [rule for rule, key in rules if key is None and rule.witnesses is not None]
    seen = dict(zip(map(id, alone), checks.witnessed(alone), strict=True))
    for rule, key in rules:
        problems += checks.run(rule, tally, key, seen.get(id(rule)))
    if countries is not None:
        problems += coverage.missing_countries(tables, counts, tally[countries])
    if as_of is not None:
        problems += coverage.after_as_of(dated, as_of, tally)
    for staged in tables.values():  # the id columns' values: read by the checks alone
        staged.values = {}
    for name in staging.scratch:
        staging.con.drop_table(name, force=True)
    staging.scratch = []
    problems.sort(key=lambda p: p.file)  # stable: each file's problems together, in order
    report = ValidationReport(
        errors=[p for p in problems if p.severity == "error"],
        warnings=[p for p in problems if p.severity != "error"],
        tables=counts,
    )
    return staging, report


def validate(source: Source, *, as_of: date | None = None) -> ValidationReport:
    """Check the tables of ``source`` (a folder, a DuckDB file, a URL, a connection); list
    every problem."""
    staging, report = inspect(source, as_of)
    if not isinstance(source, BaseBackend):  # a connection given is the caller's to close
        staging.con.disconnect()
    return report
