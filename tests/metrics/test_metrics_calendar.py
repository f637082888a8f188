"""T, W, W' and month arithmetic (DESIGN §4, notation)."""

from __future__ import annotations

from datetime import date

import ibis
import pytest

from personae.errors import DataError
from personae.metrics import resolve_as_of
from personae.metrics.calendar import build_calendar
from personae.months import shift_months, whole_months
from personae.settings import Settings
from tests.metrics.metric_tables import make_tables


def tables_with_dates(*dates: str) -> dict[str, ibis.Table]:
    con = ibis.duckdb.connect()
    return make_tables(
        con,
        accounts=[{"account_id": "A"}],
        revenue=[{"account_id": "A", "date": d, "amount": 1.0} for d in dates],
    )


def test_as_of_defaults_to_the_end_of_the_latest_revenue_month():
    t = tables_with_dates("2024-03-01", "2025-11-15")
    assert resolve_as_of(t, Settings()) == date(2025, 11, 30)
    assert resolve_as_of(t, Settings(as_of=date(2025, 6, 15))) == date(2025, 6, 15)
    leap = tables_with_dates("2024-02-03")
    assert resolve_as_of(leap, Settings()) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("as_of", "when"),
    [
        (date(2024, 2, 29), "before the first"),
        (date(2026, 12, 31), "more than 12 months after the last"),
    ],
)
def test_an_as_of_date_outside_the_data_is_refused(as_of: date, when: str) -> None:
    t = tables_with_dates("2024-03-01", "2025-11-15")
    with pytest.raises(DataError) as info:
        resolve_as_of(t, Settings(as_of=as_of))
    text = str(info.value)
    assert f"is {when} revenue line" in text and "(2024-03-01 to 2025-12-14)" in text
    # the last line (15 Nov 2025) pays a month of service: the data covers up to 14 Dec 2025
    assert "from 2024-03-01 to 2026-12-13" in text
    assert resolve_as_of(t, Settings(as_of=date(2026, 12, 13))) == date(2026, 12, 13)


def test_as_of_needs_revenue():
    con = ibis.duckdb.connect()
    t = make_tables(
        con,
        accounts=[{"account_id": "A"}],
        revenue=[{"account_id": "A", "date": "2025-01-01", "amount": 1.0}],
    )
    empty = {**t, "revenue": t["revenue"].filter(ibis.literal(False))}
    with pytest.raises(DataError):
        resolve_as_of(empty, Settings())


def test_windows():
    cal = build_calendar(tables_with_dates("2023-05-10", "2025-12-01"), Settings())
    assert cal.t == date(2025, 12, 31)
    assert (cal.t12, cal.t24) == (date(2024, 12, 31), date(2023, 12, 31))
    assert cal.recent_start == date(2025, 10, 3)  # T − 89 days: 90 days both ends included
    assert cal.first_idx == 2023 * 12 + 4  # May 2023
    short = build_calendar(tables_with_dates("2025-11-02"), Settings(active_window_days=30))
    assert short.grid_start == short.idx_t - 12  # the 12 churn months are on the grid
    assert short.recent_start == date(2025, 11, 1)


def test_shift_months_keeps_month_ends():
    assert shift_months(date(2025, 2, 28), -12) == date(2024, 2, 29)  # a month end stays one
    assert shift_months(date(2024, 2, 29), -12) == date(2023, 2, 28)
    assert shift_months(date(2025, 3, 30), -1) == date(2025, 2, 28)  # clamped
    assert shift_months(date(2025, 12, 15), -12) == date(2024, 12, 15)


def test_whole_months_to_the_end_of_t():
    assert whole_months(date(2025, 1, 1), date(2025, 12, 31)) == 12
    assert whole_months(date(2025, 1, 15), date(2025, 12, 31)) == 11
    assert whole_months(date(2025, 1, 31), date(2025, 2, 28)) == 1
    assert whole_months(date(2025, 12, 31), date(2025, 12, 31)) == 0
    assert whole_months(date(2026, 1, 1), date(2025, 12, 31)) == 0
