"""The analyst's models (DESIGN §5): fitters with the lifelines contract, the title
classifier, and the runner that feeds them aggregates from an open metrics session
(:mod:`personae.models.run`)."""

from personae.models.titles import Title, normalize_title

__all__ = ["Title", "normalize_title"]
