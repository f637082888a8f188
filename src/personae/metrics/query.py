"""Pulling small results out of the engine as plain Python values (through Arrow).

Results come back as Python ints, floats, strings, bools, dates and None, never pandas
objects, so that the metrics are JSON-ready and engine-independent.
"""

from __future__ import annotations

from typing import Any

import ibis


def scalar(expr: ibis.Scalar) -> Any:
    """The value of a scalar expression (None for NULL)."""
    return expr.to_pyarrow().as_py()


def rows(expr: ibis.Table) -> list[dict[str, Any]]:
    """The rows of a (small) table expression as dicts."""
    return list(expr.to_pyarrow().to_pylist())
