"""The report pipeline: load → compute → answers → dossier → write (DESIGN §8).

This is the one place that opens and closes the engine. :func:`compute_dossier` checks every
input first (template, settings, answers), then loads the data, computes the metrics and
turns them into answers; :func:`write_outputs` writes the files atomically;
:func:`run_report` does both, as ``personae report`` does.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from personae import cache as _cache
from personae import profiling, sqlcache
from personae.dossier.answers import Answer, load_answers
from personae.dossier.kinds import money_in
from personae.dossier.model import Dossier
from personae.dossier.questionnaire import load_questionnaire
from personae.errors import ConfigError, Problem, engine_errors
from personae.outputs import Content, check_out_dir, write_files
from personae.settings import Settings, load_settings

if TYPE_CHECKING:
    import pandas as pd

    from personae.sources.validation import Source

DEFAULT_CURRENCY = "EUR"

OUTPUT_NAMES = ("dossier.md", "dossier.json", "report.html", "accounts.csv", "report.pdf")


@dataclass(frozen=True)
class Report:
    dossier: Dossier
    files: dict[str, Path]
    warnings: tuple[str, ...] = ()  # about the outputs (e.g. no Chromium to print the PDF)


def compute_dossier(
    *,
    answers: Path | None = None,
    data: Source | None = None,
    config: Path | None = None,
    as_of: date | None = None,
    template: Path | None = None,
    today: date | None = None,
    cache: bool = True,
) -> Dossier:
    """Everything but the writing: validate every input first, then compute.

    With ``cache``, the numbers computed from the same data and settings by an earlier run
    are read back instead (:mod:`personae.cache`; ``PERSONAE_NO_CACHE=1`` turns it off).
    """
    from personae.fill import answers_from_metrics, missing_without_data

    q = load_questionnaire(template)
    settings = load_settings(config, as_of=as_of)
    manual: dict[str, Answer] = load_answers(answers, q) if answers is not None else {}
    if data is None:
        return Dossier.assemble(
            q,
            manual=manual,
            missing=missing_without_data(q),
            as_of=settings.as_of,
            company=settings.company_name or None,
            generated=today,
        )

    key = None
    if cache and _cache.enabled():
        with profiling.phase("cache: fingerprint"):
            key = _cache.fingerprint(data, settings)
    computed = None
    if key is not None:
        with profiling.phase("cache: read the last run's numbers"):
            computed = _cache.recall(data, key)
    reused = computed.computed_at if computed is not None else None
    frame = None
    if computed is None:
        with sqlcache.remembering(cache):
            computed, frame = _compute(data, settings, config)
        if key is not None and frame is not None and _cache.keeps(computed.accounts):
            from personae.render.accounts import render_accounts_csv

            with profiling.phase("render: accounts.csv"):  # kept as written: no pandas to read
                computed = replace(computed, accounts_csv=render_accounts_csv(frame))
        if key is not None:
            with profiling.phase("cache: keep the numbers"):
                _cache.keep(data, key, computed)
    settings = _with_data_currency(settings, computed.currency, config)
    metrics = computed.metrics
    with money_in(settings.currency), profiling.phase("answers (fill)"):
        filled = answers_from_metrics(q, {**metrics, "models": computed.models})
    return Dossier.assemble(
        q,
        manual=manual,
        computed=filled.answers,
        metrics=metrics,
        models=computed.models,
        accounts=frame,
        accounts_csv=computed.accounts_csv,
        missing=filled.missing,
        warnings=list(computed.warnings),
        as_of=filled.as_of,
        company=settings.company_name or None,
        generated=today,
        reused=reused,
    )


def _compute(
    data: Source, settings: Settings, config: Path | None
) -> tuple[_cache.Computed, pd.DataFrame | None]:
    """Load and check the data, compute the metrics and models: everything the cache keeps,
    and the rows of accounts.csv."""
    with profiling.phase("imports (sources, metrics, models)"), _importing_once():
        with profiling.phase("imports: Ibis, DuckDB, Arrow (sources, metrics)"):
            from personae.metrics import MetricsSession
            from personae.sources import load
        with profiling.phase("imports: pandas, SciPy, scikit-learn (models)"):
            from personae.models.run import compute_models
            from personae.render.accounts import account_rows

    with engine_errors("reading the data"), profiling.phase("load+validate"):
        ds = load(data, as_of=settings.as_of)
    try:
        settings = _with_data_currency(settings, ds.currency, config)
        with (
            engine_errors("computing the metrics"),
            profiling.phase("metrics: calendar, MRR grid, accounts"),
        ):
            session = MetricsSession(ds.con, ds.tables, settings)
        with engine_errors("computing the metrics"), session:
            with profiling.phase("metrics"):
                metrics = session.compute()
            models = compute_models(session, metrics)
            metrics["provenance"] = session.ctx.provenance_map()  # the models' SQL too
            with profiling.phase("accounts.csv rows"):
                base = session.account_base()
    finally:
        with contextlib.suppress(Exception):  # never hide the error being raised
            ds.close()  # a connection the caller gave stays open (temporary tables dropped)
    # once the engine is closed, its memory freed (demo L: gigabytes of temporary tables)
    with profiling.phase("accounts.csv rows"):
        accounts = account_rows(base, models.accounts, compact=True)
    del base
    models.accounts.clear()
    kept = _cache.Computed(
        metrics,
        models.summaries,
        accounts_csv=None,  # written from the rows, once it is known whether it is kept
        warnings=list(ds.warnings),
        currency=ds.currency,
        computed_at=_cache.now(),
        accounts=len(accounts),
    )
    return kept, accounts


@contextlib.contextmanager
def _importing_once() -> Iterator[None]:
    """The engine's libraries imported without the garbage collector, then set apart from it.

    Importing pandas, Ibis and scikit-learn allocates a million objects that live as long as
    the process; Python's collector would walk them again at every full collection (0.5 s
    on a small company's report, a tenth of it). Imports make no garbage, so the collector
    is off while they run; then :func:`gc.freeze` moves what they left out of its reach (the
    first time only: a ``serve`` process never freezes a report's leftovers).
    """
    if "personae.models.run" in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _with_data_currency(settings: Settings, currency: str | None, config: Path | None) -> Settings:
    """The settings with the data's currency (``_meta.json``, written by the importers).

    The data's currency replaces the default (EUR); a ``currency`` set in personae.toml to
    another currency than the data's is refused: personae never converts amounts.
    """
    if currency is None or currency == settings.currency:
        return settings
    if settings.currency != DEFAULT_CURRENCY:
        file = str(config) if config else "personae.toml"
        raise ConfigError(
            f"{file}: currency {settings.currency} but the data is in {currency}",
            [
                Problem(
                    file,
                    f"the setting currency = {settings.currency!r} disagrees with the data, "
                    f"whose amounts are in {currency} (recorded by the import in _meta.json)",
                    hint=f'write currency = "{currency}", or import the data again in '
                    f"{settings.currency}",
                )
            ],
        )
    return replace(settings, currency=currency)


def write_outputs(dossier: Dossier, out: Path) -> dict[str, Path]:
    """Write dossier.md, dossier.json, report.html (and accounts.csv with data) into ``out``,
    atomically."""
    from personae.render import render_html, render_markdown
    from personae.render.json import dossier_document, dump_document

    files: dict[str, Content] = {}
    with profiling.phase("render: dossier.json"):
        document = dossier_document(dossier)
    with money_in((dossier.metrics or {}).get("currency")):
        with profiling.phase("render: dossier.md"):
            files["dossier.md"] = render_markdown(dossier)
        with profiling.phase("render: dossier.json"):
            files["dossier.json"] = dump_document(document)
        with profiling.phase("render: report.html (charts)"):
            files["report.html"] = render_html(document)
    if dossier.accounts_csv is not None:  # as an earlier run wrote it (the cache)
        files["accounts.csv"] = dossier.accounts_csv
    elif dossier.accounts is not None:  # formatted while it is written, a chunk at a time
        from personae.render.accounts import accounts_csv_chunks

        files["accounts.csv"] = accounts_csv_chunks(dossier.accounts)
    with profiling.phase("write files (accounts.csv formatted as written)"):
        return write_files(out, files)


def print_report(files: dict[str, Path]) -> tuple[dict[str, Path], tuple[str, ...]]:
    """Print ``report.html`` to ``report.pdf`` beside it; without Chromium, a warning instead."""
    from personae.render.pdf import NoChromiumError, print_pdf

    html = files["report.html"]
    try:
        pdf = print_pdf(html, html.with_name("report.pdf"))
    except NoChromiumError as exc:
        return files, (str(exc),)
    return {**files, "report.pdf": pdf}, ()


def run_report(
    out: Path = Path("personae-out"),
    *,
    answers: Path | None = None,
    data: str | Path | None = None,
    config: Path | None = None,
    as_of: date | None = None,
    template: Path | None = None,
    pdf: bool = False,
    cache: bool = True,
) -> Report:
    """Check every input, compute, then write the dossier's files into ``out`` (and
    ``report.pdf`` with ``pdf``, when Chromium is installed)."""
    check_out_dir(out, OUTPUT_NAMES)
    dossier = compute_dossier(
        answers=answers, data=data, config=config, as_of=as_of, template=template, cache=cache
    )
    files = write_outputs(dossier, out)
    if not pdf:
        return Report(dossier, files)
    files, notes = print_report(files)
    return Report(dossier, files, notes)
