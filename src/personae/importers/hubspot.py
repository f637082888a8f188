"""HubSpot CRM exports (companies, contacts, deals; CSV; English or French labels) -> tables.

Each file is recognised by its header row (see :mod:`personae.importers._export`); columns
are looked up by any of their known labels, English first, then French (the labels
HubSpot's French interface writes). Dropdown values that HubSpot translates (default deal
stages, buying roles, original sources, industries) are mapped to one language-neutral form,
so the same portal exported in English or in French gives the same tables.

- companies -> ``accounts``; contacts -> ``contacts``; deals -> ``deals``, and their
  ``Date entered "<stage> (<pipeline>)"`` columns -> ``deal_stages``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from personae.importers._export import Export, quote, read_all
from personae.importers._tables import Row, fail, warn, write_tables
from personae.importers._values import country_code, key, snake_case

__all__ = ["import_hubspot"]

# --- column labels: English (HubSpot's property label), then French -------------------

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
    "acquisition_channel": ORIGINAL_SOURCE,
}
CONTACT = {
    "id": ("Record ID", "ID de fiche d'informations", "Contact ID"),
    "account_id": ASSOCIATED_COMPANY,
    "job_title": ("Job Title", "Intitulé du poste", "Fonction", "Poste"),
    "role": ("Buying Role", "Rôle d'achat", "Rôle d'acheteur"),
}
DEAL = {
    "id": ("Record ID", "ID de fiche d'informations", "Deal ID"),
    "account_id": ASSOCIATED_COMPANY,
    "stage": ("Deal Stage", "Phase de la transaction"),
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
    "closed_won": ("Closed Won", "Conclue gagnée", "Fermée gagnée", "Fermé gagné"),
    "closed_lost": ("Closed Lost", "Conclue perdue", "Fermée perdue", "Fermé perdu"),
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


def deal_status(stage: str) -> str:
    """``won``, ``lost`` or ``open`` from a stage name (see :func:`stage_name`)."""
    words = set(stage.split("_"))
    if stage == "closed_won" or words & {"won", "gagne", "gagnee", "closedwon"}:
        return "won"
    if stage == "closed_lost" or words & {"lost", "perdu", "perdue", "closedlost"}:
        return "lost"
    return "open"


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


def _first_id(value: str) -> str:
    return value.replace(",", ";").split(";")[0].strip()


def _columns(export: Export, fields: dict[str, tuple[str, ...]]) -> dict[str, str | None]:
    return {name: export.column(labels) for name, labels in fields.items()}


def _require(
    export: Export,
    fields: dict[str, tuple[str, ...]],
    columns: dict[str, str | None],
    names: Sequence[str],
) -> bool:
    missing = [n for n in names if columns[n] is None]
    for name in missing:
        export.problem(
            f"no column for {name}: looked for " + quote(fields[name]),
            line=1,
            hint="add the property to the export's columns and export again",
        )
    return not missing


def _record_id(export: Export, line: int, row: dict[str, str], column: str | None) -> str | None:
    value = export.text(row, column)
    if not value:
        export.problem("empty record id", line, column, hint="every row needs its Record ID")
        return None
    return value


class _Dedup:
    """Keeps the first row of each record id (exports may overlap) and counts the others."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.duplicates: dict[str, int] = {}

    def first(self, export: Export, ident: str) -> bool:
        if ident in self.seen:
            self.duplicates[export.name] = self.duplicates.get(export.name, 0) + 1
            return False
        self.seen.add(ident)
        return True


def _companies(export: Export, dedup: _Dedup) -> list[Row]:
    col = _columns(export, COMPANY)
    if not _require(export, COMPANY, col, ["id"]):
        return []
    rows: list[Row] = []
    unknown: set[str] = set()
    for line, row in export.rows:
        ident = _record_id(export, line, row, col["id"])
        if ident is None or not dedup.first(export, ident):
            continue
        employees = export.number(line, row, col["employees"])
        try:
            country = country_code(export.text(row, col["country"]))
        except ValueError:
            country = None
            unknown.add(export.text(row, col["country"]))
        rows.append(
            {
                "account_id": ident,
                "name": export.text(row, col["name"]) or None,
                "country": country,
                "industry": industry(export.text(row, col["industry"])),
                "employees": round(employees) if employees is not None else None,
                "annual_turnover": export.number(line, row, col["annual_turnover"]),
                "acquisition_channel": channel(export.text(row, col["acquisition_channel"])),
            }
        )
    if unknown:
        export.problem(
            f"{len(unknown)} country name(s) not recognised, left empty: "
            + ", ".join(sorted(unknown)),
            column=col["country"],
            hint="write the country in English or French, or as an ISO code such as FR",
            severity="warning",
        )
    return rows


def _contacts(export: Export, dedup: _Dedup) -> list[Row]:
    col = _columns(export, CONTACT)
    if not _require(export, CONTACT, col, ["id", "account_id"]):
        return []
    rows: list[Row] = []
    orphans = 0
    for line, row in export.rows:
        ident = _record_id(export, line, row, col["id"])
        if ident is None or not dedup.first(export, ident):
            continue
        account = _first_id(export.text(row, col["account_id"]))
        if not account:
            orphans += 1
            continue
        rows.append(
            {
                "contact_id": ident,
                "account_id": account,
                "job_title": export.text(row, col["job_title"]) or None,
                "role": buying_role(export.text(row, col["role"])),
            }
        )
    if orphans:
        export.problem(
            f"{orphans} contact(s) without an associated company were left out",
            column=col["account_id"],
            hint="associate them with a company in HubSpot to include them",
            severity="warning",
        )
    return rows


def _deals(export: Export, dedup: _Dedup) -> tuple[list[Row], list[Row]]:
    col = _columns(export, DEAL)
    if not _require(export, DEAL, col, ["id", "account_id", "created_at", "stage"]):
        return [], []
    stage_columns = {
        column: stage_name(m.group("stage"))
        for column in export.labels
        if (m := STAGE_COLUMN.match(column))
    }
    deals: list[Row] = []
    stages: list[Row] = []
    orphans = 0
    for line, row in export.rows:
        ident = _record_id(export, line, row, col["id"])
        if ident is None or not dedup.first(export, ident):
            continue
        created = export.moment(line, row, col["created_at"])
        if created is None and not export.text(row, col["created_at"]):
            export.problem("empty create date", line, col["created_at"])
        entered = {name: export.moment(line, row, column) for column, name in stage_columns.items()}
        account = _first_id(export.text(row, col["account_id"]))
        if not account:
            orphans += 1
            continue
        stage = stage_name(export.text(row, col["stage"]))
        status = deal_status(stage)
        closed = export.moment(line, row, col["closed_at"]) if status != "open" else None
        if closed is None and status != "open":
            closed = entered.get("closed_won" if status == "won" else "closed_lost")
        deals.append(
            {
                "deal_id": ident,
                "account_id": account,
                "created_at": created.date() if created else None,
                "status": status,
                "closed_at": closed.date() if closed else None,
                "amount": export.number(line, row, col["amount"]),
                "lost_reason": (export.text(row, col["lost_reason"]) or None)
                if status == "lost"
                else None,
                "competitor": export.text(row, col["competitor"]) or None,
                "source": channel(export.text(row, col["source"])),
            }
        )
        for name, moment in sorted(
            ((n, m) for n, m in entered.items() if m is not None), key=lambda item: item[1]
        ):
            stages.append({"deal_id": ident, "stage": name, "entered_at": moment})
    if orphans:
        export.problem(
            f"{orphans} deal(s) without an associated company were left out",
            column=col["account_id"],
            hint="associate them with a company in HubSpot to include them",
            severity="warning",
        )
    return deals, stages


def import_hubspot(files: Sequence[Path], out: Path) -> dict[str, Path]:
    """Read HubSpot CSV exports of companies, contacts and deals; write canonical tables.

    Returns table name -> written CSV. Raises :class:`~personae.errors.ImportFormatError`,
    writing nothing, when any file is not a usable HubSpot export.
    """
    exports, problems = read_all(files, "hubspot")
    tables: dict[str, list[Row]] = {}
    dedup = {kind: _Dedup() for kind in ("companies", "contacts", "deals")}
    for export in exports:
        kind = export.kind.split(".")[1]
        if kind == "companies":
            tables.setdefault("accounts", []).extend(_companies(export, dedup[kind]))
        elif kind == "contacts":
            tables.setdefault("contacts", []).extend(_contacts(export, dedup[kind]))
        else:
            deals, stages = _deals(export, dedup[kind])
            tables.setdefault("deals", []).extend(deals)
            if stages or any(STAGE_COLUMN.match(c) for c in export.labels):
                tables.setdefault("deal_stages", []).extend(stages)
        problems.extend(export.problems)
    if problems:
        raise fail("HubSpot", problems)
    for export in exports:
        repeated = dedup[export.kind.split(".")[1]].duplicates.get(export.name)
        if repeated:
            export.problem(
                f"{repeated} row(s) repeat a Record ID already read; the first was kept",
                severity="warning",
            )
    written = write_tables(out, tables, prefer_new_accounts=True)
    warn([w for export in exports for w in export.warnings])
    return written
