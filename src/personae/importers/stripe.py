"""Stripe exports (customers, subscriptions, invoices, payments; CSV) -> accounts, revenue.

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
- draft, open, void and uncollectible invoices are skipped, counted with their reason.

A canceled subscription simply has no further invoices: nothing else is recorded.

The payments export (``unified_payments.csv``, Payments -> Export), all that many small
businesses have, is revenue too: one line per succeeded payment, in the account's own
currency (``Converted Amount`` / ``Converted Currency``, beside the charge's own), refunds
netted (``Converted Amount Refunded``); not recurring unless linked to a subscription or an
invoice. A payment of an invoice also given is skipped (the invoice counts it).

Customers: guest rows (an empty ``id``: one-off payers without a customer record) are
skipped and counted; the country is ``Address Country``, else the card's; ``kind`` is B2B
when a VAT id or business name is given; ``(metadata)`` columns are kept as
``stripe_<key>`` columns of ``accounts``. Amounts in a currency other than the export's
main one are never added up: those rows are skipped, counted, and the import says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from personae.errors import Problem
from personae.importers._export import Export, quote, read_all
from personae.importers._stripe_customers import (
    Customer,
    customer_kind,
    read_customers,
    register,
)
from personae.importers._stripe_payments import (
    main_currency,
    other_currency,
    read_payments,
    say_skipped,
)
from personae.importers._tables import Row, fail, finish
from personae.importers._values import fold, months_between
from personae.importers.registry import ExportKind, ImportResult, Source
from personae.months import add_months
from personae.settings import Settings

__all__ = ["EXPORTS", "SOURCE", "customer_kind", "import_stripe"]

# --- column labels: Dashboard export, then API field names ------------------------------

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
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx",
                "vnd", "vuv", "xaf", "xof", "xpf"}  # fmt: skip
INTERVAL_MONTHS = {"month": 1, "quarter": 3, "year": 12, "week": 0, "day": 0}
PAID_STATUSES = {"paid"}


@dataclass
class _Subscription:
    product: str | None
    months: int


def _subscriptions(export: Export, customers: dict[str, Customer]) -> dict[str, _Subscription]:
    col = {name: export.column(labels) for name, labels in SUBSCRIPTION.items()}
    found: dict[str, _Subscription] = {}
    for line, row in export.rows:
        ident = export.text(row, col["id"])
        if not ident:
            export.problem("empty subscription id", line, col["id"])
            continue
        export.keep()
        interval = fold(export.text(row, col["interval"]))
        count = export.number(line, row, col["interval_count"]) or 1
        months = INTERVAL_MONTHS.get(interval, 1) * round(count)
        start = export.moment(line, row, col["period_start"])
        end = export.moment(line, row, col["period_end"])
        if start and end and not export.text(row, col["interval_count"]):
            months = months_between(start.date(), end.date()) or months
        product = export.text(row, col["product"]) or export.text(row, col["plan"])
        found[ident] = _Subscription(product or None, max(months, 1))
        register(
            customers, export.text(row, col["customer"]), export.text(row, col["customer_name"])
        )
    return found


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
    customers: dict[str, Customer],
    subscriptions: dict[str, _Subscription],
) -> tuple[list[Row], str]:
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
        return [], ""
    minor_units = "amount_due" in export.labels  # API field names: amounts in cents
    main = main_currency(export, col["currency"])
    lines: list[Row] = []
    for line, row in export.rows:
        status = fold(export.text(row, col["status"]))
        if not status and col["paid"]:
            status = "paid" if fold(export.text(row, col["paid"])) == "true" else "open"
        if status not in PAID_STATUSES:
            export.skip(f"invoice not paid ({status or 'no status'})")
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
        currency = fold(export.text(row, col["currency"]))
        if other_currency(export, currency, main):
            continue
        if total is not None:
            gross, net = total, total - tax
        elif subtotal is not None:
            gross, net = subtotal + tax, subtotal
        else:
            gross, net = paid or 0.0, (paid or 0.0) - tax
        scale = 1.0 if not minor_units or currency in ZERO_DECIMAL else 100.0
        register(customers, customer, export.text(row, col["customer_name"]))
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
        if net or credit:
            export.keep()
        else:
            export.skip("invoice of zero")
    say_skipped(export, col["status"])
    return lines, main


def import_stripe(
    files: Sequence[Path], out: Path, settings: Settings | None = None
) -> ImportResult:
    """Read Stripe CSV exports of customers, subscriptions, invoices and payments.

    Writes ``accounts``, and ``revenue`` when invoices or payments are given. Raises
    :class:`~personae.errors.ImportFormatError`, writing nothing, when any file is not a
    usable Stripe export.
    """
    del settings  # nothing to set yet
    exports, problems = read_all(files, SOURCE)
    order = {
        "stripe.customers": 0,
        "stripe.subscriptions": 1,
        "stripe.invoices": 2,
        "stripe.payments": 3,
    }
    customers: dict[str, Customer] = {}
    subscriptions: dict[str, _Subscription] = {}
    revenue: list[Row] = []
    invoiced: set[str] = set()
    currencies: dict[str, str] = {}
    has_revenue = False
    for export in sorted(exports, key=lambda e: order[e.kind]):
        if export.kind == "stripe.customers":
            for ident, customer in read_customers(export).items():
                customers.setdefault(ident, customer)
        elif export.kind == "stripe.subscriptions":
            subscriptions.update(_subscriptions(export, customers))
        elif export.kind == "stripe.invoices":
            has_revenue = True
            id_col = export.column(("id",))
            invoiced |= {export.text(row, id_col) for _, row in export.rows}
            lines, currency = _invoices(export, customers, subscriptions)
            revenue.extend(lines)
            currencies[export.name] = currency
        else:
            has_revenue = True
            lines, currency = read_payments(export, customers, invoiced)
            revenue.extend(lines)
            currencies[export.name] = currency
        problems.extend(export.problems)
    found = {c for c in currencies.values() if c}
    if len(found) > 1:
        listing = ", ".join(f"{f} in {c.upper()}" for f, c in currencies.items() if c)
        problems.append(
            Problem(
                "(several files)",
                f"the exports are in different currencies ({listing}); personae never adds "
                "up amounts in different currencies",
                hint="export from one Stripe account, or convert to one currency first",
            )
        )
    if problems:
        raise fail("Stripe", problems)
    accounts: dict[str, Row] = {}
    for customer in customers.values():
        current = accounts.setdefault(customer.account_id, {})
        for name, value in customer.row.items():
            if current.get(name) in (None, ""):
                current[name] = value
    tables: dict[str, list[Row]] = {"accounts": list(accounts.values())}
    if has_revenue:
        tables["revenue"] = revenue
    return finish(
        "stripe",
        exports,
        tables,
        out,
        currency=next(iter(found), "").upper() or None,
        prefer_new_accounts=False,
    )


EXPORTS = (
    ExportKind(
        "stripe.invoices", "a Stripe invoices export", (("id",), ("Amount Due", "amount_due"))
    ),
    ExportKind(
        "stripe.subscriptions",
        "a Stripe subscriptions export",
        (
            ("id",),
            (
                "Current Period Start (UTC)",
                "Current Period End (UTC)",
                "current_period_start",
                "current_period_end",
            ),
        ),
    ),
    ExportKind(
        "stripe.payments",
        "a Stripe payments export",
        (("id",), ("Amount Refunded", "amount_refunded"), ("Customer ID", "Customer Email")),
    ),
    ExportKind(
        "stripe.customers",
        "a Stripe customers export",
        (("id",), ("Email", "email"), ("Created (UTC)", "created")),
    ),
)
SOURCE = Source(
    "stripe", "Stripe", EXPORTS, import_stripe, "customers, subscriptions, invoices, payments"
)
