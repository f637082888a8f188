"""The journey's people and content: touchpoints placed in phases by the deal's stage at the
time, or in Onboarding within 90 days after the account's first won deal (hand-made CRM).

D1 (A1) enters lead on 10 Jan, demo on 20 Jan, proposal on 1 Feb and closed_won on 1 Mar
2025. Touchpoints: 5 Jan (before any stage: no phase), 12 Jan email (Awareness), 22 Jan demo
(Consideration), 5 Feb call and 10 Feb email (Decision), 15 Mar webinar without a deal
(Onboarding), 1 Sep email without a deal (more than 90 days after: no phase).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from personae.models.journey_people import journey_people, journey_people_step
from tests.models.test_personas import ACCOUNTS, CONTACTS, DEALS, _ctx

STAGES = [
    {"deal_id": "D1", "stage": "lead", "entered_at": "2025-01-10 09:00:00"},
    {"deal_id": "D1", "stage": "demo", "entered_at": "2025-01-20 09:00:00"},
    {"deal_id": "D1", "stage": "proposal", "entered_at": "2025-02-01 09:00:00"},
    {"deal_id": "D1", "stage": "closed_won", "entered_at": "2025-03-01 00:00:00"},
]


def _tp(day: str, channel: str, contact: str, deal: str | None, content: str) -> dict[str, Any]:
    return {
        "account_id": "A1",
        "timestamp": f"{day} 10:00:00",
        "channel": channel,
        "contact_id": contact,
        "deal_id": deal,
        "content": content,
    }


TOUCHPOINTS = [
    _tp("2025-01-05", "email", "c1", "D1", "Avant tout"),
    _tp("2025-01-12", "email", "c1", "D1", "Livre blanc"),
    _tp("2025-01-22", "demo", "c2", "D1", "Démo"),
    _tp("2025-02-05", "appel", "c1", "D1", "Appel de cadrage"),
    _tp("2025-02-10", "email", "c1", "D1", "Proposition commerciale"),
    _tp("2025-03-15", "webinar", "c3", None, "Webinar clients"),
    _tp("2025-09-01", "email", "c3", None, "Newsletter"),
]
PERSONAS = [{"name": "Responsable financier (DAF)", "department": "finance", "seniority": "Senior"}]


def test_phases_channels_contents_and_people() -> None:
    ctx = _ctx(
        accounts=ACCOUNTS,
        deals=DEALS,
        contacts=CONTACTS,
        deal_stages=STAGES,
        touchpoints=TOUCHPOINTS,
    )
    phases = {p["name"]: p for p in journey_people(ctx, PERSONAS)}
    assert list(phases) == ["Awareness", "Consideration", "Decision", "Onboarding"]
    assert {k: p["touchpoints"] for k, p in phases.items()} == {
        "Awareness": 1,
        "Consideration": 1,
        "Decision": 2,
        "Onboarding": 1,
    }
    decision = phases["Decision"]
    assert [(c["name"], c["share"]) for c in decision["channels"]] == [
        ("appel", 0.5),
        ("email", 0.5),
    ]
    assert [c["name"] for c in decision["contents"]] == [
        "Appel de cadrage",
        "Proposition commerciale",
    ]
    (who,) = decision["people"]
    assert (who["name"], who["persona"], who["touchpoints"], who["share"]) == (
        "Responsable financier (DAF)",
        1,
        2,
        1.0,
    )
    (founder,) = phases["Consideration"]["people"]
    assert founder["persona"] is None and founder["name"] == "Dirigeant"
    assert phases["Onboarding"]["channels"][0]["name"] == "webinar"
    assert phases["Decision"]["small_sample"]


def test_without_touchpoints_the_step_says_which_table() -> None:
    ctx = _ctx(accounts=ACCOUNTS, deals=DEALS, contacts=CONTACTS)
    step = journey_people_step(SimpleNamespace(ctx=ctx), {}, {})  # type: ignore[arg-type]
    assert step is None
    assert any(r["table"] == "touchpoints" for r in ctx.missing)
