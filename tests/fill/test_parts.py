"""Each part of fill/ on a small hand-written metrics dict: the exact French sentences.

Formats: a no-break space before % and €, a narrow no-break space between thousands.
"""

from __future__ import annotations

from typing import Any

from personae.fill import churn, expansion, firmographics, journey, lost, overview, segments
from personae.fill import top_clients as top

NB, NNB = "\u00a0", "\u202f"


def rate(k: int, n: int, lo: float = 0.0, hi: float = 1.0) -> dict[str, Any]:
    return {"value": k / n, "numerator": k, "denominator": n, "ci_low": lo, "ci_high": hi}


def share(v: float) -> dict[str, Any]:
    return {"value": v, "numerator": None, "denominator": None, "ci_low": None, "ci_high": None}


OVERVIEW = {
    "overview": {
        "clients_total": 1250,
        "clients_ever": 2000,
        "clients_active": 1000,
        "active_share": 0.8,
        "active_definition": "Client avec un MRR > 0",
        "b2b_share": rate(1000, 1250),
        "b2c_share": rate(250, 1250),
        "countries": 2,
        "country_codes": ["BE", "FR"],
        "top10_revenue_share": share(0.125),
    }
}


def test_overview_sentences() -> None:
    out = overview.overview(OVERVIEW)
    assert out["1.1"] == f"1{NNB}250 clients sur les 12 derniers mois (2{NNB}000 depuis le début)"
    assert out["1.2"] == f"1{NNB}000 clients actifs (80,0{NB}% des clients)"
    assert out["1.4"] == f"80,0{NB}% B2B / 20,0{NB}% B2C"
    assert out["1.5"] == "2 pays (BE, FR)"
    assert out["1.6"] == f"Top 10 clients = 12,5{NB}% du CA"
    assert out["1.repartition_b2b_b2c"] == (0.8, 0.2)


SEGMENTS = [
    {"name": "PME", "clients": 100, "revenue_share": share(0.6), "ltv": 12000.0, "growth": 0.1},
    {"name": "ETI", "clients": 40, "revenue_share": share(0.3), "ltv": 30000.0, "growth": 0.25},
    {
        "name": "Startups",
        "clients": 12,
        "small_sample": True,
        "revenue_share": share(0.1),
        "ltv": 90000.0,
        "growth": 2.0,
    },
]
CHURN = {
    "monthly": rate(30, 1500),
    "annual": rate(150, 600),
    "annual_compounded": share(0.2153),
    "by_segment": [
        {
            "name": "PME",
            "monthly": rate(20, 1000),
            "annual": rate(100, 400),
            "main_reason": {"name": "Prix", "share": rate(12, 20)},
        },
        {"name": "ETI", "monthly": rate(5, 400), "annual": rate(30, 150), "main_reason": None},
        {
            "name": "Startups",
            "small_sample": True,
            "monthly": rate(5, 100),
            "annual": rate(20, 50),
            "main_reason": {"name": "Faillite", "share": rate(5, 5)},
        },
    ],
}


def test_segment_sentences_leave_small_segments_out_of_superlatives() -> None:
    m = {"segments": SEGMENTS, "churn": CHURN, "segmentation": {"label": "segment (colonne)"}}
    out = segments.segments(m)
    assert out["2.1"] == "Par segment (colonne)"
    assert out["2.2"] == "3 segments : PME, ETI, Startups"
    assert out["2.3"] == f"PME : 60,0{NB}% du CA"
    assert out["2.6"] == f"ETI : +25,0{NB}% de CA sur 12 mois"  # Startups' +200 % is a small sample
    rows = out["2.segments_identifies"]
    assert rows[2]["nb_clients"] == "12 (échantillon faible)"
    assert rows[0]["churn"] == 0.02
    assert segments.churniest_segment(m) == {"2.5": f"PME : 2,0{NB}% de churn mensuel"}


def test_firmographic_sentences() -> None:
    sizes = [
        {"name": "TPE", "clients": 0, "revenue_share": share(0.0), "client_share": share(0.0)},
        {
            "name": "PME",
            "clients": 80,
            "revenue_share": share(0.7),
            "client_share": share(0.8),
            "arpu": 5000.0,
            "sales_cycle_days": 30.4,
        },
        {"name": "ETI", "clients": 20, "revenue_share": share(0.3), "client_share": share(0.2)},
    ]
    out = firmographics.sizes({"sizes": sizes})
    assert out["3.1"] == f"PME 80,0{NB}% des clients ; ETI 20,0{NB}% des clients"
    assert out["3.2"] == f"PME d'après les données : 70,0{NB}% du CA, 80,0{NB}% des clients"
    table = firmographics.size_table({"sizes": sizes})["3.repartition_par_taille"]
    assert table[1]["cycle_de_vente"] == 30
    assert table[0]["nb_clients"] == 0  # the template's fixed row
    assert [r["taille"] for r in table] == ["TPE", "PME", "ETI"]

    industries = [
        {"name": "Logiciel", "clients": 50, "revenue_share": share(0.5)},
        {"name": "Conseil", "clients": 30, "revenue_share": share(0.3)},
        {"name": "Autres", "clients": 20, "revenue_share": share(0.2)},
    ]
    out = firmographics.industries({"industries": industries})
    assert out["4.1"] == "Logiciel, Conseil et d'autres"
    assert out["4.2"] == f"Logiciel (50,0{NB}% du CA) ; Conseil (30,0{NB}% du CA)"

    regions = [
        {"name": "France", "clients": 90, "revenue_share": share(0.85), "client_share": share(0.9)},
        {
            "name": "Benelux",
            "clients": 10,
            "revenue_share": share(0.15),
            "client_share": share(0.1),
        },
        {"name": "Autres", "clients": 0, "revenue_share": share(0.0), "client_share": share(0.0)},
    ]
    out = firmographics.regions({"regions": regions})
    assert out["5.1"] == f"France 90,0{NB}% des clients ; Benelux 10,0{NB}% des clients"
    assert out["5.2"] == f"France : 85,0{NB}% du CA"


def test_journey_sentences() -> None:
    rows = [
        {"name": "Awareness", "n": 120, "days_mean": 12.4, "days_median": 10.0},
        {"name": "Decision", "n": 80, "days_mean": 21.6, "days_median": 18.2},
    ]
    out = journey.journey({"journey": rows})
    assert out["8.1"] == "Awareness → Decision (étapes du pipeline CRM regroupées par phase)"
    assert out["8.2"] == (
        "Awareness 12 j en moyenne (médiane 10 j, n = 120) ; "
        "Decision 22 j en moyenne (médiane 18 j, n = 80)"
    )
    assert out["8.parcours_detaille"] == [
        {"etape": "Awareness", "duree": 12},
        {"etape": "Decision", "duree": 22},
    ]


def _top(channels: list[str], studies: list[bool]) -> dict[str, Any]:
    rows = [
        {
            "rank": i + 1,
            "account_id": f"A{i}",
            "name": f"Client {i}",
            "industry": "Logiciel",
            "arr": 1000.0 * (10 - i),
            "tenure_months": 12,
            "acquisition_channel": c,
            "case_study": s,
        }
        for i, (c, s) in enumerate(zip(channels, studies, strict=True))
    ]
    return {"top_clients": rows, "overview": {"top10_revenue_share": share(0.4)}}


def test_top_clients_ties_are_said_as_ties() -> None:
    channels = ["Outbound"] * 4 + ["Partenaire"] * 4 + ["SEO"] * 2
    out = top.top_clients(_top(channels, [False] * 9 + [True]))
    assert out["9.3"] == "Surtout par Outbound et Partenaire (4 sur 10 chacun)"
    assert out["9.canal_acquisition_dominant"] == "Outbound / Partenaire (4/10 chacun)"
    assert (
        out["9.1"]
        == f"Client 0, Client 1, Client 2… (10 clients, 40,0{NB}% du CA) — voir le tableau"
    )
    assert out["9.6"] == "1 sur 10 est déjà une référence client"


def test_top_clients_one_leader() -> None:
    out = top.top_clients(_top(["SEO"] * 6 + ["Outbound"] * 4, [False] * 10))
    assert out["9.3"] == "Surtout par SEO (6 sur 10)"
    assert out["9.6"] == "Aucun des 10 n'est encore une référence client"  # a true zero


def test_thin_data_answers_nothing_false() -> None:
    empty = {
        "overview": {
            **OVERVIEW["overview"],
            "clients_total": 3,
            "b2b_share": share(0.0) | {"value": None},
            "b2c_share": share(0.0) | {"value": None},
            "countries": 0,
            "country_codes": [],
            "top10_revenue_share": share(0.0) | {"value": None},
        }
    }
    out = overview.overview(empty)
    assert set(out) >= {"1.1", "1.clients_total"}
    assert not {"1.4", "1.5", "1.6", "1.pays", "1.repartition_b2b_b2c"} & set(out)
    assert overview.overview({"overview": {**OVERVIEW["overview"], "clients_total": 0}}) == {}
    unknown = [{"name": "Non renseigné", "clients": 3, "revenue_share": share(1.0)}]
    assert segments.segments({"segments": unknown, "churn": CHURN}) == {}
    only_unknown = [
        {
            "name": "Non renseigné",
            "clients": 3,
            "revenue_share": share(1.0),
            "client_share": share(1.0),
        }
    ]
    sizes = firmographics.sizes({"sizes": only_unknown})
    assert "3.2" not in sizes and "3.coeur_de_cible" not in sizes
    assert firmographics.regions({"regions": only_unknown}) == {}
    assert "4.1" not in firmographics.industries({"industries": unknown})


def test_the_sales_cycle_by_size_needs_deals_not_revenue() -> None:
    """A CRM-only folder (no revenue): the cycle by size where known, the overall median last;
    no client count nor revenue share (they need revenue)."""
    no_revenue = [{"metric": "sizes", "table": "revenue", "column": None}]
    sizes = [
        {"name": "TPE", "clients": 0, "revenue_share": share(0.0), "sales_cycle_days": None},
        {"name": "PME", "clients": 0, "revenue_share": share(0.0), "sales_cycle_days": 41.6},
        {"name": "Non renseigné", "clients": 0, "sales_cycle_days": 20.0},
    ]
    m = {"sizes": sizes, "deals": {"sales_cycle_days": 35.0}, "missing": no_revenue}
    assert firmographics.size_table(m) == {
        "3.repartition_par_taille": [
            {"taille": "TPE", "cycle_de_vente": "n/d"},
            {"taille": "PME", "cycle_de_vente": 42},
            {"taille": "Non renseigné", "cycle_de_vente": 20},
            {"taille": "Toutes tailles", "cycle_de_vente": 35},
        ]
    }
    no_cycle = [{**r, "sales_cycle_days": None} for r in sizes]
    assert firmographics.size_table({**m, "sizes": no_cycle, "deals": None}) == {}


def test_growth_without_the_whole_previous_year_says_so() -> None:
    rows = [{**SEGMENTS[0], "growth": None, "growth_reason": "history"}]
    out = segments.segments({"segments": rows, "churn": CHURN, "segmentation": {}})
    assert out["2.segments_identifies"][0]["croissance"] == "n/d (historique incomplet)"
    assert "2.6" not in out


def test_churn_sentences() -> None:
    out = churn.churn({"churn": CHURN})
    assert out["10.1"] == (
        f"2,0{NB}% par mois (30 départs / 1{NNB}500 comptes-mois), 25,0{NB}% par an "
        f"(21,5{NB}% en composé)"
    )
    assert out["10.2"] == (
        f"PME : 2,0{NB}% par mois (20 départs / 1{NNB}000 comptes-mois) ; "
        "raison principale des départs : Prix (12 départs sur 20, échantillon faible)"
    )
    # the lowest churn: its rate only; its leavers' reason is not why the others stay
    assert out["10.3"] == f"ETI : 1,2{NB}% par mois (5 départs / 400 comptes-mois)"
    assert out["10.churn_par_segment"][-1]["segment"] == "Global"
    assert churn.churn_reasons({"churn": CHURN}) == {
        "10.4": "PME : Prix (12 départs sur 20, échantillon faible) ; "
        "Startups : Faillite (5 départs sur 5, échantillon faible)"
    }


def test_expansion_sentences() -> None:
    e = {
        "nrr": 1.05,
        "grr": 0.9,
        "upsell_avg": 2400.0,
        "base_accounts": 300,
        "by_segment": [
            {"name": "PME", "nrr": 1.1, "upsell_avg": 1200.0, "upsell_accounts": 40},
            {"name": "ETI", "nrr": 1.0, "upsell_avg": 6000.0, "upsell_accounts": 10},
        ],
    }
    out = expansion.expansion({"expansion": e})
    assert out["11.1"] == f"NRR 105,0{NB}% (GRR 90,0{NB}%) sur 300 comptes payants il y a 12 mois"
    assert out["11.2"] == f"ETI : 10 comptes en hausse, upsell moyen 6{NNB}000{NB}€/an"


def test_lost_deal_sentences() -> None:
    m = {
        "lost_reasons": [
            {"name": "Prix", "share": rate(30, 60), "main_segment": "PME"},
            {"name": "Timing", "share": rate(30, 60), "main_segment": "ETI"},
        ],
        "win_rate": rate(40, 100),
        "win_rate_by_segment": [
            {
                "name": "PME",
                "won": 10,
                "lost": 40,
                "win_rate": rate(10, 50),
                "lost_systematically": True,
            },
            {
                "name": "ETI",
                "won": 30,
                "lost": 20,
                "win_rate": rate(30, 50),
                "lost_systematically": False,
            },
        ],
        "win_rate_by_size": [],
        "competitors": [
            {"name": "Acme", "share": rate(20, 60)},
            {"name": "Non renseigné", "share": rate(40, 60)},
        ],
    }
    out = lost.lost_reasons(m)
    assert out["12.1"] == (
        f"Prix (50,0{NB}%) ; Timing (50,0{NB}%) — taux de gain 40,0{NB}% "
        "(40 gagnées sur 100 affaires closes)"
    )
    assert lost.lost_profiles(m) == {
        "12.2": f"PME (segment) : taux de gain 20,0{NB}% contre 40,0{NB}% en moyenne (40 perdues sur 50)"
    }
    assert lost.competitors(m) == {
        "12.3": f"Acme 33,3{NB}% ; Aucun concurrent nommé (statu quo ?) 66,7{NB}%"
    }


def test_parts_say_nothing_without_their_numbers() -> None:
    for fn in (
        segments.segments,
        segments.churniest_segment,
        firmographics.sizes,
        firmographics.size_table,
        firmographics.industries,
        firmographics.regions,
        journey.journey,
        top.top_clients,
        churn.churn,
        churn.churn_reasons,
        expansion.expansion,
        lost.lost_reasons,
        lost.lost_profiles,
        lost.competitors,
    ):
        assert fn({}) == {}, fn.__name__
