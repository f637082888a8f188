"""Loading: the canonical tables of a source, typed, checked, ready for the metrics.

Everything downstream trusts a :class:`Dataset`: every canonical column is there with
its type from ``schema.SQL_TYPES``, defaults are applied (``schema.DEFAULTS``), keys are
unique and references resolve. :func:`load` raises one ``DataError`` listing every
error of the source otherwise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import ibis.expr.types as ir
from ibis.backends import BaseBackend

from personae.errors import DataError, Problem
from personae.sources.meta import data_currency
from personae.sources.staging import display_url
from personae.sources.validation import Source, inspect


@dataclass
class Dataset:
    """The canonical tables of one source, as Ibis tables on one connection."""

    con: BaseBackend  # an in-memory DuckDB, unless the source is a database (URL or connection)
    tables: dict[str, ir.Table]  # only the tables present, by canonical name
    files: dict[str, str]  # table name -> the file (or URL#table) it came from
    warnings: list[Problem] = field(default_factory=list)
    currency: str | None = None  # of the amounts, as the importers recorded it (_meta.json)
    owned: bool = True  # personae opened the connection (False: the caller gave it)

    def close(self) -> None:
        """Close the connection personae opened; one the caller gave stays open, theirs."""
        if self.owned:
            self.con.disconnect()


def load(source: Source, *, as_of: date | None = None) -> Dataset:
    """Load the canonical tables of ``source``: a folder, a ``.duckdb`` file, a URL, or an
    open Ibis connection (e.g. ``ibis.pyspark.connect(spark)``: the tables of its current
    database, typed and checked where they are; the connection stays the caller's to close).

    Raises :class:`~personae.errors.DataError` listing every error found.
    """
    staging, report = inspect(source, as_of)
    given = isinstance(source, BaseBackend)
    currency = None
    if not given and Path(os.fspath(source)).is_dir():
        try:
            currency = data_currency(Path(os.fspath(source)), list(staging.tables))
        except DataError:
            staging.con.disconnect()
            raise
    if not report.ok:
        if not given:
            staging.con.disconnect()
        n = len(report.errors)
        where = staging.con.name if given else display_url(os.fspath(source))
        raise DataError(f"{where}: the data has {n} problem{'s' if n > 1 else ''}", report.errors)
    return Dataset(
        con=staging.con,
        tables={
            name: staged.public
            for name, staged in staging.tables.items()
            if report.tables.get(name) != 0  # an empty table counts as absent
        },
        files={name: staged.file for name, staged in staging.tables.items()},
        warnings=report.warnings,
        currency=currency,
        owned=not given,
    )
