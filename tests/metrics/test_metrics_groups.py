"""Activity rule, concentration, segmentation rules, regions and NAF sections."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis

from personae.metrics import compute_metrics
from personae.metrics.firmographics import NAF_SECTIONS, naf_section_label
from personae.settings import SegmentRule, Settings
from tests.metrics.metric_tables import company_frames, make_tables

T = date(2025, 12, 31)


def run(settings: Settings, **frames: Any) -> dict[str, Any]:
    con = ibis.duckdb.connect()
    return compute_metrics(con, make_tables(con, **frames), settings)


def one_offs(amounts: dict[str, tuple[str, float]]) -> list[dict[str, Any]]:
    return [
        {"account_id": a, "date": d, "amount": x, "recurring": False}
        for a, (d, x) in amounts.items()
    ]


def test_active_on_revenue_counts_the_last_90_days_both_ends():
    revenue = [
        *one_offs(
            {
                "IN": ("2025-10-03", 10.0),  # T − 89 days: active
                "OUT": ("2025-10-02", 10.0),  # T − 90 days: a client, not active
            }
        ),
        {"account_id": "MRR", "date": "2025-03-01", "amount": 1200.0, "period_end": "2026-03-01"},
    ]
    accounts = [{"account_id": a} for a in ("IN", "OUT", "MRR")]
    m = run(Settings(as_of=T), accounts=accounts, revenue=revenue)
    o = m["overview"]
    assert o["active_basis"] == "revenue"
    assert (o["clients_total"], o["clients_active"]) == (3, 2)  # MRR > 0 at T is active
    assert o["active_definition"].startswith("Client avec un MRR > 0")
    assert o["active_share"]["denominator"] == 3
    short = run(Settings(as_of=T, active_window_days=30), accounts=accounts, revenue=revenue)
    assert short["overview"]["clients_active"] == 1
    assert "30 derniers jours" in short["overview"]["active_definition"]


def test_active_on_activity_without_the_table_is_missing():
    frames = {k: v for k, v in company_frames().items() if k in ("accounts", "revenue")}
    m = run(Settings(as_of=T, active_basis="activity"), **frames)
    assert m["overview"]["clients_active"] is None
    assert {
        "metric": "overview.clients_active",
        "needs": "activity table",
        "table": "activity",
    } in m["missing"]
    # and with auto, the revenue rule applies
    auto = run(Settings(as_of=T), **frames)
    assert auto["overview"]["active_basis"] == "revenue"
    assert auto["overview"]["clients_active"] == 5  # A1 A2 A4 A7 (MRR), A5 (15 Nov)


def test_missing_tables_are_listed():
    frames = {k: v for k, v in company_frames().items() if k in ("accounts", "revenue")}
    m = run(Settings(as_of=T), **frames)
    assert m["deals"] is None and m["win_rate"] is None and m["lost_reasons"] is None
    needs = {(x["metric"], x["needs"]) for x in m["missing"]}
    assert needs == {
        ("sizes.sales_cycle_days", "deals table"),
        ("deals.sales_cycle_days", "deals table"),
        ("win_rate", "deals table"),
        ("lost_reasons", "deals table"),
        ("win_rate_by_segment", "deals table"),
        ("win_rate_by_size_band", "deals table"),
        ("competitors", "deals table"),
        ("journey.phases", "deal_stages table"),
        ("journey.Onboarding", "deals table"),
        ("journey.Onboarding", "activity table"),
    }
    assert all(r["days_mean"] is None and r["n"] == 0 for r in m["journey"])
    assert all(r["sales_cycle_days"] is None for r in m["sizes"])


def test_top10_concentration():
    revenue = one_offs({f"C{i:02d}": ("2025-06-01", float(i)) for i in range(1, 13)})
    accounts = [{"account_id": r["account_id"]} for r in revenue]
    m = run(Settings(as_of=T), accounts=accounts, revenue=revenue)
    share = m["overview"]["top10_revenue_share"]
    assert (share["numerator"], share["denominator"]) == (75.0, 78.0)  # 3 + … + 12 of 1 + … + 12
    assert share["ci_low"] is None
    assert len(m["top_clients"]) == 10


def test_segment_rules_in_order():
    frames = company_frames()
    frames["accounts"] = frames["accounts"].drop(columns=["segment"])
    rules = (
        SegmentRule("Europe PME", employees_min=11, employees_max=250, countries=("de", "GB")),
        SegmentRule("Grands", employees_min=251),
        SegmentRule("Grand public", kind="B2C"),
    )
    m = run(Settings(as_of=T, segment_rules=rules), **frames)
    assert m["segmentation"]["by"] == "rules"
    segs = {s["name"]: s["clients"] for s in m["segments"]}
    # A2 (DE, 11) and A3 (GB, 250); A4 (251) and A7 (5001); A5 B2C; A1 (10) → Autres
    assert segs == {"Europe PME": 2, "Grands": 2, "Grand public": 1, "Autres": 1}
    by_industry = run(
        Settings(as_of=T, segment_rules=(SegmentRule("Tech", industries=("logiciel",)),)), **frames
    )
    assert {s["name"]: s["clients"] for s in by_industry["segments"]} == {"Tech": 1, "Autres": 5}


def test_segment_auto_falls_back_to_size_band():
    frames = company_frames()
    frames["accounts"] = frames["accounts"].drop(columns=["segment"])
    m = run(Settings(as_of=T), **frames)
    assert m["segmentation"]["by"] == "size"
    assert {s["name"] for s in m["segments"]} == {
        "TPE",
        "PME",
        "ETI",
        "Grand compte",
        "Particuliers",
    }
    assert {s["name"] for s in m["churn"]["by_segment"]} >= {"PME", "ETI"}
    region = run(Settings(as_of=T, segment_by="region"), **company_frames())
    assert region["segmentation"]["by"] == "region"
    assert region["segments"][0]["name"] == "US/Canada"  # A4: 3700, the largest


REGION_OF = {
    "FR": "France", "be": "Benelux", "LU": "Benelux", "AT": "DACH", "CH": "DACH", "GB": "UK",
    "PL": "Autres Europe", "CA": "US/Canada", "BR": "Autres", None: "Non renseigné",
    " ": "Non renseigné",
}  # fmt: skip


def test_regions():
    countries = list(REGION_OF)
    ids = [f"C{i}" for i in range(len(countries))]
    m = run(
        Settings(as_of=T),
        accounts=[{"account_id": a, "country": c} for a, c in zip(ids, countries, strict=True)],
        revenue=one_offs({a: ("2025-06-01", 10.0) for a in ids}),
    )
    got = {r["name"]: r["clients"] for r in m["regions"]}
    expected: dict[str, int] = {}
    for region in REGION_OF.values():
        expected[region] = expected.get(region, 0) + 1
    assert got == expected


def test_naf_sections_cover_every_division():
    assert len(NAF_SECTIONS) == 21 and NAF_SECTIONS[-1][0] == "U"
    assert naf_section_label(1) == "Agriculture, sylviculture et pêche"
    assert naf_section_label(62) == "Information et communication"
    assert naf_section_label(85) == "Enseignement"
    assert naf_section_label(4) is None  # no division 04
    m = run(
        Settings(as_of=T),
        accounts=[
            {"account_id": "A", "naf_code": "01.11Z"},
            {"account_id": "B", "naf_code": "8559A", "industry": "Formation"},  # label wins
            {"account_id": "C", "naf_code": "zz"},
        ],
        revenue=one_offs(
            {"A": ("2025-06-01", 30.0), "B": ("2025-06-01", 20.0), "C": ("2025-06-01", 10.0)}
        ),
    )
    assert [r["name"] for r in m["industries"]] == [
        "Agriculture, sylviculture et pêche",
        "Formation",
        "Autres",
        "Non renseigné",
    ]
