"""personae: the « Segments Clients & Personas » dossier, computed from a company's data."""

from personae.answers import Answer, load_answers, merge, parse_answers, skeleton
from personae.dossier import Dossier, build_dossier
from personae.errors import (
    AnswersError,
    ConfigError,
    DataError,
    EngineError,
    ImportFormatError,
    InputError,
    PersonaeError,
    Problem,
    TemplateError,
)
from personae.questionnaire import Questionnaire, load_questionnaire, parse
from personae.report import make_dossier, run_report
from personae.settings import SETTINGS, Settings, load_settings
from personae.template import read_template, repair_text

__version__ = "0.1.0"

__all__ = [
    "SETTINGS",
    "Answer",
    "AnswersError",
    "ConfigError",
    "DataError",
    "Dossier",
    "EngineError",
    "ImportFormatError",
    "InputError",
    "PersonaeError",
    "Problem",
    "Questionnaire",
    "Settings",
    "TemplateError",
    "build_dossier",
    "load_answers",
    "load_questionnaire",
    "load_settings",
    "make_dossier",
    "merge",
    "parse",
    "parse_answers",
    "read_template",
    "repair_text",
    "run_report",
    "skeleton",
]
