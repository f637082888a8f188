"""``personae init``: a workspace with personae.toml, answers.yaml and data/README.md."""

from __future__ import annotations

from pathlib import Path

from personae.dossier.answers import skeleton
from personae.dossier.questionnaire import Questionnaire
from personae.errors import InputError, Problem
from personae.outputs import write_files
from personae.settings import settings_toml
from personae.sources import data_readme

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
    written.update(write_files(directory / "data", {"README.md": data_readme()}))
    return list(written.values())
