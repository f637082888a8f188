"""personae: the « Segments Clients & Personas » dossier, computed from a company's data."""

import typing as _typing

from personae._lazy import attach as _attach

if _typing.TYPE_CHECKING:  # imported on first use (PEP 562): `personae init` needs no scikit-learn
    from personae.dossier import (
        Answer,
        Dossier,
        Questionnaire,
        load_answers,
        load_questionnaire,
        merge,
        parse_answers,
        parse_template,
        read_template,
        repair_text,
        skeleton,
    )
    from personae.errors import (
        AnswersError,
        ConfigError,
        DataError,
        EngineError,
        FitError,
        ImportFormatError,
        InputError,
        InternalError,
        OutputError,
        PersonaeError,
        Problem,
        TemplateError,
    )
    from personae.models.titles import Title, normalize_title
    from personae.pipeline import Report, compute_dossier, run_report, write_outputs
    from personae.render import render_html, render_json, render_markdown
    from personae.settings import SETTINGS, Settings, load_settings

#: Where each public name lives; a name is imported the first time it is read.
_MODULES: dict[str, tuple[str, ...]] = {
    "personae.dossier": (
        "Answer", "Dossier", "Questionnaire", "load_answers", "load_questionnaire", "merge",
        "parse_answers", "parse_template", "read_template", "repair_text", "skeleton",
    ),
    "personae.errors": (
        "AnswersError", "ConfigError", "DataError", "EngineError", "FitError",
        "ImportFormatError", "InputError", "InternalError", "OutputError", "PersonaeError",
        "Problem", "TemplateError",
    ),
    "personae.models.titles": ("Title", "normalize_title"),
    "personae.pipeline": ("Report", "compute_dossier", "run_report", "write_outputs"),
    "personae.render": ("render_html", "render_json", "render_markdown"),
    "personae.settings": ("SETTINGS", "Settings", "load_settings"),
}  # fmt: skip
_HOMES = {name: module for module, names in _MODULES.items() for name in names}


__getattr__, __dir__ = _attach(__name__, _HOMES)


__version__ = "0.1.0"

__all__ = [
    "SETTINGS",
    "Answer",
    "AnswersError",
    "ConfigError",
    "DataError",
    "Dossier",
    "EngineError",
    "FitError",
    "ImportFormatError",
    "InputError",
    "InternalError",
    "OutputError",
    "PersonaeError",
    "Problem",
    "Questionnaire",
    "Report",
    "Settings",
    "TemplateError",
    "Title",
    "compute_dossier",
    "load_answers",
    "load_questionnaire",
    "load_settings",
    "merge",
    "normalize_title",
    "parse_answers",
    "parse_template",
    "read_template",
    "render_html",
    "render_json",
    "render_markdown",
    "repair_text",
    "run_report",
    "skeleton",
    "write_outputs",
]
