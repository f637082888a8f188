"""The planted truths of truth.json are visible in the raw tables, with plain pandas.

Tolerances are four standard errors of the estimate (seed fixed, so no flakiness: the
point is that a wrong generator would fail by far more).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from personae.demo.company import CLOSING_STAGES

from .conftest import Demo, month_index


def close(k: float, n: float, p: float, z: float = 4.0) -> bool:
    """k successes out of n agree with probability p."""
    return abs(k / n - p) <= z * math.sqrt(p * (1 - p) / n)


def churn_months(demo: Demo) -> pd.Series:
    """Accounts churned for good: the month index of their last churn (MRR > 0 → 0)."""
    m = demo.mrr.to_numpy() > 0
    gone = m.any(axis=1) & ~m[:, -1]
    last_positive = m.shape[1] - 1 - np.argmax(m[:, ::-1], axis=1)
    return pd.Series(last_positive[gone] + 1 + demo.mrr.columns[0], demo.mrr.index[gone])


def monthly_plan_lives(demo: Demo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First spells of the accounts on a monthly plan: (segment, months observed, churned)."""
    r = demo.tables["revenue"]
    plan = r[r["recurring"] & (r["amount"] > 0) & r["product"].str.startswith("Quickfund ")]
    n = np.rint((plan["period_end"] - plan["period_start"]).dt.days / 30.4375)
    monthly = set(plan.loc[n.groupby(plan["account_id"]).transform("max") == 1, "account_id"])
    mrr = demo.mrr.loc[demo.mrr.index.isin(monthly)].to_numpy() > 0
    first = np.argmax(mrr, axis=1)
    after = np.where(np.arange(mrr.shape[1])[None, :] >= first[:, None], ~mrr, False)
    stop = np.where(after.any(axis=1), np.argmax(after, axis=1), mrr.shape[1])
    segment = demo.segment.loc[demo.mrr.index[demo.mrr.index.isin(monthly)]].to_numpy()
    return segment, stop - first, stop < mrr.shape[1]


def test_monthly_churn_is_beta_heterogeneous_per_segment(demo: Demo) -> None:
    """Monthly plans: each account churns at every renewal with its own p ~ Beta(α, β), so
    new accounts churn at the planted mean hazard α/(α+β) in their first month, and the
    survivors of t − 1 renewals at α/(α+β+t−1) (Fader & Hardie 2007, the sorting effect):
    the churn of older accounts is lower, by the planted amount."""
    segment, lived, churned = monthly_plan_lives(demo)
    for name, planted in demo.truth["segments"].items():
        a, b = planted["churn_beta"]["1"]["alpha"], planted["churn_beta"]["1"]["beta"]
        assert a / (a + b) == pytest.approx(planted["monthly_churn_hazard"])
        rows = segment == name
        life, gone = lived[rows], churned[rows]
        # first renewal: at risk = every account observed past its first month
        at_risk = life >= 1
        k, n = int((gone & (life == 1)).sum()), int((at_risk & (gone | (life > 1))).sum())
        assert n > 30, name
        assert close(k, n, a / (a + b)), (name, k / n)
        # renewals 13 and later, pooled: expected churns Σ α/(α+β+t−1) over accounts at risk
        ts = np.arange(13, 90)
        at = np.array([((life > t) | (gone & (life == t))).sum() for t in ts])
        dead = np.array([(gone & (life == t)).sum() for t in ts])
        hazard = a / (a + b + ts - 1)
        expected, var = float((at * hazard).sum()), float((at * hazard * (1 - hazard)).sum())
        assert abs(dead.sum() - expected) <= 4 * math.sqrt(var), (name, dead.sum(), expected)
        assert dead.sum() / at.sum() < a / (a + b)  # survivors churn less than new accounts


def test_mrr_is_exact(demo: Demo) -> None:
    """Credit notes cancel exactly: MRR is 0 or at least the cheapest plan, never a crumb."""
    values = demo.mrr.to_numpy()
    assert ((values == 0) | (values >= 15)).all()


def test_price_points_and_billing_intervals(demo: Demo) -> None:
    r = demo.tables["revenue"]
    plan = r[r["recurring"] & (r["amount"] > 0) & r["product"].str.startswith("Quickfund ")]
    n = np.rint((plan["period_end"] - plan["period_start"]).dt.days / 30.4375).astype(int)
    assert set(n) >= {1, 3, 12}
    monthly = plan["amount"] / n
    name = plan["product"].str.removeprefix("Quickfund ")
    prices = demo.truth["prices"]
    listed = [
        monthly.iloc[i] == prices[p][str(k)] if str(k) in prices[p] else False
        for i, (p, k) in enumerate(zip(name, n, strict=True))
    ]
    assert np.mean(listed) > 0.97  # the rest are prorated upgrades
    seen = set(zip(name[listed], n[listed], strict=True))
    assert {(p, int(k)) for p in prices for k in prices[p]} == seen


def test_billing_days_credit_notes_and_one_offs(demo: Demo) -> None:
    r = demo.tables["revenue"]
    rec = r[r["recurring"]]
    assert {29, 30, 31} <= set(rec["period_start"].dt.day)
    assert ((rec["period_start"].dt.month == 2) & (rec["period_start"].dt.day == 28)).any()
    assert (rec["amount"] < 0).any()  # cancellation and downgrade credit notes
    assert ((~r["recurring"]) & (r["amount"] < 0)).any()  # commercial credit notes
    fees = r[r["product"] == "Frais de mise en service"]
    assert len(fees) > 0 and (~fees["recurring"]).all() and (fees["amount"] > 0).all()
    assert (r["product"] == "Formation").any()


def test_reactivation_rate(demo: Demo) -> None:
    m = demo.mrr.to_numpy() > 0
    ever = np.argmax(m, axis=1)
    came_back = churned = 0
    gap_max = demo.truth["reactivation"]["gap_months"][1]
    for row, start in enumerate(ever):
        path = m[row, start:]
        zero = np.flatnonzero(~path)
        if zero.size == 0:
            continue
        c = start + zero[0]
        if c > m.shape[1] - 1 - gap_max:
            continue
        churned += 1
        came_back += bool(m[row, c : c + gap_max + 1].any())
    assert churned > 400  # heterogeneous churn (Beta): long-lived accounts churn less
    assert close(came_back, churned, demo.truth["reactivation"]["probability"])


def test_upgrades_and_downgrades(demo: Demo) -> None:
    v = demo.mrr.to_numpy()
    both = (v[:, :-1] > 0) & (v[:, 1:] > 0)
    up = both & (v[:, 1:] > v[:, :-1])
    down = both & (v[:, 1:] < v[:, :-1])
    segment = demo.segment.loc[demo.mrr.index].to_numpy()
    for name, planted in demo.truth["segments"].items():
        rows = segment == name
        n = both[rows].sum()
        b2c = planted["kind"] == "B2C"
        bottom, top = ("Solo", "Solo Plus") if b2c else ("Essentiel", "Entreprise")
        start = planted["start_plans"]
        # rates apply when a plan exists above (below): a lower bound from the start mix
        for moved, rate, stuck in (
            (up, planted["upgrade_rate_monthly"], start.get(top, 0.0)),
            (down, planted["downgrade_rate_monthly"], start.get(bottom, 0.0)),
        ):
            k = moved[rows].sum()
            se = math.sqrt(rate / n)
            assert 0.7 * rate * (1 - stuck) - 4 * se < k / n < rate + 4 * se, (name, k / n)


def test_lost_reason_mix(demo: Demo) -> None:
    deals = demo.tables["deals"]
    lost = deals.loc[deals["status"] == "lost", "lost_reason"].fillna("Non renseigné")
    assert len(lost) > 1000
    for reason, share in demo.truth["lost_reasons"].items():
        assert close((lost == reason).sum(), len(lost), share), reason
    rival = deals[deals["lost_reason"] == "Concurrent choisi"]
    assert rival["competitor"].notna().all()
    assert deals.loc[deals["status"] != "lost", "lost_reason"].isna().all()


def test_lost_reason_planted_segment(demo: Demo) -> None:
    """Each segment's lost deals follow its own mix: the planted segment gives its reason
    about half the time, the others far less (their mixes average to the overall shares)."""
    deals = demo.tables["deals"].join(demo.segment, on="account_id")
    lost = deals[deals["status"] == "lost"]
    plant = demo.truth["lost_reason_plant"]
    for name, mix in demo.truth["lost_reason_mix"].items():
        group = lost.loc[lost["segment"] == name, "lost_reason"].fillna("Non renseigné")
        assert len(group) > 100, name
        for reason, share in mix.items():
            assert close((group == reason).sum(), len(group), share), (name, reason)
    assert demo.truth["lost_reason_mix"][plant["segment"]][plant["reason"]] == pytest.approx(
        plant["share_in_segment"]
    )
    reason = plant["reason"]
    elsewhere = [
        mix[reason] for s, mix in demo.truth["lost_reason_mix"].items() if s != plant["segment"]
    ]
    assert max(elsewhere) < plant["share_in_segment"] / 2


def test_seats_are_billed_per_user_and_top_10_differ(demo: Demo) -> None:
    """Extra users: a recurring line of its own at a whole number of seats × the seat price
    of its billing interval; so the ten largest MRRs at T are ten different amounts."""
    r = demo.tables["revenue"]
    seats = demo.truth["seats"]
    lines = r[(r["product"] == seats["product"]) & (r["amount"] > 0) & r["recurring"]]
    assert len(lines) > 100
    n = np.rint((lines["period_end"] - lines["period_start"]).dt.days / 30.4375).astype(int)
    price = n.astype(str).map(seats["prices"]).astype(float)
    users = lines["amount"] / n / price
    assert np.isclose(users, np.rint(users)).all()  # the seats never change in a period
    assert users.min() >= 1 and users.max() > 20
    b2c = demo.segment[demo.segment == "Particuliers"].index
    assert not lines["account_id"].isin(b2c).any()
    top = demo.mrr.iloc[:, -1].nlargest(11)
    assert top.iloc[:10].nunique() == 10 and top.iloc[9] > top.iloc[10]


def test_win_rate_per_segment(demo: Demo) -> None:
    deals = demo.tables["deals"].join(demo.segment, on="account_id")
    closed = deals[deals["status"].isin(["won", "lost"])]
    for name, planted in demo.truth["segments"].items():
        group = closed[closed["segment"] == name]
        if planted["win_rate"] is None:
            assert group.empty, name
            continue
        won = (group["status"] == "won").sum()
        assert close(won, len(group), planted["win_rate"]), name


def test_stage_durations(demo: Demo) -> None:
    stages = demo.tables["deal_stages"].join(
        demo.tables["deals"].set_index("deal_id")[["closed_at", "account_id"]], on="deal_id"
    )
    stages = stages.join(demo.segment, on="account_id")
    stages = stages.sort_values(["deal_id", "entered_at"])
    following = stages.groupby("deal_id")["entered_at"].shift(-1)
    # a closed deal's last pipeline stage ends at its closed_won / closed_lost row
    stages["days"] = (following - stages["entered_at"]).dt.total_seconds() / 86_400
    stages = stages[~stages["stage"].isin(CLOSING_STAGES)].dropna(subset=["days"])
    assert (stages["days"] > 0).all()
    for (name, stage), group in stages.groupby(["segment", "stage"]):
        planted = demo.truth["segments"][name]["stage_mean_days"][stage]
        se = group["days"].std() / math.sqrt(len(group))
        assert abs(group["days"].mean() - planted) < 4 * se, (name, stage)


def test_closed_deals_enter_their_closing_stage_at_closed_at(demo: Demo) -> None:
    deals = demo.tables["deals"].set_index("deal_id")
    rows = demo.tables["deal_stages"]
    closing = rows[rows["stage"].isin(CLOSING_STAGES)].set_index("deal_id")
    closed = deals[deals["status"] != "open"]
    assert closing.index.is_unique and set(closing.index) == set(closed.index)
    expected = "closed_" + closed["status"]
    assert (closing["stage"] == expected.reindex(closing.index)).all()
    assert (
        closing["entered_at"].dt.normalize() == closed["closed_at"].reindex(closing.index)
    ).all()


def test_won_deals_precede_first_invoice(demo: Demo) -> None:
    deals = demo.tables["deals"]
    won = deals[deals["status"] == "won"].set_index("account_id")
    r = demo.tables["revenue"]
    first = r[r["amount"] > 0].groupby("account_id")["date"].min()
    gap = (first.loc[won.index] - won["closed_at"]).dt.days
    assert gap.between(0, 14).all()
    b2c = demo.tables["accounts"].query("kind == 'B2C'")["account_id"]
    assert not deals["account_id"].isin(b2c).any()


def test_persona_mix(demo: Demo) -> None:
    personas = demo.truth["personas"]
    persona_of = {t: key for key, p in personas.items() for t in p["titles"]}
    contacts = demo.tables["contacts"].join(demo.segment, on="account_id")
    contacts["persona"] = contacts["job_title"].map(persona_of)
    assert contacts["persona"].notna().all()
    for name, planted in demo.truth["segments"].items():
        group = contacts[contacts["segment"] == name]
        for key, share in planted["personas"].items():
            if share < 1:
                assert close((group["persona"] == key).sum(), len(group), share), (name, key)
    daf = contacts[contacts["persona"] == "daf"]
    for role, share in personas["daf"]["roles"].items():
        assert close((daf["role"] == role).sum(), len(daf), share), role


def test_activity_declines_before_churn(demo: Demo) -> None:
    """Events per month over the 2 months before churn vs months 5–8 before: about half."""
    churn = churn_months(demo)
    act = demo.tables["activity"]
    act = act.assign(month=month_index(act["timestamp"]))
    per_month = act.groupby(["account_id", "month"]).size()
    recent = normal = 0
    for account, c in churn.items():
        months = per_month.get(account)
        if months is None or not (demo.mrr.loc[account, c - 9 : c - 1] > 0).all():
            continue  # only customers active for the 9 months before their churn
        recent += months.reindex([c - 2, c - 1], fill_value=0).sum() / 2
        normal += months.reindex(range(c - 8, c - 4), fill_value=0).sum() / 4
    ratio = recent / normal
    assert 0.4 < ratio < 0.62, ratio


def test_support_notes_surge_before_churn(demo: Demo) -> None:
    churn = churn_months(demo)
    n = demo.tables["notes"]
    support = n[n["kind"] == "support"].assign(month=lambda d: month_index(d["date"]))
    support = support.join(churn.rename("churn"), on="account_id").dropna(subset=["churn"])
    before = support["churn"] - support["month"]
    recent = before.between(1, 2).sum() / 2
    normal = before.between(5, 8).sum() / 4
    assert recent > 2 * normal


def test_churn_reasons(demo: Demo) -> None:
    churn = churn_months(demo)
    accounts = demo.tables["accounts"].set_index("account_id")
    has_reason = accounts["churn_reason"].notna()
    assert set(accounts.index[has_reason]) <= set(churn.index)
    share = has_reason.loc[churn.index].mean()
    assert abs(share - (1 - demo.truth["churn_reason_missing"])) < 0.05
    for name, planted in demo.truth["segments"].items():
        reasons = accounts.loc[has_reason & (accounts["segment"] == name), "churn_reason"]
        for reason, share in planted["churn_reasons"].items():
            assert close((reasons == reason).sum(), len(reasons), share), (name, reason)


def test_lost_notes_name_the_reason(demo: Demo) -> None:
    deals = demo.tables["deals"]
    lost = deals[deals["status"] == "lost"].set_index("account_id")
    n = demo.tables["notes"]
    notes = n[n["kind"] == "lost"].join(lost[["lost_reason", "competitor"]], on="account_id")
    assert len(notes) > 0.6 * len(lost)
    named = notes.dropna(subset=["lost_reason"])
    assert all(
        r.lower() in t.lower() for r, t in zip(named["lost_reason"], named["text"], strict=True)
    )
    rival = notes.dropna(subset=["competitor"])
    assert all(c in t for c, t in zip(rival["competitor"], rival["text"], strict=True))
