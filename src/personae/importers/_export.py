"""Export files as given: read them, and recognise which export each one is by its header row.

An :class:`Export` holds a file's rows keyed by folded column label (see
:func:`~personae.importers._values.fold`), so ``"Pays/région"`` and ``"Pays/Région"`` are the
same column. The encoding and separator are decided by :mod:`personae.csvsniff`, the sniffer
loading shares. :func:`personae.importers.recognise` knows every export of every registered
importer, so that a file given to the wrong importer is named for what it is. Every row is
accounted for: :meth:`Export.keep` or :meth:`Export.skip` with a reason, counted per file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from personae.csvsniff import UndecodableError, decode, sniff
from personae.errors import Problem, Severity
from personae.importers._values import day_first, fold, parse_datetime, parse_number
from personae.importers.registry import ExportKind, FileRows, Source
from personae.sources.csvfiles import RawCsv, read_csv


def quote(labels: Sequence[str]) -> str:
    """``'A' or 'B'``: labels as messages name them."""
    return " or ".join(f"'{label}'" for label in labels)


@dataclass
class Export:
    """One export file: its header and its rows, each with its line number in the file."""

    path: Path
    kind: str
    labels: dict[str, str]  # folded label -> label as written
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: FileRows = field(default_factory=FileRows)
    _dayfirst: bool | None = None

    def keep(self, n: int = 1) -> None:
        """``n`` rows went into a table."""
        self.counts.kept += n

    def skip(self, reason: str, n: int = 1) -> None:
        """``n`` rows were left out, for ``reason`` (said in the file's summary)."""
        self.counts.skipped[reason] += n

    def summary(self) -> Problem:
        """An info line: how many rows were read, kept, and skipped for which reasons."""
        c = self.counts
        text = f"{c.read} row(s) read, {c.kept} kept"
        if c.skipped:
            text += ", " + ", ".join(f"{n} skipped: {why}" for why, n in c.skipped.items())
        return Problem(self.name, text, severity="info")

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def dayfirst(self) -> bool:
        """Whether this file writes ``a/b/yyyy`` dates day first (decided once per file)."""
        if self._dayfirst is None:
            self._dayfirst = day_first(v for _, row in self.rows for v in row.values())
        return self._dayfirst

    def problem(
        self,
        message: str,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
        hint: str | None = None,
        severity: Severity = "error",
    ) -> Problem:
        label = self.label(column) if column else None
        found = Problem(self.name, message, line, label, value, hint, severity)
        (self.problems if severity == "error" else self.warnings).append(found)
        return found

    def text(self, row: dict[str, str], column: str | None) -> str:
        return row.get(column, "") if column else ""

    def number(self, line: int, row: dict[str, str], column: str | None) -> float | None:
        value = self.text(row, column)
        try:
            return parse_number(value)
        except ValueError:
            self.problem("not a number", line, column, value, "write a plain number")
            return None

    def moment(self, line: int, row: dict[str, str], column: str | None) -> datetime | None:
        value = self.text(row, column)
        try:
            return parse_datetime(value, self.dayfirst)
        except ValueError:
            self.problem(
                "not a date", line, column, value, "expected e.g. 2024-03-05 14:02 or 05/03/2024"
            )
            return None

    def column(self, aliases: Sequence[str]) -> str | None:
        """The folded label of the first of ``aliases`` this file has, if any."""
        for alias in aliases:
            folded = fold(alias)
            if folded in self.labels:
                return folded
        return None

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def read_export(path: Path, source: Source) -> Export | Problem:
    """Read one export file of ``source``, or say why not."""
    from personae.importers import SOURCES, recognise

    name = str(path)
    try:
        with Path(path).open("rb") as handle:
            magic = handle.read(8)
    except FileNotFoundError:
        return Problem(name, "file not found", hint="check the path")
    except OSError as exc:
        return Problem(name, f"cannot read the file: {exc.strerror or exc}")
    if path.suffix.lower() in (".xlsx", ".xls", ".xlsm") or magic.startswith(_EXCEL_MAGIC):
        return Problem(
            name,
            "this is an Excel workbook; no Excel reader (python-calamine, openpyxl) is installed,"
            " so personae reads CSV exports only",
            hint="export again choosing the CSV file format, or save the sheet as « CSV UTF-8 »",
        )
    try:
        sniffed = sniff(path)
        text = decode(path, sniffed.encoding)
    except UndecodableError as exc:
        return exc.problem
    except (OSError, UnicodeDecodeError) as exc:
        return Problem(name, f"cannot read the file: {exc}", hint="export it again as CSV")
    if not sniffed.header:
        return Problem(name, "the file is empty", hint="export again; the file has no header row")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniffed.separator)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        return Problem(name, f"not a readable CSV file: {exc}")
    labels: dict[str, str] = {}
    for label in header:
        labels.setdefault(fold(label), label.strip())
    kind = recognise(set(labels))
    if kind is None or not kind.name.startswith(source.name + "."):
        found = quote(header[:12]).replace(" or ", ", ")
        found += ", …" if len(header) > 12 else ""
        if kind is not None:
            other = SOURCES[kind.name.split(".")[0]]
            return Problem(
                name,
                f"this looks like {kind.description}, not {source.label}'s",
                line=1,
                hint=f"pass it to `personae import {other.name}` instead",
            )
        wanted = "; ".join(f"{k.description}: {k.expected()}" for k in source.exports)
        return Problem(
            name,
            f"not a {source.label} export this importer knows: looked for {wanted}; "
            f"the header row has {found or 'no columns'}",
            line=1,
            hint=f"export the file again from {source.label} as CSV (see docs/importers.md)",
        )
    export = Export(path, kind.name, labels)
    note = sniffed.note()
    if note is not None:
        export.warnings.append(note)
    folded = [fold(h) for h in header]
    previous = 1
    try:
        for cells in reader:
            line = previous + 1
            previous = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            row: dict[str, str] = dict.fromkeys(labels, "")
            for index, cell in enumerate(cells[: len(header)]):
                value = cell.strip()
                if value and not row[folded[index]]:  # a repeated header: first value given
                    row[folded[index]] = value
            export.rows.append((line, row))
    except csv.Error as exc:
        return Problem(name, f"not a readable CSV file: {exc}", line=reader.line_num)
    export.counts.read = len(export.rows)
    return export


def read_all(files: Sequence[Path], source: Source) -> tuple[list[Export], list[Problem]]:
    """Every file read, or the problems that stop the import (all of them, not the first)."""
    exports: list[Export] = []
    problems: list[Problem] = []
    if not files:
        problems.append(Problem("(no files)", "no export file given", hint="pass CSV exports"))
    for path in files:
        found = read_export(Path(path), source)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            exports.append(found)
    return exports, problems


def read_export_table(
    con: duckdb.DuckDBPyConnection, path: Path, source: Source, table: str
) -> tuple[ExportKind, RawCsv] | Problem:
    """Read one large export file of ``source`` into the all-VARCHAR DuckDB table ``table``.

    For files too large to read row by row (SIRENE's ``StockUniteLegale``, millions of
    rows): the same sniffer and the same recognition by header as :func:`read_export`, then
    DuckDB reads the file (:func:`personae.sources.csvfiles.read_csv`), and the importer
    maps its columns in SQL. Problems of unreadable rows are in ``RawCsv.problems``.
    """
    from personae.importers import recognise

    name = str(path)
    try:
        sniffed = sniff(Path(path))
    except UndecodableError as exc:
        return exc.problem
    except OSError as exc:
        return Problem(name, f"cannot read the file: {exc.strerror or exc}", hint="check the path")
    kind = recognise({fold(label) for label in sniffed.header})
    if kind is None or not kind.name.startswith(source.name + "."):
        what = kind.description if kind else "no export this importer knows"
        return Problem(
            name,
            f"this looks like {what}, not {source.label}'s",
            line=1,
            hint=f"export the file again from {source.label} as CSV (see docs/importers.md)",
        )
    return kind, read_csv(con, Path(path), table, name)
