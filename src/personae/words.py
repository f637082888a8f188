"""The one yes/no vocabulary, French and English, read case-insensitively everywhere a
boolean is typed by a person or exported by a tool (answers, canonical tables, exports)."""

from __future__ import annotations

# In display order: the first five of each pair up (true/false, 1/0, oui/non, …).
TRUE_WORDS: tuple[str, ...] = ("true", "1", "oui", "yes", "vrai", "y", "o")
FALSE_WORDS: tuple[str, ...] = ("false", "0", "non", "no", "faux", "n")


def yes_no(text: str) -> bool | None:
    """True or False for a yes/no word (any case, surrounding spaces ignored), else None."""
    t = text.strip().lower()
    if t in TRUE_WORDS:
        return True
    if t in FALSE_WORDS:
        return False
    return None
