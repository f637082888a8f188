"""NAF rév. 2 codes as readable French labels, from INSEE's published list.

The list ships with the package (``personae/data/naf_rev2.csv``, source in the README
beside it): every section, division, group, class and sub-class with INSEE's label.

    >>> label("62.01Z")
    'Programmation informatique'
    >>> label("49.4")
    'Transports routiers de fret et services de déménagement'
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def _labels() -> dict[str, tuple[str, str]]:
    """Code (``62.01Z``, ``62.0``, ``62``, ``J``) → (level, label)."""
    text = resources.files("personae.data").joinpath("naf_rev2.csv").read_text(encoding="utf-8")
    return {r["code"]: (r["level"], r["label"]) for r in csv.DictReader(text.splitlines())}


def _normal(code: str) -> str:
    """``6201Z`` or ``62.01z`` → ``62.01Z``; a prefix keeps its length (``49.4``)."""
    c = code.strip().upper().replace(".", "")
    return c if len(c) <= 2 else f"{c[:2]}.{c[2:]}"


def label(code: str) -> str | None:
    """INSEE's label of a NAF rév. 2 code at any level, or None if unknown."""
    found = _labels().get(_normal(code)) or _labels().get(code.strip().upper())
    if found is None:
        return None
    level, text = found
    return text.capitalize() if level == "section" else text


def subclasses() -> list[str]:
    """Every sub-class code (``01.11Z`` … ``99.00Z``)."""
    return [c for c, (level, _) in _labels().items() if level == "sous-classe"]
