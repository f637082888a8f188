"""Vectorised draws shared by the generator's modules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


def mix_table(mixes: Sequence[Mapping[Any, float]], labels: Sequence[Any]) -> Floats:
    """One row of probabilities per mix, one column per label (missing labels are 0)."""
    table = np.array([[m.get(label, 0.0) for label in labels] for m in mixes], dtype=np.float64)
    for row, m in zip(table, mixes, strict=True):
        if m and abs(row.sum() - 1.0) > 1e-9:
            raise ValueError(f"mix does not sum to 1: {dict(m)}")
    return table


def categorical(rng: np.random.Generator, probs: Floats, n: int) -> Ints:
    """``n`` draws from one categorical distribution (indices into ``probs``)."""
    cum = np.cumsum(probs)
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(n), side="right").astype(np.int64)


def categorical_by(rng: np.random.Generator, table: Floats, group: Ints) -> Ints:
    """One draw per row of ``group`` from the distribution ``table[group]``."""
    out = np.zeros(len(group), dtype=np.int64)
    u = rng.random(len(group))
    for g in range(table.shape[0]):
        rows = np.flatnonzero(group == g)
        if rows.size == 0 or table[g].sum() == 0:
            continue
        cum = np.cumsum(table[g])
        cum[-1] = 1.0
        out[rows] = np.searchsorted(cum, u[rows], side="right")
    return out


def group_offsets(counts: Ints) -> Ints:
    """Start of each group in the flat array made by repeating rows ``counts`` times."""
    offsets = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=offsets[1:])
    return offsets


def rank_in_group(counts: Ints) -> Ints:
    """0, 1, …, c-1 for each group of size ``c``, concatenated."""
    total = int(counts.sum())
    starts = np.repeat(group_offsets(counts), counts)
    return np.arange(total, dtype=np.int64) - starts
