"""Pipedrive exports (deals, organizations, people; CSV; any interface language) -> tables.

Two kinds of file come out of Pipedrive, both read here:

- the account export (*Settings > Export data*, files ``deals-<account>-<n>.csv``,
  ``organizations-…``, ``people-…``): labels without prefix, in the interface's language
  (``Título``, ``Etapa``, ``Status``…), custom fields sometimes appearing twice;
- the list-view export (*… > Export filter results*): every label prefixed by its entity,
  translated too (``Deal - Title``, ``Negócio - Título``, ``Affaire - Titre``).

Labels are declared per language in the tables below (English, Portuguese, French, Spanish),
each tried bare and with its entity prefix. Deals -> ``deals`` (status from ``Status``:
won / lost / open in any of those languages; deleted deals skipped and counted), with an
empty ``account_id`` when the deal has no organization; organizations -> ``accounts``;
people -> ``contacts`` (``Cargo`` / ``Job title`` as the job title). Amounts stay in the
deals' currency (``Moeda de Valor``); a deal in another currency than most keeps its row
with no amount, counted and said (amounts in different currencies are never added up).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from personae.importers._export import Export, read_all
from personae.importers._links import AccountLinks
from personae.importers._stages import StageReader, deal_row
from personae.importers._tables import Row, conclude
from personae.importers._values import country_code, fold
from personae.importers.registry import ExportKind, ImportResult, Source
from personae.settings import Settings

__all__ = ["EXPORTS", "SOURCE", "import_pipedrive"]

#: Entity prefixes of list-view exports, per language: ``Deal - Title``.
PREFIXES = {
    "deal": ("Deal", "Negócio", "Affaire", "Trato", "Negocio"),
    "organization": ("Organization", "Organização", "Organisation", "Organización"),
    "person": ("Person", "Pessoa", "Personne", "Persona"),
}

# --- column labels: English, Portuguese, French, Spanish ---------------------------------

DEAL = {
    "id": ("ID",),
    "title": ("Title", "Título", "Titre", "Título del trato"),
    "value": ("Value", "Deal value", "Valor", "Valeur", "Valor del trato"),
    "currency": ("Currency of Value", "Currency", "Moeda de Valor", "Devise de Valeur", "Moneda de Valor"),
    "org_id": ("Organization ID", "ID da organização", "ID de l'organisation", "ID de organización"),
    "org": ("Organization", "Organização", "Organisation", "Organización"),
    "stage": ("Stage", "Etapa", "Étape", "Etapa del embudo"),
    "status": ("Status", "Statut", "Estado"),
    "created": (
        "Deal created", "Deal created on", "Add time", "Negócio criado em", "Affaire créée",
        "Affaire créée le", "Trato creado",
    ),
    "won": ("Won time", "Won on", "Ganho em", "Gagnée le", "Date de gain", "Ganado el"),
    "lost": ("Lost time", "Lost on", "Data de perda", "Perdue le", "Date de perte", "Perdido el"),
    "closed": ("Deal closed on", "Close time", "Negócio fechado em", "Affaire conclue le", "Trato cerrado el"),
    "lost_reason": ("Lost reason", "Motivo da perda", "Raison de la perte", "Motivo de pérdida"),
    "source": ("Source origin", "Source channel", "Origem", "Canal de origem", "Origine", "Origen"),
}  # fmt: skip
ORGANIZATION = {
    "id": ("ID",),
    "name": ("Name", "Nome", "Nom", "Nombre"),
    "country": (
        "Country of Address", "Address - Country", "País de Endereço", "Pays de Adresse",
        "Organisation - Pays", "País de Dirección",
    ),
    "employees": ("Number of employees", "Número de funcionários", "Nombre d'employés", "Número de empleados"),
    "industry": ("Industry", "Setor", "Secteur", "Sector", "Industria"),
}  # fmt: skip
PERSON = {
    "id": ("ID",),
    "org_id": ("Organization ID", "ID da organização", "ID de l'organisation", "ID de organización"),
    "org": ("Organization", "Organização", "Organisation", "Organización"),
    "job_title": ("Job title", "Cargo", "Intitulé du poste", "Puesto"),
}  # fmt: skip
#: Pipedrive's deal statuses, per language.
STATUS = {
    "won": ("Won", "Ganho", "Gagnée", "Gagné", "Ganado"),
    "lost": ("Lost", "Perdido", "Perdue", "Perdu"),
    "open": ("Open", "Aberto", "Ouverte", "Ouvert", "Abierto"),
    "deleted": ("Deleted", "Excluído", "Supprimée", "Supprimé", "Eliminado"),
}
_STATUS = {fold(label): status for status, labels in STATUS.items() for label in labels}


def _aliases(entity: str, labels: tuple[str, ...]) -> tuple[str, ...]:
    """Each label bare, then with each of the entity's prefixes (``Deal - Title``)."""
    return labels + tuple(f"{p} - {label}" for p in PREFIXES[entity] for label in labels)


def _columns(
    export: Export, entity: str, fields: dict[str, tuple[str, ...]]
) -> dict[str, str | None]:
    return {name: export.column(_aliases(entity, labels)) for name, labels in fields.items()}


def _organizations(export: Export, orgs: AccountLinks) -> None:
    col = _columns(export, "organization", ORGANIZATION)
    for line, row in export.rows:
        ident = export.text(row, col["id"])
        if not ident:
            export.problem("empty organization id", line, col["id"], hint="every row needs its ID")
            continue
        if ident in orgs.rows:
            export.skip("repeats an organization ID already read (the first row was kept)")
            continue
        try:
            country = country_code(export.text(row, col["country"]))
        except ValueError:
            country = None
        employees = export.number(line, row, col["employees"])
        export.keep()
        orgs.rows[ident] = {
            "account_id": ident,
            "name": export.text(row, col["name"]) or None,
            "country": country,
            "industry": export.text(row, col["industry"]) or None,
            "employees": round(employees) if employees is not None else None,
        }


def _people(export: Export, orgs: AccountLinks) -> list[Row]:
    col = _columns(export, "person", PERSON)
    rows: list[Row] = []
    seen: set[str] = set()
    for line, row in export.rows:
        ident = export.text(row, col["id"])
        if not ident:
            export.problem("empty person id", line, col["id"], hint="every row needs its ID")
            continue
        if ident in seen:
            export.skip("repeats a person ID already read (the first row was kept)")
            continue
        seen.add(ident)
        export.keep()
        rows.append(
            {
                "contact_id": ident,
                "account_id": orgs.link(
                    export.text(row, col["org_id"]), export.text(row, col["org"])
                ),
                "job_title": export.text(row, col["job_title"]) or None,
            }
        )
    return rows


def _deals(export: Export, orgs: AccountLinks, reader: StageReader) -> tuple[list[Row], str]:
    col = _columns(export, "deal", DEAL)
    for name in ("id", "status", "created"):
        if col[name] is None:
            export.problem(
                f"no column for the deal's {name}: looked for "
                + ", ".join(repr(a) for a in DEAL[name][:4]),
                line=1,
                hint="export the deals again with every column (Export data, or the list view "
                "with this column shown)",
            )
    if export.problems:
        return [], ""
    currencies = Counter(export.text(row, col["currency"]).upper() for _, row in export.rows)
    currencies.pop("", None)
    main = currencies.most_common(1)[0][0] if currencies else ""
    deals: list[Row] = []
    seen: set[str] = set()
    other: Counter[str] = Counter()
    no_org = 0
    for line, row in export.rows:
        ident = export.text(row, col["id"])
        if not ident:
            export.problem("empty deal id", line, col["id"], hint="every row needs its ID")
            continue
        if ident in seen:
            export.skip("repeats a deal ID already read (the first row was kept)")
            continue
        seen.add(ident)
        flag = _STATUS.get(fold(export.text(row, col["status"])))
        if flag == "deleted":
            export.skip("deleted deal")
            continue
        created = export.moment(line, row, col["created"])
        if created is None:
            if not export.text(row, col["created"]):
                export.skip("no creation date (a deal needs the day it was created)")
            continue
        outcome = reader.status(export.text(row, col["stage"]), flag)
        status = outcome[0]
        closed = None
        if status != "open":
            closed = export.moment(line, row, col["won" if status == "won" else "lost"])
            closed = closed or export.moment(line, row, col["closed"])
        amount = export.number(line, row, col["value"])
        currency = export.text(row, col["currency"]).upper()
        if amount is not None and currency and currency != main:
            other[currency] += 1
            amount = None
        account = orgs.link(export.text(row, col["org_id"]), export.text(row, col["org"]))
        no_org += account is None
        reason = export.text(row, col["lost_reason"]) or None
        export.keep()
        source = export.text(row, col["source"]) or None
        deals.append(deal_row(ident, account, created, outcome, closed, amount, reason, source))
    if other:
        listing = ", ".join(f"{n} in {c}" for c, n in sorted(other.items()))
        export.problem(
            f"{sum(other.values())} deal(s) in another currency than {main} ({listing}) "
            "kept without their amount: amounts in different currencies are never added up",
            column=col["currency"],
            hint="convert their values to one currency in Pipedrive, then export again",
            severity="warning",
        )
    if no_org:
        export.problem(
            f"{no_org} deal(s) without an organization kept with an empty account_id: they "
            "count in win rate, lost reasons and cycle, not in per-company answers",
            column=col["org_id"],
            hint="link them to an organization in Pipedrive to include them everywhere",
            severity="warning",
        )
    return deals, main


def import_pipedrive(
    files: Sequence[Path], out: Path, settings: Settings | None = None
) -> ImportResult:
    """Read Pipedrive CSV exports of deals, organizations and people; write canonical tables.

    Raises :class:`~personae.errors.ImportFormatError`, writing nothing, when any file is
    not a usable Pipedrive export.
    """
    settings = settings or Settings()
    exports, problems = read_all(files, SOURCE)
    order = {"pipedrive.organizations": 0, "pipedrive.people": 1, "pipedrive.deals": 2}
    exports.sort(key=lambda e: order[e.kind])
    orgs = AccountLinks()
    tables: dict[str, list[Row]] = {}
    notes = []
    currency = ""
    for export in exports:
        if export.kind == "pipedrive.organizations":
            _organizations(export, orgs)
        elif export.kind == "pipedrive.people":
            tables.setdefault("contacts", []).extend(_people(export, orgs))
        else:
            reader = StageReader(settings.stage_status)
            deals, main = _deals(export, orgs, reader)
            tables.setdefault("deals", []).extend(deals)
            currency = currency or main
            if (note := reader.report(export.name)) is not None:
                notes.append(note)
        problems.extend(export.problems)
    return conclude(
        SOURCE, exports, problems, tables, out, links=orgs, currency=currency or None, notes=notes
    )


EXPORTS = (
    ExportKind(
        "pipedrive.deals",
        "a Pipedrive deals export",
        (
            _aliases("deal", DEAL["title"]),
            _aliases("deal", DEAL["stage"]),
            _aliases("deal", DEAL["status"]),
        ),
    ),
    ExportKind(
        "pipedrive.people",
        "a Pipedrive people export",
        (
            _aliases("person", ("Name", "Nome", "Nom", "Nombre")),
            _aliases("person", PERSON["org_id"]),
            _aliases(
                "person",
                (
                    "Person created",
                    "Pessoa criada",
                    "Personne créée",
                    "Persona creada",
                    "Email",
                    "E-mail - Trabalho",
                    "E-mail - Work",
                    "Email - Work",
                    "E-mail - Travail",
                ),
            ),
        ),
    ),
    ExportKind(
        "pipedrive.organizations",
        "a Pipedrive organizations export",
        (
            _aliases("organization", ORGANIZATION["name"]),
            _aliases(
                "organization",
                (
                    "Organization created",
                    "Organização criada",
                    "Organisation créée",
                    "Organización creada",
                    "Won deals",
                    "Negócios ganhos",
                    "Affaires gagnées",
                    "Tratos ganados",
                ),
            ),
        ),
    ),
)
SOURCE = Source("pipedrive", "Pipedrive", EXPORTS, import_pipedrive, "deals, organizations, people")
