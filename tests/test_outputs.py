"""Writing outputs: atomic, checked before any work, no temporary file left, the umask kept."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personae.cli import app
from personae.errors import OutputError
from personae.outputs import STALE_SECONDS, check_out_dir, write_file, write_files

runner = CliRunner()


@pytest.fixture
def umask_077() -> Iterator[None]:
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def test_new_files_follow_the_umask(tmp_path: Path, umask_077: None) -> None:
    written = write_files(tmp_path / "out", {"a.md": "x"})
    assert written["a.md"].stat().st_mode & 0o777 == 0o600


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    write_file(path, "new")
    assert path.read_text(encoding="utf-8") == "new" and path.stat().st_mode & 0o777 == 0o640


def test_stale_temporary_files_are_cleaned_fresh_ones_kept(tmp_path: Path) -> None:
    stale = tmp_path / ".dossier.md.abc123.tmp"
    fresh = tmp_path / ".dossier.md.def456.tmp"
    stale.write_text("left by a killed run", encoding="utf-8")
    fresh.write_text("another run writing now", encoding="utf-8")
    old = time.time() - STALE_SECONDS - 60
    os.utime(stale, (old, old))
    write_files(tmp_path, {"dossier.md": "new"})
    assert not stale.exists() and fresh.exists()


def test_an_output_name_taken_by_a_folder_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "dossier.md").mkdir()
    with pytest.raises(OutputError) as info:
        write_files(tmp_path, {"dossier.json": "{}", "dossier.md": "x"})
    assert "is a folder where the output file goes" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossier.md"]


def test_check_out_dir_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        check_out_dir(target, ["dossier.md"])
    assert "is a file, not a folder" in str(info.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_check_out_dir_refuses_a_read_only_folder(tmp_path: Path) -> None:
    target = tmp_path / "ro"
    target.mkdir()
    target.chmod(0o500)
    try:
        with pytest.raises(OutputError):
            check_out_dir(target, ["dossier.md"])
    finally:
        target.chmod(0o700)


@pytest.mark.parametrize("case", ["out is a file", "dossier.md is a folder"])
def test_the_cli_checks_the_output_before_any_work(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    if case == "out is a file":
        out.write_text("x", encoding="utf-8")
    else:
        (out / "dossier.md").mkdir(parents=True)
    result = runner.invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "cannot write the outputs" in result.output
    if out.is_dir():
        assert [p.name for p in out.iterdir()] == ["dossier.md"]


def test_content_written_a_chunk_at_a_time(tmp_path: Path) -> None:
    taken: list[int] = []

    def chunks() -> Iterator[bytes]:
        for i in range(3):
            taken.append(i)
            yield f"line {i}\n".encode()

    written = write_files(tmp_path, {"big.csv": chunks(), "a.md": "é"})
    assert written["big.csv"].read_bytes() == b"line 0\nline 1\nline 2\n" and taken == [0, 1, 2]
    assert written["a.md"].read_text(encoding="utf-8") == "é"
