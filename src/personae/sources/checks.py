"""The rules typed tables must follow, checked in the engine as Ibis expressions.

Each rule is a query for the rows breaking it (:class:`Check`); the runner counts them
and reads the first few with their line, so a rule costs one or two scans whatever the
size of the table, on DuckDB as on any database Ibis reaches.

Errors: duplicate keys, references to unknown accounts or deals, a service period that
ends before it starts, values outside a column's choices.
Warnings also: a table without rows (it counts as absent).
Warnings: accounts without country (their share), country codes that are not ISO,
won or lost deals without ``closed_at``, deals closed before they were created, dates
after the as-of date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from personae.errors import Problem, Severity
from personae.sources import schema
from personae.sources.problems import CAP, capped
from personae.sources.staging import Staged


@dataclass(frozen=True)
class Check:
    """The rows of one table breaking one rule, as ``(_line, _value, _other)``."""

    file: str
    column: str | None
    rows: ir.Table
    what: str  # the rows, in the closing count: "rows with a duplicate deal_id"
    message: Callable[[Any, Any], str]  # (value, other) -> what is wrong with the row
    hint: str
    severity: Severity = "error"
    root_cause: str | None = None  # set: all the rows are one problem, reported once


def _rows(t: ir.Table, value: ir.Value, other: ir.Value | None = None) -> ir.Table:
    return t.select(
        _line=t._line,
        _value=value.cast("string"),
        _other=ibis.null("string") if other is None else other.cast("string"),
    )


def run(check: Check) -> list[Problem]:
    """The problems of one rule: the first rows breaking it, then their count."""
    total = int(check.rows.count().to_pyarrow().as_py())
    if not total:
        return []
    if check.root_cause is not None:
        first = check.rows.order_by(["_line", "_value"]).limit(1).to_pyarrow().to_pylist()[0]
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
    sample = check.rows.order_by(["_line", "_value"]).limit(CAP).to_pyarrow().to_pylist()
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
    t = staged.typed
    t = t.filter(t[key].notnull())
    t = t.mutate(
        _n=ibis.row_number().over(group_by=key, order_by="_line"),
        _first=t._line.min().over(group_by=key),
    )
    dups = t.filter(t._n > 0)

    def message(value: Any, first: Any) -> str:
        where = f": already on line {first}" if first is not None else ""
        return f"duplicate {key}{where}"

    return Check(
        staged.file,
        key,
        _rows(dups, dups[key], dups._first),
        f"rows with a duplicate {key}",
        message,
        f"{key} must be unique: remove the repeated row, or give it its own {key}",
    )


def _unknown(staged: Staged, ref: schema.Reference, target: Staged) -> Check:
    t = staged.typed
    keys = target.typed.select(_key=target.typed[ref.target])
    keys = keys.filter(keys._key.notnull()).distinct()
    bad = t.filter(t[ref.column].notnull()).anti_join(keys, t[ref.column] == keys._key)
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
        _rows(bad, bad[ref.column]),
        f"rows whose {ref.column} is not in {ref.table}",
        lambda v, o: f"unknown {ref.column}: no such {ref.target} in {ref.table}",
        hint or f"add the missing row to {ref.table}, or correct the {ref.column}",
        root_cause=cause,
    )


def _choices(staged: Staged, column: schema.Column) -> Check:
    t = staged.typed
    c = t[column.name]
    bad = t.filter(c.notnull() & ~c.isin(column.choices))
    allowed = ", ".join(column.choices)
    return Check(
        staged.file,
        column.name,
        _rows(bad, bad[column.name]),
        f"rows with an unknown {column.name}",
        lambda v, o: f"unknown {column.name}",
        f"{column.name} must be one of: {allowed} (or empty)",
    )


def _periods(staged: Staged) -> Check:
    t = staged.typed
    bad = t.filter(t.period_end <= t.period_start)
    return Check(
        staged.file,
        "period_end",
        _rows(bad, bad.period_end, bad.period_start),
        "rows whose period_end is not after period_start",
        lambda v, o: f"period_end is not after period_start {o}",
        "period_end is the day after the service period (exclusive): make it later than "
        "period_start, or leave it empty for one month",
    )


def _deal_dates(staged: Staged) -> Iterator[Check]:
    t = staged.typed
    open_ended = t.filter(t.status.isin(("won", "lost")) & t.closed_at.isnull())
    yield Check(
        staged.file,
        "closed_at",
        _rows(open_ended, open_ended.status),
        "won or lost deals without closed_at",
        lambda v, o: f"{v} deal without closed_at",
        "give the date the deal was won or lost: without it, it counts in no period",
        severity="warning",
    )
    early = t.filter(t.closed_at < t.created_at)
    yield Check(
        staged.file,
        "closed_at",
        _rows(early, early.closed_at, early.created_at),
        "deals closed before they were created",
        lambda v, o: f"closed_at is before created_at {o}",
        "check both dates: the sales cycle of this deal would be negative",
        severity="warning",
    )


def _country_codes(staged: Staged) -> Check:
    t = staged.typed
    bad = t.filter(t.country.notnull() & ~t.country.re_search("^[A-Z]{2}$"))
    return Check(
        staged.file,
        "country",
        _rows(bad, bad.country),
        "rows whose country is not an ISO code",
        lambda v, o: "country is not an ISO 3166-1 alpha-2 code",
        "write the two-letter code (FR, BE, DE, GB, US…): regions are read from it",
        severity="warning",
    )


def empty_tables(tables: dict[str, Staged], counts: dict[str, int]) -> list[Problem]:
    """A warning for each table that has no rows: it counts as absent."""
    return [
        Problem(
            tables[name].file,
            f"table {name!r} has no rows: it counts as absent",
            hint=f"the answers that need {name} say so; export it with its rows to have them",
            severity="warning",
        )
        for name in schema.TABLES
        if name in tables and counts.get(name) == 0
    ]


def missing_countries(tables: dict[str, Staged], counts: dict[str, int]) -> list[Problem]:
    """A warning saying how many accounts have no country, if any."""
    accounts = tables.get("accounts")
    total = counts.get("accounts", 0)
    if accounts is None or not total:
        return []
    t = accounts.typed
    missing = int(t.filter(t.country.isnull()).count().to_pyarrow().as_py())
    if not missing:
        return []
    share = f"{100 * missing / total:.1f}".replace(".", ",")
    return [
        Problem(
            accounts.file,
            f"{missing} of {total} accounts ({share} %) have no country",
            column="country",
            hint="fill country (FR, BE, …): the countries and regions answers leave them out",
            severity="warning",
        )
    ]


_NOT_EVENTS = {("revenue", "period_start"), ("revenue", "period_end")}


def after_as_of(tables: dict[str, Staged], as_of: date) -> list[Problem]:
    """A warning for each date column with values after ``as_of``: one line per column."""
    problems: list[Problem] = []
    end = datetime.combine(as_of + timedelta(days=1), time())
    for name, spec in schema.TABLES.items():
        staged = tables.get(name)
        if staged is None:
            continue
        t = staged.typed
        conditions = {
            c.name: (t[c.name] > as_of) if c.type == "date" else (t[c.name] >= end)
            for c in spec.columns
            if c.type in ("date", "timestamp") and (name, c.name) not in _NOT_EVENTS
        }
        if not conditions:
            continue
        counts = t.aggregate(**{c: cond.sum() for c, cond in conditions.items()}).to_pyarrow()
        for column, cond in conditions.items():
            n = int(counts[column][0].as_py() or 0)
            if not n:
                continue
            first = t.filter(cond).order_by("_line").limit(1)
            row = first.select("_line", column).to_pyarrow().to_pylist()[0]
            problems.append(
                Problem(
                    staged.file,
                    f"{n} rows dated after the as-of date {as_of.isoformat()}",
                    line=row["_line"],
                    column=column,
                    value=str(row[column]),
                    hint="they are left out of every figure; check the as-of date or the data",
                    severity="warning",
                )
            )
    return problems
