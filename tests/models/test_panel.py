"""The account-month panel on a hand-made company (tests/models/tiny.py): every number below
is counted by hand from the docstring of tiny.py."""

from __future__ import annotations

from typing import Any

import pytest

from personae.metrics import activity as activity_module
from personae.models import panel as panel_module
from personae.models.panel import build_panel
from tests.models import tiny

JAN = tiny.JAN


@pytest.fixture(scope="module")
def rows() -> dict[tuple[str, int], dict[str, Any]]:
    with tiny.session() as s:
        panel = build_panel(s)
        data = panel.table.to_pyarrow().to_pylist()
    return {(r["account_id"], r["month_idx"] - JAN + 1): r for r in data}


def test_one_row_per_paying_account_month(rows: dict[tuple[str, int], dict[str, Any]]) -> None:
    months = {a: sorted(m for (b, m) in rows if b == a) for a in "ABCD"}
    assert months == {
        "A": [1, 2, 3, 4, 5, 6],
        "B": [1, 2, 3],
        "C": [1, 2, 3, 4, 5, 6],
        "D": [1, 2, 3, 4, 5, 6],
    }


def test_outcomes(rows: dict[tuple[str, int], dict[str, Any]]) -> None:
    churned = sorted(k for k, r in rows.items() if r["churn"] == 1)
    expanded = sorted(k for k, r in rows.items() if r["expansion"] == 1)
    assert churned == [("B", 3)]
    assert expanded == [("C", 2)]
    # T's month (June) has no known next month: no outcome, it is the month scored
    assert all(
        r["churn"] is None and r["expansion"] is None for (_, m), r in rows.items() if m == 6
    )
    assert all(r["churn"] == 0 for k, r in rows.items() if k[1] < 6 and k != ("B", 3))


def test_usage_and_its_own_past(rows: dict[tuple[str, int], dict[str, Any]]) -> None:
    jan, apr, may = rows[("A", 1)], rows[("A", 4)], rows[("A", 5)]
    assert (jan["events"], jan["active_days"], jan["users"], jan["quantity"]) == (3, 2, 1, 3.0)
    assert (apr["events"], apr["active_days"], apr["users"], apr["quantity"]) == (1, 1, 1, 5.0)
    assert rows[("A", 3)]["events_3m"] is None  # only 2 paying months before March
    assert apr["events_3m"] == pytest.approx(3.0)  # (3 + 3 + 3) / 3
    assert apr["quantity_3m"] == pytest.approx(3.0)
    assert may["events"] == 0
    assert may["events_3m"] == pytest.approx((3 + 3 + 1) / 3)
    assert rows[("A", 6)]["events_6m"] is None  # 5 paying months before June
    assert apr["b_usage_trend_3m"] == "down50"  # 1 against 3
    assert rows[("C", 5)]["b_usage_trend_3m"] == "none"  # C never used the product
    assert rows[("C", 5)]["events"] == 0


def test_support_notes_in_90_days(rows: dict[tuple[str, int], dict[str, Any]]) -> None:
    support = {m: rows[("A", m)]["support_90d"] for m in range(1, 7)}
    # 10 April is within 90 days of 30 April, 31 May and 30 June, not of 31 March
    assert support == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1}
    assert all(rows[("C", m)]["support_90d"] == 0 for m in range(1, 7))  # a call, not support


def test_mrr_change_tenure_plan(rows: dict[tuple[str, int], dict[str, Any]]) -> None:
    c4 = rows[("C", 4)]
    assert (c4["mrr"], c4["mrr_3m_ago"]) == (pytest.approx(150.0), pytest.approx(100.0))
    assert c4["b_mrr_change_3m"] == "up"
    assert rows[("C", 3)]["mrr_3m_ago"] is None
    assert rows[("C", 3)]["b_mrr_change_3m"] == "new"
    assert [rows[("A", m)]["tenure"] for m in range(1, 7)] == [1, 2, 3, 4, 5, 6]
    assert rows[("D", 1)]["plan_months"] == 12
    assert rows[("D", 1)]["b_plan_period"] == "annual"
    assert rows[("A", 1)]["b_plan_period"] == "monthly"
    assert rows[("D", 4)]["mrr"] == pytest.approx(100.0)


def test_firmographics(rows: dict[tuple[str, int], dict[str, Any]]) -> None:
    assert rows[("A", 1)]["size_band"] == "TPE"
    assert rows[("D", 1)]["size_band"] == "ETI"
    assert rows[("C", 1)]["region"] == "Benelux"


def test_absent_tables_drop_their_features() -> None:
    with tiny.session(with_activity=False, with_notes=False) as s:
        panel = build_panel(s)
        columns = set(panel.table.columns)
        missing = list(s.ctx.missing)
    assert not panel.has_usage and not panel.has_support
    assert "events" not in columns and "support_90d" not in columns
    assert "b_usage_trend_3m" not in columns and "b_tenure" in columns
    assert any("activity" in d for d in panel.dropped)
    assert any("notes" in d for d in panel.dropped)
    assert {m["table"] for m in missing} >= {"activity", "notes"}


def test_the_panel_is_dropped_at_close() -> None:
    s = tiny.session()
    build_panel(s)
    con = s.ctx.con.con  # the DuckDB connection

    def temp_tables() -> set[str]:
        return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}

    assert {"personae_signals_panel", "personae_signals_raw"} <= temp_tables()
    s.close()
    assert not {"personae_signals_panel", "personae_signals_raw"} & temp_tables()


def _by_key(data: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(r["account_id"], r["month_idx"] - JAN + 1): r for r in data}


def test_a_large_panel_samples_whole_accounts_and_scores_every_account_paying_now(
    rows: dict[tuple[str, int], dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 18 labelled account-months against a cap of 10: 5 555 buckets of 10 000 are kept
    monkeypatch.setattr(panel_module, "MAX_PANEL_ROWS", 10)
    with tiny.session() as s:
        panel = build_panel(s)
        sampled = _by_key(panel.table.to_pyarrow().to_pylist())
        labelled = _by_key(panel.labelled.to_pyarrow().to_pylist())
    assert (panel.sample, panel.source_rows) == (0.5555, 18)
    kept = {a for (a, _), r in sampled.items() if r["in_sample"]}
    assert kept == {"B", "C", "D"}  # the salted hash's choice, the same on every run
    # whole accounts: every labelled month of a sampled account, none of the others
    assert set(labelled) == {k for k in rows if k[0] in kept and k[1] < 6}
    # every account paying now keeps T's month, with the very values of the unsampled
    # panel (its usage averages read from the months before); A, not sampled, only that
    assert {k for k in sampled if k[1] == 6} == {("A", 6), ("C", 6), ("D", 6)}
    assert sorted(k for k in sampled if k[0] == "A") == [("A", 6)]
    for key, row in sampled.items():
        assert {c: v for c, v in row.items() if c != "in_sample"} == rows[key]


def test_a_sampled_activity_summary_gives_the_sampled_panel_the_same_rows(
    rows: dict[tuple[str, int], dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session's activity summary, sampled too, keeps every group the panel reads."""
    monkeypatch.setattr(panel_module, "MAX_PANEL_ROWS", 10)
    monkeypatch.setattr(activity_module, "MAX_PANEL_ROWS", 10)
    with tiny.session() as s:
        activity_module.activity_months(s.ctx, "test")
        sampled = _by_key(build_panel(s).table.to_pyarrow().to_pylist())
        summary_sql = s.ctx.provenance["activity"][0]
    assert "HASH(" in summary_sql  # the summary was sampled (the accounts' salted hash)
    assert set(sampled) == {k for k in rows if k[0] in {"B", "C", "D"} or k[1] == 6}
    for key, row in sampled.items():
        assert {c: v for c, v in row.items() if c != "in_sample"} == rows[key]


def test_the_sample_reads_only_the_recent_months_of_other_accounts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(panel_module, "MAX_PANEL_ROWS", 10)
    monkeypatch.setattr(panel_module, "RECENT_MONTHS", 2)
    with tiny.session() as s:
        data = build_panel(s).table.to_pyarrow().to_pylist()
    (a,) = [r for r in data if r["account_id"] == "A"]  # not sampled: T's month only
    assert (a["month_idx"] - JAN + 1, a["in_sample"]) == (6, False)
    # its 3-month average reads April and May only (2 months back): (1 + 0) / 3, where
    # the whole panel has (3 + 1 + 0) / 3 — the months read are the recent ones
    assert a["events_3m"] == pytest.approx(1 / 3)


def test_no_sample_below_the_cap() -> None:
    assert panel_module.sample_size(panel_module.MAX_PANEL_ROWS) is None
    assert panel_module.sample_size(2 * panel_module.MAX_PANEL_ROWS) == 5_000
