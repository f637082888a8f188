"""What the benchmarks share: a child process timed with its own peak memory, the
machine's description, and RESULTS.md written section by section."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
HEAD = "# Benchmarks\n\nEvery figure below was measured on the machine it names; rerun with `make bench`.\n"


@dataclass
class Run:
    label: str
    step: str
    wall: float
    peak_mb: float
    ok: bool
    note: str = ""
    stdout: str = ""  # the child's whole output, for the steps that read it
    stderr: str = ""
    cpu: float = 0.0  # user + system seconds of the child: steadier than wall on a busy machine


def child(step: str, code: str, *args: str, env: dict[str, str] | None = None) -> Run:
    """Run ``code`` in a fresh interpreter; its wall time and peak RSS.

    ``env`` is added to the environment; personae's cache of computed numbers is off unless
    ``env`` turns it on (``PERSONAE_NO_CACHE=0``): a benchmark computes every time.
    """
    environ = {**os.environ, "PERSONAE_NO_CACHE": "1", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=out, stderr=err, env=environ
        )
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        ok = proc.returncode == 0
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    text = (stdout if ok else stderr).strip().splitlines()
    note = text[-1][:120] if text else ""
    cpu = usage.ru_utime + usage.ru_stime
    return Run("", step, wall, usage.ru_maxrss / 1024, ok, note, stdout, stderr, cpu)


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir()) / 1e6


def machine() -> str:
    mem = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("\n", 1)[0].split()[1])
        mem = f"{kb / 1024**2:.0f} GB"
    cpu = platform.processor() or "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    versions = []
    for name in ("numpy", "pyarrow", "duckdb"):
        module = __import__(name)
        versions.append(f"{name} {module.__version__}")
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem} RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, {', '.join(versions)}"
    )


def record_section(name: str, text: str) -> Path:
    """Replace the section ``name`` of RESULTS.md (between its markers) with ``text``."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEAD
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in old and end in old:
        new = old[: old.index(start)] + block + old[old.index(end) + len(end) :]
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(new, encoding="utf-8")
    return RESULTS
