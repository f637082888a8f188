"""MRR movements against dbt-labs/mrr-playbook (anchors/mrr-playbook, 52 customers).

The playbook's models, reproduced here in pandas from their SQL:

- ``customer_revenue_by_month``: for each customer a spine of months from
  date_trunc('month', min(start_date)) to date_trunc('month', max(end_date)) (exclusive);
  ``mrr`` = the monthly_amount of the subscription period with
  start_date ≤ date_month < end_date, else 0; ``is_active = mrr > 0``;
  ``is_first_month`` = the first active month.
- ``customer_churn_month``: one more row, the month after the last active month, with
  mrr 0 and is_active false.
- ``mrr``: over both, ``previous_month_mrr`` = lag(mrr) (0 when none),
  ``previous_month_is_active`` = lag(is_active) (false when none),
  ``mrr_change = mrr − previous_month_mrr``, and ``change_category`` =
  'new' if is_first_month, 'churn' if not active and previously active, 'reactivation' if
  active and previously not, 'upgrade' if mrr_change > 0, 'downgrade' if < 0.

Our movements are amounts: new / reactivation / upgrade = mrr_change, churn / downgrade =
−mrr_change; they must agree month by month up to T (the playbook also writes churn rows
after the data ends, which are after T). Each anchor revenue line is one month of a
subscription period: [period_start, period_end) with monthly_amount = amount.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pytest

from personae.metrics import compute_metrics
from personae.settings import Settings
from tests.metrics.metric_tables import make_tables

ANCHOR = Path(__file__).parent / "anchors" / "mrr-playbook"  # a copy of shared/anchors
CATEGORY = {
    "new": "new",
    "upgrade": "expansion",
    "downgrade": "contraction",
    "churn": "churn",
    "reactivation": "reactivation",
}


def playbook_movements(revenue: pd.DataFrame) -> pd.DataFrame:
    """Amounts per month and change_category, as the playbook's models compute them."""
    periods = pd.DataFrame(
        {
            "customer_id": revenue["account_id"],
            "start_date": pd.to_datetime(revenue["period_start"]),
            "end_date": pd.to_datetime(revenue["period_end"]),
            "monthly_amount": revenue["amount"].astype(float),
        }
    )
    rows = []
    for customer, p in periods.groupby("customer_id"):
        first = p["start_date"].min().to_period("M").to_timestamp()
        last = p["end_date"].max().to_period("M").to_timestamp()
        months = pd.date_range(first, last, freq="MS", inclusive="left")
        for month in months:
            hit = p[(p["start_date"] <= month) & (month < p["end_date"])]
            assert len(hit) <= 1, "overlapping periods: the playbook would duplicate rows"
            mrr = float(hit["monthly_amount"].iloc[0]) if len(hit) else 0.0
            rows.append({"customer_id": customer, "date_month": month, "mrr": mrr})
    spine = pd.DataFrame(rows)
    spine["is_active"] = spine["mrr"] > 0
    active = spine[spine["is_active"]].groupby("customer_id")["date_month"]
    spine["is_first_month"] = spine["date_month"] == spine["customer_id"].map(active.min())
    last_active = active.max().reset_index()
    churn_rows = pd.DataFrame(
        {
            "customer_id": last_active["customer_id"],
            "date_month": last_active["date_month"] + pd.DateOffset(months=1),
            "mrr": 0.0,
            "is_active": False,
            "is_first_month": False,
        }
    )
    u = pd.concat([spine, churn_rows]).sort_values(["customer_id", "date_month"])
    g = u.groupby("customer_id")
    u["previous_month_is_active"] = g["is_active"].shift().fillna(False).astype(bool)
    u["previous_month_mrr"] = g["mrr"].shift().fillna(0.0)
    u["mrr_change"] = u["mrr"] - u["previous_month_mrr"]

    def category(r: pd.Series) -> str | None:
        if r["is_first_month"]:
            return "new"
        if not r["is_active"] and r["previous_month_is_active"]:
            return "churn"
        if r["is_active"] and not r["previous_month_is_active"]:
            return "reactivation"
        if r["mrr_change"] > 0:
            return "upgrade"
        if r["mrr_change"] < 0:
            return "downgrade"
        return None

    u["change_category"] = u.apply(category, axis=1)
    u = u[u["change_category"].notna()]
    u["amount"] = u["mrr_change"].abs()
    u["month"] = u["date_month"].dt.strftime("%Y-%m")
    return u.pivot_table(
        index="month", columns="change_category", values="amount", aggfunc="sum", fill_value=0.0
    )


def test_movements_agree_with_the_playbook_month_by_month():
    folder = ANCHOR
    accounts = pd.read_csv(folder / "accounts.csv", dtype=str)
    revenue = pd.read_csv(folder / "revenue.csv")
    con = ibis.duckdb.connect()
    m = compute_metrics(con, make_tables(con, accounts=accounts, revenue=revenue), Settings())
    ours = {r["month"]: r for r in m["mrr_movements"]}
    reference = playbook_movements(revenue)

    assert m["as_of"] == "2020-01-31"
    compared = 0
    for month, row in reference.iterrows():
        if month > "2020-01":
            continue  # churn rows the playbook writes after the data ends
        for category, ours_name in CATEGORY.items():
            expected = float(row.get(category, 0.0))
            assert ours[month][ours_name] == pytest.approx(expected), (month, category)
            compared += 1
    assert compared == 5 * len([k for k in reference.index if k <= "2020-01"]) > 100
    # and every month of ours that the playbook has no movement in is flat
    for month, r in ours.items():
        if month not in reference.index:
            assert r["new"] == r["churn"] == r["expansion"] == r["contraction"] == 0


def test_playbook_sample_mrr_by_month():
    """MRR per month is the sum of the active subscriptions' monthly amounts."""
    folder = ANCHOR
    revenue = pd.read_csv(folder / "revenue.csv")
    con = ibis.duckdb.connect()
    accounts = pd.read_csv(folder / "accounts.csv", dtype=str)
    m = compute_metrics(con, make_tables(con, accounts=accounts, revenue=revenue), Settings())
    starts = pd.to_datetime(revenue["period_start"]).dt.strftime("%Y-%m")
    expected = revenue.groupby(starts)["amount"].sum()
    for r in m["mrr_movements"]:
        assert r["mrr"] == pytest.approx(float(expected.get(r["month"], 0.0))), r["month"]
