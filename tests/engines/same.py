"""Comparing what two engines computed: the same numbers, key for key, to 1e-9.

Shared by the second-engine tests (PostgreSQL, Spark). The SQL each engine ran (provenance,
in its own dialect) is left out with :func:`without_provenance`.
"""

from __future__ import annotations

from typing import Any

import pytest


def assert_same(a: Any, b: Any, path: str = "metrics", tol: float = 1e-9) -> None:
    """``b`` equals ``a``: the same keys and lengths, floats to ``tol`` (relative or
    absolute), everything else exactly; a failure names the path (``metrics.churn…``)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}", tol)
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]", tol)
    elif isinstance(a, float) and not isinstance(b, bool):
        assert b == pytest.approx(a, rel=tol, abs=tol, nan_ok=True), path
    else:
        assert a == b, path


def without_provenance(value: Any) -> Any:
    """``value`` with every ``provenance`` key dropped, at any depth."""
    if isinstance(value, dict):
        return {k: without_provenance(v) for k, v in value.items() if k != "provenance"}
    if isinstance(value, list):
        return [without_provenance(v) for v in value]
    return value
