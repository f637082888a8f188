"""The French answers of 9.2, 10.5, the churn signal lines, 11.3 and 11.4, from ``models``."""

from __future__ import annotations

from typing import Any

from personae.fill.signals import churn_signals, commonalities, expansion_triggers

HOLDOUT = {
    "auc": 0.8123,
    "top_decile_lift": 3.94,
    "brier": 0.02041,
    "brier_base": 0.02093,
    "n": 11977,
    "events": 256,
}


def _signal(phrase: str, lift: float, kind: str = "behaviour") -> dict[str, Any]:
    return {
        "feature": "f",
        "group": "g",
        "phrase": phrase,
        "kind": kind,
        "label": f"{phrase} : churn × {lift}",
        "lift": lift,
    }


def test_churn_answer_lists_the_signals_and_the_holdout() -> None:
    signals = [_signal(f"signal {i}", 5.0 - i) for i in range(4)]
    m = {
        "models": {
            "churn_signals": {
                "base_rate": 0.0234,
                "holdout": HOLDOUT,
                "signals": signals,
                "n": 41693,
                "accounts": 1948,
                "dropped": [],
            }
        }
    }
    out = churn_signals(m)
    assert out["10.signaux_de_churn_identifies"] == [
        "Signal 0 : churn × 5.0",
        "Signal 1 : churn × 4.0",
        "Signal 2 : churn × 3.0",
    ]
    text = out["10.5"]
    assert text.startswith("Oui, sur 41\u202f693 mois-comptes de 1\u202f948 comptes (2,3\u00a0%")
    assert "signal 2 : churn × 3.0" in text and "signal 3" not in text
    assert "AUC 0,81 sur 11\u202f977 mois-comptes (256 churns)" in text
    assert "3,9 fois plus" in text and "0,0204 contre 0,0209" in text


def test_churn_answer_without_signal_says_why() -> None:
    m = {
        "models": {
            "churn_signals": {
                "base_rate": 0.0,
                "holdout": None,
                "signals": [],
                "n": 690,
                "reason": "aucun churn observé (0 sur 690 mois-comptes, minimum 20)",
                "dropped": ["notes de support : pas de table notes"],
            }
        }
    }
    out = churn_signals(m)
    assert out == {
        "10.5": "Pas de signal de churn mesurable : aucun churn observé (0 sur 690 "
        "mois-comptes, minimum 20) ; non mesuré : notes de support : pas de table notes"
    }


def test_expansion_answers() -> None:
    m = {
        "models": {
            "expansion": {
                "base_rate": 0.011,
                "holdout": None,
                "holdout_reason": "trop peu de cas",
                "triggers": [_signal("usage plus que doublé", 15.6)],
                "opportunities": [
                    {"segment": "PME", "accounts": 11, "arr": 49716.0},
                    {"segment": "ETI", "accounts": 1, "arr": 9000.0},
                ],
                "opportunity_triggers": ["usage plus que doublé"],
                "n": 41693,
            }
        }
    }
    out = expansion_triggers(m)
    assert out["11.3"] == (
        "12 comptes payants ont aujourd'hui un déclencheur allumé (usage plus que doublé) — "
        "PME : 11 comptes (49\u202f716\u00a0€ d'ARR) ; ETI : 1 compte (9\u202f000\u00a0€ d'ARR)"
    )
    assert out["11.4"].startswith("Oui, sur 41\u202f693 mois-comptes (1,1\u00a0%")
    assert out["11.4"].endswith("pas d'évaluation du modèle : trop peu de cas")


def test_commonalities_answers() -> None:
    item = {
        "group": "top10",
        "attribute": "size_band",
        "label": "taille",
        "value": "ETI",
        "lift": 4.36,
        "top": 5,
        "n_top": 10,
        "all": 155,
        "n_all": 1352,
        "share_top": 0.5,
        "share_all": 155 / 1352,
    }
    out = commonalities({"models": {"commonalities": [item]}})
    assert out["9.points_communs"] == "taille ETI (5 sur 10)"
    assert out["9.2"] == (
        "Top 10 — petit échantillon : taille ETI (5 sur 10, contre 11\u00a0% de l'ensemble "
        "des 1\u202f352 clients : × 4,4)"
    )
    assert commonalities({"models": {"commonalities": []}})["9.2"].startswith("Rien de net")
    assert commonalities({"models": {}}) == {}


def test_the_holdout_sentence_never_praises_a_model_near_chance() -> None:
    from personae.fill.signals import _holdout

    h = {
        "auc": 0.58,
        "n": 1200,
        "events": 30,
        "top_decile_lift": 1.3,
        "brier": 0.02,
        "brier_base": 0.021,
    }
    text = _holdout(h, "churns", "les plus exposés", None)
    assert "classe à peine mieux que le hasard" in text and "classe bien" not in text
    assert "classe bien" in _holdout({**h, "auc": 0.83}, "churns", "les plus exposés", None)
    assert "les 10 % jugés les plus prometteurs" in _holdout(
        h, "hausses", "les plus prometteurs", None
    )


def test_a_sampled_panel_says_so_before_its_counts() -> None:
    churn = {
        "base_rate": 0.0234,
        "holdout": HOLDOUT,
        "signals": [_signal("signal", 3.0)],
        "n": 505011,
        "accounts": 8429,
        "dropped": [],
        "panel_sample": 0.0222,
    }
    text = churn_signals({"models": {"churn_signals": churn}})["10.5"]
    assert text.startswith(
        "Oui, sur un échantillon de 2,2\u00a0% des comptes, soit 505\u202f011 mois-comptes "
        "de 8\u202f429 comptes"
    )
    expansion = {**churn, "triggers": [_signal("trigger", 2.0)], "signals": None}
    text = expansion_triggers({"models": {"expansion": expansion}})["11.4"]
    assert text.startswith("Oui, sur un échantillon de 2,2\u00a0% des comptes, soit 505\u202f011")
