"""Stripe exports (customers, subscriptions, invoices; CSV) -> ``accounts`` and ``revenue``.

The Dashboard's exports (Customers / Subscriptions / Invoices -> Export) label columns like
``Amount Due`` and write amounts in major units (``490.00``); exports built from the API
(Sigma, scripts) label them like ``amount_due`` and write minor units (``49000``, cents).
Both are read; the header says which.

Revenue is one line per paid invoice, net of tax (``Total - Tax``, else ``Subtotal``):

- a subscription invoice is recurring; its service period is the invoice's own period when
  that period lies ahead of the invoice date, else ``[invoice date, + the subscription's
  interval)``: Stripe gives a subscription's first invoice an empty period and its renewals
  the period *just ended*, while billing in advance for the one ahead;
- a one-off invoice is not recurring and keeps its period only if it has a real one;
- a post-payment credit note on an invoice becomes a negative line (net of tax, pro rata);
- draft, open, void and uncollectible invoices are skipped, counted in an
  :class:`~personae.importers.ImporterWarning`.

A canceled subscription simply has no further invoices: nothing else is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from personae.importers._export import Export, quote, read_all
from personae.importers._tables import Row, fail, warn, write_tables
from personae.importers._values import country_code, fold, months_between
from personae.months import add_months

__all__ = ["import_stripe"]

# --- column labels: Dashboard export, then API field names ------------------------------

CUSTOMER = {
    "id": ("id",),
    "name": ("Name", "name"),
    "business_name": ("Business Name", "business_name"),
    "description": ("Description", "description"),
    "country": (
        "Address Country",
        "address_country",
        "address.country",
        "Card Address Country",
        "Billing Address Country",
        "Shipping Address Country",
    ),
    "tax_id": ("Business Vat ID", "Tax ID", "Tax IDs", "tax_ids", "business_vat_id"),
    "tax_exempt": ("Tax Exempt", "tax_exempt"),
}
SUBSCRIPTION = {
    "id": ("id",),
    "customer": ("Customer ID", "Customer", "customer"),
    "customer_name": ("Customer Name", "customer_name"),
    "plan": ("Plan", "Plan Name", "plan", "price"),
    "product": ("Product", "Product Name", "product"),
    "interval": ("Interval", "plan.interval", "interval"),
    "interval_count": ("Interval Count", "plan.interval_count", "interval_count"),
    "period_start": ("Current Period Start (UTC)", "current_period_start"),
    "period_end": ("Current Period End (UTC)", "current_period_end"),
}
INVOICE = {
    "id": ("id",),
    "customer": ("Customer", "Customer ID", "customer"),
    "customer_name": ("Customer Name", "customer_name"),
    "date": ("Date (UTC)", "Created (UTC)", "created", "date"),
    "status": ("Status", "status"),
    "paid": ("Paid", "paid"),
    "subscription": ("Subscription", "subscription"),
    "subtotal": ("Subtotal", "subtotal"),
    "tax": ("Tax", "tax"),
    "total": ("Total", "total"),
    "amount_paid": ("Amount Paid", "amount_paid"),
    "currency": ("Currency", "currency"),
    "period_start": ("Period Start (UTC)", "period_start"),
    "period_end": ("Period End (UTC)", "period_end"),
    "description": ("Description", "description"),
    "credit_notes": ("Post Payment Credit Notes Amount", "post_payment_credit_notes_amount"),
}
#: Metadata keys that link a Stripe customer to its HubSpot company (``account_id``).
CRM_LINKS = ("hubspot_company_id", "hubspot_id", "hs_company_id", "hs_object_id")
#: Metadata keys that say whether a customer is a business or a person.
KIND_KEYS = ("customer_type", "kind", "type", "segment_type")
B2B_WORDS = {"b2b", "business", "company", "entreprise", "professionnel", "pro"}
B2C_WORDS = {"b2c", "individual", "person", "personal", "particulier", "consumer"}
#: Legal forms that make a customer name a company's.
LEGAL_FORMS = {
    "sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "gmbh", "ag", "kg", "bv",
    "nv", "srl", "spa", "sl", "ltd", "limited", "llc", "llp", "inc", "corp", "plc", "oy", "ab",
}  # fmt: skip
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx",
                "vnd", "vuv", "xaf", "xof", "xpf"}  # fmt: skip
INTERVAL_MONTHS = {"month": 1, "quarter": 3, "year": 12, "week": 0, "day": 0}
PAID_STATUSES = {"paid"}
SKIPPED_STATUSES = ("draft", "open", "void", "uncollectible")


def _metadata(export: Export, row: dict[str, str], keys: Sequence[str]) -> str:
    """A metadata value: Dashboard ``key (metadata)`` or API ``metadata.key`` columns."""
    for k in keys:
        for label in (f"{k} (metadata)", f"metadata.{k}", f"metadata[{k}]"):
            value = row.get(fold(label), "")
            if value:
                return value
    return ""


def customer_kind(name: str, tax_id: str, tax_exempt: str, declared: str) -> str | None:
    """``B2B`` or ``B2C`` when the export says so, else ``None`` (the default, B2B)."""
    words = set(fold(declared).replace("-", " ").split())
    if words & B2C_WORDS:
        return "B2C"
    if words & B2B_WORDS or tax_id or fold(tax_exempt) == "reverse":
        return "B2B"
    if set(fold(name).replace(".", "").replace(",", " ").split()) & LEGAL_FORMS:
        return "B2B"
    return None


@dataclass
class _Customer:
    account_id: str
    row: Row


@dataclass
class _Subscription:
    product: str | None
    months: int


def _customers(export: Export) -> dict[str, _Customer]:
    col = {name: export.column(labels) for name, labels in CUSTOMER.items()}
    found: dict[str, _Customer] = {}
    unknown: set[str] = set()
    for line, row in export.rows:
        ident = export.text(row, col["id"])
        if not ident:
            export.problem("empty customer id", line, col["id"])
            continue
        name = export.text(row, col["business_name"]) or export.text(row, col["name"])
        name = name or export.text(row, col["description"])
        try:
            country = country_code(export.text(row, col["country"]))
        except ValueError:
            country = None
            unknown.add(export.text(row, col["country"]))
        account = _metadata(export, row, CRM_LINKS) or ident
        declared = _metadata(export, row, KIND_KEYS)
        if not declared and export.text(row, col["business_name"]):
            declared = "business"
        kind = customer_kind(
            name, export.text(row, col["tax_id"]), export.text(row, col["tax_exempt"]), declared
        )
        found.setdefault(
            ident,
            _Customer(
                account,
                {"account_id": account, "name": name or None, "kind": kind, "country": country},
            ),
        )
    if unknown:
        export.problem(
            "country not recognised, left empty: " + ", ".join(sorted(unknown)),
            column=col["country"],
            severity="warning",
        )
    return found


def _subscriptions(export: Export, customers: dict[str, _Customer]) -> dict[str, _Subscription]:
    col = {name: export.column(labels) for name, labels in SUBSCRIPTION.items()}
    found: dict[str, _Subscription] = {}
    for line, row in export.rows:
        ident = export.text(row, col["id"])
        if not ident:
            export.problem("empty subscription id", line, col["id"])
            continue
        interval = fold(export.text(row, col["interval"]))
        count = export.number(line, row, col["interval_count"]) or 1
        months = INTERVAL_MONTHS.get(interval, 1) * round(count)
        start = export.moment(line, row, col["period_start"])
        end = export.moment(line, row, col["period_end"])
        if start and end and not export.text(row, col["interval_count"]):
            months = months_between(start.date(), end.date()) or months
        product = export.text(row, col["product"]) or export.text(row, col["plan"])
        found[ident] = _Subscription(product or None, max(months, 1))
        _register(
            customers, export.text(row, col["customer"]), export.text(row, col["customer_name"])
        )
    return found


def _register(customers: dict[str, _Customer], ident: str, name: str) -> None:
    """An account for a customer seen only in subscriptions or invoices."""
    if ident and ident not in customers:
        customers[ident] = _Customer(
            ident,
            {"account_id": ident, "name": name or None, "kind": customer_kind(name, "", "", "")},
        )


def _period(
    day: date,
    start: date | None,
    end: date | None,
    subscription: _Subscription | None,
    recurring: bool,
) -> tuple[date | None, date | None]:
    if start and end and end > start and end > day:
        return start, end
    if not recurring:
        return (start, end) if start and end and end > start else (None, None)
    months = subscription.months if subscription else 0
    if not months and start and end:
        months = months_between(start, end)
    return day, add_months(day, months or 1)


def _invoices(
    export: Export,
    customers: dict[str, _Customer],
    subscriptions: dict[str, _Subscription],
) -> list[Row]:
    col = {name: export.column(labels) for name, labels in INVOICE.items()}
    for name in ("customer", "date"):
        if col[name] is None:
            export.problem(
                f"no {name} column: looked for " + quote(INVOICE[name]),
                line=1,
                hint="export the invoices again with this column",
            )
    if col["total"] is None and col["subtotal"] is None and col["amount_paid"] is None:
        export.problem(
            "no amount column: looked for 'Total', 'Subtotal' or 'Amount Paid'",
            line=1,
            hint="export the invoices again with these columns",
        )
    if export.problems:
        return []
    minor_units = "amount_due" in export.labels  # API field names: amounts in cents
    lines: list[Row] = []
    skipped: dict[str, int] = {}
    currencies: set[str] = set()
    for line, row in export.rows:
        status = fold(export.text(row, col["status"]))
        if not status and col["paid"]:
            status = "paid" if fold(export.text(row, col["paid"])) == "true" else "open"
        if status not in PAID_STATUSES:
            skipped[status or "no status"] = skipped.get(status or "no status", 0) + 1
            continue
        moment = export.moment(line, row, col["date"])
        total = export.number(line, row, col["total"])
        tax = export.number(line, row, col["tax"]) or 0.0
        subtotal = export.number(line, row, col["subtotal"])
        paid = export.number(line, row, col["amount_paid"])
        credit = export.number(line, row, col["credit_notes"]) or 0.0
        customer = export.text(row, col["customer"])
        if not customer:
            export.problem("empty customer", line, col["customer"])
        if moment is None or not customer:
            if moment is None and not export.text(row, col["date"]):
                export.problem("empty invoice date", line, col["date"])
            continue
        if total is not None:
            gross, net = total, total - tax
        elif subtotal is not None:
            gross, net = subtotal + tax, subtotal
        else:
            gross, net = paid or 0.0, (paid or 0.0) - tax
        currency = fold(export.text(row, col["currency"]))
        currencies.add(currency)
        scale = 1.0 if not minor_units or currency in ZERO_DECIMAL else 100.0
        _register(customers, customer, export.text(row, col["customer_name"]))
        sub_id = export.text(row, col["subscription"])
        subscription = subscriptions.get(sub_id)
        day = moment.date()
        start = export.moment(line, row, col["period_start"])
        end = export.moment(line, row, col["period_end"])
        period = _period(
            day,
            start.date() if start else None,
            end.date() if end else None,
            subscription,
            bool(sub_id),
        )
        product = (subscription.product if subscription else None) or (
            export.text(row, col["description"]) or None
        )
        base: Row = {
            "account_id": customers[customer].account_id,
            "date": day,
            "recurring": bool(sub_id),
            "period_start": period[0],
            "period_end": period[1],
            "product": product,
        }
        if net:
            lines.append({**base, "amount": net / scale})
        if credit and gross:
            lines.append({**base, "amount": -credit * (net / gross) / scale})
    if skipped:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(skipped.items()))
        export.problem(
            f"{sum(skipped.values())} invoice(s) not paid were skipped ({counts})",
            column=col["status"],
            severity="warning",
        )
    if len(currencies - {""}) > 1:
        export.problem(
            "invoices in several currencies: "
            + ", ".join(sorted(c.upper() for c in currencies if c))
            + "; their amounts were not converted",
            column=col["currency"],
            hint="convert them to the company currency before reporting",
            severity="warning",
        )
    return lines


def import_stripe(files: Sequence[Path], out: Path) -> dict[str, Path]:
    """Read Stripe CSV exports of customers, subscriptions and invoices; write canonical tables.

    Returns table name -> written CSV (``accounts``, and ``revenue`` when invoices are
    given). Raises :class:`~personae.errors.ImportFormatError`, writing nothing, when any
    file is not a usable Stripe export.
    """
    exports, problems = read_all(files, "stripe")
    order = {"stripe.customers": 0, "stripe.subscriptions": 1, "stripe.invoices": 2}
    customers: dict[str, _Customer] = {}
    subscriptions: dict[str, _Subscription] = {}
    revenue: list[Row] = []
    has_invoices = False
    for export in sorted(exports, key=lambda e: order[e.kind]):
        if export.kind == "stripe.customers":
            for ident, customer in _customers(export).items():
                customers.setdefault(ident, customer)
        elif export.kind == "stripe.subscriptions":
            subscriptions.update(_subscriptions(export, customers))
        else:
            has_invoices = True
            revenue.extend(_invoices(export, customers, subscriptions))
        problems.extend(export.problems)
    if problems:
        raise fail("Stripe", problems)
    accounts: dict[str, Row] = {}
    for customer in customers.values():
        current = accounts.setdefault(customer.account_id, {})
        for name, value in customer.row.items():
            if current.get(name) in (None, ""):
                current[name] = value
    tables: dict[str, list[Row]] = {"accounts": list(accounts.values())}
    if has_invoices:
        tables["revenue"] = revenue
    written = write_tables(out, tables, prefer_new_accounts=False)
    warn([w for export in exports for w in export.warnings])
    return written
