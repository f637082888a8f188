"""Comparing two runs' files, and saying where they differ when they do (the whole files
printed side by side tell nothing: report.html alone is 1 MB)."""

from __future__ import annotations

from pathlib import Path

OUTPUTS = ("dossier.md", "dossier.json", "report.html", "accounts.csv")


def assert_same_files(a: Path, b: Path) -> None:
    """Every output of ``a`` byte-identical to ``b``'s; else the first differing line of each."""
    differ = []
    for name in OUTPUTS:
        left, right = (a / name).read_bytes(), (b / name).read_bytes()
        if left != right:
            differ.append(f"{name}: {_first_difference(left, right)}")
    assert not differ, "the two runs wrote different files:\n" + "\n".join(differ)


def _first_difference(left: bytes, right: bytes) -> str:
    """The first line that differs, around its first differing byte."""
    for number, (x, y) in enumerate(zip(left.splitlines(), right.splitlines(), strict=False), 1):
        if x != y:
            at = next(
                (i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q),
                min(len(x), len(y)),
            )
            around = slice(max(0, at - 80), at + 120)
            return f"line {number}: {x[around]!r} != {y[around]!r}"
    return f"{len(left)} bytes != {len(right)} bytes (one ends earlier)"
