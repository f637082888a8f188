"""One size-S demo company per test session, read back with plain pandas."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from personae.demo import generate
from personae.demo.tables import DEMO_TABLES

FIRST = 2019 * 12  # month index of January 2019


@dataclass(frozen=True)
class Demo:
    folder: Path
    tables: dict[str, pd.DataFrame]
    truth: dict[str, Any]
    mrr: pd.DataFrame
    """accounts × month index: MRR at each month end (DESIGN §4), from revenue alone."""

    @property
    def segment(self) -> pd.Series:
        return self.tables["accounts"].set_index("account_id")["segment"]


def month_index(dates: pd.Series) -> pd.Series:
    return dates.dt.year * 12 + dates.dt.month - 1 - FIRST


def month_end_mrr(revenue: pd.DataFrame) -> pd.DataFrame:
    """MRR at every month end: recurring lines' amount / months, where they cover it."""
    rec = revenue[revenue["recurring"]].copy()
    days = (rec["period_end"] - rec["period_start"]).dt.days
    rec["monthly"] = rec["amount"] / np.maximum(np.rint(days / 30.4375), 1)
    first = month_index(rec["period_start"])
    last = month_index(rec["period_end"])  # the month end of period_end's month is not covered
    n = (last - first).to_numpy()
    rows = rec.loc[rec.index.repeat(n), ["account_id", "monthly"]]
    rows["month"] = np.repeat(first.to_numpy(), n) + (
        np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    )
    mrr = rows.pivot_table(
        index="account_id", columns="month", values="monthly", aggfunc="sum", fill_value=0.0
    )
    mrr = mrr.reindex(columns=range(mrr.columns.min(), 7 * 12), fill_value=0.0)
    return mrr.round(6)


def read(folder: Path) -> dict[str, pd.DataFrame]:
    dates = {
        "revenue": ["date", "period_start", "period_end"],
        "activity": ["timestamp"],
        "deals": ["created_at", "closed_at"],
        "deal_stages": ["entered_at"],
        "touchpoints": ["timestamp"],
        "notes": ["date"],
    }
    return {
        name: pd.read_csv(folder / f"{name}.csv", parse_dates=dates.get(name, []))
        for name in DEMO_TABLES
    }


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = generate(tmp_path_factory.mktemp("quickfund"), size="S", seed=0)
    tables = read(folder)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return Demo(folder, tables, truth, month_end_mrr(tables["revenue"]))
