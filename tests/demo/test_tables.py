"""Every canonical table, with the schema's columns, consistent keys and domains."""

from __future__ import annotations

import pandas as pd

from personae.demo.tables import DEMO_TABLES
from personae.sources.schema import ROLES, TABLES

from .conftest import Demo


def test_every_table_has_the_schema_columns(demo: Demo) -> None:
    for name in DEMO_TABLES:
        assert (demo.folder / f"{name}.csv").exists()
        assert list(demo.tables[name].columns) == [c.name for c in TABLES[name].columns]
        assert len(demo.tables[name]) > 0, name


def test_keys_are_unique(demo: Demo) -> None:
    t = demo.tables
    assert t["accounts"]["account_id"].is_unique
    assert t["contacts"]["contact_id"].is_unique
    assert t["deals"]["deal_id"].is_unique


def test_no_row_repeats_where_validation_calls_it_a_duplicate(demo: Demo) -> None:
    """The demo must validate without a 'remove the repeated rows' warning."""
    from personae.sources.plausibility import DUPLICATE_TABLES

    for name in DUPLICATE_TABLES:
        table = demo.tables[name]
        assert not table.duplicated().any(), f"{name} has rows repeated in every column"


def test_references_resolve(demo: Demo) -> None:
    t = demo.tables
    accounts = set(t["accounts"]["account_id"])
    contacts = set(t["contacts"]["contact_id"])
    deals = set(t["deals"]["deal_id"])
    for name in ("revenue", "activity", "contacts", "deals", "touchpoints", "notes"):
        assert set(t[name]["account_id"]) <= accounts, name
    assert set(t["deal_stages"]["deal_id"]) <= deals
    assert set(t["touchpoints"]["deal_id"].dropna()) <= deals
    assert set(t["touchpoints"]["contact_id"]) <= contacts
    assert set(t["activity"]["contact_id"]) <= contacts
    # a contact of an event belongs to the event's account
    owner = t["contacts"].set_index("contact_id")["account_id"]
    events = t["activity"].sample(5000, random_state=0)
    assert (owner.loc[events["contact_id"]].to_numpy() == events["account_id"].to_numpy()).all()


def test_history_and_as_of(demo: Demo) -> None:
    revenue = demo.tables["revenue"]
    assert revenue["date"].max() <= pd.Timestamp("2025-12-31")
    assert revenue["date"].max() >= pd.Timestamp("2025-12-01")
    assert revenue["date"].min() <= pd.Timestamp("2021-06-30")  # more than four years
    for name, column in (
        ("activity", "timestamp"),
        ("touchpoints", "timestamp"),
        ("notes", "date"),
        ("deals", "closed_at"),
    ):
        assert demo.tables[name][column].max() < pd.Timestamp("2026-01-01"), name


def test_domains(demo: Demo) -> None:
    t = demo.tables
    a = t["accounts"]
    assert set(a["kind"]) == {"B2B", "B2C"}
    assert set(a["digital_maturity"]) == {"low", "medium", "high"}
    assert set(a["segment"]) == {"Startups", "PME", "ETI", "Particuliers"}
    assert set(a["acquisition_channel"]) == {
        "Outbound",
        "Inbound",
        "Partenaire",
        "SEO",
        "Événement",
    }
    assert set(t["contacts"]["role"]) == set(ROLES)
    assert set(t["deals"]["status"]) == {"won", "lost", "open"}
    assert set(t["deal_stages"]["stage"]) == {
        "lead",
        "mql",
        "sql",
        "demo",
        "proposal",
        "negotiation",
        "closed_won",
        "closed_lost",
    }
    assert set(t["notes"]["kind"]) == {"interview", "call", "nps", "lost", "support"}
    assert set(t["touchpoints"]["channel"]) == {
        "e-mail",
        "webinaire",
        "démo",
        "LinkedIn",
        "salon",
        "appel",
    }
    assert {"login", "export", "invoice_created", "forecast_run"} <= set(t["activity"]["event"])
    assert a["tech_stack"].str.contains(";").any()
    assert a["case_study"].any() and not a["case_study"].all()


def test_firmographics(demo: Demo) -> None:
    a = demo.tables["accounts"]
    b2b = a[a["kind"] == "B2B"]
    assert a.loc[a["kind"] == "B2C", "employees"].isna().all()
    bands = pd.cut(
        b2b["employees"].dropna(),
        [0, 10, 250, 5000, float("inf")],
        labels=["TPE", "PME", "ETI", "Grand compte"],
    )
    counts = bands.value_counts()
    assert (counts > 0).all()
    assert counts.idxmax() == "PME"
    countries = a["country"].value_counts(normalize=True, dropna=False)
    assert countries.index[0] == "FR" and countries.iloc[0] > 0.6
    assert a["country"].isna().any()
    assert {"BE", "DE", "CH", "GB", "NL", "ES", "IT", "US", "CA"} <= set(a["country"].dropna())
    # NAF codes agree with the industry
    naf = b2b.dropna(subset=["industry"]).groupby("industry")["naf_code"].agg(set)
    assert naf["Logiciels & SaaS"] <= {"62.01Z", "62.02A", "58.29C"}
    assert b2b["name"].str.contains(r" (?:SAS|SARL|SA)$").any()


def test_contacts_titles(demo: Demo) -> None:
    titles = set(demo.tables["contacts"]["job_title"])
    assert {
        "DAF",
        "Directeur financier",
        "CFO",
        "Head of Finance",
        "Comptable",
        "Contrôleur de gestion",
        "CEO",
        "Fondateur",
        "Office manager",
        "Trésorier",
    } <= titles
