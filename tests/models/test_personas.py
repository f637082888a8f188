"""Personas from contacts: a hand-made CRM with a hand-computed ranking, and demo S's plants.

The tiny CRM (T = 2025-12-31): four won deals (D1 and D5 on A1, D2 on A2, D3 on A3) and one
lost (D4 on A4). Groups of the contacts of won deals' accounts, by hand:

====================  ===========================  ===========  ==========  ========
group                 contacts (account, role)     decided on   took part   ages
====================  ===========================  ===========  ==========  ========
finance | Senior      c1 DAF (A1, decision_maker)  D1 D5 D2     D1 D5 D2    40 44
                      c4 Directrice financière     (3)          D3 (4)      46 52
                      (A2, economic_buyer), c7
                      Chef comptable (A3,
                      champion), c11 DAF (A2, user)
direction | C-level   c2 CEO (A1, influencer),     D3 (1)       D1 D5 D3    50 36
                      c6 Fondateur (A3, decision)               (3)
finance | Mid         c3, c5 Comptable (A1 user,   – (0)        D1 D5 D2    30 28
                      A2 champion)                              (3)
marketing | Junior    c9 Stagiaire, department     – (0)        D3 (1)      22
                      column "Marketing" (A3 user)
====================  ===========================  ===========  ==========  ========

c8 (CFO, A4) is only on a lost deal; c10 ("-", no department) has no group. Interquartile
ranges with linear interpolation (numpy's default, SQL's quantile_cont): finance Senior
[40, 44, 46, 52] → 43 and 47.5; direction [36, 50] → 39.5 and 46.5; finance Mid [28, 30] →
28.5 and 29.5. Influencers of finance Senior (deals D1 D5 D2 D3): direction C-level swayed
D1, D5 (influencer) and D3 (decision maker): 3 of 4, mostly influencer; finance Mid D2
(champion; c3 is a plain user): 1 of 4; marketing Junior is only a user.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ibis
import numpy as np
import pytest

from personae.metrics.calendar import build_calendar
from personae.metrics.context import Context
from personae.models.personas import (
    Personas,
    canonical_department,
    canonical_seniority,
    group_name,
    personas_step,
)
from personae.settings import Settings
from tests.metrics.metric_tables import make_tables

T = date(2025, 12, 31)

ACCOUNTS = [{"account_id": f"A{i}", "name": f"Société {i}"} for i in range(1, 5)]
DEALS = [
    {
        "deal_id": "D1",
        "account_id": "A1",
        "created_at": "2025-01-10",
        "closed_at": "2025-03-01",
        "status": "won",
    },
    {
        "deal_id": "D5",
        "account_id": "A1",
        "created_at": "2025-05-10",
        "closed_at": "2025-07-01",
        "status": "won",
    },
    {
        "deal_id": "D2",
        "account_id": "A2",
        "created_at": "2025-02-10",
        "closed_at": "2025-04-01",
        "status": "won",
    },
    {
        "deal_id": "D3",
        "account_id": "A3",
        "created_at": "2025-03-10",
        "closed_at": "2025-05-01",
        "status": "won",
    },
    {
        "deal_id": "D4",
        "account_id": "A4",
        "created_at": "2025-03-10",
        "closed_at": "2025-05-01",
        "status": "lost",
    },
]


def _c(cid: str, acc: str, title: str, role: str, age: int, **extra: Any) -> dict[str, Any]:
    return {
        "contact_id": cid,
        "account_id": acc,
        "job_title": title,
        "role": role,
        "age": age,
        **extra,
    }


CONTACTS = [
    _c("c1", "A1", "DAF", "decision_maker", 40),
    _c("c2", "A1", "CEO", "influencer", 50),
    _c("c3", "A1", "Comptable", "user", 30),
    _c("c4", "A2", "Directrice financière", "economic_buyer", 44),
    _c("c5", "A2", "Comptable", "champion", 28),
    _c("c11", "A2", "DAF", "user", 46),
    _c("c6", "A3", "Fondateur", "decision_maker", 36),
    _c("c7", "A3", "Chef comptable", "champion", 52),
    _c("c9", "A3", "Stagiaire", "user", 22, department="Marketing", seniority="junior"),
    _c("c10", "A2", "-", "user", 33),
    _c("c8", "A4", "CFO", "decision_maker", 60),
]
NOTES = [
    {
        "account_id": "A1",
        "date": "2025-04-01",
        "kind": "interview",
        "text": "Entretien. Objectif : fiabiliser le prévisionnel. Défi : consolider les banques "
        "à la main.",
    },
    {
        "account_id": "A2",
        "date": "2025-05-01",
        "kind": "interview",
        "text": "Objectif : fiabiliser le prévisionnel. Défi : consolider les banques à la main.",
    },
    {
        "account_id": "A3",
        "date": "2025-06-01",
        "kind": "interview",
        "text": "Objectif : préparer la levée de fonds.",
    },
    {
        "account_id": "A3",
        "date": "2025-07-01",
        "kind": "call",
        "text": "Objectif : préparer la levée de fonds.",
    },
    {"account_id": "A4", "date": "2025-05-01", "kind": "lost", "text": "Prix trop élevé."},
]


def _ctx(**frames: Any) -> Context:
    con = ibis.duckdb.connect()
    tables = make_tables(con, revenue=[], **frames)
    settings = Settings(as_of=T)
    return Context(con, tables, settings, build_calendar(tables, settings))


@pytest.fixture
def crm() -> Context:
    return _ctx(accounts=ACCOUNTS, deals=DEALS, contacts=CONTACTS, notes=NOTES)


def test_ranking_and_groups_are_the_hand_computed_ones(crm: Context) -> None:
    model = Personas().fit(crm)
    assert model.won_deals_ == 4
    got = [(g.key, g.decider_deals, g.won_deals, g.contacts) for g in model.groups_]
    assert got == [
        ("finance|Senior", 3, 4, 4),
        ("direction|C-level", 1, 3, 2),
        ("finance|Mid", 0, 3, 2),
        ("marketing|Junior", 0, 1, 1),
    ]
    first, second, third = model.personas_
    assert (first.title, first.title_count, first.age_range) == ("DAF", 2, (43.0, 47.5))
    assert (second.title, second.age_range) == ("CEO", (39.5, 46.5))  # tie: alphabetical
    assert third.age_range == (28.5, 29.5)
    # the same interquartile range as numpy's default (linear) interpolation
    assert first.age_range == tuple(np.percentile([40, 44, 46, 52], [25, 75]))
    assert first.name == "Responsable financier (DAF)"
    assert second.name == "Dirigeant (CEO)"
    assert third.name == "Finance, profil confirmé (Comptable)"


def test_influencers_with_role_and_share(crm: Context) -> None:
    first = Personas().fit(crm).personas_[0]
    got = [
        (i["department"], i["seniority"], i["role"], i["won_deals"], i["share"])
        for i in first.influencers
    ]
    assert got == [
        ("direction", "C-level", "influencer", 3, 0.75),
        ("finance", "Mid", "champion", 1, 0.25),
    ]


def test_step_summary_with_themes_per_persona(crm: Context) -> None:
    out = personas_step(SimpleNamespace(ctx=crm), {}, {})  # type: ignore[arg-type]
    assert out is not None
    rows = out.summary
    assert isinstance(rows, list) and len(rows) == 3
    first = rows[0]
    assert {
        "name",
        "department",
        "seniority",
        "title",
        "age_range",
        "weight",
        "won_deals",
        "influencers",
        "themes",
    } <= set(first)
    assert first["weight"] == 1.0 and first["age_range"] == [43.0, 47.5]
    # A1 and A2 are led by finance Senior (decision maker, economic buyer), A3 by the founder
    objectifs = [(t["verbatim"], t["count"]) for t in first["themes"]["objectifs"]]
    assert objectifs == [("Objectif : fiabiliser le prévisionnel.", 2)]
    assert [t["count"] for t in first["themes"]["defis"]] == [2]
    second = rows[1]["themes"]["objectifs"]
    assert [(t["verbatim"], t["count"]) for t in second] == [
        ("Objectif : préparer la levée de fonds.", 2)
    ]
    json.dumps(rows)  # JSON-ready


def test_department_and_seniority_labels() -> None:
    assert canonical_department("Comptabilité") == "finance"
    assert canonical_department("Direction") == "direction"
    assert canonical_department("Administration") == "operations"
    assert canonical_department("IT") == "it"
    assert canonical_department("") is None
    assert canonical_department("Autre") is None
    assert canonical_seniority("c-level") == "C-level"
    assert canonical_seniority("JUNIOR") == "Junior"
    assert canonical_seniority("Directeur") == "Senior"
    assert canonical_seniority(None) is None
    assert group_name("finance", "C-level", "DAF") == "Directeur financier (DAF)"
    assert group_name("finance", "C-level", "Directeur financier") == "Directeur financier"
    assert group_name("hr", None, None) == "Ressources humaines, séniorité non renseignée"


def test_no_contacts_table_is_recorded_as_missing() -> None:
    ctx = _ctx(accounts=ACCOUNTS, deals=DEALS)
    assert personas_step(SimpleNamespace(ctx=ctx), {}, {}) is None  # type: ignore[arg-type]
    assert {"metric": "personas", "needs": "contacts table", "table": "contacts"} in ctx.missing


def test_no_won_deal_says_so() -> None:
    lost = [{**d, "status": "lost"} for d in DEALS]
    ctx = _ctx(accounts=ACCOUNTS, deals=lost, contacts=CONTACTS)
    assert personas_step(SimpleNamespace(ctx=ctx), {}, {}) is None  # type: ignore[arg-type]
    (record,) = ctx.missing
    assert record["table"] == "deals" and "aucune affaire gagnée" in record["reason"]


def test_no_classified_contact_says_so() -> None:
    noise = [_c("c1", "A1", "-", "decision_maker", 40), _c("c2", "A2", "Freelance", "user", 30)]
    ctx = _ctx(accounts=ACCOUNTS, deals=DEALS, contacts=noise)
    assert personas_step(SimpleNamespace(ctx=ctx), {}, {}) is None  # type: ignore[arg-type]
    (record,) = ctx.missing
    assert record["table"] == "contacts" and "fonction reconnue" in record["reason"]


def test_no_notes_leaves_the_themes_empty() -> None:
    ctx = _ctx(accounts=ACCOUNTS, deals=DEALS, contacts=CONTACTS)
    out = personas_step(SimpleNamespace(ctx=ctx), {}, {})  # type: ignore[arg-type]
    assert out is not None and all(p["themes"] == {} for p in out.summary)
    assert any(r["table"] == "notes" for r in ctx.missing)


# --- demo S: the planted persona comes first, with the planted influencer -------------------


@pytest.fixture(scope="module")
def demo_personas(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], dict[str, Any]]:
    from personae.demo import generate
    from personae.metrics import MetricsSession
    from personae.sources import load

    data: Path = generate(tmp_path_factory.mktemp("demo"), size="S", seed=0)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    ds = load(data)
    try:
        with MetricsSession(ds.con, ds.tables, Settings()) as session:
            out = personas_step(session, {}, {})
    finally:
        ds.con.disconnect()
    assert out is not None and isinstance(out.summary, list)
    return out.summary, truth


def test_demo_planted_persona_comes_first(demo_personas: tuple[list[Any], dict[str, Any]]) -> None:
    rows, truth = demo_personas
    plant = truth["persona_plants"]["buyer"]
    first = rows[0]
    assert (first["department"], first["seniority"]) == (plant["department"], plant["seniority"])
    assert first["title"] == "DAF"
    assert first["name"] == "Directeur financier (DAF)"
    # it decides or pays on most of the won deals it takes part in
    assert first["decider_deals"] / first["won_deals"] > 0.8
    # the planted age (mean 46, sd 6, truncated): the interquartile range holds the mean
    low, high = first["age_range"]
    assert low < truth["personas"]["daf"]["age"]["mean"] < high


def test_demo_planted_influencer_leads(demo_personas: tuple[list[Any], dict[str, Any]]) -> None:
    rows, truth = demo_personas
    plant = truth["persona_plants"]["influencer"]
    top = rows[0]["influencers"][0]
    assert (top["department"], top["seniority"], top["role"]) == (
        plant["department"],
        plant["seniority"],
        plant["role"],
    )


def test_demo_themes_differ_by_persona(demo_personas: tuple[list[Any], dict[str, Any]]) -> None:
    rows, truth = demo_personas
    by_key = {f"{r['department']}|{r['seniority']}": r for r in rows}
    planted = truth["persona_plants"]
    daf = by_key["finance|C-level"]["themes"]
    founder = by_key["direction|C-level"]["themes"]
    daf_texts = " ".join(planted["interviews"]["daf"] + planted["calls"]["daf"])
    founder_texts = " ".join(planted["interviews"]["dirigeant"] + planted["calls"]["dirigeant"])
    # each persona's leading goal and challenge come from its own planted interviews
    for field in ("objectifs", "defis"):
        assert daf[field][0]["verbatim"] in daf_texts, field
        assert founder[field][0]["verbatim"] in founder_texts, field
    assert daf["criteres"] and all(t["verbatim"] in daf_texts for t in daf["criteres"])
    assert any("LinkedIn" in t["verbatim"] for t in founder["sources"])
