"""The rules typed tables must follow, checked in the engine as Ibis expressions.

Each rule is a query for the rows breaking it (:class:`Check`). Their number is an
aggregate of the table (``count``) for a rule about each row alone, counted with every
other rule of the table in one query (:class:`~personae.sources.tally.Tally`); a rule
across rows (duplicate keys, unknown references, identical rows) has a cheap test that
no row breaks it (``guard``, ``witnesses``) and is counted on its own only when that
test fails. The first few rows are then read with their line, only for a rule with rows
breaking it: a clean table costs one scan whatever the number of rules, on DuckDB as on
any database Ibis reaches.

Errors: duplicate keys, references to unknown accounts or deals, a service period that
ends before it starts, values outside a column's choices.
Warnings: country codes that are not ISO, won or lost deals without ``closed_at``, deals
closed before they were created. What a whole table covers (empty tables, accounts
without country, dates after the as-of date): :mod:`personae.sources.coverage`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from personae.errors import Problem, Severity
from personae.sources import schema
from personae.sources.problems import CAP, capped
from personae.sources.staging import Staged
from personae.sources.tally import Key, Tally


@dataclass(frozen=True)
class Check:
    """The rows of one table breaking one rule, as ``(_line, _value, _other)``.

    How many there are, cheapest first: ``count``, their exact number as an aggregate of
    the table ``table`` (typed); else ``guard``, an aggregate of it that is 0 only when
    there are none, and ``witnesses``, a relation without rows only when there are none;
    else (or when these say there may be some) ``rows`` counted.
    """

    file: str
    column: str | None
    rows: ir.Table | Callable[[], ir.Table]  # or what builds it, called only when read
    what: str  # the rows, in the closing count: "rows with a duplicate deal_id"
    message: Callable[[Any, Any], str]  # (value, other) -> what is wrong with the row
    hint: str
    severity: Severity = "error"
    root_cause: str | None = None  # set: all the rows are one problem, reported once
    table: Staged | None = None  # the table whose aggregate holds ``count`` or ``guard``
    # or, when set, (a name for the tally, the relation whose aggregate holds them)
    of: tuple[str, ir.Table] | None = None
    count: ir.Scalar | None = None
    guard: ir.Scalar | None = None
    witnesses: ir.Table | None = None
    # the witnesses as (target, values, keys): the values (``_ref``) the keys (``_key``)
    # of ``target`` lack; the references to one target are then tested in one anti-join
    refers: tuple[str, ir.Table, ir.Table] | None = None

    def breaking(self) -> ir.Table:
        """The rows breaking the rule (built when first needed: most rules break none)."""
        return self.rows() if callable(self.rows) else self.rows


def _rows(t: ir.Table, value: ir.Value, other: ir.Value | None = None) -> ir.Table:
    return t.select(
        _line=t._line,
        _value=value.cast("string"),
        _other=ibis.null("string") if other is None else other.cast("string"),
    )


def row_rule(
    staged: Staged,
    column: str | None,
    broken: ir.BooleanValue,
    value: Callable[[ir.Table], ir.Value],
    other: Callable[[ir.Table], ir.Value] | None = None,
    **kwargs: Any,
) -> Check:
    """A rule each row follows or not on its own: ``broken``, a condition over the typed
    table; ``value`` and ``other`` the columns shown for a row breaking it."""
    t = staged.typed

    def rows() -> ir.Table:
        bad = t.filter(broken)
        return _rows(bad, value(bad), None if other is None else other(bad))

    return Check(staged.file, column, rows, table=staged, count=t.count(where=broken), **kwargs)


def ask(check: Check, tally: Tally) -> Key | None:
    """Add what ``check`` needs from its table's aggregate to ``tally``."""
    if check.table is None:
        return None
    asked = check.count if check.count is not None else check.guard
    if asked is None:
        return None
    name, t = check.of or (check.table.name, check.table.typed)
    return tally.add(name, t, asked)


def witnessed(found: list[Check]) -> list[bool]:
    """Whether each of ``found`` has witnesses (rows of its ``witnesses``; False without
    any): one query for all of them instead of one each."""
    parts: list[ir.Table] = []
    targets: dict[str, list[tuple[int, ir.Table, ir.Table]]] = {}
    for i, check in enumerate(found):
        if check.refers is not None:
            target, values, keys = check.refers
            targets.setdefault(target, []).append((i, values, keys))
        elif check.witnesses is not None:
            parts.append(check.witnesses.limit(1).select(_i=ibis.literal(i, "int64")))
    for same in targets.values():
        # every reference to one table against its keys at once: its keys read once
        keys = same[0][2]
        values = [v.mutate(_i=ibis.literal(i, "int64")) for i, v, _ in same]
        used = values[0] if len(values) == 1 else ibis.union(*values)
        unknown = used.anti_join(keys, used._ref == keys._key)
        parts.append(unknown.select("_i").distinct())
    some: set[int] = set()
    if parts:
        union = parts[0] if len(parts) == 1 else ibis.union(*parts)
        some = {int(i) for i in union.to_pyarrow().column("_i").to_pylist()}
    return [i in some for i in range(len(found))]


def run(
    check: Check,
    tally: Tally | None = None,
    key: Key | None = None,
    witnessed: bool | None = None,
) -> list[Problem]:
    """The problems of one rule: the first rows breaking it, then their count.

    ``key`` is where ``tally`` (already run) holds the rule's count or guard (:func:`ask`);
    without it the rule is counted here. ``witnessed``: whether the rule's ``witnesses``
    are known to hold rows (:func:`witnessed`), else they are looked for here.
    """
    total: int | None = None
    if key is not None and tally is not None:
        if not tally[key]:
            return []
        if check.count is not None:
            total = tally[key]
    witnesses = check.witnesses if total is None else None
    if witnesses is not None:
        if witnessed is None:
            witnessed = bool(int(witnesses.limit(1).count().to_pyarrow().as_py()))
        if not witnessed:
            return []
    order = ["_line", "_value"]
    limit = 1 if check.root_cause is not None else CAP
    if total is None:  # counted with the first rows, in one query
        rows = check.breaking()
        counted = rows.mutate(_total=rows._line.isnull().count().over())
        sample = counted.order_by(order).limit(limit).to_pyarrow().to_pylist()
        total = int(sample[0]["_total"]) if sample else 0
    elif total:
        sample = check.breaking().order_by(order).limit(limit).to_pyarrow().to_pylist()
    if not total:
        return []
    if check.root_cause is not None:
        first = sample[0]
        return [
            Problem(
                check.file,
                f"{total} {check.what}: {check.root_cause}",
                line=None if first["_line"] is None else int(first["_line"]),
                column=check.column,
                value=first["_value"],
                hint=check.hint,
                severity=check.severity,
            )
        ]
    rows = [(r["_line"], r["_value"], r["_other"]) for r in sample]
    return capped(
        check.file, check.column, check.what, total, rows, check.message, check.hint,
        severity=check.severity,
    )  # fmt: skip


def rules(tables: dict[str, Staged]) -> Iterator[Check]:
    """Every rule that applies to the tables found (complete ones only)."""
    for name, spec in schema.TABLES.items():
        staged = tables.get(name)
        if staged is None or not staged.complete:
            continue
        if spec.key:
            yield _duplicates(staged, spec.key)
        for ref in spec.references:
            target = tables.get(ref.table)
            if target is not None and target.complete:
                yield _unknown(staged, ref, target)
        for column in spec.columns:
            if column.choices:
                yield _choices(staged, column)
    if "revenue" in tables and tables["revenue"].complete:
        yield _periods(tables["revenue"])
    if "deals" in tables and tables["deals"].complete:
        yield from _deal_dates(tables["deals"])
    if "accounts" in tables and tables["accounts"].complete:
        yield _country_codes(tables["accounts"])
    from personae.sources import plausibility  # it builds on Check

    yield from plausibility.rules(tables)


def _duplicates(staged: Staged, key: str) -> Check:
    def rows() -> ir.Table:
        t = staged.typed
        t = t.filter(t[key].notnull())
        t = t.mutate(
            _n=ibis.row_number().over(group_by=key, order_by="_line"),
            _first=t._line.min().over(group_by=key),
        )
        dups = t.filter(t._n > 0)
        return _rows(dups, dups[key], dups._first)

    def message(value: Any, first: Any) -> str:
        where = f": already on line {first}" if first is not None else ""
        return f"duplicate {key}{where}"

    keys = staged.typed[key]
    return Check(
        staged.file,
        key,
        rows,
        f"rows with a duplicate {key}",
        message,
        f"{key} must be unique: remove the repeated row, or give it its own {key}",
        table=staged,
        count=keys.count() - keys.nunique(),  # every row of a key but its first
    )


def _unknown(staged: Staged, ref: schema.Reference, target: Staged) -> Check:
    t = staged.typed
    keys = target.typed.select(_key=target.typed[ref.target])
    keys = keys.filter(keys._key.notnull())  # repeated keys change no anti-join

    def rows() -> ir.Table:
        bad = t.filter(t[ref.column].notnull()).anti_join(keys, t[ref.column] == keys._key)
        return _rows(bad, bad[ref.column])

    # The values referred to, each once, that the target lacks: none (the usual case)
    # settles it without counting rows. Read from the column's distinct values when
    # loading counted them (DuckDB), else from the table's rows.
    values = staged.values.get(ref.column)
    if values is not None:
        used = values.select(_ref=values[ref.column])
        used = used.filter(used._ref.notnull())
    else:
        used = t.select(_ref=t[ref.column])
        used = used.filter(used._ref.notnull()).distinct()
    unknown = used.anti_join(keys, used._ref == keys._key)
    cause = hint = None
    if target.lost:
        # The rows of the target that could not be read explain these: one line, not
        # thousands (the unreadable rows are reported on their own file).
        cause = (
            f"{target.lost} row(s) of {target.file} could not be read (see its problems), "
            f"so the {ref.target} they hold are unknown here"
        )
        hint = f"fix the unreadable rows of {target.file} first; this line then goes away"
    return Check(
        staged.file,
        ref.column,
        rows,
        f"rows whose {ref.column} is not in {ref.table}",
        lambda v, o: f"unknown {ref.column}: no such {ref.target} in {ref.table}",
        hint or f"add the missing row to {ref.table}, or correct the {ref.column}",
        root_cause=cause,
        witnesses=unknown,
        refers=(f"{ref.table}.{ref.target}", used, keys),
    )


def _choices(staged: Staged, column: schema.Column) -> Check:
    c = staged.typed[column.name]
    allowed = ", ".join(column.choices)
    return row_rule(
        staged,
        column.name,
        c.notnull() & ~c.isin(column.choices),
        lambda bad: bad[column.name],
        what=f"rows with an unknown {column.name}",
        message=lambda v, o: f"unknown {column.name}",
        hint=f"{column.name} must be one of: {allowed} (or empty)",
    )


def _periods(staged: Staged) -> Check:
    t = staged.typed
    return row_rule(
        staged,
        "period_end",
        t.period_end <= t.period_start,
        lambda bad: bad.period_end,
        lambda bad: bad.period_start,
        what="rows whose period_end is not after period_start",
        message=lambda v, o: f"period_end is not after period_start {o}",
        hint="period_end is the day after the service period (exclusive): make it later "
        "than period_start, or leave it empty for one month",
    )


def _deal_dates(staged: Staged) -> Iterator[Check]:
    t = staged.typed
    yield row_rule(
        staged,
        "closed_at",
        t.status.isin(("won", "lost")) & t.closed_at.isnull(),
        lambda bad: bad.status,
        what="won or lost deals without closed_at",
        message=lambda v, o: f"{v} deal without closed_at",
        hint="give the date the deal was won or lost: without it, it counts in no period",
        severity="warning",
    )
    yield row_rule(
        staged,
        "closed_at",
        t.closed_at < t.created_at,
        lambda bad: bad.closed_at,
        lambda bad: bad.created_at,
        what="deals closed before they were created",
        message=lambda v, o: f"closed_at is before created_at {o}",
        hint="check both dates: the sales cycle of this deal would be negative",
        severity="warning",
    )


def _country_codes(staged: Staged) -> Check:
    t = staged.typed
    return row_rule(
        staged,
        "country",
        t.country.notnull() & ~t.country.re_search("^[A-Z]{2}$"),
        lambda bad: bad.country,
        what="rows whose country is not an ISO code",
        message=lambda v, o: "country is not an ISO 3166-1 alpha-2 code",
        hint="write the two-letter code (FR, BE, DE, GB, US…): regions are read from it",
        severity="warning",
    )
