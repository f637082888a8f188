"""The numbers of the last run reused by the next (personae.cache): the same files, in a
fraction of the time; recomputed as soon as the data, the settings or personae change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personae import cache, pipeline
from personae.cli import app
from personae.errors import DataError
from tests.outputs_same import assert_same_files


@pytest.fixture
def data(cached_data: Path) -> Path:
    return cached_data


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the numbers were computed from the data."""
    calls: list[int] = []
    real = pipeline._compute

    def counting(*args: object, **kwargs: object) -> cache.Computed:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_compute", counting)
    return calls


def test_a_rerun_reuses_the_numbers_and_writes_the_same_files(
    data: Path, tmp_path: Path, computed: list[int]
) -> None:
    first = pipeline.run_report(tmp_path / "a", data=data)
    second = pipeline.run_report(tmp_path / "b", data=data)
    assert len(computed) == 1
    assert first.dossier.reused is None
    assert second.dossier.reused is not None
    assert_same_files(tmp_path / "a", tmp_path / "b")
    assert second.dossier.warnings == first.dossier.warnings
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1


def test_edited_answers_are_read_the_numbers_reused(
    data: Path, tmp_path: Path, computed: list[int]
) -> None:
    pipeline.run_report(tmp_path / "a", data=data)
    answers = tmp_path / "answers.yaml"
    answers.write_text('"1.6": "Écrit à la main après le premier rapport"\n', encoding="utf-8")
    again = pipeline.run_report(tmp_path / "b", data=data, answers=answers)
    assert len(computed) == 1 and again.dossier.reused is not None
    assert "Écrit à la main après le premier rapport" in (tmp_path / "b" / "dossier.md").read_text(
        encoding="utf-8"
    )


def test_one_changed_byte_of_the_data_computes_again(
    data: Path, tmp_path: Path, computed: list[int]
) -> None:
    pipeline.run_report(tmp_path / "a", data=data)
    revenue = data / "revenue.csv"
    stat = revenue.stat()
    text = revenue.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    amount = [h.strip('"') for h in lines[0].split(",")].index("amount")
    cells = lines[1].split(",")
    old = cells[amount]
    cells[amount] = old[:-1] + ("1" if old[-1] != "1" else "2")  # same size
    lines[1] = ",".join(cells)
    revenue.write_text("".join(lines), encoding="utf-8")
    os.utime(revenue, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time
    assert revenue.stat().st_size == stat.st_size
    again = pipeline.run_report(tmp_path / "b", data=data)
    assert len(computed) == 2 and again.dossier.reused is None


def test_a_removed_file_of_the_data_computes_again(
    data: Path, tmp_path: Path, computed: list[int]
) -> None:
    pipeline.run_report(tmp_path / "a", data=data)
    (data / "notes.csv").unlink()
    again = pipeline.run_report(tmp_path / "b", data=data)
    assert len(computed) == 2 and again.dossier.reused is None


def test_other_settings_or_another_personae_compute_again(
    data: Path, tmp_path: Path, computed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.run_report(tmp_path / "a", data=data)
    config = tmp_path / "personae.toml"
    config.write_text('[personae]\ncompany_name = "Autre nom"\n', encoding="utf-8")
    pipeline.run_report(tmp_path / "b", data=data, config=config)
    assert len(computed) == 2
    pipeline.run_report(tmp_path / "c", data=data, config=config)
    assert len(computed) == 2  # those settings are kept now
    monkeypatch.setattr(cache, "_code", lambda: ["personae 9.9.9"])
    pipeline.run_report(tmp_path / "d", data=data, config=config)
    assert len(computed) == 3


def test_off_neither_reads_nor_writes(
    data: Path, tmp_path: Path, computed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.run_report(tmp_path / "a", data=data, cache=False)
    assert not (tmp_path / "cache").exists()
    pipeline.run_report(tmp_path / "b", data=data)
    monkeypatch.setenv("PERSONAE_NO_CACHE", "1")
    off = pipeline.run_report(tmp_path / "c", data=data)
    assert len(computed) == 3 and off.dossier.reused is None


def test_a_damaged_cache_file_is_computed_again(
    data: Path, tmp_path: Path, computed: list[int]
) -> None:
    pipeline.run_report(tmp_path / "a", data=data)
    (entry,) = (tmp_path / "cache").glob("*.pickle")
    content = entry.read_bytes()
    entry.write_bytes(content[: len(content) // 2])  # a full disk, say
    again = pipeline.run_report(tmp_path / "b", data=data)
    assert len(computed) == 2 and again.dossier.reused is None
    assert_same_files(tmp_path / "a", tmp_path / "b")


def test_data_with_errors_is_never_kept(data: Path, tmp_path: Path) -> None:
    with (data / "revenue.csv").open("a", encoding="utf-8") as f:
        f.write("UNKNOWN-ACCOUNT,2024-01-01,12\n")
    for _ in range(2):  # reported the second time too: nothing was kept
        with pytest.raises(DataError):
            pipeline.run_report(tmp_path / "out", data=data)
    assert not list((tmp_path / "cache").glob("*.pickle"))


def test_too_many_accounts_are_not_kept(
    data: Path, tmp_path: Path, computed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "KEEP_ROWS", 5)
    pipeline.run_report(tmp_path / "a", data=data)
    pipeline.run_report(tmp_path / "b", data=data)
    assert len(computed) == 2 and not list((tmp_path / "cache").glob("*.pickle"))


def test_databases_are_not_cached() -> None:
    assert cache.fingerprint("postgres://me@localhost/db", pipeline.load_settings()) is None


def test_only_the_most_recently_used_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONAE_CACHE_DIR", str(tmp_path / "cache"))
    nothing = cache.Computed({}, {}, None)
    for i in range(cache.KEEP + 3):
        cache.keep(tmp_path / f"data{i}", f"key{i}", nothing)
    kept = list((tmp_path / "cache").glob("*.pickle"))
    assert len(kept) == cache.KEEP
    assert cache.recall(tmp_path / f"data{cache.KEEP + 2}", f"key{cache.KEEP + 2}") is not None
    assert cache.recall(tmp_path / f"data{cache.KEEP + 2}", "another key") is None


def test_the_command_says_it_reused_and_no_cache_computes(
    data: Path, tmp_path: Path, computed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    out = str(tmp_path / "out")
    first = runner.invoke(app, ["report", "--data", str(data), "--out", out])
    assert first.exit_code == 0, first.output
    assert "reused" not in first.output
    second = runner.invoke(app, ["report", "--data", str(data), "--out", out])
    assert second.exit_code == 0 and "reused (--no-cache computes them again)" in second.output
    third = runner.invoke(app, ["report", "--data", str(data), "--out", out, "--no-cache"])
    assert third.exit_code == 0 and "reused" not in third.output
    assert len(computed) == 2


def test_a_rerun_imports_no_engine(data: Path, tmp_path: Path) -> None:
    """A rerun reads the numbers and writes the files: neither pandas, SciPy, scikit-learn,
    Ibis nor DuckDB is imported (half a second to a second of a small company's run), nor
    ftfy (the shipped template needs no repair)."""
    pipeline.run_report(tmp_path / "a", data=data)
    code = (
        "import sys; from pathlib import Path; from personae import pipeline; "
        f"r = pipeline.run_report(Path({str(tmp_path / 'b')!r}), data=Path({str(data)!r})); "
        "assert r.dossier.reused; "
        "print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'pandas', 'scipy', 'sklearn', 'ibis', 'duckdb', 'sqlglot', 'ftfy'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=os.environ
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert_same_files(tmp_path / "a", tmp_path / "b")
