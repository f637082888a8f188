"""The activity summary (metrics/activity.py) gives what the events themselves give.

Hand-placed events around the edges the readers care about: several events on one day,
an event on T's last second and one after T, the first day of the recent window and the
day before it, a won deal closed on the day of an event, the day after, and in a month
whose earlier days have events but later ones none. The MRR snapshot read from the grid
is checked against the one computed from the revenue lines.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pyarrow as pa
import pytest

from personae.metrics import MetricsSession
from personae.metrics.activity import (
    ACTIVITY_TABLE,
    active_since,
    activity_months,
    bit_count,
    event_count,
    exact_users,
    first_event_on_or_after,
)
from personae.metrics.calendar import build_calendar
from personae.metrics.context import Context
from personae.metrics.mrr import build_snapshot, snapshot_from_grid
from personae.settings import Settings
from tests.metrics.metric_tables import company_frames, make_tables

T = date(2025, 12, 31)
SETTINGS = Settings(as_of=T, active_window_days=31)  # the window: 1 to 31 December

EVENTS = [
    ("A", "2025-03-05 10:00:00", "c1", 2.0),
    ("A", "2025-03-05 18:00:00", "c2", None),  # an empty quantity counts 1
    ("A", "2025-03-20 09:00:00", "c1", 1.0),
    ("A", "2025-04-02 09:00:00", None, 1.0),  # no contact: no user
    ("A", "2025-12-31 23:59:59", "c3", 1.0),  # T's last second: counted
    ("A", "2026-01-01 00:00:00", "c3", 5.0),  # after T: left out
    ("B", "2025-12-01 00:00:00", "c4", 1.0),  # the first day of the recent window
    ("C", "2025-11-30 23:59:59", "c5", 1.0),  # the day before it
]


@pytest.fixture
def ctx() -> Any:
    con = ibis.duckdb.connect()
    rows = [
        {"account_id": a, "timestamp": ts, "contact_id": c, "event": "login", "quantity": q}
        for a, ts, c, q in EVENTS
    ]
    tables = make_tables(con, activity=rows)
    yield Context(con, tables, SETTINGS, build_calendar(tables, SETTINGS))
    con.disconnect()


def test_summary_per_account_month(ctx: Context) -> None:
    s = activity_months(ctx, "test")
    s = s.mutate(active_days=bit_count(s.days))
    got = {
        (r["account_id"], r["month_idx"]): (
            r["events"],
            r["quantity"],
            r["active_days"],
            r["users"],
        )
        for r in s.to_pyarrow().to_pylist()
    }
    assert got == {
        ("A", 2025 * 12 + 2): (3, 4.0, 2, 2),
        ("A", 2025 * 12 + 3): (1, 1.0, 1, 0),
        ("A", 2025 * 12 + 11): (1, 1.0, 1, 1),
        ("B", 2025 * 12 + 11): (1, 1.0, 1, 1),
        ("C", 2025 * 12 + 10): (1, 1.0, 1, 1),
    }
    assert event_count(ctx) == len(EVENTS) and exact_users(ctx)
    # built once, its SQL under the family that reads it and under "activity"
    assert activity_months(ctx, "other").get_name().endswith("personae_activity_months")
    assert {"test", "other", "activity"} <= set(ctx.provenance)
    assert ctx.temp_tables.count("personae_activity_months") == 1


def test_active_since(ctx: Context) -> None:
    def ids(start: date) -> set[str]:
        t = active_since(ctx, start, "test")
        return {r["account_id"] for r in t.to_pyarrow().to_pylist()}

    assert ids(date(2025, 12, 1)) == {"A", "B"}
    assert ids(date(2025, 11, 30)) == {"A", "B", "C"}
    assert ids(date(2025, 12, 2)) == {"A"}  # A's event of 31 December
    assert ids(date(2025, 3, 21)) == {"A", "B", "C"}


@pytest.mark.parametrize(
    ("account", "day", "first"),
    [
        ("A", date(2025, 3, 5), date(2025, 3, 5)),  # the same day counts
        ("A", date(2025, 3, 6), date(2025, 3, 20)),
        ("A", date(2025, 3, 21), date(2025, 4, 2)),  # March has none after the 20th
        ("A", date(2025, 4, 3), date(2025, 12, 31)),
        ("A", date(2025, 1, 15), date(2025, 3, 5)),  # months without events skipped
        ("C", date(2025, 11, 30), date(2025, 11, 30)),
        ("B", date(2025, 12, 2), None),  # nothing after: no row
        ("D", date(2025, 1, 1), None),  # no event at all
    ],
)
def test_first_event_on_or_after(ctx: Context, account: str, day: date, first: date | None) -> None:
    keys = ibis.memtable(
        pa.table({"deal_id": ["d"], "account_id": [account], "closed_at": pa.array([day])})
    )
    j = first_event_on_or_after(ctx, keys, "closed_at", "test")
    found = j.group_by("deal_id").aggregate(first=j.first.min()).to_pyarrow().to_pylist()
    assert [r["first"] for r in found] == ([] if first is None else [first])


@pytest.mark.parametrize("as_of", [date(2025, 12, 31), date(2025, 11, 30)])
def test_snapshot_from_grid_is_the_snapshot(as_of: date) -> None:
    con = ibis.duckdb.connect()
    settings = Settings(as_of=as_of)
    with MetricsSession(con, make_tables(con, **company_frames()), settings) as session:
        grid = snapshot_from_grid(session.ctx, session.grid)
        assert grid is not None
        order = ["account_id"]
        a = grid.order_by(order).to_pyarrow().to_pylist()
        b = build_snapshot(session.ctx).order_by(order).to_pyarrow().to_pylist()
        assert a == b and any(r["mrr_t12"] > 0 for r in a) and any(r["mrr_t"] > 0 for r in a)
    con.disconnect()


def test_snapshot_from_grid_declines_mid_month() -> None:
    """T on the 15th: T − 12 months is no evaluation date of the grid."""
    con = ibis.duckdb.connect()
    settings = Settings(as_of=date(2025, 12, 15))
    with MetricsSession(con, make_tables(con, **company_frames()), settings) as session:
        assert snapshot_from_grid(session.ctx, session.grid) is None
    con.disconnect()


def test_release_drops_a_table_and_a_shared_one_is_built_again() -> None:
    """``MetricsSession.release``: the table is gone from the engine; the activity summary,
    shared, is built again by a reader after all, with the same rows."""
    con = ibis.duckdb.connect()
    rows = [
        {"account_id": "A1", "timestamp": ts, "contact_id": c, "event": "login", "quantity": q}
        for _, ts, c, q in EVENTS
    ]
    tables = make_tables(con, **{**company_frames(), "activity": rows})

    def temp_tables() -> set[str]:
        found = con.con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary")
        return {str(r[0]) for r in found.fetchall()}

    with MetricsSession(con, tables, SETTINGS) as session:
        ctx = session.ctx
        order = ["account_id", "month_idx"]
        before = activity_months(ctx, "test").order_by(order).to_pyarrow().to_pylist()
        assert ACTIVITY_TABLE in temp_tables() and len(before) == 4
        session.release([ACTIVITY_TABLE, "personae_not_there"])
        assert ACTIVITY_TABLE not in temp_tables() and ACTIVITY_TABLE not in ctx.temp_tables
        again = activity_months(ctx, "test").order_by(order).to_pyarrow().to_pylist()
        assert again == before and ACTIVITY_TABLE in temp_tables()
    con.disconnect()
