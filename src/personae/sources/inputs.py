"""Where the tables come from: a folder of files, a DuckDB file, or a database URL.

:func:`open_source` finds the canonical tables in a source and types them; the result,
a :class:`Staging`, holds for each table its typed expression (with ``_line``, the row's
line in its file, NULL when unknown), the public expression everyone else sees, and the
problems found so far (missing tables and columns, unreadable rows, unparsable cells).

- A **folder** holds ``NAME.csv`` (``.csv.gz``) or ``NAME.parquet`` files, read into an
  in-memory DuckDB: CSV read into a table (typed through a view when DuckDB's reader
  typed it whole, else copied into a typed table), Parquet read in place through views.
- A **workbook** (``.xlsx``…) is a table per sheet (:mod:`~personae.sources.xlsx`).
- A **DuckDB file** (``.duckdb``, ``.ddb``, ``.db``) is attached read-only; its tables
  with canonical names are typed through views.
- A **URL** (``postgres://…``) is opened with ``ibis.connect``
  (:mod:`~personae.sources.database`); ``duckdb://PATH`` is a DuckDB file.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path
from typing import Literal

import duckdb
import ibis
from ibis.backends import BaseBackend

from personae.csvsniff import UndecodableError, sniff
from personae.errors import Problem
from personae.sources import schema, xlsx
from personae.sources.csvfiles import read_csv
from personae.sources.database import open_url
from personae.sources.plausibility import unknown_columns
from personae.sources.problems import cap_kinds
from personae.sources.staging import KNOWN, Staged, Staging, display_url, first_line
from personae.sources.typed import RawRelation, type_relation
from personae.sql import ident, literal

__all__ = ["KNOWN", "Staged", "Staging", "display_url", "open_source"]

DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")


def open_source(source: str | os.PathLike[str]) -> Staging:
    """Find and type the canonical tables of ``source`` (a folder, a DuckDB file, a URL)."""
    text = os.fspath(source)
    if text.startswith("duckdb://") and text[len("duckdb://") :] not in ("", ":memory:"):
        # Attached like a .duckdb path: ibis 12's DuckDB table listing breaks on DuckDB 2.
        staging = _open_duckdb_file(Path(text[len("duckdb://") :]))
    elif "://" in text:
        staging = open_url(text)
    else:
        path = Path(text)
        if path.is_dir():
            staging = _open_folder(path)
        elif path.suffix.lower() in DUCKDB_SUFFIXES:
            staging = _open_duckdb_file(path)
        else:
            what = "no such folder" if not path.exists() else "not a folder nor a DuckDB file"
            con = _duckdb()
            return Staging(
                con,
                problems=[
                    Problem(
                        text,
                        f"cannot read the data: {what}",
                        hint="give the folder holding accounts.csv, revenue.csv, …, "
                        "a .duckdb file or a database URL",
                    )
                ],
            )
    staging.problems = cap_kinds(staging.problems)
    canonical = [name for name in staging.tables if name in schema.TABLES]
    if not canonical and not staging.unreadable and not staging.problems:
        staging.problems.append(
            Problem(
                text if "://" not in text else display_url(text),
                "no table found: the data holds none of "
                + ", ".join(f"{n}.csv" for n in schema.TABLES),
                hint="no single table is required, but at least one is: accounts and revenue "
                "(a billing export), or deals (a CRM export); see data/README.md",
            )
        )
    return staging


def _duckdb() -> BaseBackend:
    """A fresh in-memory DuckDB, quiet (no progress bar on the terminal)."""
    con = ibis.duckdb.connect()
    con.con.execute("SET enable_progress_bar = false")
    # DuckDB's default (80 % of the RAM) lets its buffers grow to ~9 GB on a million
    # customers (peak 9.6 GB; 5.3 GB with a 3 GB limit, 3.5 GB with this one and the
    # temporary tables dropped after their last reader); past it DuckDB spills to a private
    # directory under the system's temporary folder (not ./.tmp), removed when it closes
    con.con.execute(f"SET memory_limit = '{_memory_limit_mb()}MB'")
    spill = Path(tempfile.gettempdir()) / f"personae-duckdb-{os.getpid()}-{id(con)}"
    con.con.execute(f"SET temp_directory = {literal(spill.as_posix())}")
    return con


def _memory_limit_mb(cap_mb: int = 2000) -> int:
    """2 GB, or DuckDB's own default (80 % of the RAM) on a machine with less than ~2.5 GB:
    what Python holds beside it (the models' frames, accounts.csv's rows) stays under 4 GB
    in all on demo L."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not a POSIX system: keep the cap
        return cap_mb
    return max(256, min(cap_mb, int(0.8 * ram / 1e6)))  # DuckDB: 1 MB = 1 000 000 bytes


def _where(source: str, name: str) -> str:
    if "://" in source:
        return display_url(source)
    path = Path(source)
    return str(path / f"{name}.csv") if path.is_dir() else source


def _data_format(path: Path) -> tuple[str, str] | None:
    """(table name, format) of a data file, or None for anything else (README, …)."""
    lower = path.name.lower()
    for suffix, kind in ((".csv.gz", "csv"), (".csv", "csv"), (".parquet", "parquet")):
        if lower.endswith(suffix):
            return lower[: -len(suffix)], kind
    return None


def _open_folder(folder: Path) -> Staging:
    con = _duckdb()
    staging = Staging(con)
    duck = con.con
    seen: dict[str, Path] = {}
    for path, found in xlsx.data_files(folder, _data_format):  # a workbook: a table per sheet
        if found is None or path.name.startswith("."):
            continue
        name, kind = found
        file = str(path)
        if path.is_symlink() and not path.exists():
            staging.problems.append(
                Problem(
                    file,
                    f"{path.name} is a link to {os.readlink(path)}, which does not exist",
                    hint="point the link to the real file, copy the file here, or remove the link",
                )
            )
            staging.unreadable.add(name)
            continue
        if not path.is_file():
            continue
        if path.stat().st_size == 0:
            staging.problems.append(
                Problem(
                    file,
                    f"{path.name} is empty (0 bytes): table {name!r} counts as absent",
                    hint=f"the answers that need {name} say so; export it again with its "
                    "header and rows to have them, or remove the file",
                    severity="warning",
                )
            )
            continue
        if name not in KNOWN:
            close = difflib.get_close_matches(name, KNOWN, n=1)
            staging.problems.append(
                Problem(
                    file,
                    f"{path.name} is not a table personae knows: ignored",
                    hint=f"did you mean {close[0]}?"
                    if close
                    else f"tables: {', '.join(KNOWN)}; rename or move the file",
                    severity="warning",
                )
            )
            continue
        if name in seen:
            staging.problems.append(
                Problem(
                    file,
                    f"two files for table {name!r}: {seen[name].name} and {path.name}",
                    hint="keep only one of them",
                )
            )
            continue
        seen[name] = path
        try:
            raw = _read_file(duck, name, path, kind, staging.problems)
        except (duckdb.Error, OSError, UnicodeError) as exc:  # a file that cannot be read at all
            staging.problems.append(
                Problem(file, f"cannot read the file: {first_line(exc)}", hint=_READ_HINT[kind])
            )
            raw = False
        if raw is False:
            staging.unreadable.add(name)
        elif raw is not None:
            _stage(staging, duck, raw)
        else:
            staging.tables[name] = Staged(name, file, con.table(name), con.table(name))
    return staging


_READ_HINT = {
    "csv": "export it again as CSV (UTF-8, with a header line)",
    "parquet": "check that it is a Parquet file, or export it again",
}


def _read_file(
    duck: duckdb.DuckDBPyConnection, name: str, path: Path, kind: str, problems: list[Problem]
) -> RawRelation | Literal[False] | None:
    """The raw relation of one file; None for a free-form table (loaded as it is), False
    for a file without a header."""
    file = str(path)
    if kind.startswith(xlsx.XLSX):
        return xlsx.read_table(duck, name, path, kind, problems)
    if name in schema.FREEFORM_TABLES:
        source = (
            f"read_parquet({literal(file)})"
            if kind == "parquet"
            else f"read_csv({literal(file)}, header = true, all_varchar = true)"
        )
        duck.execute(f"CREATE OR REPLACE VIEW {ident(name)} AS SELECT * FROM {source}")
        return None
    raw_name = f"_raw_{name}"
    if kind == "csv":
        try:
            sniffed = sniff(path)
        except UndecodableError:
            sniffed = None  # read_csv reports it
        too_wide = None if sniffed is None else _too_wide(path, len(sniffed.header))
        if too_wide is not None:
            problems.append(too_wide)
            return False
        csv = read_csv(duck, path, raw_name, file, schema.TABLES[name], sniffed)
        problems += csv.problems
        if not csv.columns:
            return False
        return RawRelation(
            name, file, ident(raw_name), csv.types, "rowid + 2", materialise=True, lost=csv.rejected
        )
    duck.execute(
        f"CREATE OR REPLACE VIEW {ident(raw_name)} AS"
        f" SELECT * FROM read_parquet({literal(file)}, file_row_number = true)"
    )
    types = _describe(duck, ident(raw_name))
    types.pop("file_row_number", None)
    return RawRelation(
        name, file, ident(raw_name), types, "file_row_number + 1", null_free=_null_free(duck, file)
    )


def _null_free(duck: duckdb.DuckDBPyConnection, file: str) -> frozenset[str]:
    """The columns a Parquet file's own statistics (its footer) prove to hold no NULL: an
    empty required cell is then looked for without reading them."""
    rows = duck.execute(
        "SELECT path_in_schema, bool_and(COALESCE(stats_null_count = 0, FALSE))"
        " FROM parquet_metadata(?) GROUP BY path_in_schema",
        [file],
    ).fetchall()
    return frozenset(str(name) for name, proven in rows if proven)


MAX_COLUMNS = 2000
"""More header cells than any export has: a JSON file or a file without line breaks."""


def _too_wide(path: Path, width: int) -> Problem | None:
    """A problem when the header line has more than MAX_COLUMNS cells, before reading more."""
    if width <= MAX_COLUMNS:
        return None
    return Problem(
        str(path),
        f"the first line has {width} cells: this is not a table (a JSON or text file, or a "
        "file whose line breaks were lost?)",
        line=1,
        hint="export the table again as CSV, one row per line, with a header line",
    )


def _describe(duck: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    rows = duck.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def _stage(staging: Staging, duck: duckdb.DuckDBPyConnection, raw: RawRelation) -> None:
    typed = type_relation(duck, raw)
    staging.problems += typed.problems
    staging.problems += unknown_columns(raw.name, raw.file, list(raw.types))
    con = staging.con
    staging.tables[raw.name] = Staged(
        raw.name,
        raw.file,
        con.table(f"_typed_{raw.name}"),
        con.table(raw.name),
        typed.complete,
        raw.lost,
        {column: con.table(name) for column, name in typed.values.items()},
    )
    staging.scratch += typed.values.values()


def _open_duckdb_file(path: Path) -> Staging:
    con = _duckdb()
    staging = Staging(con)
    duck = con.con
    try:
        duck.execute(f"ATTACH {literal(str(path))} AS _source (READ_ONLY)")
    except Exception as exc:
        staging.problems.append(
            Problem(
                str(path),
                f"cannot open the DuckDB file: {first_line(exc)}",
                hint="check the path, and that no other program holds the file open for writing",
            )
        )
        staging.unreadable.update(schema.TABLES)
        return staging
    rows = duck.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_catalog = '_source' AND table_schema = 'main' ORDER BY table_name"
    ).fetchall()
    for (found,) in rows:
        name = str(found).lower()
        if name not in KNOWN or name in staging.tables:
            continue
        relation = f"_source.main.{ident(str(found))}"
        file = f"{path}:{found}"
        if name in schema.FREEFORM_TABLES:
            duck.execute(f"CREATE OR REPLACE VIEW {ident(name)} AS SELECT * FROM {relation}")
            staging.tables[name] = Staged(name, file, con.table(name), con.table(name))
            continue
        _stage(staging, duck, RawRelation(name, file, relation, _describe(duck, relation)))
    return staging
