"""Small data folders written into tmp_path, one table a file."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ibis
import pytest

ACCOUNTS = """\
    account_id,name,kind,country,employees
    A1,Alpha,B2B,FR,12
    A2,Beta,,BE,300
    A3,Gamma,B2C,FR,
"""

REVENUE = """\
    account_id,date,amount
    A1,2024-01-15,100
    A2,2024-02-15,200.5
    A3,2024-03-15,-20
"""

Folder = Callable[..., Path]


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    """``folder(name=text, …)``: a data folder with valid accounts and revenue by default.

    Each text is dedented and written to ``NAME.csv``; ``name=None`` leaves the file out.
    """

    def make(**tables: str | None) -> Path:
        files = {"accounts": ACCOUNTS, "revenue": REVENUE, **tables}
        for name, text in files.items():
            if text is not None:
                (tmp_path / f"{name}.csv").write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path

    return make


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL of every query validation runs through Ibis on DuckDB, in order."""
    ran: list[str] = []
    backend = ibis.backends.duckdb.Backend
    original = backend.to_pyarrow

    def spy(self: Any, expr: Any, /, **kwargs: Any) -> Any:
        ran.append(str(ibis.to_sql(expr, dialect="duckdb")))
        return original(self, expr, **kwargs)

    monkeypatch.setattr(backend, "to_pyarrow", spy)
    yield ran
