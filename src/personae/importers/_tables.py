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


def _columns(table: str, rows: Sequence[Row], extra: Sequence[str] = ()) -> list[str]:
    """The schema's columns that are required or filled in some row, in schema order, then
    the source's own columns filled in some row (kept, ignored by loading)."""
    used: dict[str, None] = {}
    for row in rows:
        for name, value in row.items():
            if value not in (None, ""):
                used.setdefault(name)
    names = [
        c.name for c in TABLES[table].columns if c.required or c.name in used or c.name in extra
    ]
    names += [name for name in extra if name not in names]
    names += [name for name in used if name not in names]
    return names


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
    prepared: dict[str, tuple[list[str], Sequence[Row]]] = {}
    for table, rows in tables.items():
        extra: list[str] = []
        if table == "accounts":
            extra, rows = merge_accounts(out, rows, prefer_new_accounts)
        prepared[table] = (_columns(table, rows, extra), rows)
    out.mkdir(parents=True, exist_ok=True)
    temporary: dict[str, str] = {}
    try:
        for table, (columns, rows) in prepared.items():
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
                for row in rows:
                    writer.writerow([cell(row.get(name)) for name in columns])
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
