from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from glob import glob
from pathlib import Path

import ibis
import pytest
from hypothesis import settings

from personae.dossier.questionnaire import Questionnaire, load_questionnaire

# Property tests are deterministic (the same examples on every run, in CI as here) and keep
# no example database in the checkout; a test may still ask for more examples.
settings.register_profile("personae", derandomize=True, database=None)
settings.load_profile("personae")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# The user's template exactly as handed over (mojibake), vendored so the fidelity test runs on
# a fresh clone; it is byte for byte shared/seed/000_08c0c36c4dfa7358.txt.
SEED = FIXTURES / "seed_template.txt"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "000_08c0c36c4dfa7358.txt"

# Every report computes its numbers (tests/test_cache.py turns the cache on where it tests it),
# and nothing a test runs writes into the user's ~/.cache; subprocesses inherit both.
os.environ["PERSONAE_NO_CACHE"] = "1"
os.environ["PERSONAE_CACHE_DIR"] = tempfile.mkdtemp(prefix="personae-test-cache-")


@pytest.fixture(scope="session")
def small_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-customer demo company in CSV (read-only: copy it to change it)."""
    from personae.demo import generate

    return generate(tmp_path_factory.mktemp("company"), customers=40, seed=3, file_format="csv")


@pytest.fixture
def cached_data(small_company: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the small company's data, with the cache on (in ``tmp_path / "cache"``)."""
    monkeypatch.delenv("PERSONAE_NO_CACHE", raising=False)
    monkeypatch.setenv("PERSONAE_CACHE_DIR", str(tmp_path / "cache"))
    return Path(shutil.copytree(small_company, tmp_path / "data"))


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture
def complete_answers() -> Path:
    return FIXTURES / "answers_complete.yaml"


# --- a throwaway PostgreSQL server -------------------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_con() -> Iterator[ibis.BaseBackend]:
    """A PostgreSQL server of its own, in a temporary folder, for the test session."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not found (Debian: apt-get install postgresql)")
    as_user: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses to run as root: run the server as the 'postgres' system user.
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL")
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="personae-pg-"))
    root.chmod(0o777)  # the server's user writes its data, log and socket here
    data, port = root / "data", _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*as_user, *args], capture_output=True, text=True, check=False)
        if done.returncode:
            log = root / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stderr}{done.stdout}{tail}")

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        opts = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} -c fsync=off"
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        )
        try:
            con = ibis.postgres.connect(
                host="127.0.0.1", port=port, user="postgres", database="postgres"
            )
            yield con
            con.disconnect()
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
