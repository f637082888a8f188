"""HubSpot CRM exports (companies, contacts, deals; CSV; English or French labels) -> tables.

Each file is recognised by its header row (:data:`EXPORTS`); columns are looked up by any of
their known labels, English first, then French (the labels HubSpot's French interface
writes). Dropdown values that HubSpot translates (default deal stages, buying roles, original
sources, industries) are mapped to one language-neutral form, so the same portal exported in
English or in French gives the same tables.

- companies -> ``accounts``; contacts -> ``contacts``; deals -> ``deals``, and their
  ``Date entered "<stage> (<pipeline>)"`` columns -> ``deal_stages``.
- Default views carry no association columns: deals and contacts then keep an empty
  ``account_id`` and still count wherever a company is not needed. ``Associated Company
  IDs`` link by id; ``Associated Company`` (names) link to the companies exported, by name
  or domain. A company a deal or contact names but the companies export lacks (or that was
  not exported) becomes an account with its id and name only.
- A deal's status: see :mod:`personae.importers._stages` (``Is Deal Closed?`` with ``Deal
  probability`` where exported, else the stage name; abandoned stages are lost, reason
  « Abandonné »); the import says how it read each stage.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from personae.importers._export import Export, quote, read_all
from personae.importers._hubspot_labels import (
    COMPANY,
    CONTACT,
    DEAL,
    RECORD_ID,
    STAGE_COLUMN,
    buying_role,
    channel,
    industry,
    stage_name,
)
from personae.importers._links import AccountLinks
from personae.importers._stages import StageReader, deal_row
from personae.importers._tables import Row, conclude
from personae.importers._values import country_code, fold, parse_datetime, parse_number
from personae.importers.registry import ExportKind, ImportResult, Source
from personae.settings import Settings

__all__ = [
    "EXPORTS",
    "SOURCE",
    "STAGE_COLUMN",
    "buying_role",
    "deal_status",
    "import_hubspot",
    "stage_name",
]


def deal_status(stage: str) -> str:
    """``won``, ``lost`` or ``open`` from a stage name alone (see :mod:`._stages`)."""
    return StageReader().status(stage)[0]


def _first(value: str) -> str:
    return value.replace(",", ";").split(";")[0].strip()


def _domain(value: str) -> str:
    text = fold(value).removeprefix("https://").removeprefix("http://").removeprefix("www.")
    return text.split("/")[0]


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
            f"no column for {name}: looked for "
            + quote(fields[name])
            + ("" if export.rows else "; the file has no rows, so nothing is lost"),
            line=1,
            hint="add the property to the export's columns and export again",
            severity="error" if export.rows else "warning",
        )
    return not missing


def _record_id(export: Export, line: int, row: dict[str, str], column: str | None) -> str | None:
    value = export.text(row, column)
    if not value:
        export.problem("empty record id", line, column, hint="every row needs its Record ID")
        return None
    return value


class _Companies(AccountLinks):
    """The accounts read, the first row of each record id, and the links deals make to them:
    by id, else by company name or domain."""

    def __init__(self) -> None:
        super().__init__()
        self.by_name: dict[str, str] = {}  # folded name or domain -> id

    def add(self, row: Row, domain: str) -> None:
        ident = str(row["account_id"])
        self.rows[ident] = row
        for k in (fold(str(row.get("name") or "")), _domain(domain)):
            if k:
                self.by_name.setdefault(k, ident)

    def find(self, export: Export, row: dict[str, str], col: dict[str, str | None]) -> str | None:
        """The account of a deal or contact row: by id, else by company name or domain."""
        ident = _first(export.text(row, col["account_id"]))
        names = [n.strip() for n in export.text(row, col["company"]).split(";") if n.strip()]
        name = names[0] if names else ""
        if ident:
            return self.link(ident, name)
        if name:
            return self.by_name.get(fold(name)) or self.by_name.get(_domain(name))
        return None


LAST_MODIFIED = ("Last Modified Date", "Date de dernière modification")


def _last_modified(export: Export) -> float:
    """The latest ``Last Modified Date`` of a file (0 without one): how recent it is."""
    column = export.column(LAST_MODIFIED)
    if column is None:
        return 0.0
    latest = 0.0
    for _, row in export.rows:
        try:
            moment = parse_datetime(row.get(column, ""), export.dayfirst)
        except ValueError:
            continue
        if moment is not None:
            latest = max(latest, moment.timestamp())
    return latest


def _dedup(export: Export, seen: set[str], ident: str) -> bool:
    if ident in seen:
        export.skip("repeats a Record ID of a more recent export (its row was kept)")
        return False
    seen.add(ident)
    return True


def _companies(export: Export, companies: _Companies) -> None:
    col = _columns(export, COMPANY)
    if not _require(export, COMPANY, col, ["id"]):
        return
    unknown: set[str] = set()
    seen = set(companies.rows)
    for line, row in export.rows:
        ident = _record_id(export, line, row, col["id"])
        if ident is None or not _dedup(export, seen, ident):
            continue
        employees = export.number(line, row, col["employees"])
        try:
            country = country_code(export.text(row, col["country"]))
        except ValueError:
            country = None
            unknown.add(export.text(row, col["country"]))
        export.keep()
        companies.add(
            {
                "account_id": ident,
                "name": export.text(row, col["name"]) or None,
                "country": country,
                "industry": industry(export.text(row, col["industry"])),
                "employees": round(employees) if employees is not None else None,
                "annual_turnover": export.number(line, row, col["annual_turnover"]),
                "acquisition_channel": channel(export.text(row, col["acquisition_channel"])),
            },
            export.text(row, col["domain"]),
        )
    if unknown:
        export.problem(
            f"{len(unknown)} country name(s) not recognised, left empty: "
            + ", ".join(sorted(unknown)),
            column=col["country"],
            hint="write the country in English or French, or as an ISO code such as FR",
            severity="warning",
        )


def _unlinked(export: Export, n: int, what: str, col: dict[str, str | None]) -> None:
    if not n:
        return
    has = col["account_id"] or col["company"]
    why = (
        "their company is not among the companies exported"
        if has
        else "the export has no association column (a default view)"
    )
    export.problem(
        f"{n} {what} kept without a company: {why}; they count wherever a company is not "
        "needed (win rate, lost reasons, cycle, journey)",
        column=has,
        hint="to link them, export with 'Associated Company IDs' (Export > include all "
        "properties and associations) together with the companies export",
        severity="warning",
    )


def _contacts(export: Export, companies: _Companies, seen: set[str]) -> list[Row]:
    col = _columns(export, CONTACT)
    if not _require(export, CONTACT, col, ["id"]):
        return []
    rows: list[Row] = []
    orphans = 0
    for line, row in export.rows:
        ident = _record_id(export, line, row, col["id"])
        if ident is None or not _dedup(export, seen, ident):
            continue
        account = companies.find(export, row, col)
        orphans += account is None
        export.keep()
        rows.append(
            {
                "contact_id": ident,
                "account_id": account,
                "job_title": export.text(row, col["job_title"]) or None,
                "role": buying_role(export.text(row, col["role"])),
            }
        )
    _unlinked(export, orphans, "contact(s)", col)
    return rows


def _flag(export: Export, line: int, row: dict[str, str], col: dict[str, str | None]) -> str | None:
    """HubSpot's own status: ``Is Deal Closed?`` with the stage's probability."""
    closed = fold(export.text(row, col["is_closed"]))
    if closed in ("false", "no", "non", "faux"):
        return "open"
    if closed not in ("true", "yes", "oui", "vrai"):
        return None
    try:
        probability = parse_number(export.text(row, col["probability"]))
    except ValueError:
        return None
    if probability is None:
        return None
    return "won" if probability >= 1 else "lost" if probability <= 0 else None


def _deals(
    export: Export, companies: _Companies, seen: set[str], stages_read: StageReader
) -> tuple[list[Row], list[Row]]:
    col = _columns(export, DEAL)
    if not _require(export, DEAL, col, ["id", "created_at", "stage"]):
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
        if ident is None or not _dedup(export, seen, ident):
            continue
        created = export.moment(line, row, col["created_at"])
        if created is None:
            if not export.text(row, col["created_at"]):
                export.skip("no Create Date (a deal needs the day it was created)")
            continue
        entered = {name: export.moment(line, row, column) for column, name in stage_columns.items()}
        account = companies.find(export, row, col)
        orphans += account is None
        label = export.text(row, col["stage"])
        outcome = stages_read.status(label, _flag(export, line, row, col))
        status = outcome[0]
        closed = export.moment(line, row, col["closed_at"]) if status != "open" else None
        if closed is None and status != "open":
            closed = entered.get("closed_won" if status == "won" else "closed_lost")
        reason = export.text(row, col["lost_reason"]) or None
        export.keep()
        amount = export.number(line, row, col["amount"])
        source = channel(export.text(row, col["source"]))
        competitor = export.text(row, col["competitor"]) or None
        deals.append(
            deal_row(
                ident,
                account,
                created,
                outcome,
                closed,
                amount,
                reason,
                source,
                competitor=competitor,
            )
        )
        for name, moment in sorted(
            ((n, m) for n, m in entered.items() if m is not None), key=lambda item: item[1]
        ):
            stages.append({"deal_id": ident, "stage": name, "entered_at": moment})
    _unlinked(export, orphans, "deal(s)", col)
    return deals, stages


def import_hubspot(
    files: Sequence[Path], out: Path, settings: Settings | None = None
) -> ImportResult:
    """Read HubSpot CSV exports of companies, contacts and deals; write canonical tables.

    Raises :class:`~personae.errors.ImportFormatError`, writing nothing, when any file is
    not a usable HubSpot export. ``settings.stage_status`` maps misleading stage names.
    """
    exports, problems = read_all(files, SOURCE)
    # HubSpot's exports do not say their currency: it is recorded only when given (--config).
    currency = settings.currency if settings is not None else None
    settings = settings or Settings()
    order = {"hubspot.companies": 0, "hubspot.contacts": 1, "hubspot.deals": 2}
    # Overlapping exports: the most recently modified first, so its rows win.
    exports.sort(key=lambda e: (order[e.kind], -_last_modified(e)))
    tables: dict[str, list[Row]] = {}
    companies = _Companies()
    seen: dict[str, set[str]] = {"contacts": set(), "deals": set()}
    notes = []
    for export in exports:
        kind = export.kind.split(".")[1]
        if kind == "companies":
            _companies(export, companies)
            tables.setdefault("accounts", [])
        elif kind == "contacts":
            tables.setdefault("contacts", []).extend(_contacts(export, companies, seen[kind]))
        else:
            reader = StageReader(settings.stage_status)
            deals, stages = _deals(export, companies, seen[kind], reader)
            tables.setdefault("deals", []).extend(deals)
            if stages or any(STAGE_COLUMN.match(c) for c in export.labels):
                tables.setdefault("deal_stages", []).extend(stages)
            if (note := reader.report(export.name)) is not None:
                notes.append(note)
        problems.extend(export.problems)
    if "deals" not in tables and "accounts" not in tables and not companies.found:
        currency = None
    return conclude(
        SOURCE, exports, problems, tables, out, links=companies, currency=currency, notes=notes
    )


EXPORTS = (
    ExportKind(
        "hubspot.deals",
        "a HubSpot deals export",
        (
            RECORD_ID,
            ("Deal Stage", "Phase de la transaction", "Deal Name", "Nom de la transaction"),
        ),
    ),
    ExportKind(
        "hubspot.contacts",
        "a HubSpot contacts export",
        (RECORD_ID, ("First Name", "Last Name", "Email", "Prénom", "Nom", "E-mail")),
    ),
    ExportKind(
        "hubspot.companies",
        "a HubSpot companies export",
        (
            RECORD_ID,
            (
                "Company name",
                "Nom de l'entreprise",
                "Company Domain Name",
                "Nom de domaine de l'entreprise",
            ),
        ),
    ),
)
SOURCE = Source("hubspot", "HubSpot", EXPORTS, import_hubspot, "companies, contacts, deals")
