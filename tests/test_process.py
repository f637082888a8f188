"""personae as a process: the command ends without Python's teardown (cli.main), yet with
the exit code, the flushed output and the exit handlers a normal exit would give; the
libraries a report imports are set apart from the garbage collector (pipeline)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from personae.demo import generate

HANDLER = "import atexit, sys; atexit.register(lambda: print('handler ran', file=sys.stderr))"


def _personae(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = f"{HANDLER}; sys.argv = ['personae', *{list(args)!r}]; from personae.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=False
    )


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("company"), customers=25, seed=11, file_format="csv")


def test_a_report_exits_0_with_its_files_output_and_handlers(company: Path, tmp_path: Path) -> None:
    done = _personae("report", "--data", str(company), "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "wrote " in done.stdout + done.stderr
    assert done.stderr.rstrip().endswith("handler ran")
    for name in ("dossier.md", "dossier.json", "report.html", "accounts.csv"):
        assert (tmp_path / "out" / name).stat().st_size > 0


def test_bad_input_exits_2_with_the_whole_message(tmp_path: Path) -> None:
    done = _personae("validate", "--data", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert done.returncode == 2
    assert "no such folder" in done.stderr
    assert "Fix these errors, then run `personae validate` again." in done.stderr
    assert "handler ran" in done.stderr


def test_an_unknown_option_exits_2_and_help_exits_0(tmp_path: Path) -> None:
    assert _personae("report", "--bogus", cwd=tmp_path).returncode == 2
    helped = _personae("--help", cwd=tmp_path)
    assert helped.returncode == 0 and "report" in helped.stdout


def test_the_libraries_are_imported_once_then_set_apart_from_the_collector(
    company: Path, tmp_path: Path
) -> None:
    code = (
        "import gc, sys; from personae import pipeline; "
        f"pipeline.compute_dossier(data={str(company)!r}, cache=False); "
        "frozen = gc.get_freeze_count(); "
        f"pipeline.compute_dossier(data={str(company)!r}, cache=False); "
        "print(gc.isenabled(), frozen > 100_000, gc.get_freeze_count() == frozen)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"]  # on, frozen once, not twice
