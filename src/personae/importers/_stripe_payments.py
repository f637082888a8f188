"""Stripe payments (``unified_payments.csv``) -> revenue, and what every Stripe file shares
about currencies: the main one of a file, and the rows in another (skipped, counted, said).

One revenue line per succeeded, captured payment, in the account's own currency
(``Converted Amount`` − ``Converted Amount Refunded``, in ``Converted Currency``); not
recurring unless linked to an invoice or a subscription; a payment of an invoice also
imported is skipped (the invoice counts it).
"""

from __future__ import annotations

from collections import Counter

from personae.importers._export import Export
from personae.importers._stripe_customers import Customer, register
from personae.importers._tables import Row
from personae.importers._values import fold

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


def main_currency(export: Export, column: str | None) -> str:
    """The currency most rows of ``export`` are in (folded, e.g. ``eur``)."""
    counts = Counter(fold(export.text(row, column)) for _, row in export.rows)
    counts.pop("", None)
    return counts.most_common(1)[0][0] if counts else ""


def other_currency(export: Export, currency: str, main: str) -> bool:
    """Skip (counted) a row in another currency than the export's main one."""
    if currency and main and currency != main:
        export.skip(
            f"in {currency.upper()}, not {main.upper()} (the export's main currency): "
            "amounts in different currencies are never added up"
        )
        return True
    return False


def say_skipped(export: Export, column: str | None) -> None:
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


def read_payments(
    export: Export, customers: dict[str, Customer], invoiced: set[str]
) -> tuple[list[Row], str]:
    col = {name: export.column(labels) for name, labels in PAYMENT.items()}
    converted = col["converted"] is not None
    money = col["converted"] if converted else col["amount"]
    back = col["converted_refunded"] if converted else col["refunded"]
    which = col["converted_currency"] if converted else col["currency"]
    main = main_currency(export, which)
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
        if other_currency(export, fold(export.text(row, which)), main):
            continue
        moment = export.moment(line, row, col["date"])
        amount = export.number(line, row, money)
        refunded = export.number(line, row, back) or 0.0
        if moment is None or amount is None:
            continue
        register(customers, customer, "")
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
    say_skipped(export, col["status"])
    return lines, main
