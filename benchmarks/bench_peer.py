"""Time ``personae report`` beside the pandas script of the same core numbers and the floor.

For each company size (demo Quickfund with that many customers, CSV, seed 0; generated once
into benchmarks/out/peer/ and kept): in fresh processes, round after round so that they
share the machine's state, (a) the floor — DuckDB reading every column of every input file
once (bench_report's), (b) the peer — benchmarks/peer_pandas.py, the pandas script an
analyst would write for the core numbers, and (c) ``personae report`` end to end (CLI,
load and validate, every metric and model, dossier.md, dossier.json, report.html,
accounts.csv): with nothing kept from earlier runs, with the SQL they compiled, and again
with their numbers (:data:`STEPS`). Best of N rounds (the machine is shared). The peer's numbers are checked
against the dossier.json personae wrote, so both did the same work. When ``personae report``
has ``--profile`` (per-phase wall times on stderr), the best run's phases are shown.

    uv run python benchmarks/bench_peer.py                  # 300 and 30 000 customers
    uv run python benchmarks/bench_peer.py --customers 300 --repeat 5 --record

An older commit without ``--profile`` is still timed, without the phases.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from _common import HERE, Run, child, machine, record_section
from _compare import disagreements
from bench_report import FLOOR

PEER = HERE / "peer_pandas.py"

GENERATE = """
import sys
from pathlib import Path
from personae.demo import generate
generate(Path(sys.argv[1]), size="S", seed=0, customers=int(sys.argv[2]), file_format="csv")
"""

RUN_SCRIPT = """
import runpy, sys
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""

# the console script `personae` is exactly this (pyproject: personae = "personae.cli:main")
PERSONAE = """
import sys
from personae.cli import main
sys.argv = ["personae", *sys.argv[1:]]
main()
"""

STEPS = (
    "floor: DuckDB scan",
    "peer: pandas",
    "personae report",
    "personae report, SQL kept",
    "personae report, rerun",
)
"""``personae report``: nothing kept from earlier runs (the cache is off), as on a first run.
``SQL kept``: the numbers computed, the SQL compiled by the earlier runs taken
(personae.sqlcache), as when the data was exported again the same month. ``rerun``: the same
command again, its numbers reused from the previous run (personae.cache), as after an edit of
answers.yaml."""

SAME_FILES = ("dossier.md", "dossier.json", "accounts.csv")


def has_profile() -> bool:
    """Whether this personae's ``report`` takes ``--profile``."""
    done = subprocess.run(
        [sys.executable, "-c", PERSONAE, "report", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )
    return "--profile" in done.stdout


def compile_own_modules() -> bool:
    """Compile personae's own modules to bytecode, as a user's first run leaves them.

    uv compiles the libraries it installs, not the project's own source (installed as
    editable), and Python writes that bytecode on the first run unless
    PYTHONDONTWRITEBYTECODE is set, as on the machines these figures come from: there
    every run would compile personae's 120-odd modules again (0.15-0.3 s of CPU)."""
    import compileall

    import personae

    return bool(compileall.compile_dir(Path(personae.__file__).parent, quiet=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", nargs="*", type=int, default=[300, 30_000])
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best is kept")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "peer")
    parser.add_argument("--record", action="store_true", help="write benchmarks/RESULTS.md")
    parser.add_argument(
        "--peer-engine",
        choices=["c", "pyarrow"],
        default="c",
        help="pd.read_csv's engine in the peer (c, pandas' default; pyarrow is faster)",
    )
    args = parser.parse_args()
    compiled = compile_own_modules()
    print(f"personae's own modules compiled to bytecode: {compiled}", flush=True)
    profile = has_profile()
    print(f"personae report --profile: {'yes' if profile else 'not on this commit'}", flush=True)
    sizes = []
    for n in args.customers:
        folder = args.out / str(n)
        data = folder / "data"
        if not (data / "truth.json").exists():
            gen = child("generate", GENERATE, str(folder), str(n))
            if not gen.ok:
                raise SystemExit(f"generating {n} customers failed: {gen.stderr[-2000:]}")
        sizes.append(measure(n, data, folder / "report", args.repeat, profile, args.peer_engine))
    if args.record:
        text = table(sizes, args.repeat, profile, args.peer_engine)
        print(f"wrote {record_section('peer', text)}")


class Size:
    """The runs of one company size, and what they say."""

    def __init__(self, customers: int, data: Path) -> None:
        self.customers = customers
        self.data = data
        self.runs: dict[str, list[Run]] = {step: [] for step in STEPS}
        self.check = ""
        self.rerun_check = ""
        self.sql_check = ""
        self.phases: list[tuple[str, str]] = []
        self.rows = _rows(data)

    def best(self, step: str) -> Run | None:
        ok = [r for r in self.runs[step] if r.ok]
        return min(ok, key=lambda r: r.wall) if ok else None


def _rows(data: Path) -> dict[str, int]:
    """Lines of the CSV files the peer reads (header excluded)."""
    out = {}
    for name in ("accounts", "revenue", "activity"):
        with (data / f"{name}.csv").open("rb") as f:
            out[name] = sum(1 for _ in f) - 1
    return out


def measure(n: int, data: Path, out: Path, repeat: int, profile: bool, engine: str) -> Size:
    size = Size(n, data)
    report_args = ["report", "--data", str(data), "--out", str(out)]
    if profile:
        report_args.append("--profile")
    sql_out = out.with_name(out.name + "-sql-kept")
    sql_args = ["report", "--data", str(data), "--out", str(sql_out)]
    rerun_out = out.with_name(out.name + "-rerun")
    rerun_args = ["report", "--data", str(data), "--out", str(rerun_out)]
    cached = {"PERSONAE_NO_CACHE": "0", "PERSONAE_CACHE_DIR": str(out.parent / "cache")}
    sql_dir = out.parent / "cache-sql"
    sql_kept = {"PERSONAE_NO_CACHE": "0", "PERSONAE_CACHE_DIR": str(sql_dir)}
    for env in (cached, sql_kept):  # computes, keeps the numbers and the SQL
        primed = child("prime", PERSONAE, *rerun_args, env=env)
        if not primed.ok:
            raise SystemExit(f"personae report failed on {n} customers: {primed.stderr[-2000:]}")
    envs = {STEPS[3]: sql_kept, STEPS[4]: cached}
    for i in range(1, repeat + 1):
        for step, code, argv in (
            (STEPS[0], FLOOR, [str(data)]),
            (STEPS[1], RUN_SCRIPT, [str(PEER), str(data), "--engine", engine]),
            (STEPS[2], PERSONAE, report_args),
            (STEPS[3], PERSONAE, sql_args),
            (STEPS[4], PERSONAE, rerun_args),
        ):
            if step == STEPS[3]:
                for numbers in sql_dir.glob("*.pickle"):  # as if the data had changed
                    numbers.unlink()
            run = child(step, code, *argv, env=envs.get(step))
            run.label = _n(n)
            if step == STEPS[1] and run.ok:
                run.note = ""
            elif step in STEPS[2:] and run.ok:
                run.note = next(
                    (
                        "answered" + line.split("answered", 1)[1].rstrip()
                        for line in run.stdout.splitlines()
                        if "answered" in line
                    ),
                    run.note,
                )
            size.runs[step].append(run)
            print(
                f"{run.label:>7} #{i} {step:<26} {run.wall:7.2f} s (CPU {run.cpu:6.2f} s) "
                f"{run.peak_mb:7.0f} MB  "
                f"{'ok' if run.ok else 'FAILED'} {run.note if run.ok else run.stderr[-600:]}",
                flush=True,
            )
    peer, report = size.best(STEPS[1]), size.best(STEPS[2])
    if peer and report:
        size.check = check(peer, out / "dossier.json")
        print(f"{_n(size.customers):>7} numbers: {size.check}", flush=True)
        if profile:
            size.phases = phases(report.stderr)
    rerun = size.best(STEPS[4])
    if rerun and "reused" not in rerun.stderr:
        size.rerun_check = "the rerun did NOT reuse the numbers"
    elif rerun:
        size.rerun_check = same_files(out, rerun_out)
    if size.best(STEPS[3]):
        size.sql_check = same_files(out, sql_out)
    print(f"{_n(size.customers):>7} SQL kept: {size.sql_check}", flush=True)
    print(f"{_n(size.customers):>7} rerun: {size.rerun_check}", flush=True)
    return size


def same_files(out: Path, other: Path) -> str:
    """Whether ``other`` holds the files the computing run wrote in ``out``, byte for byte."""
    differ = [f for f in SAME_FILES if (out / f).read_bytes() != (other / f).read_bytes()]
    if differ:
        return f"{', '.join(differ)} differ from the computing run's"
    return f"{', '.join(SAME_FILES)} byte-identical to the computing run's"


def check(peer: Run, dossier: Path) -> str:
    """The peer's numbers against dossier.json's, both rounded to its 6 decimals."""
    ours = json.loads(dossier.read_text(encoding="utf-8"))["metrics"]
    theirs = json.loads(peer.stdout, parse_float=lambda v: round(float(v), 6))
    try:
        n, wrong = disagreements(theirs, ours)
    except ValueError as exc:
        return f"NOT the same numbers: {exc}"
    if wrong:
        return f"{len(wrong)} of {n} numbers differ, first: {wrong[0]}"
    return f"the same {n} numbers"


_PHASE = re.compile(r"^\s+(?P<value>\d+\.\d+) s\s+(?:[\d.]+ %)?\s+(?P<name>\S.*?)\s*$")


def phases(stderr: str) -> list[tuple[str, str]]:
    """(phase, seconds) from the lines ``personae.profiling.print_times`` writes
    ("  1.234 s  12.3 %  phase  (N calls)"); any other line is ignored."""
    out = []
    for line in stderr.splitlines():
        m = _PHASE.match(line)
        if m:
            out.append((m["name"], f"{float(m['value']):.2f} s"))
    return out


def _commit() -> str:
    """The commit measured: HEAD, and the last one that changed src/."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=HERE.parent)
        return done.stdout.strip() or "?"

    head, src = git("rev-parse", "--short", "HEAD"), git("log", "-1", "--format=%h", "--", "src")
    dirty = " (src/ modified)" if git("status", "--porcelain", "--", "src") != "?" else ""
    return f"Commit {head}, src/ as of {src}{dirty}"


def _n(x: int) -> str:
    return f"{x:,}".replace(",", " ")


def table(sizes: list[Size], repeat: int, profile: bool, engine: str = "c") -> str:
    lines = [
        "## The everyday run and the middle: personae beside a pandas script",
        "",
        "`make bench-peer` (`uv run python benchmarks/bench_peer.py --record`). Demo",
        f"Quickfund (seed 0, CSV) with {' and '.join(_n(s.customers) for s in sizes)} customers. "
        "Each step in its own process,",
        f"the steps in turn, {repeat} rounds; the best wall time of each is kept, with its CPU",
        "time (user + system of the process) and peak memory beside it: the machine is",
        "shared, and CPU time moves less than wall time when other jobs run. The floor is",
        "DuckDB alone reading every column of every input file once; the peer is",
        "benchmarks/peer_pandas.py, the pandas script of the core numbers (MRR, ARR, clients,",
        "active clients, revenue over 12 months and growth by segment, top-10 share, logo",
        "churn monthly and annual, NRR, GRR, upsell, ARPU, ARPA, LTV v1, MRR movements by",
        "month, top 10 clients), reading accounts.csv, revenue.csv and activity.csv with",
        f"`pd.read_csv` (engine {engine}); `personae report` is the command end to end (every "
        "input table read",
        "and validated, every metric and model, the four files written).",
        "",
        f"Machine: {machine()}. {_commit()}. Measured {date.today().isoformat()}"
        f"{'; PYTHONDONTWRITEBYTECODE set' if os.environ.get('PYTHONDONTWRITEBYTECODE') else ''}"
        " (personae's own modules compiled to bytecode first, as a first run leaves them)"
        f"; load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| customers | revenue lines | events | step | wall time, best (all rounds) "
        "| CPU time | peak memory | personae × (wall) | personae × (CPU) | result |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for s in sizes:
        floor, peer = s.best(STEPS[0]), s.best(STEPS[1])
        for step in STEPS:
            best = s.best(step)
            run = best or s.runs[step][-1]
            times = " / ".join(f"{r.wall:.2f}" for r in s.runs[step])
            wall_x = cpu_x = ""
            if step in STEPS[2:] and best:
                wall_x = ", ".join(
                    f"{best.wall / other.wall:.2f} × {name}"
                    for name, other in (("peer", peer), ("floor", floor))
                    if other
                )
                cpu_x = ", ".join(
                    f"{best.cpu / other.cpu:.2f} × {name}"
                    for name, other in (("peer", peer), ("floor", floor))
                    if other and other.cpu > 0
                )
            result = ("ok" + (f": {run.note}" if run.note else "")) if run.ok else "failed"
            lines.append(
                f"| {_n(s.customers)} | {_n(s.rows['revenue'])} | {_n(s.rows['activity'])} "
                f"| {step} | {run.wall:.2f} s ({times}) | {run.cpu:.2f} s "
                f"| {_n(round(run.peak_mb))} MB | {wall_x} | {cpu_x} | {result.replace('|', '/')} |"
            )
    lines += ["", "Same work: the peer's numbers against the dossier.json personae wrote:", ""]
    lines += [f"- {_n(s.customers)} customers: {s.check or 'not checked'}" for s in sizes]
    lines += [
        "",
        "SQL kept (the numbers computed, the SQL compiled by earlier runs taken, as when the",
        "data was exported again the same month):",
        "",
    ]
    lines += [f"- {_n(s.customers)} customers: {s.sql_check or 'not run'}" for s in sizes]
    lines += [
        "",
        "The rerun (numbers reused from the previous run, as after editing answers.yaml):",
        "",
    ]
    lines += [f"- {_n(s.customers)} customers: {s.rerun_check or 'not run'}" for s in sizes]
    lines += [
        "",
        "The peer is what a user would otherwise run for the core numbers, not all of",
        "personae's work: it reads three files (of activity.csv, two columns) and checks",
        "nothing, where `personae report` reads and validates every table (deals, contacts,",
        "touchpoints, notes…), computes the other sections and the models, and renders",
        "the dossier. tests/benchmarks/test_peer.py checks, on a 60-customer company, that",
        "every number the peer prints equals personae's to 1e-9 relative.",
    ]
    lines += ["", "### Where the time goes", ""]
    if not profile:
        lines.append("`personae report` has no `--profile` on this commit.")
    for s in sizes:
        if s.phases:
            lines += [f"`personae report --profile`, {_n(s.customers)} customers (best run):", ""]
            lines += ["| phase | wall time |", "|---|---:|"]
            lines += [f"| {name} | {value} |" for name, value in s.phases]
            lines.append("")
        elif profile:
            lines.append(f"- {_n(s.customers)} customers: `--profile` printed no phase")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
