"""Excel workbooks as data: read with python-calamine into all-text DuckDB tables.

A data folder may hold workbooks beside (or instead of) CSV files, two ways:

- a file per table, ``accounts.xlsx``: its sheet named like the table, else its first sheet;
- a workbook of several tables, any name (``export.xlsx``): each sheet named like a table
  (``accounts``, ``revenue``…, case and spaces ignored) is that table; other sheets are left.

Cells are turned into the text :mod:`personae.sources.values` parses, so a workbook and a CSV
of the same data give the same tables and the same problems: numbers as plain decimals (a
currency-formatted cell holds a number: ``2 000,00 €`` on screen is 2000), dates and
date-times in ISO (Excel stores them as serial numbers with a date format; a bare serial in a
date column, a cell whose format was lost, is read as a date too), booleans ``true``/``false``.
Every problem names the file, the sheet, and the row as Excel numbers it (the header is on
the first non-empty row, usually row 1); columns are named by their header.
Excel's error cells (``#N/A``, ``#DIV/0!``) read as empty.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow as pa
import python_calamine as calamine

from personae.errors import Problem
from personae.sources import schema
from personae.sources.columns import match_columns
from personae.sources.csvfiles import _unique_names
from personae.sources.staging import KNOWN, first_line
from personae.sources.typed import RawRelation
from personae.sql import ident

__all__ = ["SUFFIXES", "XLSX", "cell_text", "data_files", "read_sheet", "read_table", "rows"]

#: Workbook formats python-calamine reads.
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
XLSX = "xlsx"  # the format name ``_data_format`` gives; ``xlsx:SHEET`` names one sheet
_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (as Excel counts it)
_DATE_TYPES = ("date", "timestamp")
_LOOK_FOR_HEADER = 20  # rows where a header may follow a title

Format = tuple[str, str] | None


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not path.name.startswith(("~$", "."))


def _table_of(sheet: str) -> str | None:
    key = sheet.strip().lower().replace(" ", "_")
    return key if key in KNOWN else None


def data_files(
    folder: Path, data_format: Callable[[Path], Format]
) -> Iterator[tuple[Path, Format]]:
    """Each file of ``folder`` with its (table, format), as ``data_format`` says, and for a
    workbook named like no table, one item per sheet named like a table
    (format ``xlsx:SHEET``). Excel's lock files (``~$…``) are passed over."""
    # a broken link is kept: the caller reports it
    for path in sorted(p for p in folder.iterdir() if p.is_file() or p.is_symlink()):
        if not _is_workbook(path):
            yield path, data_format(path)
            continue
        stem = path.stem.lower()
        if stem in KNOWN:
            yield path, (stem, XLSX)
            continue
        try:
            sheets = calamine.CalamineWorkbook.from_path(str(path)).sheet_names
        except Exception:  # unreadable: said when read, under its own name
            sheets = []
        found = [(table, sheet) for sheet in sheets if (table := _table_of(sheet))]
        if not found:
            yield path, (stem, XLSX)
        for table, sheet in found:
            yield path, (table, f"{XLSX}:{sheet}")


def cell_text(value: object, as_date: bool = False) -> str:
    """A cell as the text a CSV export would hold (see the module docstring)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value.total_seconds() / 86400)
    if isinstance(value, int | float):
        if as_date and 0 < value < 2_958_466:  # a serial up to 9999-12-31
            moment = _EPOCH + timedelta(days=float(value))
            return moment.date().isoformat() if moment.time() == time() else str(moment)
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return str(value)


def rows(path: Path, sheet: str | None = None) -> tuple[str, list[list[object]]]:
    """The sheet's name and its cells from A1 (index + 1 is the row Excel shows);
    ``sheet`` None: the first sheet. Raises ``calamine.CalamineError`` and ``OSError``."""
    book = calamine.CalamineWorkbook.from_path(str(path))
    try:
        found = book.get_sheet_by_index(0) if sheet is None else book.get_sheet_by_name(sheet)
        cells: list[list[object]] = [list(r) for r in found.to_python(skip_empty_area=False)]
        return found.name, cells
    finally:
        book.close()


def _filled(row: list[object]) -> bool:
    return any(c not in (None, "") for c in row)


def _header_row(cells: list[list[object]], name: str) -> int | None:
    """The header's index: the first of the first rows holding every required column of
    table ``name`` (a title row may come before it), else the first non-empty row."""
    filled = [i for i, row in enumerate(cells) if _filled(row)]
    spec = schema.TABLES.get(name)
    if spec is not None and spec.required_columns:
        for i in filled[:_LOOK_FOR_HEADER]:
            labels = [cell_text(c).strip() for c in cells[i]]
            if all(c in match_columns(spec, labels) for c in spec.required_columns):
                return i
    return filled[0] if filled else None


def read_sheet(
    duck: duckdb.DuckDBPyConnection, name: str, path: Path, sheet: str | None, table: str
) -> tuple[RawRelation, list[Problem]] | Problem:
    """One sheet into the all-text DuckDB table ``table``, with ``_row`` its Excel row.

    ``name``: the canonical table, whose date columns read bare serials as dates. Every
    cell problem found later names ``path (sheet …)``, the row and the column.
    """
    try:
        found, cells = rows(path, sheet)
    except (calamine.CalamineError, OSError, ValueError) as exc:
        return Problem(
            str(path),
            f"cannot read the workbook: {first_line(exc)}",
            hint="open it in Excel and save it again as .xlsx, or export the sheet as CSV UTF-8",
        )
    file = f"{path} (sheet {found})"
    start = _header_row(cells, name)
    if start is None:
        return Problem(
            file, "the sheet is empty: no header row", hint="put the column names in row 1"
        )
    header = [cell_text(c).strip() for c in cells[start]]
    body = [(i + 1, row) for i, row in enumerate(cells[start + 1 :], start=start + 1)]
    body = [(n, row) for n, row in body if _filled(row)]
    width = max(
        (
            i + 1
            for i, h in enumerate(header)
            if h or any(i < len(r) and r[i] != "" for _, r in body)
        ),
        default=0,
    )
    columns, problems = _unique_names(header[:width], file)
    problems = [dataclasses.replace(p, line=start + 1) for p in problems]
    dates: set[str] = set()
    if name in schema.TABLES:
        table_spec = schema.TABLES[name]
        present = match_columns(table_spec, columns)
        dates = {
            present[c.name]
            for c in table_spec.columns
            if c.type in _DATE_TYPES and c.name in present
        }
    arrays = {
        column: pa.array(
            [cell_text(r[i] if i < len(r) else None, column in dates) for _, r in body],
            pa.string(),
        )
        for i, column in enumerate(columns)
    }
    arrays["_row"] = pa.array([n for n, _ in body], pa.int64())
    view = f"_arrow_{table}"
    duck.register(view, pa.table(arrays))
    try:
        duck.execute(f"CREATE OR REPLACE TABLE {ident(table)} AS SELECT * FROM {ident(view)}")
    finally:
        duck.unregister(view)
    types = dict.fromkeys(columns, "VARCHAR")
    return RawRelation(name, file, ident(table), types, "_row", materialise=True), problems


def read_table(
    duck: duckdb.DuckDBPyConnection, name: str, path: Path, kind: str, problems: list[Problem]
) -> RawRelation | Literal[False] | None:
    """The loading hook (:func:`personae.sources.inputs._read_file`) for a workbook:
    ``kind`` is ``xlsx`` (the sheet named like the table, else the first) or ``xlsx:SHEET``.
    None for a free-form table (a view as it is), False when nothing can be read."""
    sheet = kind.partition(":")[2] or None
    if sheet is None:
        try:
            names = calamine.CalamineWorkbook.from_path(str(path)).sheet_names
        except (calamine.CalamineError, OSError, ValueError):
            names = []
        sheet = next((s for s in names if _table_of(s) == name), None)
    raw_name = f"_raw_{name}"
    found = read_sheet(duck, name, path, sheet, raw_name)
    if isinstance(found, Problem):
        problems.append(found)
        return False
    raw, header_problems = found
    problems += header_problems
    if name in schema.FREEFORM_TABLES:
        duck.execute(
            f"CREATE OR REPLACE VIEW {ident(name)} AS SELECT * EXCLUDE (_row) FROM {raw.sql}"
        )
        return None
    return raw
