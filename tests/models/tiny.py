"""A hand-made company for the panel and signal tests (T = 2025-06-30).

- A pays 100 €/month from January to June; usage: 3 events in each of January, February
  and March (on 2 days, by 1 user), then 1 event (quantity 5) in April; one support note
  on 10 April.
- B pays 50 €/month from January to March, then leaves: its March row is a churn.
- C pays 100 €/month in January and February, 150 € from March: its February row is an
  expansion.
- D pays 1 200 € a year from 1 January 2025: MRR 100, annual plan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis

from personae.metrics import MetricsSession
from personae.settings import Settings
from tests.metrics.metric_tables import make_tables

T = date(2025, 6, 30)
JAN = 2025 * 12  # month_idx of January 2025


def _monthly(account: str, amount: float, months: range) -> list[dict[str, Any]]:
    return [{"account_id": account, "date": date(2025, m, 1), "amount": amount} for m in months]


def revenue() -> list[dict[str, Any]]:
    return [
        *_monthly("A", 100.0, range(1, 7)),
        *_monthly("B", 50.0, range(1, 4)),
        *_monthly("C", 100.0, range(1, 3)),
        *_monthly("C", 150.0, range(3, 7)),
        {
            "account_id": "D",
            "date": date(2025, 1, 1),
            "amount": 1200.0,
            "period_start": date(2025, 1, 1),
            "period_end": date(2026, 1, 1),
        },
    ]


def activity() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for m in (1, 2, 3):
        for day in (3, 3, 4):
            rows.append(
                {
                    "account_id": "A",
                    "timestamp": f"2025-{m:02d}-{day:02d} 10:00:00",
                    "contact_id": "a1",
                    "quantity": 1.0,
                }
            )
    rows.append(
        {
            "account_id": "A",
            "timestamp": "2025-04-15 10:00:00",
            "contact_id": "a2",
            "quantity": 5.0,
        }
    )
    return rows


def notes() -> list[dict[str, Any]]:
    return [
        {"account_id": "A", "date": date(2025, 4, 10), "kind": "support", "text": "bug"},
        {"account_id": "C", "date": date(2025, 4, 10), "kind": "call", "text": "hello"},
    ]


def session(*, with_activity: bool = True, with_notes: bool = True) -> MetricsSession:
    con = ibis.duckdb.connect()
    accounts = [
        {"account_id": "A", "employees": 5, "country": "FR"},
        {"account_id": "B", "employees": 50, "country": "FR"},
        {"account_id": "C", "employees": 50, "country": "BE"},
        {"account_id": "D", "employees": 600, "country": "FR"},
    ]
    tables = make_tables(
        con,
        accounts=accounts,
        revenue=revenue(),
        activity=activity() if with_activity else None,
        notes=notes() if with_notes else None,
    )
    return MetricsSession(con, tables, Settings(as_of=T))
