"""Which file column holds which canonical column, and the required ones a file lacks."""

from __future__ import annotations

import difflib

from personae.errors import Problem
from personae.sources import schema


def match_columns(table: schema.TableSpec, found: list[str]) -> dict[str, str]:
    """Canonical column -> the found column holding it (case and spaces ignored)."""
    by_key: dict[str, str] = {}
    for name in found:
        by_key.setdefault(name.strip().lower(), name)
    return {c.name: by_key[c.name] for c in table.columns if c.name in by_key}


def missing_columns(
    table: schema.TableSpec, file: str, columns: list[str], present: dict[str, str], *, header: bool
) -> list[Problem]:
    """A problem for each required column the file lacks (``header``: on line 1)."""
    problems = []
    found = [c for c in columns if c not in present.values()]
    for column in table.required_columns:
        if column in present:
            continue
        close = difflib.get_close_matches(column, found, n=1)
        hint = f"add a column named {column!r} (see data/README.md)"
        if close:
            hint = f"rename column {close[0]!r} to {column!r}"
        problems.append(
            Problem(
                file,
                f"required column {column!r} is missing",
                line=1 if header else None,
                column=column,
                hint=hint + f"; columns found: {', '.join(columns) or 'none'}",
            )
        )
    return problems


__all__ = ["match_columns", "missing_columns"]
