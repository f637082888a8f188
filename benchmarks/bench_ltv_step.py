"""Time the ``ltv`` model step (sBG per segment and plan period, BG/NBD + Gamma-Gamma,
per-account values) on a demo company, in an open metrics session.

The demo is generated once (not timed), loaded, the metrics computed (not timed), then
the step runs ``--repeat`` times; the best wall and CPU times are printed with the rows
the engine returned.

    uv run python benchmarks/bench_ltv_step.py --size M
    OPENBLAS_NUM_THREADS=1 uv run python benchmarks/bench_ltv_step.py --size M
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from personae.demo import generate
from personae.metrics import MetricsSession
from personae.models.ltv import ltv
from personae.settings import Settings
from personae.sources import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, help="an already generated demo folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data or generate(Path(tmp), size=args.size, seed=0)
        ds = load(folder)
        try:
            with MetricsSession(ds.con, ds.tables, Settings()) as session:
                metrics = session.compute()
                walls, cpus = [], []
                out = None
                for _ in range(args.repeat):
                    start, cpu = time.perf_counter(), time.process_time()
                    out = ltv(session, metrics, {})
                    walls.append(time.perf_counter() - start)
                    cpus.append(time.process_time() - cpu)
        finally:
            ds.con.disconnect()
    assert out is not None
    methods = ", ".join(f"{s['name']} {s['method']}" for s in out.summary["by_segment"])
    accounts = sum(s["accounts"] for s in out.summary["by_segment"])
    print(
        f"ltv step, demo {args.size}: {min(walls):.2f} s wall, {min(cpus):.2f} s CPU "
        f"(best of {args.repeat}); {accounts} subscription lives; {methods}; "
        f"{len(out.accounts) if out.accounts is not None else 0} accounts valued"
    )


if __name__ == "__main__":
    main()
