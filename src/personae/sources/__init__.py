"""The input tables: loading, validating and describing them (DESIGN §3).

>>> ds = load("data/")                       # doctest: +SKIP
>>> ds.tables["revenue"].amount.sum().to_pyarrow()  # doctest: +SKIP

:func:`load` returns a :class:`Dataset` of typed Ibis tables or raises one
:class:`~personae.errors.DataError` listing every problem; :func:`validate` returns the
same problems as a :class:`ValidationReport`. The tables are declared in
:mod:`personae.sources.schema`.
"""

from __future__ import annotations

from personae.sources.dataset import Dataset, load
from personae.sources.readme import data_readme
from personae.sources.validation import ValidationReport, validate

__all__ = ["Dataset", "ValidationReport", "data_readme", "load", "validate"]
