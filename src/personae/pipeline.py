"""The report pipeline: load → compute → answers → dossier → write (DESIGN §8).

This is the one place that opens and closes the engine. :func:`compute_dossier` checks every
input first (template, settings, answers), then loads the data, computes the metrics and
turns them into answers; :func:`write_outputs` writes the files atomically;
:func:`run_report` does both, as ``personae report`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from personae.dossier.answers import Answer, load_answers
from personae.dossier.model import Dossier
from personae.dossier.questionnaire import load_questionnaire
from personae.outputs import write_files
from personae.settings import load_settings


@dataclass(frozen=True)
class Report:
    dossier: Dossier
    files: dict[str, Path]


def compute_dossier(
    *,
    answers: Path | None = None,
    data: str | Path | None = None,
    config: Path | None = None,
    as_of: date | None = None,
    template: Path | None = None,
    today: date | None = None,
) -> Dossier:
    """Everything but the writing: validate every input first, then compute."""
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
            generated=today,
        )

    from personae.metrics import MetricsSession
    from personae.models.run import compute_models
    from personae.render.accounts import account_rows
    from personae.sources import load

    ds = load(data, as_of=settings.as_of)
    try:
        with MetricsSession(ds.con, ds.tables, settings) as session:
            metrics = session.compute()
            models = compute_models(session, metrics)
            metrics["provenance"] = session.ctx.provenance_map()  # with the models' SQL
            accounts = account_rows(session.account_base(), models.accounts)
    finally:
        ds.con.disconnect()
    filled = answers_from_metrics(q, {**metrics, "models": models.summaries})
    return Dossier.assemble(
        q,
        manual=manual,
        computed=filled.answers,
        metrics=metrics,
        models=models.summaries,
        accounts=accounts,
        missing=filled.missing,
        warnings=list(ds.warnings),
        as_of=filled.as_of,
        generated=today,
    )


def write_outputs(dossier: Dossier, out: Path) -> dict[str, Path]:
    """Write dossier.md, dossier.json (and accounts.csv with data) into ``out``, atomically."""
    from personae.render import render_json, render_markdown
    from personae.render.accounts import render_accounts_csv

    files = {"dossier.md": render_markdown(dossier), "dossier.json": render_json(dossier)}
    if dossier.accounts is not None:
        files["accounts.csv"] = render_accounts_csv(dossier.accounts)
    return write_files(out, files)


def run_report(
    out: Path = Path("personae-out"),
    *,
    answers: Path | None = None,
    data: str | Path | None = None,
    config: Path | None = None,
    as_of: date | None = None,
    template: Path | None = None,
) -> Report:
    """Check every input, compute, then write dossier.md and dossier.json into ``out``."""
    dossier = compute_dossier(
        answers=answers, data=data, config=config, as_of=as_of, template=template
    )
    return Report(dossier, write_outputs(dossier, out))
