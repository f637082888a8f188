"""MRR from recurring lines (DESIGN §4 "MRR"): period length, month ends, credit notes."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pyarrow as pa
import pytest

from personae.metrics import compute_metrics
from personae.metrics.mrr import recurring_lines, stops_from, transitions
from personae.metrics.query import rows
from personae.settings import Settings
from tests.metrics.metric_tables import make_tables


def metrics(revenue: list[dict[str, Any]], as_of: date, **settings: Any) -> dict[str, Any]:
    con = ibis.duckdb.connect()
    ids = sorted({r["account_id"] for r in revenue})
    tables = make_tables(con, accounts=[{"account_id": a} for a in ids], revenue=revenue)
    return compute_metrics(con, tables, Settings(as_of=as_of, **settings))


def movements(m: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["month"]: r for r in m["mrr_movements"]}


@pytest.mark.parametrize(
    ("start", "end", "n"),
    [
        ("2024-03-01", "2025-03-01", 12),  # 366 days / 30.4375 = 12.02
        ("2025-01-01", "2026-01-01", 12),  # 365 days = 11.99
        ("2025-01-01", "2025-04-01", 3),  # 90 days = 2.96
        ("2025-07-01", "2025-10-01", 3),  # 92 days = 3.02
        ("2025-02-01", "2025-03-01", 1),  # 28 days = 0.92
        ("2025-01-01", "2025-02-15", 1),  # 45 days = 1.48
        ("2025-01-01", "2025-02-16", 2),  # 46 days = 1.51
        ("2025-01-01", "2025-01-05", 1),  # 4 days rounds to 0: at least 1
        ("2025-01-01", "2027-01-01", 24),  # 730 days = 23.98
    ],
)
def test_monthly_amount_divides_by_whole_months(start, end, n):
    con = ibis.duckdb.connect()
    t = make_tables(
        con,
        accounts=[{"account_id": "A"}],
        revenue=[{"account_id": "A", "date": start, "amount": 1200.0, "period_end": end}],
    )
    (line,) = rows(recurring_lines(t["revenue"]))
    assert line["monthly"] == pytest.approx(1200.0 / n)


def test_a_line_counts_where_it_covers_the_last_day_of_the_month():
    m = metrics(
        [
            # [1 Nov, 30 Nov) stops before 30 Nov: no MRR in November
            {"account_id": "E1", "date": "2025-11-01", "amount": 100.0, "period_end": "2025-11-30"},
            # [30 Nov, 30 Dec) covers 30 Nov, not 31 Dec
            {"account_id": "E2", "date": "2025-11-30", "amount": 200.0, "period_end": "2025-12-30"},
            # [31 Dec, 31 Jan) covers 31 Dec
            {"account_id": "E3", "date": "2025-12-31", "amount": 400.0},
        ],
        date(2025, 12, 31),
    )
    mv = movements(m)
    assert mv["2025-11"]["mrr"] == 200 and mv["2025-11"]["new"] == 200
    assert mv["2025-12"]["mrr"] == 400
    assert (mv["2025-12"]["new"], mv["2025-12"]["churn"]) == (400, 200)
    assert m["overview"]["mrr"] == 400
    assert m["overview"]["clients_total"] == 3  # all three have revenue in W


def test_mrr_at_t_when_t_is_not_a_month_end():
    m = metrics(
        [
            {"account_id": "A", "date": "2025-11-15", "amount": 100.0},  # [15 Nov, 15 Dec)
            {"account_id": "B", "date": "2025-12-15", "amount": 300.0},  # [15 Dec, 15 Jan)
        ],
        date(2025, 12, 15),
    )
    mv = movements(m)
    assert mv["2025-11"]["mrr"] == 100  # on 30 Nov
    assert mv["2025-12"]["mrr"] == 300  # on T = 15 Dec: A's line has ended
    assert m["overview"]["mrr"] == 300
    assert m["window"]["start_exclusive"] == "2024-12-15"


def test_credit_notes_reduce_mrr_and_never_make_it_negative():
    m = metrics(
        [
            {"account_id": "A", "date": "2025-12-01", "amount": 300.0},
            {
                "account_id": "A",
                "date": "2025-12-05",
                "amount": -100.0,
                "period_start": "2025-12-01",
            },
            {"account_id": "B", "date": "2025-12-01", "amount": 100.0},
            {"account_id": "B", "date": "2025-12-01", "amount": -100.0},  # cancelled in full
            {"account_id": "C", "date": "2025-12-10", "amount": -50.0},  # a credit alone
            {"account_id": "D", "date": "2025-12-20", "amount": 999.0, "recurring": False},
        ],
        date(2025, 12, 31),
    )
    assert m["overview"]["mrr"] == 200  # 300 − 100; B nets to 0; C's credit is not MRR < 0
    mv = movements(m)["2025-12"]
    assert (mv["new"], mv["churn"]) == (200, 0)
    assert m["overview"]["revenue_ttm"] == pytest.approx(300 - 100 + 0 - 50 + 999)
    assert m["overview"]["clients_total"] == 2  # A and D (positive revenue); B nets to 0
    assert m["top_clients_ranked_by"] == "arr"
    assert [r["account_id"] for r in m["top_clients"]] == ["A"]


def test_without_recurring_revenue_top_clients_rank_by_revenue():
    m = metrics(
        [
            {"account_id": "A", "date": "2025-03-01", "amount": 500.0, "recurring": False},
            {"account_id": "B", "date": "2025-04-01", "amount": 900.0, "recurring": False},
            {"account_id": "C", "date": "2023-04-01", "amount": 900.0, "recurring": False},
        ],
        date(2025, 12, 31),
    )
    assert m["top_clients_ranked_by"] == "revenue"
    assert [(r["account_id"], r["arr"], r["revenue"]) for r in m["top_clients"]] == [
        ("B", 0.0, 900.0),
        ("A", 0.0, 500.0),
    ]
    assert m["churn"]["monthly"]["value"] is None and m["churn"]["monthly"]["denominator"] == 0
    assert m["expansion"]["nrr"] is None and "note" in m["expansion"]
    assert all(r["mrr"] == 0 for r in m["mrr_movements"])
    assert m["mrr_movements"][0]["month"] == "2023-04"


def test_the_stops_from_a_month_are_those_of_the_whole_history() -> None:
    """A stop reads only the month after: the grid cut before ``first`` gives the same
    stops as the whole history, month by month (gaps, a stop at the cut, one at the end)."""
    paying = [  # account, month: months with MRR > 0
        *[("a", m) for m in (1, 2, 3, 7, 8, 9)],  # stops after 3 and after 9
        *[("b", m) for m in (5, 6)],  # stops after 6, the month before the cut's last
        *[("c", m) for m in range(1, 11)],  # paying up to the grid's last month (10)
        ("d", 2),  # gone before the cut
    ]
    con = ibis.duckdb.connect()
    grid = con.create_table(
        "grid",
        pa.table(
            {
                "account_id": [a for a, _ in paying],
                "month_idx": pa.array([m for _, m in paying], pa.int64()),
                "mrr": [10.0] * len(paying),
            }
        ),
        temp=True,
    )
    for first in (0, 3, 6, 9):
        whole = transitions(grid)
        whole = whole.filter(whole.month_idx >= first)
        want = whole.select("account_id", "month_idx", "mrr", "stops")
        got = stops_from(grid, first)
        key = ["account_id", "month_idx"]
        assert rows(got.order_by(key)) == rows(want.order_by(key)), first
    got = stops_from(grid, 6)
    assert [
        (r["account_id"], r["month_idx"]) for r in rows(got.order_by(["account_id", "month_idx"]))
        if r["stops"]
    ] == [("a", 9), ("b", 6), ("c", 10)]  # fmt: skip
