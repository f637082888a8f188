"""The as-of date T, the windows W and W', and the month calendar (DESIGN §4, notation).

Months are numbered by ``month_idx = 12 × year + month − 1`` (:mod:`personae.months`). Each month of the grid has one evaluation
date ``at``: its last day, or T itself for T's month (so that "MRR at T" and the grid
agree when T is not a month end).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import ibis
import pyarrow as pa

from personae.errors import DataError, Problem
from personae.metrics.query import scalar
from personae.months import (
    month_end,
    month_idx,
    shift_months,
)
from personae.settings import Settings


def month_label(idx: int) -> str:
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


#: Where T comes from when there is no revenue (DESIGN §3): the latest date of these.
EVENT_DATES = (
    ("deals", "created_at"),
    ("deals", "closed_at"),
    ("deal_stages", "entered_at"),
    ("activity", "timestamp"),
    ("touchpoints", "timestamp"),
    ("notes", "date"),
)


def _latest_event(tables: Mapping[str, ibis.Table]) -> Any:
    found = [scalar(tables[name][column].max()) for name, column in EVENT_DATES if name in tables]
    dates = [_as_date(v) for v in found if v is not None]
    return max(dates) if dates else None


def revenue_span(tables: Mapping[str, ibis.Table]) -> tuple[Any, Any, Any]:
    """The first and last revenue dates and the latest period end (None without revenue):
    one scan of revenue."""
    if "revenue" not in tables:
        return None, None, None
    revenue = tables["revenue"]
    row = revenue.aggregate(
        first=revenue.date.min(), last=revenue.date.max(), covered=revenue.period_end.max()
    ).to_pyarrow()
    return row["first"][0].as_py(), row["last"][0].as_py(), row["covered"][0].as_py()


def resolve_as_of(
    tables: Mapping[str, ibis.Table],
    settings: Settings,
    span: tuple[Any, Any, Any] | None = None,
) -> date:
    """settings.as_of, or the last day of the month of the latest revenue date (without
    revenue, of the latest date in the other tables).

    An as-of date given outside the revenue's span — before its first line, or so late that
    the 12 months before it hold none — is refused: every number would describe a period
    the data does not cover (zero clients, no churn), and the dossier would tick them as
    answers. ``span``: :func:`revenue_span`, when the caller has it already.
    """
    first, last, covered = revenue_span(tables) if span is None else span
    t = settings.as_of
    if last is None:
        if t is not None:
            return t  # no revenue to hold it against
        latest_event = _latest_event(tables)
        if latest_event is None:
            raise DataError(
                "no dated row: the as-of date cannot be chosen",
                [
                    Problem(
                        "revenue",
                        "neither revenue nor deals, stages, activity or notes have a date",
                        column="date",
                        hint="give --as-of",
                    )
                ],
            )
        return month_end(month_idx(_as_date(latest_event)))
    first, last = _as_date(first), _as_date(last)
    if t is None:
        return month_end(month_idx(last))
    # a service period paid in advance covers the data up to its (exclusive) end
    if covered is not None:
        last = max(last, _as_date(covered) - timedelta(days=1))
    latest = shift_months(last, 12)  # from then on, W = (T − 12 months, T] holds no data
    if t < first or shift_months(t, -12) >= last:
        when = "before the first" if t < first else "more than 12 months after the last"
        raise DataError(
            f"the as-of date {t.isoformat()} lies outside the data ({first.isoformat()} to "
            f"{last.isoformat()})",
            [
                Problem(
                    "revenue",
                    f"--as-of {t.isoformat()} is {when} revenue line",
                    column="date",
                    hint=f"choose a date from {first.isoformat()} to "
                    f"{(latest - timedelta(days=1)).isoformat()}, "
                    "or leave --as-of out (the end of the month of the last revenue line)",
                )
            ],
        )
    return t


@dataclass(frozen=True)
class Calendar:
    """T and the windows derived from it.

    ``W`` is (t12, t]; ``W'`` is (t24, t12]; the last ``active_days`` days are
    [recent_start, t]. The grid runs over months ``grid_start … idx_t``; the movements
    are reported from ``first_idx`` (the first revenue month) on.
    """

    t: date
    t12: date
    t24: date
    recent_start: date
    first_idx: int
    grid_start: int
    first: date | None = None  # the first revenue date

    @property
    def previous_window_covered(self) -> bool:
        """Whether the data reaches back over the whole of W' (growth needs it)."""
        return self.first is not None and self.first <= self.t24 + timedelta(days=1)

    @property
    def idx_t(self) -> int:
        return month_idx(self.t)

    def at(self, idx: int) -> date:
        """The evaluation date of month idx: its last day, or T for T's month."""
        return self.t if idx == self.idx_t else month_end(idx)

    def window(self) -> dict[str, str]:
        return {
            "start_exclusive": self.t12.isoformat(),
            "end": self.t.isoformat(),
            "previous_start_exclusive": self.t24.isoformat(),
            "previous_end": self.t12.isoformat(),
            "recent_start": self.recent_start.isoformat(),
        }


def build_calendar(tables: Mapping[str, ibis.Table], settings: Settings) -> Calendar:
    span = revenue_span(tables)
    t = resolve_as_of(tables, settings, span)
    first = span[0]
    first_idx = month_idx(_as_date(first)) if first is not None else None
    idx_t = month_idx(t)
    if first_idx is None:
        first_idx = idx_t + 1
    return Calendar(
        t=t,
        t12=shift_months(t, -12),
        t24=shift_months(t, -24),
        recent_start=t - timedelta(days=settings.active_window_days - 1),
        first_idx=first_idx,
        # 12 months before T's month at least, so that the churn months of W are on the grid.
        grid_start=min(first_idx, idx_t - 12),
        first=_as_date(first) if first is not None else None,
    )


MONTHS_SCHEMA = pa.schema([("month_idx", pa.int64()), ("at", pa.date32())])
POINTS_SCHEMA = pa.schema([("point", pa.int64()), ("at", pa.date32())])


def months_columns(cal: Calendar) -> dict[str, list[Any]]:
    """One row per grid month: ``month_idx`` and its evaluation date ``at``."""
    idxs = list(range(cal.grid_start, cal.idx_t + 1))
    return {"month_idx": idxs, "at": [cal.at(i) for i in idxs]}


def points_columns(cal: Calendar) -> dict[str, list[Any]]:
    """The two snapshot dates: ``point`` 0 is T, −12 is T − 12 months."""
    return {"point": [0, -12], "at": [cal.t, cal.t12]}
