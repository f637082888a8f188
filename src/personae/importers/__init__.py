"""Importers: real exports (HubSpot, Stripe, INSEE SIRENE) -> the canonical tables of DESIGN §3.

Each importer reads CSV export files, recognises each one by its header row, and writes
canonical CSVs into a folder, atomically, or raises
:class:`~personae.errors.ImportFormatError` listing every problem and writes nothing.
What it skipped without failing is reported as an :class:`ImporterWarning`.

    >>> from personae.importers import IMPORTERS
    >>> sorted(IMPORTERS)
    ['hubspot', 'sirene', 'stripe']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from personae.importers._tables import ImporterWarning
from personae.importers.hubspot import import_hubspot
from personae.importers.sirene import import_sirene
from personae.importers.stripe import import_stripe

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

__all__ = ["IMPORTERS", "ImporterWarning", "import_hubspot", "import_sirene", "import_stripe"]

IMPORTERS: dict[str, Callable[[Sequence[Path], Path], dict[str, Path]]] = {
    "hubspot": import_hubspot,
    "sirene": import_sirene,
    "stripe": import_stripe,
}
