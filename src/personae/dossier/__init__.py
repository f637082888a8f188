"""The dossier: the template parsed into a questionnaire, the answers checked by kind, and
the assembled :class:`Dossier` (computed answers, manual ones, the derived summary).

Modules: ``template`` (reading and repairing the markdown), ``questionnaire`` (its
structure and stable ids), ``kinds`` (values by kind, French formats), ``answers``
(answers.yaml), ``summary`` (the executive summary), ``model`` (the :class:`Dossier`),
``status`` (progress by section), ``workspace`` (``personae init``).
"""

from personae.dossier.answers import Answer, load_answers, merge, parse_answers, skeleton
from personae.dossier.model import Dossier, status_label
from personae.dossier.questionnaire import Questionnaire, load_questionnaire, parse_template
from personae.dossier.template import read_template, repair_text

__all__ = [
    "Answer",
    "Dossier",
    "Questionnaire",
    "load_answers",
    "load_questionnaire",
    "merge",
    "parse_answers",
    "parse_template",
    "read_template",
    "repair_text",
    "skeleton",
    "status_label",
]
