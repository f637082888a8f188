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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from personae.errors import Problem
from personae.importers._export import Export, quote, read_all
from personae.importers._tables import Row, fail, finish
from personae.importers._values import add_months, country_code, fold, months_between, snake_case
from personae.importers.registry import ExportKind, ImportResult, Source
from personae.settings import Settings

__all__ = ["EXPORTS", "SOURCE", "customer_kind", "import_stripe"]

# --- column labels: Dashboard export, then API field names ------------------------------

CUSTOMER = {
    "id": ("id",),
    "name": ("Name", "name"),
    "business_name": ("Business Name", "business_name"),
    "description": ("Description", "description"),
    "country": ("Address Country", "address_country", "address.country"),
    "card_country": ("Card Address Country", "Billing Address Country"),
    "shipping_country": ("Shipping Address Country", "shipping.address.country"),
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
PAYMENT = {
    "id": ("id",),
    "date": ("Created date (UTC)", "Created (UTC)", "created"),
    "amount": ("Amount", "amount"),
    "refunded": ("Amount Refunded", "amount_refunded"),
    "currency": ("Currency", "currency"),
    "converted": ("Converted Amount", "converted_amount"),
    "converted_refunded": ("Converted Amount Refunded", "converted_amount_refunded"),
    "converted_currency": ("Converted Currency", "converted_currency"),
    "status": ("Status", "status"),
    "captured": ("Captured", "captured"),
    "customer": ("Customer ID", "customer", "Customer"),
    "email": ("Customer Email", "customer_email"),
    "description": ("Description", "description"),
    "invoice": ("Invoice ID", "invoice"),
    "subscription": ("Subscription ID", "subscription"),
}
PAYMENT_SUCCEEDED = {"paid", "succeeded"}


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


def _metadata_columns(export: Export) -> dict[str, str]:
    """Folded label -> ``stripe_<key>`` for every ``key (metadata)`` column."""
    found = {}
    for folded, label in export.labels.items():
        if folded.endswith(" (metadata)") or folded.startswith("metadata."):
            name = label.removesuffix(" (metadata)").removeprefix("metadata.")
            found[folded] = "stripe_" + snake_case(name)
    return found


def _customers(export: Export) -> dict[str, _Customer]:
    col = {name: export.column(labels) for name, labels in CUSTOMER.items()}
    metadata = _metadata_columns(export)
    found: dict[str, _Customer] = {}
    unknown: set[str] = set()
    for _line, row in export.rows:
        ident = export.text(row, col["id"])
        if not ident:
            export.skip("guest customer (empty id: a one-off payer without a customer record)")
            continue
        if ident in found:
            export.skip("repeats a customer id already read (the first row was kept)")
            continue
        name = export.text(row, col["business_name"]) or export.text(row, col["name"])
        name = name or export.text(row, col["description"])
        text = next(
            (
                v
                for c in ("country", "card_country", "shipping_country")
                if (v := export.text(row, col[c]))
            ),
            "",
        )
        try:
            country = country_code(text)
        except ValueError:
            country = None
            unknown.add(text)
        account = _metadata(export, row, CRM_LINKS) or ident
        declared = _metadata(export, row, KIND_KEYS)
        if not declared and export.text(row, col["business_name"]):
            declared = "business"
        kind = customer_kind(
            name, export.text(row, col["tax_id"]), export.text(row, col["tax_exempt"]), declared
        )
        if "@" in name and name == name.strip() and " " not in name:
            name = ""  # an e-mail address is not a company name
        account_row: Row = {
            "account_id": account,
            "name": name or None,
            "kind": kind,
            "country": country,
        }
        account_row.update({m: row[f] for f, m in metadata.items() if row.get(f)})
        export.keep()
        found[ident] = _Customer(account, account_row)
    if unknown:
        export.problem(
            f"{len(unknown)} country value(s) not recognised, left empty: "
            + ", ".join(sorted(unknown)),
            column=col["country"] or col["card_country"],
            hint="give the customers' address country in Stripe (an ISO code such as FR)",
            severity="warning",
        )
    guests = sum(n for why, n in export.counts.skipped.items() if why.startswith("guest"))
    if guests:
        export.problem(
            f"{guests} guest customer row(s) skipped: they have no customer id, so no "
            "invoice or subscription can point at them",
            column=col["id"],
            hint="nothing to do: their payments, if any, come with the payments export",
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


def _main_currency(export: Export, column: str | None) -> str:
    """The currency most rows of ``export`` are in (folded, e.g. ``eur``)."""
    counts = Counter(fold(export.text(row, column)) for _, row in export.rows)
    counts.pop("", None)
    return counts.most_common(1)[0][0] if counts else ""


def _other_currency(export: Export, currency: str, main: str) -> bool:
    """Skip (counted) a row in another currency than the export's main one."""
    if currency and main and currency != main:
        export.skip(
            f"in {currency.upper()}, not {main.upper()} (the export's main currency): "
            "amounts in different currencies are never added up"
        )
        return True
    return False


def _invoices(
    export: Export,
    customers: dict[str, _Customer],
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
    main = _main_currency(export, col["currency"])
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
        if _other_currency(export, currency, main):
            continue
        if total is not None:
            gross, net = total, total - tax
        elif subtotal is not None:
            gross, net = subtotal + tax, subtotal
        else:
            gross, net = paid or 0.0, (paid or 0.0) - tax
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
        if net or credit:
            export.keep()
        else:
            export.skip("invoice of zero")
    _say_skipped(export, col["status"])
    return lines, main


def _say_skipped(export: Export, column: str | None) -> None:
    """One warning per reason rows were skipped for (not paid, another currency)."""
    unpaid = {
        w: n
        for w, n in export.counts.skipped.items()
        if w.startswith(("invoice not", "payment not"))
    }
    if unpaid:
        what = "invoice(s)" if export.kind == "stripe.invoices" else "payment(s)"
        counts = ", ".join(f"{n} {w.split('(')[-1].rstrip(')')}" for w, n in sorted(unpaid.items()))
        export.problem(
            f"{sum(unpaid.values())} {what} not paid were skipped ({counts})",
            column=column,
            hint="nothing to do: only money received counts as revenue",
            severity="warning",
        )
    for why, n in export.counts.skipped.items():
        if why.startswith("in "):
            export.problem(
                f"{n} row(s) skipped: {why}",
                hint="export each currency's data on its own, or convert them to one "
                "currency before importing",
                severity="warning",
            )


def _payments(
    export: Export, customers: dict[str, _Customer], invoiced: set[str]
) -> tuple[list[Row], str]:
    col = {name: export.column(labels) for name, labels in PAYMENT.items()}
    converted = col["converted"] is not None
    money = col["converted"] if converted else col["amount"]
    back = col["converted_refunded"] if converted else col["refunded"]
    which = col["converted_currency"] if converted else col["currency"]
    main = _main_currency(export, which)
    lines: list[Row] = []
    for line, row in export.rows:
        status = fold(export.text(row, col["status"]))
        captured = fold(export.text(row, col["captured"]))
        if status not in PAYMENT_SUCCEEDED or captured == "false":
            export.skip(f"payment not paid ({status or 'no status'})")
            continue
        if export.text(row, col["invoice"]) in invoiced - {""}:
            export.skip("payment of an invoice also imported (the invoice counts it)")
            continue
        customer = export.text(row, col["customer"]) or export.text(row, col["email"])
        if not customer:
            export.skip("guest payment without a customer id nor e-mail")
            continue
        if _other_currency(export, fold(export.text(row, which)), main):
            continue
        moment = export.moment(line, row, col["date"])
        amount = export.number(line, row, money)
        refunded = export.number(line, row, back) or 0.0
        if moment is None or amount is None:
            continue
        _register(customers, customer, "")
        linked = bool(export.text(row, col["invoice"]) or export.text(row, col["subscription"]))
        linked = linked or fold(export.text(row, col["description"])).startswith("subscription")
        export.keep()
        lines.append(
            {
                "account_id": customers[customer].account_id,
                "date": moment.date(),
                "amount": amount - refunded,
                "recurring": linked,
                "product": export.text(row, col["description"]) or None,
            }
        )
    _say_skipped(export, col["status"])
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
    customers: dict[str, _Customer] = {}
    subscriptions: dict[str, _Subscription] = {}
    revenue: list[Row] = []
    invoiced: set[str] = set()
    currencies: dict[str, str] = {}
    has_revenue = False
    for export in sorted(exports, key=lambda e: order[e.kind]):
        if export.kind == "stripe.customers":
            for ident, customer in _customers(export).items():
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
            lines, currency = _payments(export, customers, invoiced)
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
