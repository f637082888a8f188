"""Quoting for the few SQL strings personae writes by hand (DuckDB's CSV reading); every
other query is an Ibis expression."""

from __future__ import annotations


def ident(name: str) -> str:
    """``name`` quoted as a SQL identifier: ``a"b`` → ``"a""b"``."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as a SQL string literal: ``l'an`` → ``'l''an'``."""
    return "'" + text.replace("'", "''") + "'"
