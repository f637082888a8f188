"""Where the time of a report goes: wall time per phase, metric family and model step.

``personae report --profile`` (or ``PERSONAE_PROFILE=1``) turns it on; the pipeline and the
metric session add their phases (``load+validate``, ``metrics.<family>``, ``models.<step>``,
``render.<file>``) and the command prints them to stderr, slowest first, at the end. Off, a
phase costs one ``if``. Nothing here changes what is computed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

_ENABLED = os.environ.get("PERSONAE_PROFILE", "") not in ("", "0")
_times: dict[str, float] = {}
_calls: dict[str, int] = {}


def enable(on: bool = True) -> None:
    """Start (or stop) recording; the times recorded so far are cleared."""
    global _ENABLED
    _ENABLED = on
    _times.clear()
    _calls.clear()


def enabled() -> bool:
    return _ENABLED


def add(name: str, seconds: float) -> None:
    """Add ``seconds`` of wall time to phase ``name``."""
    if _ENABLED:
        _times[name] = _times.get(name, 0.0) + seconds
        _calls[name] = _calls.get(name, 0) + 1


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the block under ``name`` (times of the same name add up)."""
    if not _ENABLED:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        add(name, time.perf_counter() - start)


def times() -> dict[str, float]:
    """The recorded wall times by phase, in seconds."""
    return dict(_times)


def print_times(stream: TextIO, total: float | None = None) -> None:
    """The phases, slowest first, with their share of ``total`` (the command's wall time).

    A family's time counts compiling its SQL and running it; phases nest (``metrics``
    holds the ``metrics.*`` families), so shares do not add up to 100 %.
    """
    if total is not None:
        stream.write(f"personae profile: {total:.3f} s in all\n")
    for name, seconds in sorted(_times.items(), key=lambda kv: -kv[1]):
        share = f"{100 * seconds / total:5.1f} %" if total else ""
        calls = _calls.get(name, 1)
        queries = f"  ({calls} calls)" if calls > 1 else ""
        stream.write(f"  {seconds:8.3f} s {share}  {name}{queries}\n")
