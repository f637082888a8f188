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


def _left(k: int, n: int, given: tuple[str, int] | None = None) -> dict[str, Any]:
    """A segment whose most frequent churn reason is none at all: k of n said nothing."""
    mr: dict[str, Any] = {"name": "Non renseigné", "share": rate(k, n)}
    if given:
        mr["given"] = {"name": given[0], "share": rate(given[1], n)}
    return {"name": "PME", "monthly": rate(n, 5000), "annual": rate(n, 400), "main_reason": mr}


def test_churn_reason_when_leavers_gave_none() -> None:
    """Most leavers silent: a dash that says so, not the reason of a few; the silent ones
    only the largest group: the reason given most, with the silent ones counted."""
    most = {"churn": {**CHURN, "by_segment": [_left(50, 88, ("Prix", 12))]}}
    out = churn.churn(most)
    assert (
        out["10.churn_par_segment"][0]["raison_principale"]
        == "— (50 des 88 départs sans motif donné)"
    )
    assert out["10.2"].endswith("; motif des départs : 50 des 88 départs sans motif donné")
    assert churn.churn_reasons(most) == {}  # no reason to list
    some = {"churn": {**CHURN, "by_segment": [_left(18, 88, ("Prix", 17))]}}
    assert churn.churn(some)["10.churn_par_segment"][0]["raison_principale"] == (
        f"Prix (19,3{NB}% ; 18 des 88 départs sans motif donné)"
    )
    one = {"churn": {**CHURN, "by_segment": [_left(1, 1)]}}
    assert churn.churn(one)["10.churn_par_segment"][0]["raison_principale"] == (
        "— (1 départ, sans motif donné)"
    )


def _lost(name: str, **by: int) -> dict[str, Any]:
    k = sum(by.values())
    return {
        "name": name,
        "count": k,
        "share": rate(k, 400),
        "main_segment": max(by, key=lambda s: by[s]),
        "segments": [{"name": s, "count": n} for s, n in by.items()],
    }


def test_lost_reason_segment_is_chosen_by_lift() -> None:
    """PME loses most deals for every reason (it is the largest); ETI gives "Feature" in 30
    of its 50 losses against 80 of 400 overall (× 3): ETI stands out for it, no one else."""
    rows = [
        _lost("Prix", PME=150, ETI=10, Startups=40),
        _lost("Feature", PME=40, ETI=30, Startups=10),
        _lost("Timing", PME=90, ETI=10, Startups=20),
    ]
    out = lost.lost_reasons({"lost_reasons": rows})
    cells = {
        r["raison_de_perte"]: r["segment_concerne"] for r in out["12.analyse_prospects_perdus"]
    }
    assert cells == {
        "Prix": "Tous segments",
        "Feature": f"ETI : 60,0{NB}% de ses affaires perdues (30 sur 50) contre 20,0{NB}% en moyenne",
        "Timing": "Tous segments",
    }
    # the same lift from 6 deals is not enough to stand out
    few = [_lost("Prix", PME=150, ETI=4, Startups=40), _lost("Feature", PME=40, ETI=6)]
    cells = {
        r["raison_de_perte"]: r["segment_concerne"]
        for r in lost.lost_reasons({"lost_reasons": few})["12.analyse_prospects_perdus"]
    }
    assert cells["Feature"] == "Tous segments"
    # 12.2 names the segment that loses one reason far more than the others
    m = {
        "lost_reasons": rows,
        "win_rate": rate(100, 500),
        "win_rate_by_segment": [
            {
                "name": "ETI",
                "won": 20,
                "lost": 80,
                "win_rate": rate(20, 100),
                "lost_systematically": False,
            },
        ],
    }
    assert lost.lost_profiles(m)["12.2"].endswith(
        f" ; le segment ETI perd surtout sur « Feature » (60,0{NB}% de ses affaires perdues, "
        f"30 sur 50, contre 20,0{NB}% en moyenne)"
    )


EXPANSION_MODEL = {
    "triggers": [
        {"feature": "usage_trend_6m", "group": "up100", "kind": "behaviour", "lift": 14.5},
        {"feature": "segment", "group": "Startups", "kind": "profile", "lift": 1.6},
    ],
    "opportunities": [
        {"segment": "PME", "accounts": 17, "arr": 125268.0},
        {"segment": "Startups", "accounts": 1, "arr": 2400.0},
    ],
    "opportunity_triggers": ["usage plus que doublé"],
}


def test_upsell_triggers_column_from_the_expansion_model() -> None:
    e = {
        "nrr": 1.05,
        "grr": 0.9,
        "upsell_avg": 2400.0,
        "base_accounts": 300,
        "by_segment": [
            {"name": "PME", "nrr": 1.1, "upsell_avg": 1200.0, "upsell_accounts": 40},
            {"name": "Startups", "nrr": 1.0, "upsell_avg": 600.0, "upsell_accounts": 10},
            {"name": "ETI", "nrr": 1.0, "upsell_avg": 6000.0, "upsell_accounts": 10},
        ],
    }
    out = expansion.expansion({"expansion": e, "models": {"expansion": EXPANSION_MODEL}})
    cells = {r["segment"]: r["triggers_upsell"] for r in out["11.expansion_par_segment"]}
    assert cells == {
        "PME": f"17 comptes au déclencheur allumé (125{NNB}268{NB}€ d'ARR)",
        "Startups": f"expansion × 1,6 dans ce segment ; 1 compte au déclencheur allumé "
        f"(2{NNB}400{NB}€ d'ARR)",
        "ETI": "aucun compte au déclencheur allumé",
        "Global": f"Usage plus que doublé : 18 comptes (127{NNB}668{NB}€ d'ARR)",
    }
    # without the model, the column is left to a person
    rows = expansion.expansion({"expansion": e})["11.expansion_par_segment"]
    assert all(r["triggers_upsell"] is None for r in rows)


def test_an_awaited_model_is_named_without_an_agreement_to_break(monkeypatch: Any) -> None:
    """« l'analyse … n'est pas encore calculé » broke the agreement with a feminine model:
    the reason now names the model after a colon."""
    import personae.fill as fill

    monkeypatch.setitem(fill._AWAITED, "6.1", "l'analyse des meilleurs clients")
    assert fill.why_missing("6.1", {}) == (
        "réponse manuelle (calcul à venir : l'analyse des meilleurs clients)"
    )


def test_a_persona_without_a_theme_others_have_says_so() -> None:
    """Persona 2's notes were read but never name a source: its block says so rather than
    keeping « [À compléter] » beside persona 1's sources; a theme no persona has (criteria)
    stays open, so that its question is not ticked with nothing to say."""
    from personae.fill.personas import persona_themes

    said = {"verbatim": "Recommandé par la DFCG.", "count": 4, "terms": []}
    goal = {"verbatim": "Objectif : clôturer plus vite.", "count": 2, "terms": []}
    m = {
        "models": {
            "personas": [
                {"name": "DAF", "themes": {"sources": [said], "objectifs": [goal]}},
                {"name": "CEO", "themes": {"sources": [], "objectifs": [goal]}},
                {"name": "FP&A", "themes": {}},
            ]
        }
    }
    out = persona_themes(m)
    assert out["7.persona1.sources_d_info"] == "« Recommandé par la DFCG. » (4 notes)"
    assert out["7.persona2.sources_d_info"] == (
        "Aucune source citée de façon récurrente dans les notes de ses comptes"
    )
    assert not any("criteres" in k for k in out)
    assert not any(k.startswith("7.persona3.") for k in out)  # notes not read for it
