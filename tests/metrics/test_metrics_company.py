"""Every definition of DESIGN §4 on the hand-computed company of conftest.py.

The arithmetic is in conftest.py's comment and beside each assertion.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import ibis
import pytest

from personae.metrics import compute_metrics
from personae.settings import Settings
from tests.metrics.metric_tables import company_frames, make_tables

SETTINGS = Settings(as_of=date(2025, 12, 31))


@pytest.fixture(scope="module")
def m() -> dict[str, Any]:
    con = ibis.duckdb.connect()
    return compute_metrics(con, make_tables(con, **company_frames()), SETTINGS)


def by_name(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(r for r in rows if r["name"] == name)


def test_calendar(m):
    assert m["as_of"] == "2025-12-31"
    assert m["window"]["start_exclusive"] == "2024-12-31"
    assert m["window"]["previous_start_exclusive"] == "2023-12-31"
    assert m["window"]["recent_start"] == "2025-10-03"  # T − 89 days


def test_overview_counts(m):
    o = m["overview"]
    assert o["clients_total"] == 6  # A1 A2 A3 A4 A5 A7
    assert o["clients_ever"] == 7  # + A8 (2023 only)
    assert o["revenue_ttm"] == pytest.approx(12900)
    assert o["mrr"] == pytest.approx(1800)
    assert o["arr"] == pytest.approx(21600)
    assert o["b2c_share"]["numerator"] == 1 and o["b2c_share"]["denominator"] == 6
    assert o["b2b_share"]["value"] == pytest.approx(5 / 6)
    assert o["countries"] == 5 and o["country_codes"] == ["DE", "FR", "GB", "IT", "US"]
    # fewer than 10 clients: the top 10 hold all revenue
    assert o["top10_revenue_share"]["value"] == pytest.approx(1.0)


def test_active_uses_activity_when_present(m):
    o = m["overview"]
    # A1 on T−89 (in), A2 on T−90 (out), A3 on T 23:59 (in), A6 is not a client.
    assert o["active_basis"] == "activity"
    assert o["clients_active"] == 2
    assert o["active_definition"] == (
        "Client avec au moins un événement d'usage dans les 90 derniers jours"
    )


def test_mrr_movements_by_hand(m):
    mv = {r["month"]: r for r in m["mrr_movements"]}
    assert m["mrr_movements"][0]["month"] == "2023-05"  # first revenue month (A8)
    assert m["mrr_movements"][-1]["month"] == "2025-12"
    assert len(m["mrr_movements"]) == 32
    expected = {
        # month: (mrr, new, expansion, contraction, churn, reactivation)
        "2024-01": (100, 100, 0, 0, 0, 0),
        "2024-03": (600, 500, 0, 0, 0, 0),
        "2024-07": (800, 200, 0, 0, 0, 0),
        "2024-10": (1100, 300, 0, 0, 0, 0),
        "2025-01": (1100, 0, 0, 0, 0, 0),
        "2025-03": (600, 0, 0, 0, 500, 0),
        "2025-04": (300, 0, 0, 0, 300, 0),
        "2025-06": (700, 0, 0, 0, 0, 400),
        "2025-07": (800, 0, 100, 0, 0, 0),
        "2025-09": (700, 0, 0, 100, 0, 0),
        "2025-10": (1800, 1000, 100, 0, 0, 0),
        "2025-12": (1800, 0, 0, 0, 0, 0),
    }
    keys = ("mrr", "new", "expansion", "contraction", "churn", "reactivation")
    for month, values in expected.items():
        assert tuple(mv[month][k] for k in keys) == pytest.approx(values), month
    assert mv["2023-05"]["mrr"] == 0  # a one-off fee is not MRR


def test_mrr_identity_every_month(m):
    prev = 0.0
    for r in m["mrr_movements"]:
        flow = r["new"] + r["reactivation"] + r["expansion"] - r["contraction"] - r["churn"]
        assert r["mrr"] == pytest.approx(prev + flow)
        prev = r["mrr"]
    assert m["checks"]["mrr_identity"]["holds"] is True


def test_logo_churn(m):
    c = m["churn"]
    # Σ|S_m| over Dec 2024 … Nov 2025 = 4+4+4+3+2+2+3+3+3+3+4+4 = 39; churned: A4 (Mar), A3 (Apr)
    assert (c["monthly"]["numerator"], c["monthly"]["denominator"]) == (2, 39)
    # base at T−12: A1 A2 A3 A4; at 0 at T: A3
    assert (c["annual"]["numerator"], c["annual"]["denominator"]) == (1, 4)
    assert c["annual_compounded"]["value"] == pytest.approx(1 - (1 - 2 / 39) ** 12)
    # churned in W: A3 "Prix", A4 "Budget" — a tie, broken alphabetically
    assert c["main_reason"]["name"] == "Budget"
    assert c["main_reason"]["share"]["value"] == pytest.approx(0.5)
    seg = {r["name"]: r for r in c["by_segment"]}
    assert (seg["Pro"]["monthly"]["numerator"], seg["Pro"]["monthly"]["denominator"]) == (1, 16)
    assert (
        seg["Enterprise"]["monthly"]["numerator"],
        seg["Enterprise"]["monthly"]["denominator"],
    ) == (1, 11)
    assert seg["Starter"]["monthly"]["value"] == 0
    assert seg["Pro"]["main_reason"]["name"] == "Prix"
    assert seg["Enterprise"]["annual"]["value"] == pytest.approx(0.0)  # A4 is back at T
    assert all(r["small_sample"] for r in c["by_segment"])


def test_nrr_grr_upsell(m):
    e = m["expansion"]
    assert e["nrr"] == pytest.approx(800 / 1100)  # (100 + 300 + 0 + 400) / 1100
    assert e["grr"] == pytest.approx(700 / 1100)  # (100 + 200 + 0 + 400) / 1100
    assert e["upsell_avg"] == pytest.approx(1200)  # A2: 12 × (300 − 200)
    seg = {r["name"]: r for r in e["by_segment"]}
    assert seg["Pro"]["nrr"] == pytest.approx(300 / 500)
    assert seg["Pro"]["grr"] == pytest.approx(200 / 500)
    assert seg["Enterprise"]["nrr"] == pytest.approx(0.8)
    assert seg["Enterprise"]["upsell_avg"] is None
    assert seg["Starter"]["nrr"] == pytest.approx(1.0)


def test_segments_from_column_with_ltv(m):
    assert m["segmentation"]["by"] == "column"
    segs = m["segments"]
    assert [s["name"] for s in segs] == ["Enterprise", "Pro", "Starter", "Non renseigné"]
    ent, pro, starter, unknown = segs
    assert ent["clients"] == 2 and ent["revenue"] == pytest.approx(6700)  # 3700 + 3000
    assert ent["revenue_share"]["value"] == pytest.approx(6700 / 12900)
    assert ent["arpu"] == pytest.approx(3350)
    assert ent["growth"] == pytest.approx((6700 - 5000) / 5000)
    assert ent["arpa"] == pytest.approx(700)  # (400 + 1000) / 2
    assert ent["ltv"] == pytest.approx(700 / (1 / 11))
    assert pro["ltv"] == pytest.approx(300 / (1 / 16))
    assert starter["ltv"] is None and "nul" in starter["ltv_note"]
    assert unknown["ltv"] is None and unknown["arpa"] is None
    assert all(s["small_sample"] for s in segs)


def test_gross_margin_scales_ltv():
    con = ibis.duckdb.connect()
    out = compute_metrics(
        con, make_tables(con, **company_frames()), replace(SETTINGS, gross_margin=0.5)
    )
    assert by_name(out["segments"], "Pro")["ltv"] == pytest.approx(0.5 * 300 * 16)


def test_size_bands(m):
    sizes = {r["name"]: r for r in m["sizes"]}
    assert list(sizes) == ["TPE", "PME", "ETI", "Grand compte", "Particuliers"]
    assert sizes["TPE"]["clients"] == 1  # A1: 10 employees
    assert sizes["PME"]["clients"] == 2  # A2: 11, A3: 250
    assert sizes["ETI"]["clients"] == 1  # A4: 251
    assert sizes["Grand compte"]["clients"] == 1  # A7: 5001
    assert sizes["Particuliers"]["clients"] == 1  # A5: B2C
    assert sizes["PME"]["arpu"] == pytest.approx(2250)  # (3600 + 900) / 2
    assert sizes["PME"]["growth"] == pytest.approx((4500 - 3300) / 3300)
    assert sizes["Grand compte"]["growth"] is None  # nothing in W'
    assert sizes["PME"]["client_share"]["value"] == pytest.approx(2 / 6)
    # won deals closed in W: D1 A1 30 d, D2 A2 60 d, D3 A4 70 d, D8 A7 10 d
    assert sizes["TPE"]["sales_cycle_days"] == 30
    assert sizes["PME"]["sales_cycle_days"] == 60
    assert sizes["ETI"]["sales_cycle_days"] == 70
    assert sizes["Grand compte"]["sales_cycle_days"] == 10
    assert sizes["Particuliers"]["sales_cycle_days"] is None


def test_regions(m):
    regions = {r["name"]: r for r in m["regions"]}
    assert list(regions)[:7] == [
        "France",
        "Benelux",
        "DACH",
        "UK",
        "Autres Europe",
        "US/Canada",
        "Autres",
    ]
    assert regions["France"]["clients"] == 2 and regions["France"]["revenue"] == 1700
    assert regions["Autres Europe"]["clients"] == 1  # A7 "it"; A6 (ES) is a prospect
    assert regions["Benelux"]["clients"] == 0
    assert regions["Autres"]["clients"] == 0  # A8 (CN) is no longer a client


def test_industries_with_naf_fallback_and_autres():
    con = ibis.duckdb.connect()
    out = compute_metrics(
        con, make_tables(con, **company_frames()), replace(SETTINGS, top_industries=2)
    )
    rows = out["industries"]
    assert [r["name"] for r in rows] == [
        "Information et communication",  # A2 naf 62.01Z, 3600
        "Commerce ; réparation d'automobiles et de motocycles",  # A7 naf 4711, 3000
        "Autres",  # Logiciel 1200 + Conseil 900
        "Particuliers",  # A5 500: B2C without an industry
        "Non renseigné",  # A4 3700
    ]
    assert rows[2]["clients"] == 2 and rows[2]["revenue"] == pytest.approx(2100)
    assert rows[3]["revenue"] == pytest.approx(500)
    assert rows[4]["revenue"] == pytest.approx(3700)
    assert sum(r["revenue_share"]["value"] for r in rows) == pytest.approx(1.0)


def test_top_clients(m):
    top = m["top_clients"]
    assert m["top_clients_ranked_by"] == "arr"
    assert [r["account_id"] for r in top] == ["A7", "A4", "A2", "A1"]
    assert [r["arr"] for r in top] == pytest.approx([12000, 4800, 3600, 1200])
    # whole months from the first positive revenue to the end of T
    assert [r["tenure_months"] for r in top] == [3, 22, 18, 23]
    assert top[0]["rank"] == 1 and top[0]["name"] == "Eta"
    assert top[0]["acquisition_channel"] == "Partenaire"
    assert top[3]["case_study"] is True and top[2]["case_study"] is False
    assert top[0]["case_study"] is None


def test_deals(m):
    d = m["deals"]
    assert d["won_deals"] == 4  # D7 closed on T − 12 months is outside W, D8 on T inside
    assert d["sales_cycle_days"] == pytest.approx(45)  # median of 10, 30, 60, 70
    assert d["sales_cycle_mean_days"] == pytest.approx(42.5)
    assert (m["win_rate"]["numerator"], m["win_rate"]["denominator"]) == (4, 7)


def test_lost_reasons(m):
    lost = m["lost_reasons"]
    assert [(r["name"], r["count"]) for r in lost] == [("Prix", 2), ("Non renseigné", 1)]
    assert lost[0]["share"]["value"] == pytest.approx(2 / 3)
    assert lost[0]["main_segment"] == "Non renseigné"  # A6 (no segment) and A3 (Pro): a tie


def test_journey(m):
    j = {r["name"]: r for r in m["journey"]}
    assert list(j) == ["Awareness", "Consideration", "Decision", "Onboarding"]
    # D1: lead 10 d; D2: lead 2 d + mql 10 d. D7's lead was left before W; its demo,
    # entered before W (2024-12-10), was left in W (2025-01-04): 25 days
    assert (j["Awareness"]["days_mean"], j["Awareness"]["n"]) == (pytest.approx(11), 2)
    assert j["Consideration"]["days_median"] == pytest.approx(25)  # 10.5, 25, 28
    assert j["Consideration"]["n"] == 3
    assert j["Decision"]["days_mean"] == pytest.approx((9.5 + 20) / 2)
    # D1 → first activity after 2025-01-31 is 2025-02-05 (5 d), D2 → same day (0 d)
    assert (j["Onboarding"]["days_mean"], j["Onboarding"]["n"]) == (pytest.approx(2.5), 2)
    assert all(r["small_sample"] for r in m["journey"])


def test_provenance_and_nothing_missing(m):
    assert m["missing"] == []
    for family in (
        "mrr_grid",
        "accounts",
        "overview",
        "churn",
        "expansion",
        "mrr_movements",
        "segments",
        "sizes",
        "top_clients",
        "deals",
        "lost_reasons",
        "journey",
    ):
        assert "SELECT" in m["provenance"][family], family
