"""Salesforce exports (weekly Data Export, or report exports) -> accounts, contacts, deals.

- **Data Export** (*Setup > Data Export*, a zip of one CSV per object, API names as
  headers, ISO-8859-1 or UTF-8, booleans ``0``/``1``, empty lookups written
  ``000000000000000AAA``): ``Account.csv`` -> ``accounts``; ``Contact.csv`` -> ``contacts``
  (``Title``), with ``OpportunityContactRole.csv`` giving buying roles; ``Opportunity.csv``
  -> ``deals`` (status from ``IsClosed``/``IsWon``; stage names say abandoned deals);
  ``OpportunityHistory.csv`` -> ``deal_stages`` (one row per stage a deal entered);
  ``CurrencyType.csv`` gives the rates: every amount is converted to the corporate currency
  (``IsCorporate = 1``), never added raw, and the import says so. ``User.csv`` and other
  objects are recognised and left out, counted.
- **Report export** (*Export > Details Only*, CSV, ``report<epoch ms>.csv``): labels as the
  report shows them, in the user's language (:data:`REPORT`), and a footer after a blank
  line (``Grand Totals (N records)``, ``Confidential Information…``, ``Copyright…``),
  skipped and counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from personae.errors import Problem
from personae.importers._export import Export, read_all
from personae.importers._salesforce_labels import (
    ACCOUNT,
    CONTACT,
    EMPTY_IDS,
    FOOTER,
    HISTORY,
    OPPORTUNITY,
    ROLES,
)
from personae.importers._stages import StageReader, deal_row
from personae.importers._tables import Row, conclude
from personae.importers._values import country_code, fold, snake_case
from personae.importers.registry import ExportKind, ImportResult, Source
from personae.settings import Settings

__all__ = ["EXPORTS", "SOURCE", "import_salesforce"]


def _id(value: str) -> str:
    return "" if fold(value) in EMPTY_IDS else value


def _true(value: str) -> bool:
    return fold(value) in ("1", "true", "yes", "oui", "si", "sí", "vrai")


def _cols(export: Export, fields: Mapping[str, tuple[str, ...]]) -> dict[str, str | None]:
    return {name: export.column(labels) for name, labels in fields.items()}


_FOOTER_INITIALS = frozenset(f[0] for f in FOOTER)


def _footer(export: Export, row: dict[str, str]) -> bool:
    first = next((v for v in row.values() if v), "")
    # every footer starts with one of these letters: most rows are told without folding
    return first[:1].lower() in _FOOTER_INITIALS and fold(first).startswith(FOOTER)


def _records(
    export: Export, col: Mapping[str, str | None], what: str
) -> Iterator[tuple[int, dict[str, str], str]]:
    """(line, row, Id) of each live record: a report's footer and deleted records skipped and
    counted, a row without an Id a problem (``what``: the object, for the message)."""
    for line, row in export.rows:
        if _footer(export, row):
            export.skip("report footer (Grand Totals, Confidential…)")
        elif _true(export.text(row, col["deleted"])):
            export.skip("deleted record (IsDeleted = 1)")
        elif not (ident := export.text(row, col["id"])):
            export.problem(f"empty {what} Id", line, col["id"], hint="export the Id column")
        else:
            yield line, row, ident


class _Rates:
    """``CurrencyType.csv``: units of each currency per unit of the corporate one."""

    def __init__(self) -> None:
        self.corporate = ""
        self.file = "CurrencyType.csv"
        self.rates: dict[str, float] = {}
        self.converted: Counter[str] = Counter()

    def read(self, export: Export) -> None:
        self.file = export.name
        col = _cols(
            export,
            {"code": ("IsoCode",), "rate": ("ConversionRate",), "corporate": ("IsCorporate",)},
        )
        for line, row in export.rows:
            code = export.text(row, col["code"]).upper()
            rate = export.number(line, row, col["rate"])
            if code and rate:
                self.rates[code] = rate
                export.keep()
            else:
                export.skip("no currency code or rate")
            if _true(export.text(row, col["corporate"])):
                self.corporate = code

    def convert(self, amount: float | None, currency: str) -> float | None:
        """``amount`` in the corporate currency; None when it cannot be converted."""
        if amount is None or not currency or currency == self.corporate:
            return amount
        if currency not in self.rates:
            return None
        self.converted[currency] += 1
        return amount / self.rates[currency]


def _accounts(export: Export) -> list[Row]:
    col = _cols(export, ACCOUNT)
    rows: list[Row] = []
    for line, row, ident in _records(export, col, "account"):
        try:
            country = country_code(export.text(row, col["country"]))
        except ValueError:
            country = None
        employees = export.number(line, row, col["employees"])
        export.keep()
        rows.append(
            {
                "account_id": ident,
                "name": export.text(row, col["name"]) or None,
                "country": country,
                "industry": export.text(row, col["industry"]) or None,
                "employees": round(employees) if employees is not None else None,
                "annual_turnover": export.number(line, row, col["turnover"]),
                "acquisition_channel": export.text(row, col["source"]) or None,
            }
        )
    return rows


def _roles(export: Export) -> dict[str, str]:
    col = _cols(export, {"contact": ("ContactId",), "role": ("Role",), "deleted": ("IsDeleted",)})
    found: dict[str, str] = {}
    for _, row in export.rows:
        role = ROLES.get(fold(export.text(row, col["role"])))
        contact = _id(export.text(row, col["contact"]))
        if _true(export.text(row, col["deleted"])) or not contact:
            export.skip("deleted or without a contact")
        elif role is None:
            export.skip("no buying role given")
        else:
            found.setdefault(contact, role)
            export.keep()
    return found


def _contacts(export: Export, roles: dict[str, str]) -> list[Row]:
    col = _cols(export, CONTACT)
    rows: list[Row] = []
    for _, row, ident in _records(export, col, "contact"):
        export.keep()
        rows.append(
            {
                "contact_id": ident,
                "account_id": _id(export.text(row, col["account_id"])) or None,
                "job_title": export.text(row, col["title"]) or None,
                "department": export.text(row, col["department"]) or None,
                "role": roles.get(ident),
            }
        )
    return rows


def _opportunities(export: Export, rates: _Rates, reader: StageReader) -> list[Row]:
    col = _cols(export, OPPORTUNITY)
    for name in ("id", "stage", "created"):
        if col[name] is None:
            export.problem(
                f"no column for the opportunity's {name}: looked for "
                + ", ".join(repr(a) for a in OPPORTUNITY[name]),
                line=1,
                hint="add the column to the report (or use the Data Export's Opportunity.csv)",
            )
    if export.problems:
        return []
    deals: list[Row] = []
    unconvertible: Counter[str] = Counter()
    reasons = _all(export, OPPORTUNITY["lost_reason"])
    for line, row, ident in _records(export, col, "opportunity"):
        created = export.moment(line, row, col["created"])
        if created is None:
            if not export.text(row, col["created"]):
                export.skip("no creation date (a deal needs the day it was created)")
            continue
        flag = None
        if col["is_closed"] is not None:
            closed_flag = _true(export.text(row, col["is_closed"]))
            won = _true(export.text(row, col["is_won"]))
            flag = ("won" if won else "lost") if closed_flag else "open"
        outcome = reader.status(export.text(row, col["stage"]), flag)
        status = outcome[0]
        closed = export.moment(line, row, col["closed"]) if status != "open" else None
        currency = export.text(row, col["currency"]).upper()
        raw = export.number(line, row, col["amount"])
        amount = rates.convert(raw, currency) if rates.rates else raw
        if raw is not None and amount is None:
            unconvertible[currency] += 1
        reason = next((row[c] for c in reasons if row.get(c)), "")
        account = _id(export.text(row, col["account_id"])) or None
        source = export.text(row, col["source"]) or None
        export.keep()
        deals.append(deal_row(ident, account, created, outcome, closed, amount, reason, source))
    if unconvertible:
        listing = ", ".join(f"{n} in {c}" for c, n in sorted(unconvertible.items()))
        export.problem(
            f"{sum(unconvertible.values())} opportunity amount(s) left empty: no rate in "
            f"CurrencyType.csv for their currency ({listing}); amounts in different currencies "
            "are never added up",
            column=col["currency"],
            hint="add CurrencyType.csv from the same Data Export",
            severity="warning",
        )
    return deals


def _all(export: Export, labels: tuple[str, ...]) -> list[str]:
    """Every folded label of ``labels`` the file has (``Loss_Reason__c`` and ``LossReason__c``)."""
    return [fold(label) for label in labels if fold(label) in export.labels]


def _history(export: Export, deals: set[str]) -> list[Row]:
    col = _cols(export, HISTORY)
    stages: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for line, row in export.rows:
        deal = export.text(row, col["deal"])
        stage = export.text(row, col["stage"])
        if _true(export.text(row, col["deleted"])):
            export.skip("deleted record (IsDeleted = 1)")
            continue
        if deals and deal not in deals:
            export.skip("history of an opportunity not in the opportunities export")
            continue
        if stage and stage == export.text(row, col["from_stage"]):
            export.skip("a change of amount or date, not of stage")
            continue
        moment = export.moment(line, row, col["created"])
        if moment is None or not stage:
            export.skip("no stage or no date")
            continue
        if (deal, stage) in seen:
            export.skip("re-entered a stage already entered (the first entry was kept)")
            continue
        seen.add((deal, stage))
        export.keep()
        stages.append({"deal_id": deal, "stage": snake_case(stage), "entered_at": moment})
    return stages


def import_salesforce(
    files: Sequence[Path], out: Path, settings: Settings | None = None
) -> ImportResult:
    """Read a Salesforce Data Export (or report exports); write canonical tables.

    Raises :class:`~personae.errors.ImportFormatError`, writing nothing, when any file is
    not a usable Salesforce export.
    """
    settings = settings or Settings()
    exports, problems = read_all(files, SOURCE)
    order = {kind.name: i for i, kind in enumerate(EXPORTS)}
    order.update({"salesforce.currencies": -2, "salesforce.roles": -1})
    exports.sort(key=lambda e: order[e.kind])
    rates = _Rates()
    roles: dict[str, str] = {}
    tables: dict[str, list[Row]] = {}
    notes: list[Problem] = []
    currencies: Counter[str] = Counter()
    for export in exports:
        kind = export.kind.split(".")[1]
        if kind == "currencies":
            rates.read(export)
        elif kind == "roles":
            roles = _roles(export)
        elif kind == "accounts":
            tables.setdefault("accounts", []).extend(_accounts(export))
        elif kind == "contacts":
            tables.setdefault("contacts", []).extend(_contacts(export, roles))
        elif kind == "opportunities":
            col = export.column(OPPORTUNITY["currency"])
            currencies.update(export.text(r, col).upper() for _, r in export.rows if col)
            reader = StageReader(settings.stage_status)
            tables.setdefault("deals", []).extend(_opportunities(export, rates, reader))
            if (note := reader.report(export.name)) is not None:
                notes.append(note)
        elif kind == "history":
            deals = {str(d["deal_id"]) for d in tables.get("deals", [])}
            tables.setdefault("deal_stages", []).extend(_history(export, deals))
        else:
            export.skip("a Salesforce object personae does not use", len(export.rows))
        problems.extend(export.problems)
    currencies.pop("", None)
    if len(currencies) > 1 and not rates.rates:
        problems.append(
            Problem(
                ", ".join(e.name for e in exports if e.kind == "salesforce.opportunities"),
                f"opportunities in several currencies ({', '.join(sorted(currencies))}) and no "
                "CurrencyType.csv: personae never adds up amounts in different currencies",
                hint="add CurrencyType.csv from the same Data Export (it holds the rates)",
            )
        )
    currency = rates.corporate or (next(iter(currencies)) if len(currencies) == 1 else None)
    if rates.converted:
        listing = ", ".join(
            f"{n} in {c} (÷ {rates.rates[c]:g})" for c, n in sorted(rates.converted.items())
        )
        notes.append(
            Problem(
                rates.file,
                f"opportunity amounts converted to {rates.corporate}, the corporate currency, "
                f"with the export's own rates: {listing}",
                hint="the dossier's amounts are in " + rates.corporate,
                severity="info",
            )
        )
    _unknown_accounts(tables, exports)
    return conclude(SOURCE, exports, problems, tables, out, currency=currency, notes=notes)


def _unknown_accounts(tables: dict[str, list[Row]], exports: Sequence[Export]) -> None:
    """Accounts that contacts and deals point at but the accounts export lacks: stubs."""
    accounts = tables.get("accounts", [])
    known = {r["account_id"] for r in accounts}
    missing = sorted(
        {
            str(r["account_id"])
            for name in ("contacts", "deals")
            for r in tables.get(name, [])
            if r.get("account_id") and r["account_id"] not in known
        }
    )
    if missing:
        tables["accounts"] = accounts + [{"account_id": a} for a in missing]
        file = next((e for e in exports if e.kind == "salesforce.accounts"), None)
        if file is not None:
            file.warnings.append(
                Problem(
                    file.name,
                    f"{len(missing)} account(s) named by contacts or opportunities are not in "
                    "this file: added with their Id only",
                    hint="export every Account (the Data Export's Account.csv) to have their "
                    "name, industry and country",
                    severity="warning",
                )
            )


_API = ("Id",)
EXPORTS = (
    ExportKind(
        "salesforce.opportunities",
        "a Salesforce opportunities export",
        (OPPORTUNITY["stage"], OPPORTUNITY["name"], OPPORTUNITY["closed"]),
    ),
    ExportKind(
        "salesforce.history",
        "a Salesforce opportunity history export",
        (("OpportunityId",), ("StageName",), ("FromOpportunityStageName", "PrevAmount")),
    ),
    ExportKind(
        "salesforce.roles",
        "a Salesforce opportunity contact roles export",
        (("OpportunityId",), ("ContactId",), ("Role",)),
    ),
    ExportKind(
        "salesforce.currencies",
        "a Salesforce currency types export",
        (("IsoCode",), ("ConversionRate",)),
    ),
    ExportKind(
        "salesforce.users",
        "a Salesforce users export",
        (_API, ("Username",), ("ProfileId", "UserRoleId")),
    ),
    ExportKind(
        "salesforce.contacts",
        "a Salesforce contacts export",
        (_API, ("AccountId",), ("FirstName", "LastName"), ("Title", "Email")),
    ),
    ExportKind(
        "salesforce.accounts",
        "a Salesforce accounts export",
        (_API, ("Name",), ("BillingCountry", "BillingCity", "AccountNumber", "Industry")),
    ),
)
SOURCE = Source(
    "salesforce",
    "Salesforce",
    EXPORTS,
    import_salesforce,
    "Data Export (Account, Contact, Opportunity, OpportunityHistory, CurrencyType…), reports",
)
