"""The SQL Ibis compiled, kept for the next run (personae.sqlcache): the data changed, the
questions asked of it did not — nothing is compiled again, and the dossier is the same."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import ibis
import pytest

from personae import cache, pipeline, sqlcache
from personae.metrics import query
from tests.outputs_same import assert_same_files


@pytest.fixture
def data(cached_data: Path) -> Path:
    return cached_data


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL Ibis compiled, one item a query."""
    sqls: list[str] = []
    real = query._to_sql

    def counting(con: object, expr: ibis.Expr) -> str:
        sql = real(con, expr)  # type: ignore[arg-type]
        sqls.append(sql)
        return sql

    monkeypatch.setattr(query, "_to_sql", counting)
    return sqls


def _forget_numbers(tmp_path: Path) -> None:
    """As if the data had changed: the kept numbers go, the kept SQL stays."""
    for entry in (tmp_path / "cache").glob("*.pickle"):
        entry.unlink()


def test_a_computing_run_compiles_nothing_an_earlier_run_compiled(
    data: Path, tmp_path: Path, compiled: list[str]
) -> None:
    pipeline.run_report(tmp_path / "off", data=data, cache=False)
    everything = len(compiled)
    assert everything > 40  # every family's queries
    assert not list((tmp_path / "cache").glob("sql-*"))  # off: nothing kept
    pipeline.run_report(tmp_path / "a", data=data)
    assert len(compiled) == 2 * everything
    (kept,) = (tmp_path / "cache").glob("sql-*.json")
    assert set(json.loads(kept.read_bytes()).values()) == set(compiled[:everything])
    _forget_numbers(tmp_path)
    again = pipeline.run_report(tmp_path / "b", data=data)
    assert again.dossier.reused is None  # the numbers were computed …
    assert len(compiled) == 2 * everything  # … from SQL compiled by the first run
    assert_same_files(tmp_path / "off", tmp_path / "b")  # provenance included


def test_another_as_of_date_compiles_its_own_sql(
    data: Path, tmp_path: Path, compiled: list[str]
) -> None:
    first = pipeline.run_report(tmp_path / "a", data=data)
    everything = len(compiled)
    assert first.dossier.as_of is not None
    earlier = first.dossier.as_of.replace(day=1) - timedelta(days=1)  # the month before
    config = tmp_path / "personae.toml"
    config.write_text(f'[personae]\nas_of = "{earlier}"\n', encoding="utf-8")
    pipeline.run_report(tmp_path / "b", data=data, config=config)
    assert len(compiled) > everything  # the queries holding T are new
    pipeline.run_report(tmp_path / "c", data=data, config=config, cache=False)
    assert_same_files(tmp_path / "b", tmp_path / "c")
    (kept,) = (tmp_path / "cache").glob("sql-*.json")
    assert set(json.loads(kept.read_bytes()).values()) == set(compiled)


def test_a_damaged_file_or_other_versions_are_compiled_again(
    data: Path, tmp_path: Path, compiled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.run_report(tmp_path / "a", data=data)
    everything = len(compiled)
    (kept,) = (tmp_path / "cache").glob("sql-*.json")
    kept.write_bytes(kept.read_bytes()[:1000])  # a full disk, say
    _forget_numbers(tmp_path)
    pipeline.run_report(tmp_path / "b", data=data)
    assert len(compiled) == 2 * everything
    assert_same_files(tmp_path / "a", tmp_path / "b")
    monkeypatch.setattr(cache, "_code", lambda: ["personae 9.9.9"])
    _forget_numbers(tmp_path)
    pipeline.run_report(tmp_path / "c", data=data)
    assert len(compiled) == 3 * everything
    (newer,) = (tmp_path / "cache").glob("sql-*.json")  # the other versions' file is gone
    assert newer != kept


def test_off_compiles_every_time(
    data: Path, tmp_path: Path, compiled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONAE_NO_CACHE", "1")
    pipeline.run_report(tmp_path / "a", data=data)
    pipeline.run_report(tmp_path / "b", data=data)
    assert len(compiled) > 80 and len(compiled) % 2 == 0
    assert not list((tmp_path / "cache").glob("sql-*"))


class _Unpicklable:
    def op(self) -> object:
        return lambda: None  # a lambda cannot be pickled


def test_an_expression_that_cannot_be_pickled_is_compiled_every_time(tmp_path: Path) -> None:
    memo = sqlcache.SqlCache(tmp_path / "sql-x.json")
    calls: list[int] = []

    def compile_it() -> str:
        calls.append(1)
        return "SELECT 1"

    assert memo.sql(_Unpicklable(), compile_it) == "SELECT 1"
    assert memo.sql(_Unpicklable(), compile_it) == "SELECT 1"
    assert len(calls) == 2
    memo.save()
    assert not (tmp_path / "sql-x.json").exists()  # nothing to keep


def test_the_last_runs_queries_are_kept_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlcache, "KEEP_QUERIES", 3)
    path = tmp_path / "sql-x.json"
    exprs = [ibis.literal(i) + 1 for i in range(5)]
    first = sqlcache.SqlCache(path)
    for i, expr in enumerate(exprs[:3]):
        first.sql(expr, lambda i=i: f"SELECT {i}")
    first.save()
    second = sqlcache.SqlCache(path)
    for i, expr in enumerate(exprs[3:], start=3):
        second.sql(expr, lambda i=i: f"SELECT {i}")
    second.save()
    kept = json.loads(path.read_bytes())
    assert len(kept) == 3
    assert list(kept.values())[:2] == ["SELECT 3", "SELECT 4"]
    assert list(kept.values())[2] in {"SELECT 0", "SELECT 1", "SELECT 2"}
    assert os.stat(path).st_size > 0
