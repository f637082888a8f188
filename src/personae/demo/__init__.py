"""The demo company Quickfund: deterministic synthetic data with planted truths.

>>> from personae.demo import generate
>>> data = generate(Path("personae-demo"), size="S", seed=0)  # doctest: +SKIP

writes the canonical tables (DESIGN §3) and ``truth.json`` into ``personae-demo/data``.
"""

from personae.demo.generator import SIZES, Size, generate

__all__ = ["SIZES", "Size", "generate"]
