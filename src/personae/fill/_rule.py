"""The one registry of answers from numbers: each rule declares what it reads and writes.

A rule is a small pure function from the ``metrics`` object to ``{id: value}``, declared
with the metric family whose SQL produced its numbers (the provenance a data answer points
to), every id it can write (questions, slots, tables) with the columns of each table, and
the tables it needs. Everything else is derived from these declarations: the questions the
data can answer, the reason an answer is missing, and the provenance of each answer. A
contract test checks every declared id and column against the template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Metrics = Mapping[str, Any]
RuleFn = Callable[[Metrics], dict[str, Any]]


@dataclass(frozen=True)
class Need:
    """A table (and optionally a column of it) without which a rule has nothing to say."""

    table: str
    column: str | None = None

    def unmet_in(self, missing: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
        """The first of the metrics' ``missing`` records that says this need was not met."""
        for record in missing:
            if record.get("table") != self.table:
                continue
            if record.get("column") in (None, self.column):
                return record
        return None

    def __str__(self) -> str:
        return self.table if self.column is None else f"{self.table}.{self.column}"


@dataclass(frozen=True)
class Rule:
    fn: RuleFn
    families: tuple[str, ...]  # the metric families (metrics.provenance keys) it reads
    writes: frozenset[str]
    columns: Mapping[str, frozenset[str]] = field(default_factory=dict)
    needs: tuple[Need, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.fn.__module__}.{self.fn.__name__}"

    def __call__(self, m: Metrics) -> dict[str, Any]:
        out = self.fn(m)
        undeclared = set(out) - self.writes
        if undeclared:  # a programming error: declarations drive status and provenance
            raise AssertionError(f"{self.name} wrote undeclared ids {sorted(undeclared)}")
        return out


RULES: list[Rule] = []


def rule(
    family: str | tuple[str, ...],
    writes: tuple[str, ...],
    *,
    columns: Mapping[str, tuple[str, ...]] | None = None,
    needs: tuple[str, ...] = (),
) -> Callable[[RuleFn], RuleFn]:
    """Register ``fn`` as a rule (see the module docstring).

    ``family``: the metric family (or families) whose numbers it reads; ``writes``: the ids
    it can write; ``columns``: table id -> the columns its rows fill; ``needs``: the tables
    (``table`` or ``table.column``) without which it has nothing to say.
    """

    def register(fn: RuleFn) -> RuleFn:
        cols = {tid: frozenset(c) for tid, c in (columns or {}).items()}
        RULES.append(
            Rule(
                fn,
                (family,) if isinstance(family, str) else family,
                frozenset(writes) | frozenset(cols),
                cols,
                tuple(Need(*n.split(".", 1)) for n in needs),
            )
        )
        return fn

    return register


@dataclass(frozen=True)
class Awaited:
    """A question that a model of DESIGN §5 will answer; until then it needs a person."""

    question: str
    model: str
