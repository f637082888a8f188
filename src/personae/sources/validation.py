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
from personae.sources import checks
from personae.sources.database import open_backend
from personae.sources.inputs import Staging, open_source

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
    (unless ``source`` is its own connection)."""
    staging = open_backend(source) if isinstance(source, BaseBackend) else open_source(source)
    tables = staging.tables
    counts = {
        name: int(staged.public.count().to_pyarrow().as_py()) for name, staged in tables.items()
    }
    problems = list(staging.problems)
    problems += checks.empty_tables(tables, counts)
    for rule in checks.rules(tables):
        problems += checks.run(rule)
    problems += checks.missing_countries(tables, counts)
    if as_of is not None:
        problems += checks.after_as_of(tables, as_of)
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
