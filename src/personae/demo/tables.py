"""Writing the canonical tables chunk by chunk, as CSV or Parquet, byte for byte stable.

Column names and types come from :mod:`personae.sources.schema`. Each table is written
to a temporary file, one chunk at a time, and renamed into place once complete. Parquet
files carry no timestamp or host in their metadata, so equal data give equal bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from personae.sources.schema import TABLES, arrow_schema

FORMATS = ("csv", "parquet")
DEMO_TABLES: tuple[str, ...] = tuple(TABLES)  # every canonical table, in schema order


def to_table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    """The columns in schema order and types; columns not given are all null."""
    schema = arrow_schema(name)
    n = len(next(iter(columns.values())))
    arrays = []
    for field in schema:
        arr = columns.get(field.name)
        arrays.append(pa.nulls(n, field.type) if arr is None else arr.cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


class TableWriter:
    """Appends chunks to ``folder/NAME.csv`` or ``NAME.parquet`` for every table."""

    def __init__(self, folder: Path, file_format: str) -> None:
        if file_format not in FORMATS:
            raise ValueError(f"unknown format {file_format!r}; use one of {FORMATS}")
        self.folder = folder
        self.format = file_format
        self.rows: dict[str, int] = dict.fromkeys(DEMO_TABLES, 0)
        self._writers: dict[str, pacsv.CSVWriter | pq.ParquetWriter] = {}

    def path(self, table: str) -> Path:
        return self.folder / f"{table}.{self.format}"

    def _tmp(self, table: str) -> Path:
        return self.folder / f".{table}.{self.format}.tmp"

    def write(self, name: str, table: pa.Table) -> None:
        writer = self._writers.get(name)
        if writer is None:
            tmp = self._tmp(name)
            if self.format == "csv":
                options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
                writer = pacsv.CSVWriter(str(tmp), table.schema, write_options=options)
            else:
                writer = pq.ParquetWriter(
                    str(tmp), table.schema, compression="zstd", write_statistics=True
                )
            self._writers[name] = writer
        writer.write_table(table)
        self.rows[name] += table.num_rows

    def close(self) -> None:
        """Finish every file and move it into place (empty tables get a header only)."""
        for name in DEMO_TABLES:
            if name not in self._writers:
                self.write(name, arrow_schema(name).empty_table())
        for name, writer in self._writers.items():
            writer.close()
            os.replace(self._tmp(name), self.path(name))
            for other in FORMATS:
                stale = self.folder / f"{name}.{other}"
                if other != self.format and stale.exists():
                    stale.unlink()
        self._writers.clear()

    def abort(self) -> None:
        for name, writer in self._writers.items():
            writer.close()
            self._tmp(name).unlink(missing_ok=True)
        self._writers.clear()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
