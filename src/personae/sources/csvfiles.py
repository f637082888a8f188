"""CSV files as people export them, read by DuckDB into a table.

The dialect is decided once per file by :mod:`personae.csvsniff`, the sniffer the importers
share: the encoding (UTF-8 with or without BOM, Windows-1252 and a few others, detected by
charset-normalizer and reported; other encodings are copied to UTF-8 for DuckDB), ``,``
``;`` or tab as separator (the one the header line uses most), ``"`` quotes.

Two paths give the same values. The *fast* one: the number, date and time columns of the
table's declaration (:data:`FAST_TYPES`) are parsed in the reading statement itself (dates
and times by DuckDB's CSV reader, numbers by a cast of their text), which is how plain
exports (``1234.5``, ``2024-03-01``) are read. The *careful* one, for a column
the fast one cannot read whole (a French ``1 234,50``, a ``01/03/2024``, one bad cell):
the column is read again as VARCHAR and :mod:`personae.sources.values` parses it in SQL,
so a bad value is reported with its line instead of failing the whole read. The fast
path only keeps what the careful one would parse to the very same value. Rows DuckDB cannot split (too
many or too few cells, an unterminated quote, bytes that are not UTF-8) are kept aside
in a rejects table and reported with their line too.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from personae.csvsniff import Sniffed, UndecodableError, sniff, utf8_path
from personae.errors import Problem
from personae.sources.columns import match_columns
from personae.sources.schema import TableSpec
from personae.sql import ident, literal

#: Logical types DuckDB's CSV reader parses itself, as the careful path would: a date or a
#: time as ``TRY_CAST(text AS TIMESTAMP)`` (a date is cut from it afterwards), a number as
#: ``TRY_CAST(text AS DOUBLE)`` when finite and without the ``1_000`` digit groups the
#: careful path refuses. Whole numbers (a headcount, an age: small tables) always take the
#: careful path, because DuckDB's reader rounds ``12.5`` to 13 where it must be refused.
FAST_TYPES = {"float": "DOUBLE", "date": "TIMESTAMP", "timestamp": "TIMESTAMP"}

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
    types: dict[str, str] = field(default_factory=dict)  # column -> DuckDB type, in order


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


def read_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    file: str,
    spec: TableSpec | None = None,
    sniffed: Sniffed | None = None,
) -> RawCsv:
    """Read ``path`` into the table ``table`` of ``con``: the columns ``spec`` declares
    with a type of :data:`FAST_TYPES` parsed by DuckDB (the fast path) when every cell of
    theirs reads so, the others as VARCHAR (``RawCsv.types`` says which).

    ``file`` is how problems name the file. Rows in file order, so a row's line number
    is its ``rowid`` + 2 (exact unless the file has blank lines or cells spanning lines).
    ``sniffed``: what :func:`~personae.csvsniff.sniff` found in ``path``, if known.
    """
    try:
        sniffed = sniffed if sniffed is not None else sniff(path)
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
    rejects, scan = f"_rejects_{table}", f"_rejects_scan_{table}"
    with tempfile.TemporaryDirectory(prefix="personae-csv-") as scratch:
        source = utf8_path(sniffed, Path(scratch))
        types = {c: "VARCHAR" for c in columns}
        types.update(_declared(spec, columns))
        while True:  # the fast path; a column that fails is read again as text
            _drop(con, rejects, scan)
            # Numbers are read as text and cast in the same statement (_number), dates
            # and times by the reader itself.
            numbers = [c for c, t in types.items() if t == "DOUBLE"]
            read = {c: "VARCHAR" if t == "DOUBLE" else t for c, t in types.items()}
            select = "*"
            if numbers:
                select += (
                    f" REPLACE ({', '.join(f'{_number(ident(c))} AS {ident(c)}' for c in numbers)})"
                )
            con.execute(
                f"CREATE OR REPLACE TABLE {ident(table)} AS SELECT {select} FROM read_csv("
                f"{literal(str(source))}, auto_detect = false, header = true,"
                f" columns = {_spec(read)}, delim = {literal(separator)}, quote = '\"',"
                f" escape = '\"', store_rejects = true, rejects_table = {literal(rejects)},"
                f" rejects_scan = {literal(scan)})"
            )
            failed = _failed_columns(con, table, rejects, types)
            if not failed:
                break
            types.update({c: "VARCHAR" for c in failed})
    found, rejected = _rejected(con, rejects, file)
    problems += found
    _drop(con, rejects, scan)
    return RawCsv(table, columns, separator, problems, rejected, types)


def _spec(types: dict[str, str]) -> str:
    return "{" + ", ".join(f"{literal(c)}: {literal(t)}" for c, t in types.items()) + "}"


def _drop(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    with contextlib.suppress(duckdb.Error):
        for name in tables:
            con.execute(f"DROP TABLE IF EXISTS {ident(name)}")


def _declared(spec: TableSpec | None, columns: list[str]) -> dict[str, str]:
    """The found columns DuckDB may parse itself, with the type it parses them to."""
    if spec is None:
        return {}
    found = match_columns(spec, columns)
    return {
        found[c.name]: FAST_TYPES[c.type]
        for c in spec.columns
        if c.name in found and c.type in FAST_TYPES
    }


def _number(text: str) -> str:
    """SQL of the DOUBLE of the text cell ``text`` as the fast path reads it: NULL when
    empty, ``TRY_CAST(text AS DOUBLE)`` when finite and without ``_`` (DuckDB reads
    ``1_000``, the careful path refuses it); else NaN, which sends the column to the
    careful path (:func:`_failed_columns`), since no number read fast is NaN."""
    value = f"TRY_CAST({text} AS DOUBLE)"
    return (
        f"CASE WHEN {text} IS NULL THEN NULL"
        f" WHEN NOT contains({text}, '_') AND isfinite({value}) THEN {value}"
        f" ELSE 'NaN'::DOUBLE END"
    )


def _failed_columns(
    con: duckdb.DuckDBPyConnection, table: str, rejects: str, types: dict[str, str]
) -> set[str]:
    """The typed columns to read again as text: a cell DuckDB could not cast, or a number
    that is not finite (``inf``, ``nan``, ``1e400``: the careful path refuses them)."""
    typed = {c for c, t in types.items() if t != "VARCHAR"}
    if not typed:
        return set()
    rows = con.execute(
        f"SELECT DISTINCT column_name FROM {ident(rejects)} WHERE error_type = 'CAST'"
    ).fetchall()
    failed = {str(r[0]) for r in rows} & typed
    numbers = [c for c in typed - failed if types[c] == "DOUBLE"]
    if numbers:
        counts = ", ".join(f"count(*) FILTER (WHERE NOT isfinite({ident(c)}))" for c in numbers)
        row = con.execute(f"SELECT {counts} FROM {ident(table)}").fetchone() or ()
        failed |= {c for c, n in zip(numbers, row, strict=True) if n}
    return failed


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
