"""The ``personae`` command line: a thin shell over the library (DESIGN §7).

Exit codes: 0 success, 2 bad input (every problem named), 1 unexpected failure.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from personae.errors import InputError, PersonaeError

_STARTED = time.perf_counter()  # --profile's total: from here to the end of the command

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="personae: the 'Segments Clients & Personas' dossier, computed from your data.",
)
out_console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def _handled(func: F) -> F:
    """Turn the library's own errors into a clean message and exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            err_console.print(
                f"[bold red]Error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(exc.exit_code) from None
        except PersonaeError as exc:
            err_console.print(
                f"[bold red]Failed:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def _in_workspace(
    answers: Path | None, config: Path | None, data: str | None, *, db: str | None = None
) -> tuple[Path | None, Path | None, str | None]:
    """The workspace's answers.yaml, personae.toml and data/ for the options not given, when
    run inside a workspace (found as git finds its repository); says which it used."""
    from personae.dossier.workspace import find_workspace

    ws = find_workspace()
    if ws is None:
        return answers, config, data
    used: list[Path] = []
    if config is None:
        config = ws.config
        used.append(ws.config)
    if answers is None and ws.answers is not None:
        answers = ws.answers
        used.append(ws.answers)
    if data is None and db is None and ws.data is not None:
        data = str(ws.data)
        used.append(ws.data)
    if used:
        err_console.print(
            f"{ws.describe(used)} (options --config, --answers, --data choose others)",
            highlight=False,
            soft_wrap=True,
        )
    return answers, config, data


AnswersOpt = Annotated[
    Path | None, typer.Option("--answers", help="answers.yaml with the manual answers.")
]
DataOpt = Annotated[
    str | None,
    typer.Option("--data", help="Folder of CSV/Parquet tables, a .duckdb file."),
]
DbOpt = Annotated[
    str | None, typer.Option("--db", help="Database URL holding the tables (postgres://…).")
]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="personae.toml settings file.")]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Compute every number again, even if the data and settings are those of the last "
        "run (PERSONAE_NO_CACHE=1 does the same).",
    ),
]
PdfOpt = Annotated[
    bool,
    typer.Option("--pdf", help="Also print report.html to report.pdf (needs Chromium)."),
]
ProfileOpt = Annotated[
    bool,
    typer.Option(
        "--profile",
        help="Print where the time goes (load, each metric family, each model step, render) "
        "to stderr; also PERSONAE_PROFILE=1.",
    ),
]
TemplateOpt = Annotated[
    Path | None, typer.Option("--template", help="Another template (default: Quickfund's).")
]


@app.command()
@_handled
def init(
    directory: Annotated[Path, typer.Argument(help="Folder of the new workspace.")],
    company: Annotated[
        str | None,
        typer.Option("--company", help="The company's name (default: the folder's name)."),
    ] = None,
) -> None:
    """Create a workspace: personae.toml, answers.yaml and data/README.md."""
    from personae.dossier.questionnaire import load_questionnaire
    from personae.dossier.workspace import init_workspace

    for path in init_workspace(directory, load_questionnaire(), company):
        out_console.print(f"wrote {path}")
    out_console.print(
        f"Next: put your tables in {directory / 'data'}, fill in "
        f"{directory / 'answers.yaml'}, then run `personae report` (or `status`, `serve`) "
        f"inside {directory}: they find personae.toml, answers.yaml and data/ themselves."
    )


@app.command()
@_handled
def report(
    data: DataOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    answers: AnswersOpt = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("personae-out"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="As-of date YYYY-MM-DD.")] = None,
    template: TemplateOpt = None,
    pdf: PdfOpt = False,
    profile: ProfileOpt = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Write dossier.md, dossier.json and report.html (--pdf: report.pdf) into the output folder."""
    from personae import profiling

    if profile:
        profiling.enable()
    if data and db:
        raise typer.BadParameter("give --data or --db, not both")
    answers, config, data = _in_workspace(answers, config, data, db=db)
    try:
        with profiling.phase("imports (pipeline)"):
            from personae.pipeline import run_report

        result = run_report(
            out=out,
            answers=answers,
            data=data or db,
            config=config,
            as_of=_as_of(as_of),
            template=template,
            pdf=pdf,
            cache=not no_cache,
        )
    finally:
        if profiling.enabled():
            profiling.print_times(sys.stderr, time.perf_counter() - _STARTED)
        if profile:
            profiling.enable(False)
    _print_result(result)


def _print_result(result: Any) -> None:
    d = result.dossier
    if d.reused:
        err_console.print(
            f"Numbers computed on {d.reused} from the same data and settings, reused "
            "(--no-cache computes them again)",
            highlight=False,
            soft_wrap=True,
        )
    _print_problems("Warnings about the data", d.warnings, "yellow")
    _print_problems("Warnings", list(result.warnings), "yellow")
    out_console.print(f"{d.status} — answered: {d.answered}/{d.total}")
    for path in result.files.values():
        out_console.print(f"wrote {path}")


@app.command()
@_handled
def status(
    answers: AnswersOpt = None,
    data: DataOpt = None,
    config: ConfigOpt = None,
    template: TemplateOpt = None,
) -> None:
    """Progress per section, and what each unanswered question is missing."""
    from rich.progress import BarColumn, Progress, TextColumn
    from rich.table import Table

    from personae.dossier.status import progress_by_section
    from personae.pipeline import compute_dossier

    answers, config, data = _in_workspace(answers, config, data)
    d = compute_dossier(answers=answers, data=data, config=config, template=template)
    table = Table(title=f"{d.questionnaire.title} — {d.status}")
    table.add_column("Section")
    table.add_column("Progression")
    table.add_column("Répondues", justify="right")
    sections = progress_by_section(d)
    for sec in sections:
        bar = Progress(BarColumn(bar_width=20), TextColumn("{task.percentage:>3.0f} %"))
        bar.add_task("", total=sec.total, completed=sec.answered)
        table.add_row(
            f"{sec.id}. {sec.title}", bar.make_tasks_table(bar.tasks), f"{sec.answered}/{sec.total}"
        )
    out_console.print(table)
    out_console.print(f"Répondues : {d.answered}/{d.total}")
    todo = [item for sec in sections for item in sec.unanswered]
    if todo:
        out_console.print("\n[bold]À compléter[/]")
        for qid, text, why in todo:
            out_console.print(f"  {qid:>5}  {text}  [dim]— manque : {why}[/]", highlight=False)


def _print_problems(title: str, problems: list[Any], style: str) -> None:
    if not problems:
        return
    err_console.print(f"[bold {style}]{title} ({len(problems)})[/]")
    for p in problems:
        err_console.print(f"  - {p}", highlight=False, markup=False, soft_wrap=True)


@app.command()
@_handled
def validate(
    data: Annotated[
        str,
        typer.Option(
            "--data", help="Folder of CSV/Parquet tables, a .duckdb file or a database URL."
        ),
    ],
    as_of: Annotated[str | None, typer.Option("--as-of", help="As-of date YYYY-MM-DD.")] = None,
) -> None:
    """Check the input tables and list every problem (exit 2 on errors)."""
    from rich.table import Table

    from personae.sources import validate as validate_source

    result = validate_source(data, as_of=_as_of(as_of))
    table = Table(title=f"Tables in {data}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in result.tables.items():
        table.add_row(name, f"{rows:,}".replace(",", "\u202f"))
    out_console.print(table)
    _print_problems("Errors", result.errors, "red")
    _print_problems("Warnings", result.warnings, "yellow")
    if not result.ok:
        err_console.print("Fix these errors, then run `personae validate` again.")
        raise typer.Exit(2)
    out_console.print("[green]The data is valid.[/]")


#: The importers' sources, for the help text (the importers load on use; a test keeps this
#: in step with ``personae.importers.SOURCES``).
SOURCE_NAMES = "hubspot|stripe|pipedrive|salesforce|sirene"


@app.command("import")
@_handled
def import_(
    source: Annotated[str, typer.Argument(help="The source system: " + SOURCE_NAMES + ".")],
    files: Annotated[
        list[Path],
        typer.Argument(
            help="The export files (CSV; sirene: StockUniteLegale CSV, zip or Parquet)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the canonical tables.")],
    config: ConfigOpt = None,
) -> None:
    """Turn a CRM's or a billing system's exports, or INSEE's SIRENE stock, into tables."""
    from personae.importers import SOURCES, run_import
    from personae.settings import load_settings

    if source not in SOURCES:
        raise typer.BadParameter(f"unknown source {source!r}; choose {', '.join(SOURCES)}")
    result = run_import(source, files, out, load_settings(config) if config else None)
    for name, path in result.tables.items():
        out_console.print(f"{name}: {path}")
    if result.currency:
        out_console.print(f"amounts in {result.currency} (recorded in {out / '_meta.json'})")
    _print_problems("Warnings", result.warnings, "yellow")
    _print_problems(
        "How the files were read", [p for p in result.problems if p.severity == "info"], "blue"
    )


@app.command()
@_handled
def demo(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("personae-demo"),
    size: Annotated[str, typer.Option("--size", help="S, M or L.")] = "S",
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    pdf: PdfOpt = False,
) -> None:
    """Generate the demo company (Quickfund) and write its dossier."""
    from rich.progress import Progress

    from personae.demo.run import run_demo

    with Progress(console=err_console, transient=False) as progress:
        tasks: dict[str, Any] = {}

        def report_progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        result = run_demo(out, size=size.upper(), seed=seed, progress=report_progress, pdf=pdf)
    _print_result(result)


@app.command()
@_handled
def serve(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="answers.yaml to show and to fill in (default: the workspace's, or ./answers.yaml).",
        ),
    ] = None,
    data: DataOpt = None,
    config: ConfigOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Output folder of « Générer le dossier » (default: out/ beside answers.yaml).",
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8765,
) -> None:
    """A local web page to follow the dossier and answer it (127.0.0.1 only)."""
    import uvicorn

    from personae.web import create_app

    answers, config, data = _in_workspace(answers, config, data)
    answers = answers or Path("answers.yaml")
    if not answers.is_file():
        raise typer.BadParameter(
            f"{answers} not found; create it with `personae init DIR`", param_hint="--answers"
        )
    if data:
        err_console.print("Computing the numbers once…")
    web = create_app(answers, data=data, config=config, out=out, port=port)
    out_console.print(f"personae serve: http://127.0.0.1:{port}/  (Ctrl+C to stop)")
    uvicorn.run(web, host="127.0.0.1", port=port, log_level="warning")


#: Allocations between two collections of the youngest generation (Python's default: 700).
YOUNG_COLLECTION = 10_000


def main() -> None:
    """The ``personae`` command; it ends without tearing the interpreter down.

    Once the files are written and the streams flushed, Python's own exit would still free
    every module and object the report loaded — 0.5 to 1 s after an import of pandas, Ibis
    and scikit-learn, for nothing. As Instagram does for its servers, the command runs the
    exit handlers (atexit: temporary folders, logging), flushes stdout and stderr and ends
    the process itself, unless another thread is still running.

    The garbage collector looks at new objects every :data:`YOUNG_COLLECTION` allocations:
    a report makes millions of short-lived objects (Ibis expressions, rows) and few cycles,
    and at Python's default the collections cost a 300-customer report 0.1 s (0.06 s so).
    """
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
    try:
        app(prog_name="personae")
        code: int | str | None = 0
    except SystemExit as stop:
        code = stop.code
    _leave(code)


def _leave(code: int | str | None) -> NoReturn:
    if threading.active_count() > 1:
        sys.exit(code)
    if not isinstance(code, int):  # sys.exit's rules: None is 0, text is printed and 1
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
