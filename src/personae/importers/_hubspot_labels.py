"""HubSpot's column labels (English, then French) and the dropdown values it translates.

Declared here, once, for :mod:`personae.importers.hubspot`: every label a column may carry
in an export, and every translation of the default stages, buying roles, original sources
and industries, mapped to one language-neutral form.
"""

from __future__ import annotations

import re

from personae.importers._values import key, snake_case

# --- column labels: English (HubSpot's property label), then French -------------------

RECORD_ID = ("Record ID", "ID de fiche d'informations", "Company ID", "Contact ID", "Deal ID")
ASSOCIATED_NAME = ("Associated Company", "Entreprise associée", "Entreprises associées")
ASSOCIATED_COMPANY = (
    "Associated Company IDs (Primary)",
    "Associated Company ID (Primary)",
    "Primary Associated Company ID",
    "Associated Company IDs",
    "Associated Company ID",
    "ID de l'entreprise associée principale",
    "ID des entreprises associées",
    "ID de l'entreprise associée",
)
ORIGINAL_SOURCE = (
    "Original Source",
    "Original Traffic Source",
    "Source d'origine",
    "Source de trafic d'origine",
)
COMPANY = {
    "id": ("Record ID", "ID de fiche d'informations", "Company ID"),
    "name": ("Company name", "Nom de l'entreprise", "Name", "Nom"),
    "employees": ("Number of Employees", "Nombre d'employés", "Nombre de salariés"),
    "annual_turnover": ("Annual Revenue", "Chiffre d'affaires annuel"),
    "industry": ("Industry", "Secteur d'activité", "Secteur"),
    "country": ("Country/Region", "Pays/région", "Country", "Pays"),
    "domain": ("Company Domain Name", "Nom de domaine de l'entreprise", "Website URL"),
    "acquisition_channel": ORIGINAL_SOURCE,
}
CONTACT = {
    "id": ("Record ID", "ID de fiche d'informations", "Contact ID"),
    "account_id": ASSOCIATED_COMPANY,
    "company": ASSOCIATED_NAME,
    "job_title": ("Job Title", "Intitulé du poste", "Fonction", "Poste"),
    "role": ("Buying Role", "Rôle d'achat", "Rôle d'acheteur"),
}
DEAL = {
    "id": ("Record ID", "ID de fiche d'informations", "Deal ID"),
    "account_id": ASSOCIATED_COMPANY,
    "company": ASSOCIATED_NAME,
    "stage": ("Deal Stage", "Phase de la transaction"),
    "is_closed": ("Is Deal Closed?", "Is Closed", "La transaction est-elle conclue ?"),
    "probability": ("Deal probability", "Probabilité de la transaction"),
    "amount": (
        "Amount in company currency",
        "Montant dans la devise de l'entreprise",
        "Amount",
        "Montant",
    ),
    "closed_at": ("Close Date", "Date de fermeture", "Date de clôture"),
    "created_at": ("Create Date", "Date de création"),
    "lost_reason": (
        "Closed Lost Reason",
        "Raison de la perte",
        "Raison de perte de la transaction",
        "Motif de la perte",
    ),
    "competitor": ("Competitor", "Competitors", "Concurrent", "Concurrents"),
    "source": ORIGINAL_SOURCE,
}
#: ``Date entered "Demo (Sales Pipeline)"``, ``Date d'entrée dans « Démo (Pipeline des ventes) »``
STAGE_COLUMN = re.compile(
    r"^(?:date entered|date d'entree(?: dans)?(?: la phase)?|date de passage (?:a|en|dans))"
    r"\s*[\"«“]?\s*(?P<stage>.+?)\s*\((?P<pipeline>[^()]+)\)\s*[\"»”]?$"
)

# --- dropdown values HubSpot translates ------------------------------------------------

DEFAULT_STAGES = {
    "appointment_scheduled": ("Appointment Scheduled", "Rendez-vous programmé", "Rendez-vous pris"),
    "qualified_to_buy": ("Qualified To Buy", "Qualifié pour acheter", "Qualifié pour l'achat"),
    "presentation_scheduled": ("Presentation Scheduled", "Présentation programmée"),
    "decision_maker_bought_in": (
        "Decision Maker Bought-In",
        "Décisionnaire convaincu",
        "Décideur convaincu",
    ),
    "contract_sent": ("Contract Sent", "Contrat envoyé"),
    "closed_won": (
        "Closed Won",
        "Conclue gagnée",
        "Fermée gagnée",
        "Fermé gagné",
        "Cerrado ganado",
        "Cerrada ganada",
        "Fechado ganho",
        "Negócio fechado",
    ),
    "closed_lost": (
        "Closed Lost",
        "Conclue perdue",
        "Fermée perdue",
        "Fermé perdu",
        "Cerrado perdido",
        "Cerrada perdida",
        "Fechado perdido",
    ),
}
BUYING_ROLES = {
    "decision_maker": (
        "Decision Maker",
        "Executive Sponsor",
        "Décisionnaire",
        "Décideur",
        "Sponsor exécutif",
    ),
    "economic_buyer": ("Budget Holder", "Economic Buyer", "Détenteur du budget"),
    "champion": ("Champion",),
    "influencer": ("Influencer", "Influenceur", "Prescripteur"),
    "user": ("End User", "User", "Utilisateur final", "Utilisateur"),
}
ROLE_ORDER = tuple(BUYING_ROLES)
SOURCES = {
    "Organic Search": ("Recherche naturelle", "Recherche organique"),
    "Paid Search": ("Recherche payante",),
    "Email Marketing": ("E-mail marketing", "Marketing par e-mail"),
    "Organic Social": ("Social Media", "Réseaux sociaux", "Réseaux sociaux organiques"),
    "Paid Social": ("Réseaux sociaux payants",),
    "Referrals": ("Renvois", "Sites référents", "Références"),
    "Other Campaigns": ("Autres campagnes",),
    "Direct Traffic": ("Trafic direct",),
    "Offline Sources": ("Sources hors ligne",),
}
#: HubSpot's default ``Industry`` options seen most in B2B portals, with their French labels.
INDUSTRIES = {
    "Computer Software": ("Logiciels informatiques",),
    "Information Technology and Services": ("Technologies et services de l'information",),
    "Internet": (),
    "Financial Services": ("Services financiers",),
    "Banking": ("Banque",),
    "Insurance": ("Assurance",),
    "Retail": ("Commerce de détail",),
    "Hospital & Health Care": ("Hôpitaux et soins de santé",),
    "Construction": (),
    "Real Estate": ("Immobilier",),
    "Logistics and Supply Chain": ("Logistique et chaîne d'approvisionnement",),
    "Marketing and Advertising": ("Marketing et publicité",),
    "Management Consulting": ("Conseil en management",),
    "Accounting": ("Comptabilité",),
    "Education Management": ("Gestion de l'éducation",),
    "Food & Beverages": ("Alimentation et boissons",),
    "Mechanical or Industrial Engineering": ("Ingénierie mécanique ou industrielle",),
    "Telecommunications": ("Télécommunications",),
    "Legal Services": ("Services juridiques",),
    "Human Resources": ("Ressources humaines",),
}


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Folded key (:func:`key`) of each label and of the canonical form -> canonical form."""
    found: dict[str, str] = {}
    for canonical, labels in table.items():
        for label in (canonical, *labels):
            found[key(label)] = canonical
    return found


_STAGES = _lookup(DEFAULT_STAGES)
_ROLES = _lookup(BUYING_ROLES)
_SOURCES = _lookup(SOURCES)
_INDUSTRIES = _lookup(INDUSTRIES)


def stage_name(label: str) -> str:
    """A deal stage as ``deal_stages.stage``: default stages by their English slug, else slugged."""
    return _STAGES.get(key(label)) or snake_case(label)


def buying_role(value: str) -> str | None:
    """The canonical role of a (multi-select, ``;``-separated) Buying Role, the strongest first."""
    roles = {_ROLES.get(key(part)) for part in value.split(";")}
    return next((role for role in ROLE_ORDER if role in roles), None)


def channel(value: str) -> str | None:
    value = value.strip()
    return (_SOURCES.get(key(value)) or value) if value else None


def industry(value: str) -> str | None:
    value = value.strip()
    return (_INDUSTRIES.get(key(value)) or value) if value else None
