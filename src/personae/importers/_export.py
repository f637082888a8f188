"""Export files as given: read them, and recognise which export each one is by its header row.

An :class:`Export` holds a file's rows keyed by folded column label (see
:func:`~personae.importers._values.fold`), so ``"Pays/région"`` and ``"Pays/Région"`` are the
same column. The encoding and separator are decided by :mod:`personae.csvsniff`, the sniffer
loading shares; an Excel workbook is read with python-calamine (:func:`read_workbook`), its
cells as the text a CSV would hold and its lines as Excel's rows. :func:`personae.importers.recognise` knows every export of every registered
importer, so that a file given to the wrong importer is named for what it is. Every row is
accounted for: :meth:`Export.keep` or :meth:`Export.skip` with a reason, counted per file.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import python_calamine as calamine

from personae.csvsniff import UndecodableError, decode, sniff
from personae.errors import Problem, Severity
from personae.importers._values import day_first, fold, parse_datetime, parse_number
from personae.importers.registry import ExportKind, FileRows, Source
from personae.sources import xlsx
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
    sheet: str | None = None  # a workbook's sheet
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
        return str(self.path) if self.sheet is None else f"{self.path} (sheet {self.sheet})"

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
_LOOK_FOR_HEADER = 20  # rows of a sheet where the header may follow a report's title


def _kind(name: str, header: list[str], source: Source) -> ExportKind | Problem:
    """The export of ``source`` that a header row is, or why it is none of them."""
    from personae.importers import SOURCES, recognise

    kind = recognise({fold(label) for label in header})
    if kind is not None and kind.name.startswith(source.name + "."):
        return kind
    if kind is not None:
        other = SOURCES[kind.name.split(".")[0]]
        return Problem(
            name,
            f"this looks like {kind.description}, not {source.label}'s",
            line=1,
            hint=f"pass it to `personae import {other.name}` instead",
        )
    found = quote(header[:12]).replace(" or ", ", ") + (", …" if len(header) > 12 else "")
    wanted = "; ".join(f"{k.description}: {k.expected()}" for k in source.exports)
    return Problem(
        name,
        f"not a {source.label} export this importer knows: looked for {wanted}; "
        f"the header row has {found or 'no columns'}",
        line=1,
        hint=f"export the file again from {source.label} as CSV (see docs/importers.md)",
    )


def _export(
    path: Path,
    kind: ExportKind,
    header: list[str],
    rows: Iterable[tuple[int, Sequence[str]]],
    sheet: str | None = None,
) -> Export:
    """An export of ``rows`` (line, cells), blank rows left out; a header appearing twice
    keeps the first value given."""
    labels: dict[str, str] = {}
    for label in header:
        labels.setdefault(fold(label), label.strip())
    export = Export(path, kind.name, labels, sheet=sheet)
    folded = [fold(h) for h in header]
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, str] = dict.fromkeys(labels, "")
        for index, cell in enumerate(cells[: len(header)]):
            value = cell.strip()
            if value and not row[folded[index]]:
                row[folded[index]] = value
        export.rows.append((line, row))
    export.counts.read = len(export.rows)
    return export


def read_workbook(path: Path, source: Source) -> Export | Problem:
    """The first sheet of a workbook whose header row (in its first rows, after a report's
    title if any) is an export of ``source``; cells as their CSV text, lines as Excel's rows."""
    name = str(path)
    try:
        sheets = calamine.CalamineWorkbook.from_path(name).sheet_names
        first: Problem | None = None
        for sheet in sheets:
            found, cells = xlsx.rows(path, sheet)
            text = [[xlsx.cell_text(c) for c in row] for row in cells]
            filled = [i for i, row in enumerate(text) if any(c.strip() for c in row)]
            for i in filled[:_LOOK_FOR_HEADER]:
                kind = _kind(f"{name} (sheet {found})", text[i], source)
                if isinstance(kind, ExportKind):
                    body = ((n + 1, row) for n, row in enumerate(text[i + 1 :], start=i + 1))
                    return _export(path, kind, text[i], body, sheet=found)
                if first is None:
                    first = dataclasses.replace(kind, line=i + 1)
    except (calamine.CalamineError, OSError, ValueError) as exc:
        return Problem(
            name,
            f"cannot read the workbook: {exc}",
            hint="open it in Excel and save it again, or export the file as CSV",
        )
    return first or Problem(name, "the workbook is empty", hint="export the file again")


def read_export(path: Path, source: Source) -> Export | Problem:
    """Read one export file of ``source`` (CSV, or an Excel workbook), or say why not."""
    name = str(path)
    try:
        with Path(path).open("rb") as handle:
            magic = handle.read(8)
    except FileNotFoundError:
        return Problem(name, "file not found", hint="check the path")
    except OSError as exc:
        return Problem(name, f"cannot read the file: {exc.strerror or exc}")
    if path.suffix.lower() in xlsx.SUFFIXES or magic.startswith(_EXCEL_MAGIC):
        return read_workbook(path, source)
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
    kind = _kind(name, header, source)
    if isinstance(kind, Problem):
        return kind

    def numbered() -> Iterator[tuple[int, list[str]]]:
        previous = 1
        for cells in reader:
            yield previous + 1, cells
            previous = reader.line_num

    try:
        export = _export(path, kind, header, numbered())
    except csv.Error as exc:
        return Problem(name, f"not a readable CSV file: {exc}", line=reader.line_num)
    note = sniffed.note()
    if note is not None:
        export.warnings.append(note)
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
