"""Quickfund, the demo company: every parameter the generator draws from.

Quickfund sells fund-raising and cash-management software to the finance teams of
small and mid-sized companies, and a "Solo" plan to individual investors and
freelancers. The numbers below are the **planted truths**: the generator follows them
exactly (e.g. each subscription's churn probability is drawn from its segment's Beta) and writes them
to ``truth.json`` so that tests can check that the analysis recovers them.

Conventions:

- months are indexed from :data:`FIRST_MONTH` (0 = January 2020) to :data:`LAST_MONTH`;
- prices are monthly equivalents in euros, net of tax; an invoice for ``n`` months costs
  ``price × n`` (every price is a whole number of euros, so that MRR sums are exact);
- every mix is a mapping label -> probability summing to 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

FIRST_MONTH = np.datetime64("2019-01", "M")
LAST_MONTH = np.datetime64("2025-12", "M")
AS_OF = date(2025, 12, 31)
N_MONTHS = int((LAST_MONTH - FIRST_MONTH).astype(int)) + 1

CUSTOMER_GROWTH = 0.015
"""New customers per month grow as exp(CUSTOMER_GROWTH × month)."""


@dataclass(frozen=True)
class Segment:
    name: str
    kind: str
    share: float
    """Share of customers."""
    churn_hazard: float
    """Monthly probability that an active subscription ends (constant hazard)."""
    upgrade_rate: float
    """Monthly probability of moving one plan up, when a higher plan exists."""
    downgrade_rate: float
    """Monthly probability of moving one plan down, when a lower plan exists."""
    plans: dict[str, float]
    """Plan at the start of a subscription."""
    billing: dict[int, float]
    """Billing interval in months (1, 3, 12)."""
    addon_share: float
    """Share of subscriptions taking the forecasting module."""
    onboarding_share: float
    onboarding_fee: float
    payments_share: float
    """Share of subscriptions paying for transfers (usage, billed monthly in arrears)."""
    transfers_per_month: float
    win_rate: float
    """won / (won + lost) among closed deals; B2C customers sign up without a deal."""
    cycle_multiplier: float
    """Stage durations are the base means times this."""
    events_per_month: float
    """Mean usage events per active month (accounts vary around it, Gamma shape 2)."""
    support_rate: float
    """Monthly probability of a support note."""
    contacts: tuple[int, int, float]
    """Contacts per account: base + Binomial(n, p)."""
    churn_reasons: dict[str, float]
    personas: dict[str, float]
    industries: dict[str, float]
    channels: dict[str, float]
    maturity: dict[str, float]
    employees: tuple[float, float, int, int]
    """Log-normal headcount: median, sigma, min, max."""


SEGMENTS: tuple[Segment, ...] = (
    Segment(
        name="Startups",
        kind="B2B",
        share=0.28,
        churn_hazard=0.035,
        upgrade_rate=0.020,
        downgrade_rate=0.008,
        plans={"Essentiel": 0.55, "Pro": 0.35, "Business": 0.10},
        billing={1: 0.70, 3: 0.15, 12: 0.15},
        addon_share=0.20,
        onboarding_share=0.15,
        onboarding_fee=390.0,
        payments_share=0.5,
        transfers_per_month=25.0,
        win_rate=0.35,
        cycle_multiplier=0.7,
        events_per_month=14.0,
        support_rate=0.04,
        contacts=(1, 2, 0.5),
        churn_reasons={
            "Cessation d'activité": 0.35,
            "Prix trop élevé": 0.20,
            "Faible utilisation": 0.15,
            "Passage à un concurrent": 0.10,
            "Rachat / fusion": 0.10,
            "Fonctionnalités insuffisantes": 0.05,
            "Retour à Excel": 0.05,
        },
        personas={
            "dirigeant": 0.40,
            "daf": 0.15,
            "controleur": 0.15,
            "comptable": 0.15,
            "office": 0.15,
        },
        industries={
            "Logiciels & SaaS": 0.35,
            "Conseil": 0.15,
            "Commerce": 0.15,
            "Services financiers": 0.10,
            "Santé": 0.08,
            "Éducation & formation": 0.07,
            "Transport & logistique": 0.05,
            "Industrie": 0.05,
        },
        channels={
            "Inbound": 0.30,
            "SEO": 0.30,
            "Outbound": 0.15,
            "Partenaire": 0.15,
            "Événement": 0.10,
        },
        maturity={"low": 0.10, "medium": 0.40, "high": 0.50},
        employees=(8.0, 1.0, 1, 400),
    ),
    Segment(
        name="PME",
        kind="B2B",
        share=0.42,
        churn_hazard=0.015,
        upgrade_rate=0.012,
        downgrade_rate=0.005,
        plans={"Essentiel": 0.25, "Pro": 0.45, "Business": 0.25, "Entreprise": 0.05},
        billing={1: 0.55, 3: 0.25, 12: 0.20},
        addon_share=0.35,
        onboarding_share=0.50,
        onboarding_fee=990.0,
        payments_share=0.65,
        transfers_per_month=70.0,
        win_rate=0.30,
        cycle_multiplier=1.0,
        events_per_month=20.0,
        support_rate=0.05,
        contacts=(2, 2, 0.5),
        churn_reasons={
            "Prix trop élevé": 0.25,
            "Passage à un concurrent": 0.20,
            "Faible utilisation": 0.20,
            "Fonctionnalités insuffisantes": 0.15,
            "Cessation d'activité": 0.08,
            "Retour à Excel": 0.07,
            "Rachat / fusion": 0.05,
        },
        personas={
            "daf": 0.35,
            "comptable": 0.25,
            "controleur": 0.15,
            "dirigeant": 0.15,
            "office": 0.10,
        },
        industries={
            "Industrie": 0.18,
            "Commerce": 0.18,
            "Conseil": 0.14,
            "BTP": 0.12,
            "Logiciels & SaaS": 0.10,
            "Transport & logistique": 0.09,
            "Santé": 0.07,
            "Services financiers": 0.05,
            "Hôtellerie & restauration": 0.04,
            "Immobilier": 0.03,
        },
        channels={
            "Outbound": 0.30,
            "Partenaire": 0.25,
            "Inbound": 0.20,
            "SEO": 0.15,
            "Événement": 0.10,
        },
        maturity={"low": 0.30, "medium": 0.50, "high": 0.20},
        employees=(45.0, 0.8, 8, 600),
    ),
    Segment(
        name="ETI",
        kind="B2B",
        share=0.10,
        churn_hazard=0.007,
        upgrade_rate=0.015,
        downgrade_rate=0.004,
        plans={"Pro": 0.15, "Business": 0.45, "Entreprise": 0.40},
        billing={1: 0.30, 3: 0.20, 12: 0.50},
        addon_share=0.50,
        onboarding_share=0.90,
        onboarding_fee=3900.0,
        payments_share=0.8,
        transfers_per_month=300.0,
        win_rate=0.22,
        cycle_multiplier=1.8,
        events_per_month=40.0,
        support_rate=0.08,
        contacts=(3, 4, 0.5),
        churn_reasons={
            "Fonctionnalités insuffisantes": 0.35,
            "Passage à un concurrent": 0.25,
            "Rachat / fusion": 0.15,
            "Prix trop élevé": 0.10,
            "Faible utilisation": 0.10,
            "Retour à Excel": 0.03,
            "Cessation d'activité": 0.02,
        },
        personas={
            "controleur": 0.35,
            "daf": 0.30,
            "comptable": 0.25,
            "dirigeant": 0.05,
            "office": 0.05,
        },
        industries={
            "Industrie": 0.28,
            "Commerce": 0.15,
            "Transport & logistique": 0.12,
            "Services financiers": 0.12,
            "Santé": 0.10,
            "BTP": 0.08,
            "Logiciels & SaaS": 0.08,
            "Conseil": 0.07,
        },
        channels={"Outbound": 0.45, "Événement": 0.25, "Partenaire": 0.20, "Inbound": 0.10},
        maturity={"low": 0.20, "medium": 0.50, "high": 0.30},
        employees=(900.0, 1.1, 150, 60000),
    ),
    Segment(
        name="Particuliers",
        kind="B2C",
        share=0.20,
        churn_hazard=0.050,
        upgrade_rate=0.010,
        downgrade_rate=0.010,
        plans={"Solo": 0.75, "Solo Plus": 0.25},
        billing={1: 0.80, 12: 0.20},
        addon_share=0.0,
        onboarding_share=0.0,
        onboarding_fee=0.0,
        payments_share=0.0,
        transfers_per_month=0.0,
        win_rate=1.0,
        cycle_multiplier=1.0,
        events_per_month=6.0,
        support_rate=0.02,
        contacts=(1, 0, 0.0),
        churn_reasons={
            "Prix trop élevé": 0.35,
            "Faible utilisation": 0.35,
            "Retour à Excel": 0.15,
            "Passage à un concurrent": 0.10,
            "Fonctionnalités insuffisantes": 0.05,
        },
        personas={"particulier": 1.0},
        industries={},
        channels={"SEO": 0.55, "Inbound": 0.30, "Partenaire": 0.15},
        maturity={"low": 0.30, "medium": 0.50, "high": 0.20},
        employees=(1.0, 0.0, 1, 1),
    ),
)

CHURN_ALPHA: dict[str, float] = {"Startups": 2.0, "PME": 1.5, "ETI": 1.2, "Particuliers": 2.5}
"""Heterogeneous churn (the sBG story, Fader & Hardie 2007): each subscription draws its
own churn probability per billing period p ~ Beta(α, β) and ends at each renewal with
probability p. α is the segment's (the smaller, the more customers differ); β is set so
that the mean of p is the segment's ``churn_hazard`` compounded over the period,
1 − (1 − hazard)^n for an n-month plan: a new customer keeps, on average, the retention
of a constant monthly hazard at every renewal (see :func:`churn_beta`)."""


def churn_beta(segment: Segment, months: int) -> tuple[float, float]:
    """(α, β) of the per-period churn probability of an ``months``-month plan."""
    alpha = CHURN_ALPHA[segment.name]
    mean = 1.0 - (1.0 - segment.churn_hazard) ** months
    return alpha, alpha * (1.0 - mean) / mean


# Plans form one ladder; a segment moves within the span of plans it can start on
# (B2C: Solo ↔ Solo Plus; B2B: Essentiel ↔ Entreprise).
PLANS: tuple[str, ...] = ("Solo", "Solo Plus", "Essentiel", "Pro", "Business", "Entreprise")
INTERVALS: tuple[int, ...] = (1, 3, 12)
PRICES: dict[str, dict[int, int]] = {
    # monthly-equivalent price per billing interval (months); B2C is never quarterly
    "Solo": {1: 19, 12: 15},
    "Solo Plus": {1: 39, 12: 32},
    "Essentiel": {1: 89, 3: 82, 12: 74},
    "Pro": {1: 229, 3: 209, 12: 189},
    "Business": {1: 549, 3: 499, 12: 449},
    "Entreprise": {1: 1490, 3: 1350, 12: 1190},
}
ADDON = "Module Prévisionnel"
ADDON_PRICES: dict[int, int] = {1: 79, 3: 72, 12: 65}
SEATS_PRODUCT = "Utilisateurs supplémentaires"
SEAT_PRICES: dict[int, int] = {1: 15, 3: 14, 12: 12}
"""Monthly-equivalent price of each user beyond the SEATS_INCLUDED of every plan."""
SEATS_INCLUDED = 3
SEATS_SCALE = 1.5
SEATS_ELASTICITY = 0.3
SEATS_SIGMA = 0.8
"""A B2B customer's users: rint(SEATS_SCALE × employees^SEATS_ELASTICITY × LogNormal(0,
SEATS_SIGMA)) — more users in larger companies, but far less than in proportion —
fixed for the customer's life; those beyond SEATS_INCLUDED are billed (recurring line)."""
PRODUCT_PREFIX = "Quickfund "
ONBOARDING_PRODUCT = "Frais de mise en service"
PAYMENTS_PRODUCT = "Virements & paiements"
TRANSFER_FEE = 0.40
"""Euros per transfer, invoiced (non-recurring) at the end of each service month."""
TRAINING_PRODUCT = "Formation"
TRAINING_RATE = 0.008
"""Monthly probability of a one-off training invoice (B2B)."""
TRAINING_FEES: tuple[float, ...] = (600.0, 1200.0)
GOODWILL_PRODUCT = "Geste commercial"
GOODWILL_RATE = 0.015
"""Share of regular invoices followed by a non-recurring credit note."""

REACTIVATION_PROBABILITY = 0.15
"""Probability that a churned account comes back (once at most)."""
REACTIVATION_GAP = (1, 18)
"""Month-ends at zero MRR before coming back: uniform over this closed range."""

CHURN_SIGNALS: tuple[dict[str, object], ...] = (
    {
        "name": "activity_decline",
        "table": "activity",
        "months_before_churn": 3,
        "rate_multiplier": 0.5,
        "help": "usage events per month halve over the last 3 service months before churn",
    },
    {
        "name": "support_load",
        "table": "notes",
        "months_before_churn": 3,
        "rate_multiplier": 3.0,
        "help": "support notes are 3 times as frequent over the last 3 months before churn",
    },
)
ACTIVITY_DECLINE_MONTHS = 3
ACTIVITY_DECLINE_FACTOR = 0.5
SUPPORT_SURGE_FACTOR = 3.0
UPGRADE_SURGE_MONTHS = 2
UPGRADE_SURGE_FACTOR = 2.5
EXPANSION_SIGNALS: tuple[dict[str, object], ...] = (
    {
        "name": "usage_surge",
        "table": "activity",
        "months_before_upgrade": UPGRADE_SURGE_MONTHS,
        "rate_multiplier": UPGRADE_SURGE_FACTOR,
        "help": "usage events per month are 2.5 times as many over the 2 service months "
        "before a plan upgrade",
    },
)
DECOYS: tuple[dict[str, object], ...] = (
    {
        "attribute": "region",
        "column": "country",
        "help": "the country is drawn from one distribution for every account, independently "
        "of segment, churn, plan changes and usage: no signal may rank it",
    },
)
CHURN_REASON_MISSING = 0.08

STAGES: tuple[str, ...] = ("lead", "mql", "sql", "demo", "proposal", "negotiation")
# A closed deal then enters its closing stage at closed_at, as a CRM records it (HubSpot's
# "Date entered 'Closed won'"), which gives the last pipeline stage its end.
CLOSING_STAGES: tuple[str, ...] = ("closed_won", "closed_lost")
STAGE_MEAN_DAYS: dict[str, float] = {
    "lead": 5.0,
    "mql": 8.0,
    "sql": 12.0,
    "demo": 9.0,
    "proposal": 15.0,
    "negotiation": 10.0,
}
"""Mean days in each stage (before the segment's cycle multiplier): the next stage's
``entered_at`` minus this one's; for the last stage reached, ``closed_at`` minus it."""
LOST_AT_STAGE: dict[str, float] = {
    "lead": 0.10,
    "mql": 0.15,
    "sql": 0.20,
    "demo": 0.20,
    "proposal": 0.20,
    "negotiation": 0.15,
}
"""The last stage a lost deal reached."""
LOST_REASONS: dict[str, float] = {
    "Prix trop élevé": 0.30,
    "Feature manquante": 0.22,
    "Concurrent choisi": 0.20,
    "Timing pas bon": 0.13,
    "Pas de budget": 0.10,
}
LOST_REASON_MISSING = 0.05
"""Share of lost deals without a reason; with LOST_REASONS the shares sum to 1."""
LOST_PLANT_SEGMENT = "ETI"
LOST_PLANT_REASON = "Feature manquante"
LOST_PLANT_SHARE = 0.5
"""The planted segment that loses one reason far more than the others: its lost deals give
this reason with this share (the other reasons and the missing ones keep their relative
weights); the other segments give it less, so that over all lost deals (expected mix of
the segments' lost deals: share × (1 − win rate) / win rate) the shares stay LOST_REASONS."""
COMPETITORS: dict[str, float] = {
    "Trésorio": 0.35,
    "CashPilot": 0.25,
    "Finmatic": 0.20,
    "Budgetia": 0.12,
    "Fluxo": 0.08,
}
COMPETITOR_WHEN_PRICE = 0.25
"""Share of 'Prix trop élevé' losses naming the cheaper competitor."""
OPEN_DEALS_PER_WON = 0.06
LEADS_PER_CUSTOMER = 0.30
"""Accounts with contacts and touchpoints but no deal and no revenue."""
DEAL_CLOSE_TO_INVOICE_DAYS = (0, 14)

TOUCHPOINTS: dict[str, dict[tuple[str, str], float]] = {
    "lead": {
        ("e-mail", "Livre blanc : piloter sa trésorerie en PME"): 0.35,
        ("LinkedIn", "Post LinkedIn : 5 erreurs de trésorerie"): 0.25,
        ("webinaire", "Webinaire : le prévisionnel de trésorerie en 13 semaines"): 0.25,
        ("salon", "Salon DAF Expo"): 0.15,
    },
    "mql": {
        ("e-mail", "Guide : préparer sa levée de fonds"): 0.40,
        ("webinaire", "Webinaire : réussir sa levée de fonds"): 0.30,
        ("e-mail", "Newsletter Quickfund"): 0.30,
    },
    "sql": {
        ("appel", "Appel de découverte"): 0.60,
        ("e-mail", "Étude de cas : trésorerie multi-banques"): 0.40,
    },
    "demo": {
        ("démo", "Démo Quickfund"): 0.70,
        ("démo", "Démo module Prévisionnel"): 0.20,
        ("appel", "Appel de suivi"): 0.10,
    },
    "proposal": {
        ("e-mail", "Proposition commerciale"): 0.60,
        ("appel", "Appel de cadrage"): 0.40,
    },
    "negotiation": {
        ("appel", "Appel de négociation"): 0.60,
        ("e-mail", "Contrat et conditions"): 0.40,
    },
    "customer": {
        ("e-mail", "Newsletter Quickfund"): 0.50,
        ("webinaire", "Webinaire clients : nouveautés produit"): 0.30,
        ("appel", "Revue trimestrielle"): 0.20,
    },
}
"""(channel, content) per deal stage, and for customers after signing ("customer")."""
TOUCHPOINTS_PER_STAGE = 1.0
"""Mean touchpoints per stage entered (Poisson), plus one at the lead stage."""
CUSTOMER_TOUCHPOINT_RATE = 0.15
"""Touchpoints per active month of a customer."""


@dataclass(frozen=True)
class Persona:
    key: str
    name: str
    titles: tuple[str, ...]
    department: str | None
    seniority: dict[str, float]
    age: tuple[float, float, int, int]
    """Normal mean, sd, min, max."""
    roles: dict[str, float]
    levels: dict[str, tuple[str, ...]]
    """Seniority -> the titles a contact of that seniority carries (all titles when absent)."""


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "daf",
        "DAF / Directeur financier",
        (
            "DAF",
            "Directeur financier",
            "Directrice financière",
            "CFO",
            "Responsable administratif et financier",
        ),
        "Finance",
        {"C-level": 0.85, "Senior": 0.15},
        (46.0, 6.0, 32, 64),
        {"decision_maker": 0.55, "economic_buyer": 0.40, "champion": 0.05},
        {
            # "DAF" twice: the most frequent title of French finance directors
            "C-level": ("DAF", "DAF", "Directeur financier", "Directrice financière", "CFO"),
            "Senior": ("Responsable administratif et financier",),
        },
    ),
    Persona(
        "controleur",
        "Contrôleur de gestion / trésorier",
        (
            "Contrôleur de gestion",
            "Contrôleuse de gestion",
            "Head of Finance",
            "FP&A Manager",
            "Trésorier",
            "Trésorière",
        ),
        "Finance",
        {"Senior": 0.5, "Mid": 0.5},
        (36.0, 5.0, 25, 55),
        {"user": 0.60, "champion": 0.25, "influencer": 0.15},
        {
            "Senior": ("Head of Finance", "FP&A Manager"),
            "Mid": ("Contrôleur de gestion", "Contrôleuse de gestion", "Trésorier", "Trésorière"),
        },
    ),
    Persona(
        "comptable",
        "Comptable",
        ("Comptable", "Chef comptable", "Accountant", "Assistante comptable"),
        "Comptabilité",
        {"Junior": 0.35, "Mid": 0.50, "Senior": 0.15},
        (35.0, 8.0, 22, 62),
        {"user": 0.70, "influencer": 0.20, "champion": 0.10},
        {
            "Junior": ("Assistante comptable",),
            "Mid": ("Comptable", "Accountant"),
            "Senior": ("Chef comptable",),
        },
    ),
    Persona(
        "dirigeant",
        "Dirigeant / fondateur",
        ("CEO", "Fondateur", "Fondatrice", "Co-fondateur", "Gérant", "Président"),
        "Direction",
        {"C-level": 1.0},
        (41.0, 8.0, 24, 68),
        {"influencer": 0.75, "decision_maker": 0.10, "economic_buyer": 0.05, "champion": 0.10},
        {},
    ),
    Persona(
        "office",
        "Office manager",
        ("Office manager", "Assistante de direction", "Responsable administratif"),
        "Administration",
        {"Junior": 0.3, "Mid": 0.6, "Senior": 0.1},
        (34.0, 7.0, 22, 60),
        {"user": 0.60, "influencer": 0.30, "champion": 0.10},
        {
            "Junior": ("Assistante de direction",),
            "Mid": ("Office manager",),
            "Senior": ("Responsable administratif",),
        },
    ),
    Persona(
        "particulier",
        "Investisseur particulier / indépendant",
        ("Investisseur particulier", "Freelance", "Consultant indépendant", "Business angel"),
        None,
        {"Senior": 1.0},
        (44.0, 11.0, 22, 75),
        {"decision_maker": 1.0},
        {},
    ),
)
BUYER_PERSONA = {"department": "finance", "seniority": "C-level", "key": "daf"}
"""The planted first persona: the DAF decides or pays on most won deals (contacts' department
and seniority columns, read as DESIGN §5's department keys)."""
INFLUENCER_PERSONA = {
    "department": "direction",
    "seniority": "C-level",
    "key": "dirigeant",
    "role": "influencer",
}
"""The planted influencer of the DAF's deals: the founder or CEO, mostly as influencer."""

COUNTRIES: dict[str | None, float] = {
    "FR": 0.74,
    "BE": 0.07,
    "CH": 0.04,
    "DE": 0.03,
    "GB": 0.03,
    "NL": 0.02,
    "ES": 0.02,
    "IT": 0.02,
    "US": 0.015,
    "CA": 0.01,
    None: 0.015,
}
EMPLOYEES_MISSING = 0.015

# The planted ideal customer profile: one industry × size band cell whose customers are
# worth several times the others — they start ICP_PLAN_STEPS plans higher on their
# segment's ladder, always take the add-on, and churn with ICP_CHURN_FACTOR × their
# segment's hazard. Size band by headcount as DESIGN §4 (ETI: 251–5000 employees).
ICP_INDUSTRY = "Santé"
ICP_SIZE_BAND = "ETI"
ICP_EMPLOYEES = (251, 5000)
ICP_PLAN_STEPS = 2
ICP_CHURN_FACTOR = 0.5
"""Share of B2B accounts without a headcount."""
CASE_STUDY_SHARE = 0.08
"""Share of B2B customers of two years or more (at T) that are case studies."""

EVENTS: dict[str, float] = {
    "login": 0.45,
    "invoice_created": 0.20,
    "export": 0.12,
    "forecast_run": 0.10,
    "bank_sync": 0.08,
    "report_shared": 0.05,
}


def segment_index(name: str) -> int:
    for i, s in enumerate(SEGMENTS):
        if s.name == name:
            return i
    raise KeyError(name)


def stage_mean_days(segment: Segment) -> dict[str, float]:
    return {k: v * segment.cycle_multiplier for k, v in STAGE_MEAN_DAYS.items()}


def lost_reason_mix(segment: Segment) -> dict[str, float]:
    """The lost reasons' shares among a B2B segment's lost deals ("" for no reason): the
    planted segment gives LOST_PLANT_REASON the share LOST_PLANT_SHARE, the others less, so that
    the expected mix over every lost deal is LOST_REASONS exactly."""
    base = {**LOST_REASONS, "": LOST_REASON_MISSING}
    reason, share = LOST_PLANT_REASON, LOST_PLANT_SHARE
    lost = {s.name: s.share * (1 - s.win_rate) / s.win_rate for s in SEGMENTS if s.kind == "B2B"}
    weight = lost[LOST_PLANT_SEGMENT] / sum(lost.values())
    if segment.name == LOST_PLANT_SEGMENT:
        target = share
    else:
        target = (base[reason] - weight * share) / (1 - weight)
    scale = (1 - target) / (1 - base[reason])
    return {k: target if k == reason else v * scale for k, v in base.items()}
