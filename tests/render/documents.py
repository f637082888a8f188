"""A small hand-made ``dossier.json`` document with every part the page can draw, models
included (DESIGN §6's key names), for the HTML tests that must not wait for the models."""

from __future__ import annotations

import copy
from typing import Any


def _rate(num: int, den: int, low: float, high: float) -> dict[str, Any]:
    return {
        "value": num / den,
        "numerator": num,
        "denominator": den,
        "ci_low": low,
        "ci_high": high,
    }


def _group(
    name: str, clients: int, share: float, revenue: float, arpu: float, small: bool
) -> dict[str, Any]:
    return {
        "name": name,
        "clients": clients,
        "client_share": _rate(clients, 120, 0.1, 0.9),
        "revenue": revenue,
        "revenue_share": {"value": share, "numerator": revenue, "denominator": 1_000_000.0},
        "arpu": arpu,
        "growth": 0.25,
        "small_sample": small,
    }


DOCUMENT: dict[str, Any] = {
    "schema_version": 1,
    "title": "Segments Clients & Personas - Testco",
    "as_of": "2025-12-31",
    "generated": "2026-01-15",
    "status": "🟡 En cours",
    "progress": {"answered": 3, "total": 5},
    "sections": [
        {"id": "1", "title": "Vue d'ensemble de la clientèle"},
        {"id": "2", "title": "Segmentation principale"},
        {"id": "6", "title": "ICP (Ideal Customer Profile)"},
        {"id": "7", "title": "Personas utilisateurs"},
        {"id": "10", "title": "Analyse du churn par segment"},
    ],
    "questions": [
        {"id": "1.1", "section": "1", "text": "Combien de clients avez-vous au total ?", "answered": True,
         "answer": "1 234 clients", "source": "data", "detail": {"metrics": ["overview"]}},
        {"id": "2.1", "section": "2", "text": "Comment segmentez-vous vos clients ?", "answered": True,
         "answer": "Par taille <b>et</b> par région.", "source": "manual"},
        {"id": "2.2", "section": "2", "text": "Combien de segments ?", "answered": True,
         "answer": "2 segments : PME, Startups", "source": "data", "detail": {"metrics": ["segments", "churn"]}},
        {"id": "6.3", "section": "6", "text": "Quel % de vos clients correspond à l'ICP ?", "answered": False,
         "answer": None, "source": None, "missing": "réponse manuelle (le score ICP n'est pas encore calculé)"},
        {"id": "10.5", "section": "10", "text": "Quels signaux prédisent le churn ?", "answered": False,
         "answer": None, "source": None, "missing": "réponse manuelle (answers.yaml)"},
    ],
    "slots": [
        {"id": "1.clients_total", "label": "Clients total", "kind": "integer", "value": 1234, "text": "1 234", "source": "data"},
        {"id": "2.raison", "label": "Raison", "kind": "text", "value": "Parce que.", "text": "Parce que.", "source": "manual"},
    ],
    "tables": {},
    "metrics": {
        "as_of": "2025-12-31",
        "overview": {
            "clients_total": 1234,
            "clients_ever": 2000,
            "clients_active": 1000,
            "active_share": _rate(1000, 1234, 0.79, 0.83),
            "active_definition": "Client avec un événement d'usage dans les 90 derniers jours",
            "top10_revenue_share": {"value": 0.125, "numerator": 125000.0, "denominator": 1000000.0},
            "revenue_ttm": 1000000.0,
            "mrr": 84500.0,
            "arr": 1014000.0,
        },
        "segments": [
            _group("PME", 100, 0.8, 800000.0, 8000.0, False),
            _group("Startups", 20, 0.2, 200000.0, 10000.0, True),
        ],
        "churn": {
            "monthly": _rate(30, 1200, 0.0176, 0.0356),
            "by_segment": [
                {"name": "PME", "monthly": _rate(20, 1000, 0.013, 0.031), "annual": 0.2, "small_sample": False,
                 "main_reason": {"name": "Prix", "share": 0.5}},
                {"name": "Startups", "monthly": _rate(10, 200, 0.027, 0.09), "annual": 0.4, "small_sample": True},
            ],
        },
        "expansion": {
            "nrr": 1.05, "grr": 0.9, "base_accounts": 100,
            "by_segment": [{"name": "PME", "nrr": 1.08, "grr": 0.92, "base_accounts": 80, "small_sample": False}],
        },
        "mrr_movements": [
            {"month": "2025-10", "mrr": 80000.0, "new": 80000.0, "expansion": 0.0, "contraction": 0.0, "churn": 0.0, "reactivation": 0.0},
            {"month": "2025-11", "mrr": 82000.0, "new": 3000.0, "expansion": 500.0, "contraction": 500.0, "churn": 1000.0, "reactivation": 0.0},
            {"month": "2025-12", "mrr": 84500.0, "new": 2000.0, "expansion": 1000.0, "contraction": 0.0, "churn": 700.0, "reactivation": 200.0},
        ],
    },
    "models": {
        "ltv": {
            "method": "sBG",
            "discount_rate": 0.1,
            "by_segment": [
                {"name": "PME", "method": "sBG", "alpha": 1.0, "beta": 2.0, "accounts": 100, "churned": 40,
                 "retention_12m": 2 / 14, "retention_24m": 2 / 26, "derl_months": 20.0, "ltv": 50000.0},
                {"name": "Startups", "method": "sBG", "alpha": 0.7, "beta": 3.5, "accounts": 20, "churned": 8,
                 "retention_12m": 0.3, "retention_24m": None, "ltv": 12000.0},
            ],
        },
        "churn_signals": {
            "base_rate": 0.12,
            "holdout": {"auc": 0.71, "top_decile_lift": 2.4, "brier": 0.1, "brier_base": 0.11, "n": 400},
            "signals": [
                {"feature": "usage_drop", "label": "Usage en baisse de 50 % sur 3 mois", "lift": 2.6, "ci_low": 1.9, "ci_high": 3.4, "n": 180},
                {"feature": "no_login", "label": "Aucune connexion depuis 30 jours", "lift": 1.8, "ci_low": 1.1, "ci_high": 2.9, "n": 25},
            ],
        },
        "icp": {
            "best_definition": "PME, France, Logiciels",
            "share_of_clients": {"value": 0.31, "numerator": 37, "denominator": 120},
            "profile": [
                {"attribute": "Taille", "value": "PME", "lift": 1.7, "n": 100},
                {"attribute": "Région", "value": "France", "lift": 1.3, "n": 90},
            ],
        },
        "personas": [
            {"name": "Claire, DAF de PME", "department": "Finance", "seniority": "Direction", "title": "DAF",
             "age_range": [35, 50], "weight": 0.42, "won_deals": 57, "influencers": ["CEO", "Expert-comptable"],
             "themes": ["trésorerie", "reporting"]},
        ],
    },
}  # fmt: skip


def document() -> dict[str, Any]:
    """A fresh copy of :data:`DOCUMENT` (tests may change it)."""
    return copy.deepcopy(DOCUMENT)
