"""Time the TAM count on a 30 M-row SIRENE-shaped Parquet file, with peak memory.

Builds ``benchmarks/out/StockUniteLegale-30M.parquet`` (INSEE's current StockUniteLegale
header, every column present; the TAM's columns filled, the others empty) with DuckDB,
then counts the TAM in a fresh process (``personae.models.market``: the engine scans the
file, only the needed columns), and records the figures in RESULTS.md with ``--record``.

    uv run python benchmarks/bench_tam.py [--rows 30000000] [--record]
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import duckdb
from _common import HERE, child, machine, record_section

ROOT = HERE.parent
HEADER_CANDIDATES = [
    base / "shared" / "real" / "sirene" / "StockUniteLegale.HEADER-ONLY.csv"
    for base in (ROOT.parent, ROOT.parent.parent)
]
NAF = ["62.01Z", "62.02A", "49.41A", "49.41B", "49.42Z", "86.21Z", "47.11A", "70.22Z", "10.71C"]
TRANCHES = ["NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51"]

COUNT = """
import sys, time
import ibis
from pathlib import Path
from personae.models.market import count_tam, open_market
start = time.perf_counter()
con = ibis.duckdb.connect()
r = count_tam(open_market(con, Path(sys.argv[1])), ("49.4", "62.01Z"), (10, 49))
took = time.perf_counter() - start
print(f"{r['count']:,} of {r['rows']:,} units; open + count {took:.1f} s".replace(",", " "))
"""


def build(path: Path, rows: int) -> None:
    header = next((p for p in HEADER_CANDIDATES if p.exists()), None)
    if header is None:
        raise SystemExit("shared/real/sirene/StockUniteLegale.HEADER-ONLY.csv not found")
    cols = header.read_text(encoding="utf-8").strip().split(",")
    naf = ", ".join(f"'{n}'" for n in NAF)
    tr = ", ".join(f"'{t}'" for t in TRANCHES)
    filled = {
        "siren": "lpad(CAST(i AS VARCHAR), 9, '0')",
        "etatAdministratifUniteLegale": "CASE WHEN i % 7 = 0 THEN 'C' ELSE 'A' END",
        "activitePrincipaleUniteLegale": f"list_value({naf})[1 + i % {len(NAF)}]",
        "trancheEffectifsUniteLegale": f"list_value({tr})[1 + (i // 3) % {len(TRANCHES)}]",
        "dateDernierTraitementUniteLegale": "'2025-11-30T03:12:00'",
    }
    select = ", ".join(f"{filled.get(c, 'NULL::VARCHAR')} AS {c}" for c in cols)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"COPY (SELECT {select} FROM range({rows}) t(i)) TO '{path}' (FORMAT parquet)")
    con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=30_000_000)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    path = HERE / "out" / f"StockUniteLegale-{args.rows // 1_000_000}M.parquet"
    if not path.exists():
        build(path, args.rows)
    run = child("count", COUNT, str(path))
    size = path.stat().st_size / 1e6
    head = f"| {args.rows:,} | {size:,.0f} MB |".replace(",", " ")
    peak = f"{run.peak_mb:,.0f}".replace(",", " ")
    status = "ok" if run.ok else "failed"
    line = f"{head} {run.wall:.1f} s | {peak} MB | {status}: {run.note} |"
    print(line)
    if args.record:
        text = "\n".join(
            [
                "## TAM on SIRENE: counting the ICP in StockUniteLegale",
                "",
                "`make bench-tam` (`uv run python benchmarks/bench_tam.py --record`): a "
                "SIRENE-shaped Parquet file with INSEE's current header, counted in a fresh "
                "process (filter: active, NAF 49.4* or 62.01Z, tranches 11–12); peak memory "
                "is that process's maximum resident set size.",
                "",
                f"Machine: {machine()}. Measured {date.today().isoformat()}.",
                "",
                "Wall time is the whole child process (interpreter, imports, open, count); the "
                "result names the time from connecting to the count.",
                "",
                "| rows | file | wall time | peak memory | result |",
                "|---:|---:|---:|---:|---|",
                line,
            ]
        )
        record_section("tam", text)
    return 0 if run.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
