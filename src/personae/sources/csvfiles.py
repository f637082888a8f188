"""CSV files as people export them, read by DuckDB into an all-text table.

The dialect is decided once per file by :mod:`personae.csvsniff`, the sniffer the importers
share: the encoding (UTF-8 with or without BOM, Windows-1252 and a few others, detected by
charset-normalizer and reported; other encodings are copied to UTF-8 for DuckDB), ``,``
``;`` or tab as separator (the one the header line uses most), ``"`` quotes. Every cell is read as
VARCHAR; :mod:`personae.sources.values` parses them in SQL afterwards, so a bad value is
reported with its line instead of failing the whole read. Rows DuckDB cannot split (too
many or too few cells, an unterminated quote, bytes that are not UTF-8) are kept aside
in a rejects table and reported with their line too.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from personae.csvsniff import UndecodableError, sniff, utf8_path
from personae.errors import Problem
from personae.sql import ident, literal

_HINTS = {
    "INVALID ENCODING": "save the file as « CSV UTF-8 » (Excel: Enregistrer sous › CSV UTF-8)",
    "TOO MANY COLUMNS": "this row has more cells than the header: quote values containing "
    "the separator, or remove the extra separators",
    "MISSING COLUMNS": "this row has fewer cells than the header: add the missing separators",
    "UNQUOTED VALUE": 'close the quote (") opened in this row, or double the quotes inside it',
}


@dataclass
class RawCsv:
    """An all-VARCHAR DuckDB table holding one CSV file, and what went wrong reading it."""

    table: str
    columns: list[str]
    separator: str
    problems: list[Problem] = field(default_factory=list)
    rejected: int = 0  # rows DuckDB could not split, left out of the table


def read_header(path: Path) -> tuple[list[str], str]:
    """The header's cell names and the separator (see :func:`personae.csvsniff.sniff`)."""
    found = sniff(path)
    return found.header, found.separator


def _unique_names(names: list[str], file: str) -> tuple[list[str], list[Problem]]:
    seen: set[str] = set()
    out: list[str] = []
    problems: list[Problem] = []
    for i, raw in enumerate(names, start=1):
        name = raw.strip() or f"column{i}"
        if name in seen:
            problems.append(
                Problem(
                    file,
                    f"column {name!r} appears twice in the header",
                    line=1,
                    column=name,
                    hint="rename or remove one of the two columns",
                )
            )
            name = f"{name}_{i}"
        seen.add(name)
        out.append(name)
    return out, problems


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str, file: str) -> RawCsv:
    """Read ``path`` into the all-VARCHAR table ``table`` of ``con``.

    ``file`` is how problems name the file. Rows in file order, so a row's line number
    is its ``rowid`` + 2 (exact unless the file has blank lines or cells spanning lines).
    """
    try:
        sniffed = sniff(path)
    except UndecodableError as exc:
        con.execute(f"CREATE OR REPLACE TABLE {ident(table)} (_empty VARCHAR)")
        return RawCsv(table, [], ",", [exc.problem])
    names, separator = sniffed.header, sniffed.separator
    if not names:
        con.execute(f"CREATE OR REPLACE TABLE {ident(table)} (_empty VARCHAR)")
        empty = Problem(
            file, "the file is empty: no header line", line=1, hint="export it again with a header"
        )
        return RawCsv(table, [], separator, [empty])
    columns, problems = _unique_names(names, file)
    note = sniffed.note()
    if note is not None:
        problems.append(Problem(file, note.message, hint=note.hint, severity=note.severity))
    spec = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in columns) + "}"
    rejects, scan = f"_rejects_{table}", f"_rejects_scan_{table}"
    with tempfile.TemporaryDirectory(prefix="personae-csv-") as scratch:
        source = utf8_path(sniffed, Path(scratch))
        con.execute(
            f"CREATE OR REPLACE TABLE {ident(table)} AS SELECT * FROM read_csv("
            f"{literal(str(source))}, auto_detect = false, header = true, columns = {spec},"
            f" delim = {literal(separator)}, quote = '\"', escape = '\"',"
            f" store_rejects = true, rejects_table = {literal(rejects)},"
            f" rejects_scan = {literal(scan)})"
        )
    found, rejected = _rejected(con, rejects, file)
    problems += found
    with contextlib.suppress(duckdb.Error):
        con.execute(f"DROP TABLE IF EXISTS {ident(rejects)}")
        con.execute(f"DROP TABLE IF EXISTS {ident(scan)}")
    return RawCsv(table, columns, separator, problems, rejected)


def _rejected(
    con: duckdb.DuckDBPyConnection, rejects: str, file: str, cap: int = 20
) -> tuple[list[Problem], int]:
    """The problems of the rows DuckDB could not split, and how many rows were left out."""
    rows = con.execute(
        f"SELECT error_type, line, column_name, csv_line, error_message,"
        f" count(*) OVER (PARTITION BY error_type) AS n"
        f" FROM {ident(rejects)} ORDER BY line"
    ).fetchall()
    problems: list[Problem] = []
    shown: dict[str, int] = {}
    for kind, line, column, text, message, n in rows:
        if kind == "INVALID ENCODING":
            if kind not in shown:
                problems.append(
                    Problem(
                        file,
                        f"the file is not UTF-8 text: {n} rows cannot be read, the first on"
                        f" line {line}",
                        line=int(line),
                        hint=_HINTS[kind],
                    )
                )
            shown[kind] = 1
            continue
        shown[kind] = shown.get(kind, 0) + 1
        if shown[kind] <= cap:
            problems.append(
                Problem(
                    file,
                    f"this row cannot be read: {message}",
                    line=int(line),
                    column=column if kind != "TOO MANY COLUMNS" else None,
                    value=str(text).rstrip("\r\n")[:200],
                    hint=_HINTS.get(kind, "fix this row"),
                )
            )
        elif shown[kind] == cap + 1:
            problems.append(
                Problem(
                    file,
                    f"… and {n - cap} more rows that cannot be read ({n} in all)",
                    hint=_HINTS.get(kind, "fix these rows"),
                )
            )
    return problems, len({line for _, line, *_ in rows})
