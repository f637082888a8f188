"""Win rate by segment and size, and where lost deals go (DESIGN §4 "Lost deals")."""

from __future__ import annotations

from datetime import date

import ibis
import pytest

from personae.metrics import compute_metrics
from personae.settings import Settings
from tests.metrics.metric_tables import make_tables

# T = 2025-12-31, W = 2025. Deals closed in W:
#   segment "Grand": 1 won (G1), 3 lost (G1, G2, G2) → 1/4 = 25 %
#   segment "Petit": 3 won (P1, P2, P3), 1 lost (P1)  → 3/4 = 75 %
#   overall 4/8 = 50 %; lift Grand = 0.25 / 0.5 = 0.5, Petit = 1.5
# One more lost deal closed in 2024 is outside W and counts nowhere.
# Competitors of the 4 lost in W: Alpha, Alpha, none, none → Alpha 2/4, Non renseigné 2/4.
ACCOUNTS = [
    {"account_id": "G1", "segment": "Grand", "employees": 800},
    {"account_id": "G2", "segment": "Grand", "employees": 900},
    {"account_id": "P1", "segment": "Petit", "employees": 5},
    {"account_id": "P2", "segment": "Petit", "employees": 8},
    {"account_id": "P3", "segment": "Petit", "employees": 20},
]
REVENUE = [{"account_id": "P1", "date": "2025-12-01", "amount": 10.0}]
DEALS = [
    ("D1", "G1", "won", "2025-03-01", None),
    ("D2", "G1", "lost", "2025-04-01", "Alpha"),
    ("D3", "G2", "lost", "2025-05-01", "Alpha"),
    ("D4", "G2", "lost", "2025-06-01", None),
    ("D5", "P1", "won", "2025-07-01", None),
    ("D6", "P2", "won", "2025-08-01", None),
    ("D7", "P3", "won", "2025-09-01", None),
    ("D8", "P1", "lost", "2025-10-01", " "),
    ("D9", "P2", "lost", "2024-10-01", "Alpha"),
]


@pytest.fixture(scope="module")
def metrics() -> dict[str, object]:
    con = ibis.duckdb.connect()
    deals = [
        {
            "deal_id": d,
            "account_id": a,
            "status": s,
            "created_at": "2024-01-01",
            "closed_at": c,
            "competitor": comp,
        }
        for d, a, s, c, comp in DEALS
    ]
    tables = make_tables(con, accounts=ACCOUNTS, revenue=REVENUE, deals=deals)
    return compute_metrics(con, tables, Settings(as_of=date(2025, 12, 31)))


def test_win_rate_by_segment(metrics: dict[str, object]) -> None:
    rows = {r["name"]: r for r in metrics["win_rate_by_segment"]}  # type: ignore[attr-defined]
    assert (rows["Grand"]["won"], rows["Grand"]["lost"]) == (1, 3)
    assert rows["Grand"]["win_rate"]["value"] == pytest.approx(0.25)
    assert rows["Grand"]["lift"] == pytest.approx(0.5)
    assert rows["Petit"]["lift"] == pytest.approx(1.5)
    # n = 4: the Wilson interval (0.046, 0.699) still contains the overall 50 %
    assert not rows["Grand"]["lost_systematically"]
    assert rows["Grand"]["small_sample"]


def test_win_rate_by_size(metrics: dict[str, object]) -> None:
    rows = {r["name"]: r for r in metrics["win_rate_by_size"]}  # type: ignore[attr-defined]
    assert (rows["ETI"]["won"], rows["ETI"]["lost"]) == (1, 3)
    assert (rows["TPE"]["won"], rows["TPE"]["lost"]) == (2, 1)
    assert (rows["PME"]["won"], rows["PME"]["lost"]) == (1, 0)


def test_competitors(metrics: dict[str, object]) -> None:
    rows = [(r["name"], r["count"], r["share"]["value"]) for r in metrics["competitors"]]  # type: ignore[attr-defined]
    assert rows == [("Alpha", 2, 0.5), ("Non renseigné", 2, 0.5)]
