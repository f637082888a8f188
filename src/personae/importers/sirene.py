"""INSEE SIRENE ``StockUniteLegale`` → the canonical ``market`` table (DESIGN §3, §5).

The stock file (≈ 30 M rows; CSV, zipped CSV or Parquet, as INSEE publishes it) is
streamed by DuckDB into ``market.parquet`` with only the columns the TAM needs (SIREN,
administrative state, NAF rév. 2 and NAF 2025 activity, headcount tranche, last update),
never loaded whole.

    personae import sirene StockUniteLegale_utf8.zip --out data/
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import ibis

from personae.errors import ImportFormatError, Problem
from personae.importers.registry import ExportKind, ImportResult, Source, fold_label
from personae.models.market import open_market
from personae.settings import Settings


def import_sirene(files: Sequence[Path], out: Path) -> dict[str, Path]:
    """Write ``out/market.parquet`` from one StockUniteLegale file."""
    if len(files) != 1:
        raise ImportFormatError(
            "sirene: give exactly one StockUniteLegale file",
            [Problem(", ".join(map(str, files)) or "-", "one file expected")],
        )
    path = Path(files[0])
    con = ibis.duckdb.connect()
    try:
        try:
            market = open_market(con, path)
        except Exception as exc:  # DataError, or a file DuckDB cannot read
            problems = getattr(exc, "problems", None) or [Problem(str(path), str(exc))]
            raise ImportFormatError(f"{path}: not a StockUniteLegale file", problems) from None
        out.mkdir(parents=True, exist_ok=True)
        target = out / "market.parquet"
        tmp = out / ".market.parquet.tmp"
        con.to_parquet(market, tmp)
        os.replace(tmp, target)
    finally:
        con.disconnect()
    return {"market": target}


def _run(files: Sequence[Path], out: Path, settings: Settings | None = None) -> ImportResult:
    tables = import_sirene(files, out)
    return ImportResult(source="sirene", tables=tables)


SIRENE_STOCK = ExportKind(
    "sirene.stock",
    "INSEE's StockUniteLegale (SIRENE), as CSV, zipped CSV or Parquet",
    ((fold_label("siren"), fold_label("etatAdministratifUniteLegale")),),
)

SOURCE = Source(
    "sirene",
    "INSEE SIRENE",
    (SIRENE_STOCK,),
    _run,
    help="the StockUniteLegale file, written as the market table (market.parquet)",
)
