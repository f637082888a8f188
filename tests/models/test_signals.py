"""Churn signals and expansion triggers: the lift arithmetic, the cases where the data cannot
tell (with their reason and no number), and the planted truths of demo S."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pytest

from personae.demo import generate
from personae.metrics import MetricsSession
from personae.metrics.stats import wilson_interval
from personae.models.cohorts import Group, lift_row, ranked_signals
from personae.models.commonalities import commonalities
from personae.models.expansion import expansion
from personae.models.features import BY_NAME
from personae.models.panel import Panel
from personae.models.signals import churn_signals, sample_text
from personae.settings import Settings, load_settings
from personae.sources import load
from tests.metrics.metric_tables import make_tables
from tests.models import tiny


def test_lift_is_the_group_rate_over_the_base_with_its_wilson_interval() -> None:
    g = Group("support_90d", "3+", 200, 80, {"churn": 20, "expansion": 0})
    row = lift_row(g, BY_NAME["support_90d"], "churn", 0.04)
    assert row is not None
    lo, hi = wilson_interval(20, 200)
    assert row["lift"] == pytest.approx(0.1 / 0.04)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(lo / 0.04), pytest.approx(hi / 0.04))
    assert row["n"] == 200 and row["accounts"] == 80 and row["events"] == 20
    assert row["label"] == (
        "3 notes de support ou plus en 90 jours : churn × 2,5 [1,6 – 3,7], "
        "200 mois-comptes de 80 comptes"
    )


def test_groups_that_do_not_stand_out_are_not_signals() -> None:
    support = BY_NAME["support_90d"]
    # interval reaching 1: not a signal
    assert (
        lift_row(Group("support_90d", "3+", 200, 80, {"churn": 10}), support, "churn", 0.04) is None
    )
    # too few months, too few outcomes, or a group without phrase (unknown value)
    assert (
        lift_row(Group("support_90d", "3+", 40, 40, {"churn": 20}), support, "churn", 0.04) is None
    )
    assert (
        lift_row(Group("support_90d", "3+", 900, 80, {"churn": 4}), support, "churn", 0.001) is None
    )
    assert (
        lift_row(
            Group("tenure", "unknown", 900, 80, {"churn": 90}), BY_NAME["tenure"], "churn", 0.04
        )
        is None
    )


def test_ranking_puts_small_groups_last_and_lists_the_same_accounts_once() -> None:
    features = {n: BY_NAME[n] for n in ("usage_trend_3m", "active_days", "users", "segment")}
    groups = [
        Group("usage_trend_3m", "none", 60, 20, {"churn": 15}),  # lift 6.25 but 20 accounts
        Group("usage_trend_3m", "down50", 1000, 400, {"churn": 120}),  # lift 3
        Group("active_days", "0", 500, 200, {"churn": 50}),  # lift 2.5
        Group("users", "0", 500, 200, {"churn": 50}),  # the same accounts as active_days=0
        Group("segment", "PME", 5000, 900, {"churn": 230}),  # lift 1.15
    ]
    ranked = ranked_signals(groups, features, "churn", 0.04)
    assert [(r["feature"], r["group"]) for r in ranked] == [
        ("usage_trend_3m", "down50"),
        ("active_days", "0"),
        ("segment", "PME"),
    ]


def _no_churn_session() -> MetricsSession:
    """Thirty accounts paying every month of 2024 and 2025, without a single departure."""
    con = ibis.duckdb.connect()
    ids = [f"N{i:02d}" for i in range(30)]
    revenue = [
        {"account_id": a, "date": date(y, m, 1), "amount": 100.0}
        for a in ids
        for y in (2024, 2025)
        for m in range(1, 13)
    ]
    tables = make_tables(con, accounts=[{"account_id": a} for a in ids], revenue=revenue)
    return MetricsSession(con, tables, Settings(as_of=date(2025, 12, 31)))


def test_no_churn_at_all_says_why_and_gives_no_number() -> None:
    with _no_churn_session() as s:
        out = churn_signals(s, {}, {})
    summary = out.summary
    assert isinstance(summary, dict)
    assert summary["events"] == 0 and summary["n"] == 23 * 30
    assert summary["base_rate"] == 0
    assert summary["holdout"] is None and summary["signals"] == []
    assert summary["reason"] == (
        "aucun churn observé (0 sur 690 mois-comptes, minimum 20) : pas de signal mesurable"
    )
    assert out.accounts is None


def test_the_tiny_company_has_too_few_churns_to_say_anything() -> None:
    with tiny.session() as s:
        churn = churn_signals(s, {}, {}).summary
        exp = expansion(s, {}, {}).summary
    assert isinstance(churn, dict) and isinstance(exp, dict)
    assert (churn["n"], churn["events"], churn["accounts"]) == (
        18,
        1,
        4,
    )  # A, C, D: January–May; B: January–March
    assert churn["base_rate"] == pytest.approx(1 / 18)
    assert "trop peu" in churn["reason"] and "minimum 20" in churn["reason"]
    assert churn["holdout"] is None and churn["signals"] == []
    assert exp["events"] == 1 and exp["triggers"] == [] and exp["opportunities"] == []


def test_one_account() -> None:
    con = ibis.duckdb.connect()
    revenue = [{"account_id": "X", "date": date(2025, m, 1), "amount": 10.0} for m in (1, 2)]
    tables = make_tables(con, accounts=[{"account_id": "X"}], revenue=revenue)
    with MetricsSession(con, tables, Settings(as_of=date(2025, 6, 30))) as s:
        summary = churn_signals(s, {}, {}).summary
    assert isinstance(summary, dict)
    assert (summary["n"], summary["events"], summary["accounts"]) == (2, 1, 1)
    assert summary["reason"] and summary["holdout"] is None and summary["signals"] == []


# --- demo S: the planted truths -------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_s(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = generate(tmp_path_factory.mktemp("demo_s"), size="S", seed=0)
    ds = load(Path(data))
    try:
        with MetricsSession(ds.con, ds.tables, load_settings(None)) as s:
            metrics = s.compute()
            churn = churn_signals(s, metrics, {})
            exp = expansion(s, metrics, {})
            common = commonalities(s, metrics, {})
            yield {"churn": churn, "expansion": exp, "commonalities": common, "data": data}
    finally:
        ds.con.disconnect()


def test_demo_planted_usage_decline_is_the_first_churn_signal(demo_s: dict[str, Any]) -> None:
    s = demo_s["churn"].summary
    first = s["signals"][0]
    assert first["feature"] in ("usage_trend_3m", "usage_trend_6m")
    assert first["group"] == "down50"
    assert first["ci_low"] > 2  # usage halving before churn: a strong, sure signal
    support = [x for x in s["signals"] if x["feature"] == "support_90d"]
    assert support and support[0]["lift"] > 2  # the planted support load is found too


def test_demo_decoy_is_not_in_the_top_3(demo_s: dict[str, Any]) -> None:
    import json

    truth = json.loads((Path(demo_s["data"]) / "truth.json").read_text(encoding="utf-8"))
    decoys = {d["attribute"] for d in truth["decoys"]}
    assert decoys == {"region"}
    for summary, key in (
        (demo_s["churn"].summary, "signals"),
        (demo_s["expansion"].summary, "triggers"),
    ):
        assert decoys.isdisjoint(x["feature"] for x in summary[key][:3])


def test_demo_planted_surge_is_the_top_expansion_trigger(demo_s: dict[str, Any]) -> None:
    s = demo_s["expansion"].summary
    top = s["triggers"][0]
    assert top["feature"] in ("usage_trend_3m", "usage_trend_6m")
    assert top["group"] == "up100" and top["ci_low"] > 3
    assert s["opportunities"], "accounts whose usage surges now are opportunities"
    assert sum(o["accounts"] for o in s["opportunities"]) > 0
    assert all(o["arr"] > 0 for o in s["opportunities"])


@pytest.mark.parametrize("model", ["churn", "expansion"])
def test_demo_holdout_beats_chance(demo_s: dict[str, Any], model: str) -> None:
    s = demo_s[model].summary
    h = s["holdout"]
    assert h["auc"] > 0.5
    assert h["n"] > 5_000 and h["events"] >= 5 and h["train_n"] > h["n"]
    assert h["brier"] < h["brier_base"]
    assert h["top_decile_lift"] > 1
    assert 0 < s["base_rate"] < 0.1


def test_demo_accounts_columns(demo_s: dict[str, Any]) -> None:
    churn, exp = demo_s["churn"].accounts, demo_s["expansion"].accounts
    assert list(churn.columns) == ["account_id", "churn_risk", "churn_risk_reasons"]
    assert list(exp.columns) == ["account_id", "expansion_signal", "expansion_reasons"]
    assert churn["churn_risk"].between(0, 1).all()
    assert churn["account_id"].is_unique and len(churn) == len(exp) > 500
    # an account whose usage halved has that reason
    phrase = demo_s["churn"].summary["signals"][0]["phrase"]
    assert churn["churn_risk_reasons"].str.contains(phrase, regex=False).any()


def test_demo_commonalities_counts(demo_s: dict[str, Any]) -> None:
    items = demo_s["commonalities"].summary
    assert items and {i["group"] for i in items} == {"top10", "top_decile"}
    for i in items:
        assert i["top"] <= i["n_top"] <= i["n_all"] and i["top"] <= i["all"]
        assert i["lift"] == pytest.approx((i["top"] / i["n_top"]) / (i["all"] / i["n_all"]))
        assert i["lift"] >= 1.2
    assert all(i["n_top"] == 10 for i in items if i["group"] == "top10")
    decile = [i for i in items if i["group"] == "top_decile"]
    assert decile[0]["n_top"] == math.ceil(decile[0]["n_all"] / 10)


def test_the_samples_are_said_in_french() -> None:
    table = ibis.table({"account_id": "string", "month_idx": "int64"}, name="panel")
    sampled = Panel(table, 0, True, True, sample=0.0217, source_rows=23_040_000)
    whole = Panel(table, 0, True, True)
    plain = lambda text: text.replace("\u00a0", " ").replace("\u202f", " ")  # noqa: E731
    assert sample_text(whole, None) is None
    assert plain(sample_text(sampled, 0.8) or "") == (
        "signaux mesurés sur un échantillon déterministe de 2,2 % des comptes (hachage de "
        "l'identifiant), pour rester sous 500 000 des 23 040 000 mois-comptes ; tous les "
        "comptes payants aujourd'hui sont notés ; modèle entraîné sur un échantillon "
        "déterministe de 80,0 % de ces comptes, pour rester sous 200 000 mois-comptes"
    )
    assert plain(sample_text(whole, 0.35) or "") == (
        "modèle entraîné sur un échantillon déterministe de 35,0 % des comptes (hachage de "
        "l'identifiant), pour rester sous 200 000 mois-comptes"
    )


def test_reasons_are_the_first_three_strong_signals_on_by_rank() -> None:
    """accounts.csv's reasons: the phrases of the strong signals on for the account, in the
    signals' order, at most three, joined by « ; » as the ICP's reasons are; a weak signal or one of another kind is
    never a reason."""
    import numpy as np
    import pandas as pd

    from personae.models import logit
    from personae.models.features import BEHAVIOUR, PROFILE
    from personae.models.signals import _reasons

    frame = pd.DataFrame(
        {
            "account_id": ["a", "b", "c", "d", "e"],
            "b_segment": ["PME", "PME", "ETI", None, "PME"],
            "b_region": ["Nord", "Sud", "Nord", "Nord", "Sud"],
            "b_industry": ["BTP", "BTP", "BTP", "BTP", "Santé"],
            "b_kind": ["B2B", "B2B", "B2B", "B2B", "B2B"],
            "b_size_band": ["TPE", "TPE", "TPE", "PME", "TPE"],
        }
    )
    current = logit.Matrix([], np.zeros((5, 0)), {}, np.zeros(5, dtype=np.int64), frame)

    def signal(feature: str, group: str, lift: float, kind: str = PROFILE) -> dict[str, Any]:
        return {"feature": feature, "group": group, "lift": lift, "kind": kind,
                "phrase": f"{feature}={group}"}  # fmt: skip

    signals = [
        signal("segment", "PME", 3.0),
        signal("region", "Nord", 1.5),  # weak: never a reason
        signal("industry", "BTP", 2.5),
        signal("kind", "B2B", 2.0, BEHAVIOUR),  # another kind below
        signal("size_band", "TPE", 2.2),
    ]
    got = _reasons(current, signals, {PROFILE})
    assert list(got) == [
        "segment=PME ; industry=BTP ; size_band=TPE",
        "segment=PME ; industry=BTP ; size_band=TPE",
        "industry=BTP ; size_band=TPE",
        "industry=BTP",
        "segment=PME ; size_band=TPE",
    ]
    both = _reasons(current, signals, {PROFILE, BEHAVIOUR})
    assert both[3] == "industry=BTP ; kind=B2B"
    assert both[0] == "segment=PME ; industry=BTP ; kind=B2B"  # the fourth strong one left out
    assert list(_reasons(current, [], {PROFILE})) == [""] * 5
    empty = logit.Matrix([], np.zeros((0, 0)), {}, np.zeros(0, dtype=np.int64), frame.iloc[:0])
    assert len(_reasons(empty, signals, {PROFILE})) == 0
