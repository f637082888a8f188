"""The peer's numbers beside personae's: every leaf of the peer's JSON against the value at
the same place in personae's ``metrics`` (dossier.json's, or the session's unrounded ones)."""

from __future__ import annotations

import math
from typing import Any


def leaves(peer: Any, ours: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """(path, peer value, personae value) for every leaf of ``peer``, ``ours`` followed along
    the same keys and list positions; a key or a row personae lacks raises ValueError."""
    if isinstance(peer, dict):
        if not isinstance(ours, dict):
            raise ValueError(f"{path}: personae has {ours!r}")
        out = []
        for key, value in peer.items():
            if key not in ours:
                raise ValueError(f"{path}.{key}: not in personae's metrics")
            out += leaves(value, ours[key], f"{path}.{key}")
        return out
    if isinstance(peer, list) and peer and isinstance(peer[0], dict):
        if not isinstance(ours, list) or len(ours) != len(peer):
            raise ValueError(f"{path}: {len(peer)} rows, personae has {ours!r:.80}")
        out = []
        for i, (p, o) in enumerate(zip(peer, ours, strict=True)):
            out += leaves(p, o, f"{path}[{i}]")
        return out
    return [(path, peer, ours)]


def same(a: Any, b: Any, rel: float = 1e-9, absolute: float = 1e-9) -> bool:
    """Equal values; floats to ``rel`` relative (``absolute`` near zero)."""
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return False
        return math.isclose(a, b, rel_tol=rel, abs_tol=absolute)
    return bool(a == b)


def disagreements(
    peer: Any, ours: Any, rel: float = 1e-9, absolute: float = 1e-9
) -> tuple[int, list[str]]:
    """How many values were compared, and a line for each that differs."""
    pairs = leaves(peer, ours)
    wrong = [
        f"{p}: peer {a!r}, personae {b!r}" for p, a, b in pairs if not same(a, b, rel, absolute)
    ]
    return len(pairs), wrong
