"""What every importer declares, and what every import returns.

An importer is one module of this package defining ``SOURCE``, a :class:`Source`: its name
on the command line, the exports it reads (each an :class:`ExportKind` recognised by the
column labels of its header) and the function that runs it. The package's
``SOURCE_MODULES`` lists the modules, so a new importer is one module plus one line there;
:func:`recognise` then knows its files too, and a file given to the wrong importer is named
for what it is.

Every import returns an :class:`ImportResult`: the tables written, the currency of the
amounts, each file's rows accounted for (kept, or skipped with a counted reason), and the
problems that did not stop it (warnings and info lines), as
:class:`~personae.errors.Problem`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from personae.errors import Problem

if TYPE_CHECKING:
    from personae.settings import Settings

__all__ = ["ExportKind", "FileRows", "ImportResult", "Importer", "Source"]


def fold_label(text: str) -> str:
    from personae.importers._values import fold

    return fold(text)


@dataclass(frozen=True)
class ExportKind:
    """One export a source writes, recognised by its header.

    ``markers``: groups of column labels; the header must hold one label of every group.
    ``absent``: labels that must not be there (to tell two close exports apart).
    """

    name: str  # "hubspot.deals"
    description: str  # "a HubSpot deals export", for messages
    markers: tuple[tuple[str, ...], ...]
    absent: tuple[str, ...] = ()

    def matches(self, header: set[str]) -> bool:
        return all(any(fold_label(m) in header for m in group) for group in self.markers) and (
            not any(fold_label(a) in header for a in self.absent)
        )

    def expected(self) -> str:
        """What the header must hold, for the message about an unknown file."""
        return " and ".join(" or ".join(f"'{m}'" for m in group[:3]) for group in self.markers)


@dataclass
class FileRows:
    """One file's rows accounted for: ``read == kept + sum(skipped.values())``."""

    read: int = 0
    kept: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def balanced(self) -> bool:
        return self.read == self.kept + sum(self.skipped.values())


@dataclass
class ImportResult:
    """What an import wrote, in which currency, and what it has to say."""

    source: str
    tables: dict[str, Path] = field(default_factory=dict)
    currency: str | None = None
    rows: dict[str, FileRows] = field(default_factory=dict)  # file -> its rows
    problems: list[Problem] = field(default_factory=list)  # warnings and info lines

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


Importer = Callable[[Sequence[Path], Path, "Settings | None"], ImportResult]


@dataclass(frozen=True)
class Source:
    """An importer: its command-line name, the exports it reads, and how it runs."""

    name: str  # "hubspot"
    label: str  # "HubSpot"
    exports: tuple[ExportKind, ...]
    run: Importer
    help: str = ""

    @property
    def expects(self) -> str:
        kinds = [k.description.removeprefix("a ").removeprefix("an ") for k in self.exports]
        return "one of: " + "; ".join(kinds)
