"""Models: the analyst's work, automated (see DESIGN §5)."""

from personae.models.titles import Title, normalize_title

__all__ = ["Title", "normalize_title"]
