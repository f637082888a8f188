"""``personae init``: a workspace with personae.toml, answers.yaml and data/README.md; and
:func:`find_workspace`, how ``report``, ``status`` and ``serve`` find it when run inside."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from personae.dossier.answers import skeleton
from personae.dossier.questionnaire import Questionnaire
from personae.errors import InputError, Problem
from personae.outputs import write_files
from personae.settings import settings_toml

WORKSPACE_FILES = ("personae.toml", "answers.yaml", "data/README.md")


def init_workspace(directory: Path, q: Questionnaire, company: str | None = None) -> list[Path]:
    """Create the workspace files; refuse to overwrite any that exists.

    ``company`` (default: the folder's name) goes into personae.toml's ``company_name``.
    """
    existing = [directory / f for f in WORKSPACE_FILES if (directory / f).exists()]
    if existing:
        raise InputError(
            f"{directory}: a workspace is already there",
            [
                Problem(str(p), "already exists", hint="edit it, or init another folder")
                for p in existing
            ],
        )
    written = write_files(
        directory,
        {
            "personae.toml": settings_toml(company_name=company or directory.resolve().name),
            "answers.yaml": skeleton(q),
        },
    )
    from personae.sources import data_readme  # heavy (the engine): only when writing it

    written.update(write_files(directory / "data", {"README.md": data_readme()}))
    return list(written.values())


MARKER = "personae.toml"
"""What makes a folder a workspace: ``personae init`` always writes it."""
DATA_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".xlsx", ".duckdb", ".ddb", ".db")


@dataclass(frozen=True)
class Workspace:
    """The workspace around a folder and the files it holds (None when absent)."""

    root: Path
    config: Path
    answers: Path | None
    data: Path | None  # data/ when it holds at least one table file

    def describe(self, used: list[Path]) -> str:
        names = ", ".join(_shown(p, self.root) for p in used)
        return f"workspace {self.root}: using {names}"


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) + ("/" if path.is_dir() else "")


def find_workspace(start: Path | None = None) -> Workspace | None:
    """The workspace holding ``start`` (default: the current folder), found as git finds its
    repository: the nearest folder, from ``start`` up, holding ``personae.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        config = folder / MARKER
        if config.is_file():
            answers = folder / "answers.yaml"
            data = folder / "data"
            return Workspace(
                folder,
                config,
                answers if answers.is_file() else None,
                data if _has_tables(data) else None,
            )
    return None


def _has_tables(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    return any(
        p.name.lower().endswith(DATA_SUFFIXES) and not p.name.startswith(".")
        for p in folder.iterdir()
    )
