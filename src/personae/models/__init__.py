"""The analyst's models (DESIGN §5): fitters with the lifelines contract, the title
classifier, personas from contacts and themes from notes, and the runner that feeds them
aggregates from an open metrics session (:mod:`personae.models.run`)."""

from personae.models.personas import Personas
from personae.models.themes import Themes, extract_themes
from personae.models.titles import Title, normalize_title

__all__ = ["Personas", "Themes", "Title", "extract_themes", "normalize_title"]
