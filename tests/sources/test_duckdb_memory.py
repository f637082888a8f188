"""DuckDB's memory for a report: at most 2 GB (it spills beyond), never more than it would
take by itself on a small machine."""

from __future__ import annotations

import os

import pytest

from personae.sources import inputs


def _ram(monkeypatch: pytest.MonkeyPatch, gigabytes: float) -> None:
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": int(gigabytes * 1e9 / 4096)}
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])


def test_two_gigabytes_on_a_large_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    _ram(monkeypatch, 24)
    assert inputs._memory_limit_mb() == 2000


def test_eighty_percent_of_a_small_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    _ram(monkeypatch, 2)
    assert inputs._memory_limit_mb() == 1599  # 80 % of 2 GB, pages rounded down


def test_the_connection_takes_the_limit_and_a_private_spill_folder() -> None:
    con = inputs._duckdb()
    try:
        limit = con.con.execute("SELECT current_setting('memory_limit')").fetchone()
        spill = con.con.execute("SELECT current_setting('temp_directory')").fetchone()
    finally:
        con.disconnect()
    assert limit is not None and spill is not None
    assert limit[0] == "1.8 GiB" or os.sysconf("SC_PHYS_PAGES") * 4096 < 2.5e9
    assert "personae-duckdb-" in spill[0] and not spill[0].startswith(".")
