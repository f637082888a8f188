"""What the tables cover, told as warnings: a table without rows (it counts as absent),
the share of accounts without a country, the rows dated after the as-of date.

Each count is asked of the table's one aggregate (:class:`~personae.sources.tally.Tally`,
``ask_…``) and read once it ran; the first row after the as-of date is read only for a
column that has some.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import ibis.expr.types as ir

from personae.errors import Problem
from personae.sources import schema
from personae.sources.staging import Staged
from personae.sources.tally import Key, Tally


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


def ask_missing_countries(tables: dict[str, Staged], tally: Tally) -> Key | None:
    """Ask ``tally`` for the number of accounts without country."""
    accounts = tables.get("accounts")
    if accounts is None:
        return None
    t = accounts.typed
    return tally.add("accounts", t, t.count(where=t.country.isnull()))


def missing_countries(
    tables: dict[str, Staged], counts: dict[str, int], missing: int
) -> list[Problem]:
    """A warning saying how many accounts have no country (``missing``), if any."""
    accounts = tables.get("accounts")
    total = counts.get("accounts", 0)
    if accounts is None or not total or not missing:
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


@dataclass(frozen=True)
class Dated:
    """The rows of one date column after the as-of date, counted in its table's tally."""

    staged: Staged
    column: str
    after: ir.BooleanValue
    key: Key


def ask_after_as_of(tables: dict[str, Staged], as_of: date, tally: Tally) -> list[Dated]:
    """Ask ``tally`` for the rows of each date column dated after ``as_of``."""
    asked: list[Dated] = []
    end = datetime.combine(as_of + timedelta(days=1), time())
    for name, spec in schema.TABLES.items():
        staged = tables.get(name)
        if staged is None:
            continue
        t = staged.typed
        for c in spec.columns:
            if c.type not in ("date", "timestamp") or (name, c.name) in _NOT_EVENTS:
                continue
            after = (t[c.name] > as_of) if c.type == "date" else (t[c.name] >= end)
            asked.append(Dated(staged, c.name, after, tally.add(name, t, t.count(where=after))))
    return asked


def after_as_of(asked: list[Dated], as_of: date, tally: Tally) -> list[Problem]:
    """A warning for each date column with values after ``as_of``: one line per column."""
    problems: list[Problem] = []
    for dated in asked:
        n = tally[dated.key]
        if not n:
            continue
        t = dated.staged.typed
        first = t.filter(dated.after).order_by("_line").limit(1)
        row = first.select("_line", dated.column).to_pyarrow().to_pylist()[0]
        problems.append(
            Problem(
                dated.staged.file,
                f"{n} rows dated after the as-of date {as_of.isoformat()}",
                line=row["_line"],
                column=dated.column,
                value=str(row[dated.column]),
                hint="they are left out of every figure; check the as-of date or the data",
                severity="warning",
            )
        )
    return problems
