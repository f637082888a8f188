"""Where ``personae report``'s time goes, without ``--profile``: the pipeline's steps timed
one by one, the engine's calls summed per family of numbers, each model step timed.

It replays what ``personae.pipeline.compute_dossier`` and ``write_outputs`` do (imports,
questionnaire and settings, load and validate, the MRR grid and accounts table, the metric
families, the models, the answers, the rendering), wrapping ``Context.run / record /
materialize`` and the model steps with timers. Lines "<phase>  <seconds> s" on stderr, the
format bench_peer.py reads; the per-family engine time is the SQL compilation (Ibis,
sqlglot) plus the query, and is part of the phase that asked for it.

    uv run python benchmarks/report_phases.py DATA_DIR OUT_DIR
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

_T0 = time.perf_counter()


def main(data: Path, out: Path) -> None:
    from personae.dossier.kinds import money_in
    from personae.dossier.model import Dossier
    from personae.dossier.questionnaire import load_questionnaire
    from personae.fill import answers_from_metrics
    from personae.metrics import MetricsSession
    from personae.metrics.context import Context
    from personae.models import run as models_run
    from personae.pipeline import write_outputs
    from personae.render.accounts import account_rows
    from personae.settings import load_settings
    from personae.sources import load

    phases: list[tuple[str, float]] = []
    clock = [time.perf_counter()]
    phases.append(("imports (pipeline, sources, metrics, models, render)", clock[0] - _T0))

    def mark(name: str) -> None:
        now = time.perf_counter()
        phases.append((name, now - clock[0]))
        clock[0] = now

    family_time: dict[str, float] = defaultdict(float)
    family_calls: dict[str, int] = defaultdict(int)

    def timed(method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, family: str, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(self, family, *args, **kwargs)
            finally:
                family_time[family] += time.perf_counter() - start
                family_calls[family] += 1

        return wrapper

    # run and materialize compile the SQL (record) and execute it: both are counted
    Context.run = timed(Context.run)  # type: ignore[method-assign]
    Context.materialize = timed(Context.materialize)  # type: ignore[method-assign]
    step_time: dict[str, float] = {}

    def timed_step(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return step(*args, **kwargs)
            finally:
                step_time[name] = time.perf_counter() - start

        return wrapper

    models_run.STEPS = [(n, timed_step(n, s)) for n, s in models_run.STEPS]  # type: ignore[assignment]

    q = load_questionnaire(None)
    settings = load_settings(None)
    mark("questionnaire and settings")
    ds = load(data)
    mark("load and validate the inputs")
    session = MetricsSession(ds.con, ds.tables, settings)
    mark("calendar, MRR grid, accounts table")
    metrics = session.compute()
    mark("metric families")
    models = models_run.compute_models(session, metrics)
    mark("models")
    metrics["provenance"] = session.ctx.provenance_map()
    accounts = account_rows(session.account_base(), models.accounts)
    session.close()
    ds.con.disconnect()
    mark("accounts.csv rows")
    with money_in(settings.currency):
        filled = answers_from_metrics(q, {**metrics, "models": models.summaries})
    dossier = Dossier.assemble(
        q,
        manual={},
        computed=filled.answers,
        metrics=metrics,
        models=models.summaries,
        accounts=accounts,
        missing=filled.missing,
        warnings=list(ds.warnings),
        as_of=filled.as_of,
        company=settings.company_name or None,
    )
    mark("answers and dossier")
    write_outputs(dossier, out)
    mark("render and write (dossier.md, dossier.json, report.html, accounts.csv)")
    total = time.perf_counter() - _T0

    err = sys.stderr
    for name, seconds in phases:
        print(f"{name}  {seconds:.3f} s", file=err)
    print(f"total in process  {total:.3f} s", file=err)
    for family in sorted(family_time, key=lambda f: -family_time[f]):
        print(
            f"engine: {family} ({family_calls[family]} call"
            f"{'s' if family_calls[family] > 1 else ''})  {family_time[family]:.3f} s",
            file=err,
        )
    for name, seconds in sorted(step_time.items(), key=lambda kv: -kv[1]):
        print(f"model: {name}  {seconds:.3f} s", file=err)
    print(f"{dossier.answered}/{dossier.total} answered")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
