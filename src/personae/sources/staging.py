"""What opening a source gives: each canonical table typed, and the problems so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import ibis.expr.types as ir
from ibis.backends import BaseBackend

from personae.errors import Problem
from personae.sources import schema

KNOWN = (*schema.TABLES, *schema.FREEFORM_TABLES)
"""Every table name personae knows."""


@dataclass
class Staged:
    """One canonical table found in the source."""

    name: str
    file: str
    typed: ir.Table  # canonical types, defaults applied, plus ``_line``
    public: ir.Table  # the same without ``_line``
    complete: bool = True  # every required column is there
    lost: int = 0  # rows of the file that could not be read (DuckDB rejects)
    # id column -> its distinct typed values and their rows (``column``, ``_n``), for the
    # checks to read instead of the table's rows (DuckDB: :mod:`personae.sources.distinct`)
    values: dict[str, ir.Table] = field(default_factory=dict)


@dataclass
class Staging:
    con: BaseBackend
    tables: dict[str, Staged] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # tables whose file cannot be read
    scratch: list[str] = field(default_factory=list)  # tables to drop once validated


def display_url(url: str) -> str:
    """The URL without its password, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, for a one-line problem."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
