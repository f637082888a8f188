"""``personae report``: template + data + answers -> dossier.md and dossier.json."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from personae.answers import Answer, load_answers
from personae.dossier import Dossier, build_dossier
from personae.errors import Problem
from personae.fill import answers_from_data, missing_without_data
from personae.outputs import write_files
from personae.questionnaire import Questionnaire, load_questionnaire
from personae.settings import Settings, load_settings


@dataclass
class Report:
    dossier: Dossier
    files: dict[str, Path]


def make_dossier(
    *,
    answers: Path | None = None,
    data: str | Path | None = None,
    config: Path | None = None,
    as_of: date | None = None,
    template: Path | None = None,
    today: date | None = None,
) -> Dossier:
    """Everything but the writing: validate every input first, then compute."""
    q: Questionnaire = load_questionnaire(template)
    settings: Settings = load_settings(config, as_of=as_of)
    manual: dict[str, Answer] = load_answers(answers, q) if answers is not None else {}
    computed: dict[str, Answer] = {}
    metrics = None
    warnings: list[Problem] = []
    if data is None:
        missing = missing_without_data(q)
    else:
        filled = answers_from_data(q, data, settings)
        computed, metrics, missing = filled.answers, filled.metrics, filled.missing
        as_of, warnings = filled.as_of, filled.warnings
    return build_dossier(
        q,
        manual=manual,
        computed=computed,
        metrics=metrics,
        missing=missing,
        warnings=warnings,
        as_of=as_of or settings.as_of,
        generated=today,
    )


def write_report(dossier: Dossier, out: Path) -> dict[str, Path]:
    return write_files(out, {"dossier.md": dossier.markdown(), "dossier.json": dossier.json_text()})


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
    dossier = make_dossier(
        answers=answers, data=data, config=config, as_of=as_of, template=template
    )
    return Report(dossier, write_report(dossier, out))
