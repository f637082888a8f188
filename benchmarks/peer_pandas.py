"""The peer: the pandas script a RevOps analyst would write for personae's core numbers.

It reads the same CSV files as ``personae report`` (accounts.csv, revenue.csv and the
account_id and timestamp columns of activity.csv, typed by ``pd.read_csv``) and computes, by
the definitions of DESIGN §4 with personae's default settings (T the end of the month of the
latest revenue date, 90 days of activity for "active", gross margin 1.0, the accounts'
``segment`` column):

- overview: MRR and ARR at T, clients (total, ever, active, B2C), countries, revenue over W
  and the top-10 share of it;
- segments: clients, revenue in W and W', % CA, ARPU, growth, ARPA, LTV v1;
- churn: monthly logo churn (Σ churned_m / Σ S_m over the 12 months of W), annual logo
  churn, the accounts churned in W, overall and by segment;
- expansion: NRR, GRR, average upsell, their bases, overall and by segment;
- MRR movements per month (MRR, new, expansion, contraction, churn, reactivation);
- the top 10 clients by ARR at T (revenue in W, tenure).

Written the way one writes it: vectorised pandas and numpy, no loop over rows, nothing
deliberately slow, nothing that only personae's data would allow. The numbers are printed as
JSON with personae's key names (a subset of dossier.json's ``metrics``), so a test can check
that both compute the same thing (tests/benchmarks/test_peer.py).

    uv run python benchmarks/peer_pandas.py DATA_DIR [--engine c|pyarrow]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 30.4375  # a period's length in months = round(days / the mean month)
EPSILON = 1e-6  # MRR at or below this is no MRR (credit notes cancelling a line)
ACTIVE_DAYS = 90
GROSS_MARGIN = 1.0
NOT_GIVEN = "Non renseigné"


def read(data: Path, engine: str = "c") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    accounts = pd.read_csv(
        data / "accounts.csv",
        usecols=["account_id", "name", "kind", "country", "segment"],
        dtype="str",
        engine=engine,
    )
    revenue = pd.read_csv(
        data / "revenue.csv",
        usecols=["account_id", "date", "amount", "recurring", "period_start", "period_end"],
        dtype={"account_id": "str", "amount": "float64", "recurring": "boolean"},
        parse_dates=["date", "period_start", "period_end"],
        date_format="%Y-%m-%d",
        engine=engine,
    )
    activity = pd.read_csv(
        data / "activity.csv",
        usecols=["account_id", "timestamp"],
        dtype={"account_id": "str"},
        parse_dates=["timestamp"],
        date_format="%Y-%m-%d %H:%M:%S",
        engine=engine,
    )
    # DESIGN §3 defaults: recurring unless said otherwise, one month from the invoice date
    revenue["recurring"] = revenue["recurring"].fillna(True)
    revenue["period_start"] = revenue["period_start"].fillna(revenue["date"])
    revenue["period_end"] = revenue["period_end"].fillna(
        revenue["period_start"] + pd.DateOffset(months=1)
    )
    return accounts, revenue, activity


def month_idx(dates: pd.Series) -> pd.Series:
    return dates.dt.year * 12 + dates.dt.month - 1


def month_label(idx: int) -> str:
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def mrr_grid(revenue: pd.DataFrame, first_idx: int, idx_t: int) -> pd.DataFrame:
    """MRR per account and month (month ends; T is one), positive months only, sorted."""
    rec = revenue[revenue["recurring"].astype(bool)]
    days = (rec["period_end"] - rec["period_start"]).dt.days
    monthly = (rec["amount"] / np.maximum((days / DAYS_PER_MONTH).round(), 1)).to_numpy()
    # a line covers month m when period_start <= the end of m < period_end
    first = np.maximum(month_idx(rec["period_start"]).to_numpy(), first_idx)
    last = np.minimum(month_idx(rec["period_end"]).to_numpy() - 1, idx_t)
    n = np.clip(last - first + 1, 0, None)
    line = np.repeat(np.arange(len(rec)), n)
    offset = np.arange(len(line)) - np.repeat(np.cumsum(n) - n, n)
    months = pd.DataFrame(
        {
            "account_id": rec["account_id"].to_numpy()[line],
            "month_idx": first[line] + offset,
            "mrr": monthly[line],
        }
    )
    grid = months.groupby(["account_id", "month_idx"], as_index=False, sort=True)["mrr"].sum()
    return grid[grid["mrr"] > EPSILON].reset_index(drop=True)


def transitions(grid: pd.DataFrame) -> pd.DataFrame:
    """Each positive account-month with the previous one and whether MRR stops after it."""
    by = grid.groupby("account_id", sort=False)
    g = grid.assign(
        prev_idx=by["month_idx"].shift(1),
        prev_mrr=by["mrr"].shift(1),
        next_idx=by["month_idx"].shift(-1),
    )
    g["stops"] = g["next_idx"].isna() | (g["next_idx"] > g["month_idx"] + 1)
    return g


def movements(t: pd.DataFrame, first_idx: int, idx_t: int) -> list[dict[str, Any]]:
    m = t["month_idx"]
    consecutive = t["prev_idx"] == m - 1
    delta = t["mrr"] - t["prev_mrr"]
    parts = pd.DataFrame(
        {
            "month_idx": m,
            "mrr": t["mrr"],
            "new": t["mrr"].where(t["prev_idx"].isna(), 0.0),
            "expansion": delta.clip(lower=0).where(consecutive, 0.0),
            "contraction": (-delta).clip(lower=0).where(consecutive, 0.0),
            "reactivation": t["mrr"].where(t["prev_idx"] < m - 1, 0.0),
        }
    )
    gains = parts.groupby("month_idx").sum()
    stops = t[t["stops"] & (m < idx_t)]
    gains["churn"] = stops.groupby(stops["month_idx"] + 1)["mrr"].sum()
    table = gains.reindex(range(first_idx, idx_t + 1)).fillna(0.0)
    cols = ["mrr", "new", "expansion", "contraction", "churn", "reactivation"]
    return [
        {"month": month_label(idx), **{c: float(row[c]) for c in cols}}
        for idx, row in zip(table.index, table[cols].to_dict("records"), strict=True)
    ]


def rate(k: float, n: float) -> dict[str, Any]:
    return {"value": k / n if n > 0 else None, "numerator": k, "denominator": n}


def ratio(a: float, b: float) -> float | None:
    return a / b if b > 0 else None


def expansion_figures(b: pd.DataFrame) -> dict[str, Any]:
    grew = b["mrr_t"] > b["mrr_t12"]
    base, now = float(b["mrr_t12"].sum()), float(b["mrr_t"].sum())
    kept = float(np.minimum(b["mrr_t"], b["mrr_t12"]).sum())
    n_grew = int(grew.sum())
    upsell = float((12 * (b["mrr_t"] - b["mrr_t12"]))[grew].sum())
    return {
        "nrr": ratio(now, base),
        "grr": ratio(kept, base),
        "upsell_avg": upsell / n_grew if n_grew else None,
        "base_accounts": len(b),
        "base_mrr": base,
        "base_mrr_now": now,
        "upsell_accounts": n_grew,
    }


def whole_months(start: pd.Series, end: pd.Timestamp) -> pd.Series:
    stop = end + pd.Timedelta(days=1)
    stop_idx = stop.year * 12 + stop.month - 1
    n = stop_idx - month_idx(start) - (stop.day < start.dt.day).astype(int)
    return n.clip(lower=0)


def core_numbers(
    accounts: pd.DataFrame, revenue: pd.DataFrame, activity: pd.DataFrame
) -> dict[str, Any]:
    # T, W = (t12, T], W' = (t24, t12], the last 90 days
    t = revenue["date"].max() + pd.offsets.MonthEnd(0)
    t12, t24 = t - pd.offsets.MonthEnd(12), t - pd.offsets.MonthEnd(24)
    recent = t - pd.Timedelta(days=ACTIVE_DAYS - 1)
    idx_t = t.year * 12 + t.month - 1
    first_date = revenue["date"].min()
    first_idx = int(first_date.year * 12 + first_date.month - 1)
    grid_start = min(first_idx, idx_t - 12)

    grid = mrr_grid(revenue, grid_start, idx_t)
    tr = transitions(grid)
    in_w = tr[(tr["month_idx"] >= idx_t - 12) & (tr["month_idx"] < idx_t)]

    # one row per account
    acc = accounts.set_index("account_id")
    acc["kind"] = acc["kind"].str.upper().fillna("B2B")
    acc["country"] = acc["country"].str.strip().str.upper().replace("", None)
    acc["segment"] = acc["segment"].str.strip().replace("", None).fillna(NOT_GIVEN)
    r = revenue[revenue["date"] <= t]
    acc["rev_w"] = r["amount"].where(r["date"] > t12, 0.0).groupby(r["account_id"]).sum()
    acc["rev_wp"] = (
        r["amount"]
        .where((r["date"] > t24) & (r["date"] <= t12), 0.0)
        .groupby(r["account_id"])
        .sum()
    )
    acc["first_positive"] = r["date"].where(r["amount"] > 0).groupby(r["account_id"]).min()
    acc["mrr_t"] = grid[grid["month_idx"] == idx_t].set_index("account_id")["mrr"]
    acc["mrr_t12"] = grid[grid["month_idx"] == idx_t - 12].set_index("account_id")["mrr"]
    acc[["rev_w", "rev_wp", "mrr_t", "mrr_t12"]] = acc[
        ["rev_w", "rev_wp", "mrr_t", "mrr_t12"]
    ].fillna(0.0)
    day = activity["timestamp"].dt.normalize()
    active_ids = activity.loc[(day >= recent) & (day <= t), "account_id"].unique()
    acc["is_client"] = (acc["rev_w"] > 0) | (acc["mrr_t"] > 0)
    acc["is_active"] = acc["is_client"] & acc.index.isin(active_ids)
    if len(activity) == 0:  # no activity rows: active = MRR at T or revenue in 90 days
        rev_recent = r["amount"].where(r["date"] >= recent, 0.0).groupby(r["account_id"]).sum()
        recent_rev = rev_recent.reindex(acc.index).fillna(0.0) > 0
        acc["is_active"] = acc["is_client"] & ((acc["mrr_t"] > 0) | recent_rev)
    clients = acc[acc["is_client"]]

    total_clients = len(clients)
    revenue_w = float(acc["rev_w"].sum())
    mrr = float(acc["mrr_t"].sum())
    b2c = int((clients["kind"] == "B2C").sum())
    top10 = float(acc["rev_w"].nlargest(10).sum())
    overview = {
        "clients_total": total_clients,
        "clients_ever": int(acc["first_positive"].notna().sum()),
        "clients_active": int(acc["is_active"].sum()),
        "b2b_share": rate(total_clients - b2c, total_clients),
        "b2c_share": rate(b2c, total_clients),
        "countries": int(clients["country"].nunique()),
        "country_codes": sorted(clients["country"].dropna().unique().tolist()),
        "top10_revenue_share": rate(top10, revenue_w),
        "revenue_ttm": revenue_w,
        "mrr": mrr,
        "arr": 12 * mrr,
    }

    # churn: monthly over the 12 months of W, annual from T - 12 months, by segment
    monthly = (
        in_w.join(acc["segment"], on="account_id")
        .groupby("segment")
        .agg(at_risk=("stops", "size"), churned=("stops", "sum"))
    )
    base = acc[acc["mrr_t12"] > 0]
    annual = base.assign(lost=base["mrr_t"] <= 0).groupby("segment")["lost"].agg(["size", "sum"])
    churned_w = in_w.loc[in_w["stops"], "account_id"].nunique()

    # segments, ordered by revenue in W (then clients, then name)
    seg = acc.assign(paying=acc["mrr_t"] > 0).groupby("segment")
    sums = pd.DataFrame(
        {
            "clients": seg["is_client"].sum(),
            "revenue": seg["rev_w"].sum(),
            "revenue_prev": seg["rev_wp"].sum(),
            "paying": seg["paying"].sum(),
            "mrr": seg["mrr_t"].sum(),
        }
    )
    sums = sums[(sums["clients"] > 0) | (sums["revenue"] != 0) | (sums["paying"] > 0)]
    sums = sums.assign(name=sums.index).sort_values(
        ["revenue", "clients", "name"], ascending=[False, False, True]
    )
    covered = first_date <= t24 + pd.Timedelta(days=1)
    segments, churn_rows, expansion_rows = [], [], []
    for name, s in sums.iterrows():  # a handful of segments
        at_risk, churned = monthly.loc[name] if name in monthly.index else (0, 0)
        n_base, n_lost = annual.loc[name] if name in annual.index else (0, 0)
        churn_m = ratio(churned, at_risk)
        arpa = ratio(s["mrr"], s["paying"])
        segments.append(
            {
                "name": name,
                "clients": int(s["clients"]),
                "client_share": rate(int(s["clients"]), total_clients),
                "revenue": float(s["revenue"]),
                "revenue_prev": float(s["revenue_prev"]),
                "revenue_share": rate(float(s["revenue"]), revenue_w),
                "arpu": ratio(s["revenue"], s["clients"]),
                "growth": (s["revenue"] - s["revenue_prev"]) / s["revenue_prev"]
                if covered and s["revenue_prev"] > 0
                else None,
                "arpa": arpa,
                "ltv": arpa * GROSS_MARGIN / churn_m if arpa is not None and churn_m else None,
            }
        )
        churn_rows.append(
            {
                "name": name,
                "monthly": rate(int(churned), int(at_risk)),
                "annual": rate(int(n_lost), int(n_base)),
            }
        )
        expansion_rows.append({"name": name, **expansion_figures(base[base["segment"] == name])})

    # top 10 clients by ARR at T (by revenue in W when nobody pays a subscription)
    key = ["mrr_t", "rev_w"] if mrr > 0 else ["rev_w"]
    top = (
        acc[acc[key[0]] > 0]
        .sort_values([*key, "account_id"], ascending=[False] * len(key) + [True])
        .head(10)
    )
    tenure = whole_months(top["first_positive"], t)
    top_clients = [
        {
            "rank": rank,
            "account_id": account_id,
            "arr": 12 * float(row["mrr_t"]),
            "revenue": float(row["rev_w"]),
            "tenure_months": None if pd.isna(tenure[account_id]) else int(tenure[account_id]),
        }
        for rank, (account_id, row) in enumerate(top.iterrows(), start=1)
    ]

    return {
        "as_of": t.date().isoformat(),
        "overview": overview,
        "segments": segments,
        "churn": {
            "monthly": rate(int(monthly["churned"].sum()), int(monthly["at_risk"].sum())),
            "annual": rate(int(annual["sum"].sum()), int(annual["size"].sum())),
            "churned_accounts_w": int(churned_w),
            "by_segment": churn_rows,
        },
        "expansion": {**expansion_figures(base), "by_segment": expansion_rows},
        "mrr_movements": movements(tr, first_idx, idx_t),
        "top_clients": top_clients,
        "top_clients_ranked_by": "arr" if mrr > 0 else "revenue",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the folder of accounts.csv, revenue.csv …")
    parser.add_argument("--engine", choices=["c", "pyarrow"], default="c", help="CSV reader")
    args = parser.parse_args(argv)
    numbers = core_numbers(*read(args.data, args.engine))
    json.dump(numbers, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
