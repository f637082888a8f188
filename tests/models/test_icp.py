"""The ICP: lifts and weights of evidence by hand, the planted demo cell, the settings."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from personae.demo import generate
from personae.models.fit_score import (
    _with_reasons,
    reason_ranks,
    reason_text,
    score_range,
    woe_weights,
)
from personae.models.icp import lifts, profile_of, smoothed_lift
from personae.pipeline import compute_dossier

COUNTS = [
    {"attribute": "region", "value": "France", "best": 3, "rest": 2},
    {"attribute": "region", "value": "UK", "best": 1, "rest": 6},
    {"attribute": "tool", "value": "Excel", "best": 2, "rest": 2},
]


def test_lifts_by_hand() -> None:
    rows = {r["value"]: r for r in lifts(COUNTS, best=4, rest=8, conf=0.95)}
    # France: (3/4) / (2/8) = 3; UK: (1/4) / (6/8) = 1/3; Excel: (2/4) / (2/8) = 2
    assert rows["France"]["lift"] == pytest.approx(3.0)
    assert rows["UK"]["lift"] == pytest.approx(1 / 3)
    assert rows["Excel"]["lift"] == pytest.approx(2.0)
    assert rows["France"]["n"] == 5 and rows["France"]["best"] == 3
    assert rows["France"]["share_best"]["value"] == 0.75
    # Wilson 95 % for 3/4: centre (0.75 + 1.92/4) / (1 + 3.84/4) …, published 0.301–0.954
    assert rows["France"]["share_best"]["ci_low"] == pytest.approx(0.3006, abs=1e-3)
    assert rows["France"]["share_best"]["ci_high"] == pytest.approx(0.9544, abs=1e-3)
    # ordered by smoothed lift: France (3.5/5)/(2.5/9) = 2.52 first
    assert next(iter(rows)) == "France"
    assert smoothed_lift(3, 2, 4, 8) == pytest.approx(2.52)


def test_weights_of_evidence_by_hand() -> None:
    w = {r["value"]: r["woe"] for r in woe_weights(COUNTS, best=4, rest=8)}
    # region has K = 2 values: France ln((3.5/5) / (2.5/9)) = ln 2.52
    assert w["France"] == pytest.approx(math.log(2.52))
    assert w["UK"] == pytest.approx(math.log((1.5 / 5) / (6.5 / 9)))
    # a tool: present ln((2.5/5)/(2.5/9)) minus absent ln((2.5/5)/(6.5/9))
    assert w["Excel"] == pytest.approx(math.log(1.8) - math.log(0.5 / (6.5 / 9)))
    lo, hi = score_range(woe_weights(COUNTS, best=4, rest=8))
    assert lo == pytest.approx(w["UK"]) and hi == pytest.approx(w["France"] + w["Excel"])


def test_profile_keeps_lift_and_sample_size() -> None:
    rows = lifts(
        [
            {"attribute": "industry", "value": "Santé", "best": 9, "rest": 1},
            {"attribute": "industry", "value": "BTP", "best": 5, "rest": 3},
            {"attribute": "industry", "value": "Non renseigné", "best": 10, "rest": 0},
        ],
        best=24,
        rest=24,
        conf=0.95,
    )
    assert [r["value"] for r in profile_of(rows)] == ["Santé"]  # BTP n = 8 < 10


# --- a tiny hand-made company ----------------------------------------------------------


def _company(folder: Path, clients: int, prospects: int) -> Path:
    """``clients`` paying monthly through 2025 (every 4th one a 'Santé' ETI paying 500 €,
    the others 100 €), ``prospects`` without revenue."""
    accounts, revenue = [], []
    for i in range(clients + prospects):
        star = i % 4 == 0
        accounts.append(
            {
                "account_id": f"A{i:03d}",
                "industry": "Santé" if star else "Commerce",
                "naf_code": "86.10Z" if star else "47.11A",
                "employees": 800 if star else 30,
                "country": "FR",
                "tech_stack": "SAP;Excel" if star else "Excel",
            }
        )
        if i >= clients:
            continue
        for month in range(1, 13):
            for year in (2024, 2025):
                revenue.append(
                    {
                        "account_id": f"A{i:03d}",
                        "date": f"{year}-{month:02d}-01",
                        "amount": 500.0 if star else 100.0,
                    }
                )
    # one churned account per five, so churn is measurable
    rev = pd.DataFrame(revenue)
    gone = [f"A{i:03d}" for i in range(1, clients, 5)]
    rev = rev[~(rev.account_id.isin(gone) & (rev.date >= "2025-06-01"))]
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(accounts).to_csv(folder / "accounts.csv", index=False)
    rev.to_csv(folder / "revenue.csv", index=False)
    return folder


def test_tiny_company_best_customers_are_the_planted_ones(tmp_path: Path) -> None:
    d = compute_dossier(data=_company(tmp_path / "d", clients=80, prospects=0))
    icp = d.models["icp"]
    assert icp["status"] == "ok" and icp["eligible_clients"] == 80
    assert icp["profile"][0]["value"] == "Santé · ETI"
    assert icp["tiers"]["A"]["prospects"] == 0  # no prospects: the score still works
    stars = d.accounts[d.accounts.account_id.isin([f"A{i:03d}" for i in range(0, 80, 4)])]
    assert set(stars.icp_tier) == {"A"}
    assert stars.icp_reasons.str.contains("Santé · ETI").all()
    assert d.accounts.icp_reasons.str.count(" ; ").max() == 2  # three reasons at most
    # the per-account scores and reasons of accounts.csv: their SQL recorded too
    icp_sql = d.metrics["provenance"]["icp"]
    assert re.search(r'PARTITION BY "t\d+"\."account_id"\s+ORDER BY "t\d+"\."rank"', icp_sql)


def test_reasons_joined_per_account_in_rank_order() -> None:
    texts = [reason_text("tool", "Excel", 0.64), reason_text("region", "UK", -1.25)]
    assert texts == ["Outil : Excel (+0,6)", "Région : UK (−1,2)"]
    nan = float("nan")
    scores = pd.DataFrame(
        {
            "account_id": ["a", "b", "c", "d"],
            "r0": [1, 0, nan, 0],
            "r1": [0, nan, nan, 1],
            "r2": [nan, nan, nan, nan],
        }
    )
    out = _with_reasons(scores, texts)
    assert list(out.columns) == ["account_id", "icp_reasons"]
    assert out.icp_reasons.tolist() == [
        f"{texts[1]} ; {texts[0]}",
        texts[0],
        "",
        f"{texts[0]} ; {texts[1]}",
    ]


def test_reasons_rank_by_magnitude_then_attribute_then_value() -> None:
    weights = [
        {"attribute": "tool", "value": "Excel", "woe": 0.5},
        {"attribute": "region", "value": "UK", "woe": -1.25},
        {"attribute": "region", "value": "FR", "woe": 0.5},  # same magnitude as Excel
        {"attribute": "channel", "value": "Salon", "woe": -0.5},  # same, negative
        {"attribute": "region", "value": "BE", "woe": 0.5},
    ]
    # UK first (1.25); then the 0.5s by attribute (channel < region < tool), then value
    assert reason_ranks(weights) == [4, 0, 3, 1, 2]
    assert reason_ranks([]) == []


def test_tiny_client_base_says_so(tmp_path: Path) -> None:
    d = compute_dossier(data=_company(tmp_path / "d", clients=12, prospects=3))
    icp = d.models["icp"]
    assert icp["status"] == "too_small" and icp["profile"] == []
    answer = d.answers["6.1"].value
    assert "trop petite" in answer and "icp_naf_codes" in answer


def test_settings_state_the_icp(tmp_path: Path) -> None:
    data = _company(tmp_path / "d", clients=40, prospects=4)
    config = tmp_path / "personae.toml"
    config.write_text('[personae]\nicp_naf_codes = ["47.1"]\nicp_employees = "10-49"\n')
    d = compute_dossier(data=data, config=config)
    crit = d.models["icp"]["criteria"]
    assert crit["source"] == "settings" and crit["employees"] == [10, 49]
    share = d.models["icp"]["share_of_clients"]
    # the 'Commerce' clients, 3 in every 4: 30 of 40
    assert (share["numerator"], share["denominator"]) == (30, 40)
    assert "ICP déclaré dans les réglages" in d.answers["6.1"].value
    assert "75,0\u00a0%" in d.answers["6.3"].value


# --- demo S: the planted cell ----------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    data = generate(tmp_path_factory.mktemp("demo"), size="S", seed=0)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    return compute_dossier(data=data), truth


def test_demo_planted_cell_leads_the_profile(demo: tuple[Any, dict[str, Any]]) -> None:
    d, truth = demo
    planted = f"{truth['icp']['industry']} · {truth['icp']['size_band']}"
    icp = d.models["icp"]
    assert icp["profile"][0]["value"] == planted
    assert icp["criteria"]["industries"] == [truth["icp"]["industry"]]
    comp = icp["comparison"]
    assert comp["icp"]["ltv"] > 3 * comp["rest"]["ltv"]  # worth several times the others
    assert planted in d.answers["6.1"].value
    assert d.answers["6.2"].value.startswith("Clients ICP comparés aux autres clients : LTV")
    assert set(d.accounts.icp_tier.dropna()) == {"A", "B", "C", "D"}
    assert d.accounts.icp_score.between(0, 100).all()


def test_demo_tam_is_the_planted_count(demo: tuple[Any, dict[str, Any]]) -> None:
    d, truth = demo
    market = truth["market"]
    tam = d.models["tam"]
    assert sorted(tam["filters"]["naf_codes"]) == market["icp_naf_codes"]
    assert tam["filters"]["tranches"] == market["icp_tranches"]
    assert tam["count"] == market["icp_tam"] > 0
    assert d.answers["6.4"].value.startswith(f"{market['icp_tam']} entreprises actives")
    assert d.answers["6.tam_icp"].value == market["icp_tam"]
