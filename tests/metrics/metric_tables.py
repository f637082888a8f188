"""Canonical tables for the metric tests, built as the loader would build them.

``make_tables(con, accounts=..., revenue=..., ...)`` takes pandas frames (or lists of
dicts), adds every absent canonical column as a typed NULL, applies the loader's defaults
(kind B2B, recurring true, period_start = date, period_end = period_start + 1 month) and
creates the tables on ``con``. ``company_frames()`` is the hand-computed company.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa

from personae.months import month_end, month_start
from personae.sources.schema import TABLES, arrow_schema


def _frame(name: str, rows: Any) -> pd.DataFrame:
    df = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    spec = TABLES[name]
    for col in spec.columns:
        if col.name not in df.columns:
            df[col.name] = None
        series = df[col.name]
        if col.type == "date":
            df[col.name] = pd.to_datetime(series).dt.date.astype(object)
            df.loc[series.isna(), col.name] = None
        elif col.type == "timestamp":
            df[col.name] = pd.to_datetime(series)
        elif col.type == "int":
            df[col.name] = series.astype("Int64")
        elif col.type == "float":
            df[col.name] = series.astype("Float64")
        elif col.type == "bool":
            df[col.name] = series.astype("boolean")
        else:
            df[col.name] = series.astype(object).where(series.notna(), None)
    if name == "accounts":
        df["kind"] = df["kind"].where(df["kind"].notna(), "B2B")
    if name == "revenue":
        df["recurring"] = df["recurring"].fillna(True)
        start = df["period_start"].where(df["period_start"].notna(), df["date"])
        df["period_start"] = start
        default_end = [
            None if s is None else (pd.Timestamp(s) + pd.DateOffset(months=1)).date() for s in start
        ]
        df["period_end"] = df["period_end"].where(
            df["period_end"].notna(), pd.Series(default_end, dtype=object, index=df.index)
        )
    return df[[c.name for c in spec.columns]]


def make_tables(con: ibis.BaseBackend, **frames: Any) -> dict[str, ibis.Table]:
    """Create the given canonical tables on ``con`` (overwriting) and return them."""
    out = {}
    for name, rows in frames.items():
        if rows is None:
            continue
        data = pa.Table.from_pandas(
            _frame(name, rows), schema=arrow_schema(name), preserve_index=False
        )
        out[name] = con.create_table(name, data, overwrite=True)
    return out


def copy_tables(con: ibis.BaseBackend, tables: Mapping[str, ibis.Table]) -> dict[str, ibis.Table]:
    """The same tables on another backend."""
    return {
        name: con.create_table(name, t.to_pyarrow(), overwrite=True) for name, t in tables.items()
    }


# --- the hand-computed company ------------------------------------------------------------
#
# T = 2025-12-31, W = 2025-01-01 … 2025-12-31, W' = 2024. MRR by account and month:
#
#   A1 Alpha    monthly 100 invoiced on the last day of each month, 2024-01-31 … 2025-12-31
#               (period [d, d + 1 month): 31 Jan → 29 Feb covers 31 Jan only) → 100 every month
#   A2 Beta     annual 2400 [2024-07-01, 2025-07-01) → 200/month; renewed 3600 from
#               2025-07-01 → 300/month: expansion +100 in 2025-07
#   A3 Gamma    quarterly 900 from 2024-10-01 and 2025-01-01 → 300/month Oct 2024 … Mar 2025,
#               then nothing: churn 300 in 2025-04 (reason "Prix")
#   A4 Delta    monthly 500 dated the 1st, 2024-03 … 2025-02: churn 500 in 2025-03 (reason
#               "Budget"); back at 400 from 2025-06 to 2025-12: reactivation 400 in 2025-06;
#               a recurring credit note −100 dated 2025-09-01 → 300 in Sep (contraction 100),
#               400 in Oct (expansion 100)
#   A5 Epsilon  B2C, one-off fee 500 on 2025-11-15: a client without MRR
#   A6 Zeta     a prospect (no revenue)
#   A7 Eta      monthly 1000 from 2025-10-01 to 2025-12-01: new 1000 in 2025-10
#   A8 Theta    one-off 200 in 2023-05 only: ever a client, not a current one
#
# Totals: MRR(T) = 100 + 300 + 400 + 1000 = 1800; MRR(T−12) = 100 + 200 + 300 + 500 = 1100.
# Revenue in W: A1 1200 + A2 3600 + A3 900 + A4 (1000 + 7×400 − 100 = 3700) + A5 500
# + A7 3000 = 12900; in W': A1 1200 + A2 2400 + A3 900 + A4 5000 = 9500.

T = "2025-12-31"


def _months(first: str, last: str) -> range:
    """Month indexes (12 × year + month − 1) from 'YYYY-MM' to 'YYYY-MM', both included."""

    def idx(s: str) -> int:
        return int(s[:4]) * 12 + int(s[5:7]) - 1

    return range(idx(first), idx(last) + 1)


def _month_ends(first: str, last: str) -> list[str]:
    return [month_end(i).isoformat() for i in _months(first, last)]


def _month_starts(first: str, last: str) -> list[str]:
    return [month_start(i).isoformat() for i in _months(first, last)]


def company_frames() -> dict[str, pd.DataFrame]:
    accounts = pd.DataFrame(
        [
            dict(
                account_id="A1",
                name="Alpha",
                country="FR",
                employees=10,
                industry="Logiciel",
                segment="Starter",
                acquisition_channel="SEO",
                case_study=True,
            ),
            dict(
                account_id="A2",
                name="Beta",
                country="DE",
                employees=11,
                naf_code="62.01Z",
                segment="Pro",
                acquisition_channel="Outbound",
                case_study=False,
            ),
            dict(
                account_id="A3",
                name="Gamma",
                country="GB",
                employees=250,
                industry="Conseil",
                segment="Pro",
                churn_reason="Prix",
            ),
            dict(
                account_id="A4",
                name="Delta",
                country="US",
                employees=251,
                segment="Enterprise",
                churn_reason="Budget",
            ),
            dict(account_id="A5", name="Epsilon", country="FR", kind="B2C"),
            dict(account_id="A6", name="Zeta", country="ES"),
            dict(
                account_id="A7",
                name="Eta",
                country="it",
                employees=5001,
                naf_code="4711",
                segment="Enterprise",
                acquisition_channel="Partenaire",
            ),
            dict(account_id="A8", name="Theta", country="CN"),
        ]
    )
    rev: list[dict[str, Any]] = []
    rev += [dict(account_id="A1", date=d, amount=100.0) for d in _month_ends("2024-01", "2025-12")]
    rev += [
        dict(account_id="A2", date="2024-07-01", amount=2400.0, period_end="2025-07-01"),
        dict(account_id="A2", date="2025-07-01", amount=3600.0, period_end="2026-07-01"),
        dict(account_id="A3", date="2024-10-01", amount=900.0, period_end="2025-01-01"),
        dict(account_id="A3", date="2025-01-01", amount=900.0, period_end="2025-04-01"),
    ]
    rev += [
        dict(account_id="A4", date=d, amount=500.0) for d in _month_starts("2024-03", "2025-02")
    ]
    rev += [
        dict(account_id="A4", date=d, amount=400.0) for d in _month_starts("2025-06", "2025-12")
    ]
    rev += [
        dict(account_id="A4", date="2025-09-01", amount=-100.0),
        dict(account_id="A5", date="2025-11-15", amount=500.0, recurring=False),
        dict(account_id="A8", date="2023-05-10", amount=200.0, recurring=False),
    ]
    rev += [
        dict(account_id="A7", date=d, amount=1000.0) for d in _month_starts("2025-10", "2025-12")
    ]
    deals = pd.DataFrame(
        [
            dict(
                deal_id="D1",
                account_id="A1",
                created_at="2025-01-01",
                closed_at="2025-01-31",
                status="won",
            ),
            dict(
                deal_id="D2",
                account_id="A2",
                created_at="2025-02-01",
                closed_at="2025-04-02",
                status="won",
            ),
            dict(
                deal_id="D3",
                account_id="A4",
                created_at="2024-11-01",
                closed_at="2025-01-10",
                status="won",
            ),
            dict(
                deal_id="D4",
                account_id="A6",
                created_at="2025-03-01",
                closed_at="2025-05-01",
                status="lost",
                lost_reason="Prix",
            ),
            dict(
                deal_id="D5",
                account_id="A6",
                created_at="2025-04-01",
                closed_at="2025-06-01",
                status="lost",
            ),
            dict(
                deal_id="D6",
                account_id="A3",
                created_at="2025-05-01",
                closed_at="2025-07-01",
                status="lost",
                lost_reason="Prix",
            ),
            dict(
                deal_id="D7",
                account_id="A7",
                created_at="2024-12-01",
                closed_at="2024-12-31",
                status="won",
            ),
            dict(
                deal_id="D8",
                account_id="A7",
                created_at="2025-12-21",
                closed_at="2025-12-31",
                status="won",
            ),
            dict(deal_id="D9", account_id="A6", created_at="2025-11-01", status="open"),
        ]
    )
    stages = pd.DataFrame(
        [
            ("D1", "Lead", "2025-01-01 00:00"),
            ("D1", "demo", "2025-01-11 00:00"),
            ("D1", "proposal", "2025-01-21 12:00"),
            ("D1", "closed_won", "2025-01-31 00:00"),
            ("D2", "lead", "2025-02-01 00:00"),
            ("D2", "mql", "2025-02-03 00:00"),
            ("D2", "sql", "2025-02-13 00:00"),
            ("D2", "proposal", "2025-03-13 00:00"),
            ("D2", "won", "2025-04-02 00:00"),
            ("D7", "lead", "2024-12-01 00:00"),
            ("D7", "demo", "2024-12-10 00:00"),
            ("D7", "proposal", "2025-01-04 00:00"),  # demo entered before W, left in W
        ],
        columns=["deal_id", "stage", "entered_at"],
    )
    activity = pd.DataFrame(
        [
            ("A1", "2025-01-20 10:00"),  # before D1 closed: not its onboarding
            ("A1", "2025-02-05 10:00"),  # D1 closed 2025-01-31 → onboarding 5 days
            ("A2", "2025-04-02 09:00"),  # D2 closed 2025-04-02 → onboarding 0 days
            ("A1", "2025-10-03 08:00"),  # T − 89 days: inside the 90-day window
            ("A2", "2025-10-02 23:00"),  # T − 90 days: outside
            ("A3", "2025-12-31 23:59"),  # on T: inside
            ("A6", "2025-12-01 12:00"),  # a prospect: active but not a client
        ],
        columns=["account_id", "timestamp"],
    )
    return {
        "accounts": accounts,
        "revenue": pd.DataFrame(rev),
        "deals": deals,
        "deal_stages": stages,
        "activity": activity,
    }
