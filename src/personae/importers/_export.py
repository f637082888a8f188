"""Export files as given: read them, and recognise which export each one is by its header row.

An :class:`Export` holds a file's rows keyed by folded column label (see
:func:`~personae.importers._values.fold`), so ``"Pays/région"`` and ``"Pays/Région"`` are the
same column. :func:`recognise` knows every export the importers read, HubSpot's and Stripe's,
so that a file given to the wrong importer is named for what it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from personae.errors import Problem, Severity
from personae.importers._values import day_first, fold, parse_datetime, parse_number

#: The exports the importers know, as ``vendor.object`` -> a description for messages.
KINDS = {
    "hubspot.companies": "a HubSpot companies export",
    "hubspot.contacts": "a HubSpot contacts export",
    "hubspot.deals": "a HubSpot deals export",
    "stripe.customers": "a Stripe customers export",
    "stripe.subscriptions": "a Stripe subscriptions export",
    "stripe.invoices": "a Stripe invoices export",
}

VENDORS = {"hubspot": "HubSpot", "stripe": "Stripe"}
EXPECTS = {
    "hubspot": "a HubSpot companies, contacts or deals export",
    "stripe": "a Stripe customers, subscriptions or invoices export",
}

HUBSPOT_RECORD_ID = (
    "Record ID",
    "ID de fiche d'informations",
    "Company ID",
    "Contact ID",
    "Deal ID",
)
HUBSPOT_DEAL_MARKERS = (
    "Deal Stage",
    "Phase de la transaction",
    "Deal Name",
    "Nom de la transaction",
)
HUBSPOT_CONTACT_MARKERS = ("First Name", "Last Name", "Email", "Prénom", "Nom", "E-mail")
HUBSPOT_COMPANY_MARKERS = (
    "Company name",
    "Nom de l'entreprise",
    "Company Domain Name",
    "Nom de domaine de l'entreprise",
)
STRIPE_INVOICE_MARKERS = ("Amount Due", "amount_due")
STRIPE_SUBSCRIPTION_MARKERS = (
    "Current Period Start (UTC)",
    "Current Period End (UTC)",
    "current_period_start",
    "current_period_end",
)
STRIPE_CUSTOMER_MARKERS = ("Email", "email")
STRIPE_CUSTOMER_DATES = ("Created (UTC)", "created")


def expected_columns(vendor: str) -> str:
    """What the importer of ``vendor`` looks for, for the message about an unknown file."""
    if vendor == "hubspot":
        return (
            f"a record id column ({quote(HUBSPOT_RECORD_ID[:2])}) and, for companies, "
            f"{quote(HUBSPOT_COMPANY_MARKERS)}; for contacts, {quote(HUBSPOT_CONTACT_MARKERS)}; "
            f"for deals, {quote(HUBSPOT_DEAL_MARKERS)}"
        )
    return (
        f"an 'id' column and, for invoices, {quote(STRIPE_INVOICE_MARKERS[:1])}; for "
        f"subscriptions, {quote(STRIPE_SUBSCRIPTION_MARKERS[:2])}; for customers, "
        f"'Email' and 'Created (UTC)'"
    )


def quote(labels: Sequence[str]) -> str:
    """``'A' or 'B'``: labels as messages name them."""
    return " or ".join(f"'{label}'" for label in labels)


def _has(header: set[str], labels: Sequence[str]) -> bool:
    return any(fold(label) in header for label in labels)


def recognise(header: set[str]) -> str | None:
    """The kind of export (a key of :data:`KINDS`) a set of folded column labels belongs to."""
    if _has(header, HUBSPOT_RECORD_ID):
        if _has(header, HUBSPOT_DEAL_MARKERS):
            return "hubspot.deals"
        if _has(header, HUBSPOT_CONTACT_MARKERS):
            return "hubspot.contacts"
        if _has(header, HUBSPOT_COMPANY_MARKERS):
            return "hubspot.companies"
    if "id" in header:
        if _has(header, STRIPE_INVOICE_MARKERS):
            return "stripe.invoices"
        if _has(header, STRIPE_SUBSCRIPTION_MARKERS):
            return "stripe.subscriptions"
        if _has(header, STRIPE_CUSTOMER_MARKERS) and _has(header, STRIPE_CUSTOMER_DATES):
            return "stripe.customers"
    return None


@dataclass
class Export:
    """One export file: its header and its rows, each with its line number in the file."""

    path: Path
    kind: str
    labels: dict[str, str]  # folded label -> label as written
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    _dayfirst: bool | None = None

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def dayfirst(self) -> bool:
        """Whether this file writes ``a/b/yyyy`` dates day first (decided once per file)."""
        if self._dayfirst is None:
            self._dayfirst = day_first(v for _, row in self.rows for v in row.values())
        return self._dayfirst

    def problem(
        self,
        message: str,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
        hint: str | None = None,
        severity: Severity = "error",
    ) -> Problem:
        label = self.label(column) if column else None
        found = Problem(self.name, message, line, label, value, hint, severity)
        (self.problems if severity == "error" else self.warnings).append(found)
        return found

    def text(self, row: dict[str, str], column: str | None) -> str:
        return row.get(column, "") if column else ""

    def number(self, line: int, row: dict[str, str], column: str | None) -> float | None:
        value = self.text(row, column)
        try:
            return parse_number(value)
        except ValueError:
            self.problem("not a number", line, column, value, "write a plain number")
            return None

    def moment(self, line: int, row: dict[str, str], column: str | None) -> datetime | None:
        value = self.text(row, column)
        try:
            return parse_datetime(value, self.dayfirst)
        except ValueError:
            self.problem(
                "not a date", line, column, value, "expected e.g. 2024-03-05 14:02 or 05/03/2024"
            )
            return None

    def column(self, aliases: Sequence[str]) -> str | None:
        """The folded label of the first of ``aliases`` this file has, if any."""
        for alias in aliases:
            folded = fold(alias)
            if folded in self.labels:
                return folded
        return None

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def read_export(path: Path, vendor: str) -> Export | Problem:
    """Read one export file of ``vendor`` (``hubspot`` or ``stripe``), or say why not."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return Problem(name, "file not found", hint="check the path")
    except OSError as exc:
        return Problem(name, f"cannot read the file: {exc.strerror or exc}")
    if path.suffix.lower() in (".xlsx", ".xls", ".xlsm") or raw.startswith(_EXCEL_MAGIC):
        return Problem(
            name,
            "this is an Excel workbook; personae reads CSV exports only (XLSX is out of scope)",
            hint="export again choosing the CSV file format, or save the sheet as 'CSV UTF-8'",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        return Problem(name, "the file is empty", hint="export again; the file has no header row")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        return Problem(name, f"not a readable CSV file: {exc}")
    labels: dict[str, str] = {}
    for label in header:
        labels.setdefault(fold(label), label.strip())
    kind = recognise(set(labels))
    if kind is None or not kind.startswith(vendor + "."):
        found = quote(header[:12]).replace(" or ", ", ")
        found += ", …" if len(header) > 12 else ""
        if kind is not None:
            other = kind.split(".")[0]
            return Problem(
                name,
                f"this looks like {KINDS[kind]}, not {EXPECTS[vendor]}",
                line=1,
                hint=f"pass it to `personae import {other}` instead",
            )
        return Problem(
            name,
            f"not {EXPECTS[vendor]}: looked for {expected_columns(vendor)}; "
            f"the header row has {found or 'no columns'}",
            line=1,
            hint=f"export the file again from {VENDORS[vendor]} as CSV (see docs/importers.md)",
        )
    export = Export(path, kind, labels)
    keys = list(labels)
    previous = 1
    try:
        for cells in reader:
            line = previous + 1
            previous = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            row: dict[str, str] = {}
            for index, cell in enumerate(cells[: len(header)]):
                folded = fold(header[index])
                row.setdefault(folded, cell.strip())
            for k in keys:
                row.setdefault(k, "")
            export.rows.append((line, row))
    except csv.Error as exc:
        return Problem(name, f"not a readable CSV file: {exc}", line=reader.line_num)
    return export


def read_all(files: Sequence[Path], vendor: str) -> tuple[list[Export], list[Problem]]:
    """Every file read, or the problems that stop the import (all of them, not the first)."""
    exports: list[Export] = []
    problems: list[Problem] = []
    if not files:
        problems.append(Problem("(no files)", "no export file given", hint="pass CSV exports"))
    for path in files:
        found = read_export(Path(path), vendor)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            exports.append(found)
    return exports, problems
