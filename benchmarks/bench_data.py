"""Time the demo data: generating it, then validating and loading it.

Each step runs in its own child process, so its wall time and peak memory (the child's
maximum resident set size, from ``os.wait4``) are its own. Results are printed and, with
``--record``, written to ``benchmarks/RESULTS.md``.

    uv run python benchmarks/bench_data.py                      # S and M
    uv run python benchmarks/bench_data.py --l-fraction 0.1     # also 10 % of L
    uv run python benchmarks/bench_data.py --sizes S --no-load  # generation only
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
from datetime import date
from pathlib import Path

from _common import Run, child, folder_mb, machine, record_section

from personae.sources.schema import TABLES

HERE = Path(__file__).resolve().parent

GENERATE = """
import sys
from pathlib import Path
from personae.demo import generate
size, seed, fraction, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
generate(Path(out), size=size, seed=seed, fraction=fraction)
"""
VALIDATE = """
import sys
from personae.sources import validate
report = validate(sys.argv[1])
print(len(report.errors), "errors", len(report.warnings), "warnings")
sys.exit(0 if report.ok else 3)
"""
LOAD = """
import sys
from personae.sources import load
ds = load(sys.argv[1])
rows = sum(int(t.count().to_pyarrow().as_py()) for t in ds.tables.values())
print(f"{rows:,} rows in {len(ds.tables)} tables".replace(",", " "))
"""


NOTES = (
    "### Notes",
    "",
    "- Generation is one process, one chunk of 25 000 customers at a time (numpy, then",
    "  Arrow, then Parquet row groups appended to each file): peak memory stays about",
    "  1.6–1.8 GB whatever the size, and time grows linearly (about 6 s per chunk).",
    "- S is CSV; M and L are Parquet (zstd). Same seed, same bytes (tests/demo).",
    "- Per customer: about 31 revenue lines (subscription invoices, prorations, credit",
    "  notes, one-off fees and monthly transfer fees) and about 400 usage events.",
    "- validate and load open the files as DuckDB views through Ibis and run the checks",
    "  (keys, references, choices, periods) as queries; they do not copy the data.",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="*", default=["S", "M"], help="full sizes to run")
    parser.add_argument("--full-l", action="store_true", help="also run all of L (minutes)")
    parser.add_argument("--l-fraction", type=float, default=0.0, help="also run this part of L")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--no-load", action="store_true", help="time generation only")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--record", action="store_true", help="write benchmarks/RESULTS.md")
    args = parser.parse_args()

    plan = [(s, 1.0) for s in args.sizes]
    if args.l_fraction > 0:
        plan.append(("L", args.l_fraction))
    if args.full_l:
        plan.append(("L", 1.0))
    can_load = importlib.util.find_spec("personae.sources") is not None and not args.no_load

    runs: list[Run] = []
    rows: dict[str, dict[str, int]] = {}
    disk: dict[str, float] = {}
    for size, fraction in plan:
        label = size if fraction == 1.0 else f"L × {fraction:g}"
        out = args.out / label.replace(" × ", "-")
        shutil.rmtree(out, ignore_errors=True)
        steps = [("generate", GENERATE, (size, str(args.seed), str(fraction), str(out)))]
        if can_load:
            steps += [
                ("validate", VALIDATE, (str(out / "data"),)),
                ("load", LOAD, (str(out / "data"),)),
            ]
        for step, code, argv in steps:
            run = child(step, code, *argv)
            run.label = label
            runs.append(run)
            print(
                f"{label:>8} {step:<9} {run.wall:8.1f} s {run.peak_mb:9.0f} MB"
                f"  {'ok' if run.ok else 'FAILED'} {run.note}",
                flush=True,
            )
            if step == "generate":
                truth = json.loads((out / "data" / "truth.json").read_text(encoding="utf-8"))
                rows[label] = {"customers": truth["customers"], **truth["rows"]}
                disk[label] = folder_mb(out / "data")
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)

    if args.record:
        print(f"wrote {record_section('data', report(runs, rows, disk))}")


def report(runs: list[Run], rows: dict[str, dict[str, int]], disk: dict[str, float]) -> str:
    lines = [
        "## The demo data: generate, validate, load",
        "",
        "`make bench-data` (`uv run python benchmarks/bench_data.py`, add",
        '`BENCH_ARGS="--l-fraction 0.1 --full-l --record"` for these figures). Each step runs in its own',
        "process; peak memory is that process's maximum resident set size.",
        "",
        f"Machine: {machine()}. Measured {date.today().isoformat()}.",
        "",
        "### Sizes",
        "",
        "| run | customers | accounts | revenue | activity | contacts | deals | deal_stages "
        "| touchpoints | notes | on disk |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in rows.items():
        cells = [f"{r[k]:,}".replace(",", " ") for k in ("customers", *TABLES)]
        lines.append(f"| {label} | {' | '.join(cells)} | {disk[label]:,.0f} MB |".replace(",", " "))
    lines += [
        "",
        "### Timings",
        "",
        "| run | step | wall time | peak memory | result |",
        "|---|---|---:|---:|---|",
    ]
    for run in runs:
        result = ("ok" if run.ok else "failed") + (f": {run.note}" if run.note else "")
        lines.append(
            f"| {run.label} | {run.step} | {run.wall:.1f} s | {run.peak_mb:,.0f} MB ".replace(
                ",", " "
            )
            + f"| {result.replace('|', '/')} |"
        )
    lines += ["", *NOTES]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
