"""Importers: real exports (HubSpot, Stripe, Pipedrive, Salesforce…) -> the tables of DESIGN §3.

Each importer is a module defining ``SOURCE`` (:class:`~personae.importers.registry.Source`),
listed once in :data:`SOURCE_MODULES`. It reads export files, recognises each one by its
header row, writes canonical CSVs into a folder atomically and returns an
:class:`ImportResult` (tables, currency, every file's rows accounted for, and the warnings
as :class:`~personae.errors.Problem`), or raises
:class:`~personae.errors.ImportFormatError` listing every problem and writes nothing.

    >>> from personae.importers import SOURCES
    >>> sorted(SOURCES)
    ['hubspot', 'pipedrive', 'salesforce', 'sirene', 'stripe']
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from personae.importers.registry import ExportKind, FileRows, ImportResult, Source
from personae.settings import Settings

__all__ = [
    "SOURCES",
    "SOURCE_MODULES",
    "ExportKind",
    "FileRows",
    "ImportResult",
    "Source",
    "recognise",
    "run_import",
]

SOURCE_MODULES: tuple[str, ...] = (
    "hubspot",
    "stripe",
    "pipedrive",
    "salesforce",
    "sirene",
)
"""One line per importer module (``personae.importers.<name>``, defining ``SOURCE``)."""

SOURCES: dict[str, Source] = {
    source.name: source
    for source in (import_module(f"personae.importers.{m}").SOURCE for m in SOURCE_MODULES)
}


def recognise(header: set[str]) -> ExportKind | None:
    """The export (of any source) whose markers a set of folded column labels matches."""
    for source in SOURCES.values():
        for kind in source.exports:
            if kind.matches(header):
                return kind
    return None


def run_import(
    source: str, files: Sequence[Path], out: Path, settings: Settings | None = None
) -> ImportResult:
    """Run the importer named ``source`` (a key of :data:`SOURCES`)."""
    return SOURCES[source].run(files, out, settings)
