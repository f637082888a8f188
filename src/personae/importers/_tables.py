"""Canonical tables out: CSV files in the columns of :mod:`personae.sources.schema`, atomically.

Every table is first written to a temporary file in the output folder; only when all are
written are they renamed over their final names, so a failed import leaves the folder as it
was. ``accounts.csv`` is the one table two importers share (a CRM and a billing system
describe the same companies): when it already exists, the new rows are merged into it by
``account_id`` instead of replacing it.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from personae.errors import ImportFormatError, Problem
from personae.importers.registry import ImportResult
from personae.sources.meta import META_FILE, read_meta
from personae.sources.schema import TABLES

if TYPE_CHECKING:
    from personae.importers._export import Export
    from personae.importers._links import AccountLinks
    from personae.importers.registry import Source

Row = dict[str, object]


def fail(vendor: str, problems: Sequence[Problem]) -> ImportFormatError:
    files = len({p.file for p in problems})
    noun = "file" if files == 1 else "files"
    return ImportFormatError(
        f"{vendor} import: {len(problems)} problem(s) in {files} {noun}; nothing was written",
        list(problems),
    )


def cell(value: object) -> str:
    """A value as canonical CSV text: ISO dates, ``true``/``false``, plain decimals."""
    if type(value) is str:  # most cells: first, and at once
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        text = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


def _texts(values: list[object]) -> list[str]:
    """A column's cells as :func:`cell` writes them, a column at a time: a column of one
    Python type is formatted in one vectorised pass (Arrow for dates and date-times)."""
    kinds = {type(v) for v in values} - {type(None)}
    if kinds == {str}:
        return [v if v is not None else "" for v in values]  # type: ignore[misc]
    if kinds in ({datetime}, {date}):
        array = pa.array(values)
        if kinds == {datetime}:  # cell(): isoformat(sep=" ", timespec="seconds")
            array = pc.strftime(array.cast(pa.timestamp("s"), safe=False), "%Y-%m-%d %H:%M:%S")
        texts: list[str] = pc.fill_null(array.cast(pa.string()), "").to_pylist()
        return texts
    return [cell(v) for v in values]


def _columns(table: str, texts: Mapping[str, list[str]], extra: Sequence[str] = ()) -> list[str]:
    """The schema's columns that are required or filled in some row, in schema order, then
    the source's own columns filled in some row (kept, ignored by loading), in the order of
    their first filled cell."""
    first = {
        name: next((i for i, t in enumerate(column) if t), None) for name, column in texts.items()
    }
    used = sorted((i, n) for n, i in enumerate(first.values()) if i is not None)
    filled = [list(first)[n] for _, n in used]
    names = [
        c.name for c in TABLES[table].columns if c.required or c.name in filled or c.name in extra
    ]
    names += [name for name in extra if name not in names]
    names += [name for name in filled if name not in names]
    return names


def _table_texts(rows: Sequence[Row]) -> dict[str, list[str]]:
    """Every column of ``rows`` (in the order they first appear) as its cells' texts."""
    keys = dict.fromkeys(k for row in rows for k in row)
    return {k: _texts([row.get(k) for row in rows]) for k in keys}


def _read_accounts(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    rows = list(reader)
    header = list(reader.fieldnames or [])
    if "account_id" not in header:
        raise ValueError("it has no 'account_id' column")
    return header, rows


def merge_accounts(out: Path, rows: Sequence[Row], prefer_new: bool) -> tuple[list[str], list[Row]]:
    """``rows`` merged into ``out/accounts.csv`` if it exists, by ``account_id``.

    With ``prefer_new`` (a CRM), the new non-empty values replace the old; without (billing),
    they only fill the cells that are empty. Accounts only in the old file are kept.
    """
    path = out / "accounts.csv"
    if not path.is_file():
        return [], list(rows)
    try:
        header, old = _read_accounts(path)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        raise ImportFormatError(
            f"cannot merge into {path}",
            [
                Problem(
                    str(path),
                    f"an accounts table is already there but cannot be read: {exc}",
                    hint="move it away, or choose another --out folder",
                )
            ],
        ) from None
    merged: dict[str, Row] = {str(r["account_id"]): dict(r) for r in old}
    for row in rows:
        current = merged.setdefault(str(row["account_id"]), {})
        for name, value in row.items():
            if value in (None, ""):
                continue
            if prefer_new or current.get(name) in (None, ""):
                current[name] = value
    return header, list(merged.values())


def write_tables(
    out: Path, tables: Mapping[str, Sequence[Row]], prefer_new_accounts: bool = True
) -> dict[str, Path]:
    """Write each table to ``out/NAME.csv`` atomically; return table name -> path."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ImportFormatError(
            f"{out} is not a folder",
            [Problem(str(out), "the output path is a file, not a folder", hint="choose a folder")],
        )
    prepared: dict[str, tuple[list[str], dict[str, list[str]], int]] = {}
    for table, rows in tables.items():
        extra: list[str] = []
        if table == "accounts":
            extra, rows = merge_accounts(out, rows, prefer_new_accounts)
        texts = _table_texts(rows)
        prepared[table] = (_columns(table, texts, extra), texts, len(rows))
    out.mkdir(parents=True, exist_ok=True)
    temporary: dict[str, str] = {}
    try:
        for table, (columns, texts, n) in prepared.items():
            with tempfile.NamedTemporaryFile(
                "w",
                encoding="utf-8",
                newline="",
                dir=out,
                prefix=f".{table}.",
                suffix=".csv.tmp",
                delete=False,
            ) as handle:
                temporary[table] = handle.name
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                empty = [""] * n
                writer.writerows(zip(*(texts.get(c, empty) for c in columns), strict=True))
        written: dict[str, Path] = {}
        for table, name in temporary.items():
            os.chmod(name, 0o644)
            final = out / f"{table}.csv"
            os.replace(name, final)
            written[table] = final
        return written
    finally:
        for name in temporary.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)


def finish(
    source: str,
    exports: Sequence[Export],
    tables: Mapping[str, Sequence[Row]],
    out: Path,
    *,
    currency: str | None,
    prefer_new_accounts: bool,
    notes: Sequence[Problem] = (),
) -> ImportResult:
    """Write the tables and the currency note; the result with every file's rows counted."""
    written = write_tables(out, tables, prefer_new_accounts=prefer_new_accounts)
    if currency:
        write_currency(out, currency, written)
    result = ImportResult(source, written, currency)
    result.problems.extend(notes)
    for export in exports:
        result.rows[export.name] = export.counts
        result.problems.extend(export.warnings)
        result.problems.append(export.summary())
    return result


def conclude(
    source: Source,
    exports: Sequence[Export],
    problems: Sequence[Problem],
    tables: dict[str, list[Row]],
    out: Path,
    *,
    links: AccountLinks | None = None,
    currency: str | None,
    notes: Sequence[Problem] = (),
) -> ImportResult:
    """The end of a CRM import: refuse on any problem (writing nothing), add the accounts
    ``links`` found, then write the tables, a CRM's accounts replacing older values."""
    if problems:
        raise fail(source.label, problems)
    if links is not None and links.found:
        tables["accounts"] = links.accounts()
    return finish(
        source.name, exports, tables, out, currency=currency, prefer_new_accounts=True, notes=notes
    )


def write_currency(out: Path, currency: str, written: Mapping[str, Path]) -> None:
    """Record in ``out/_meta.json`` the currency of the amounts of each table written."""
    meta = read_meta(out)
    tables = meta.setdefault("currency", {})
    for table in written:
        tables[table] = currency.upper()
    path = out / META_FILE
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=out, prefix=".meta.", suffix=".tmp", delete=False
    ) as handle:
        json.dump(meta, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, path)
