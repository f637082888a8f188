"""Stripe customers -> accounts: who each customer is, and which account it is.

The account is the HubSpot company found in metadata (``hubspot_company_id``…), else the
customer ``id``; guest rows (an empty ``id``) are skipped and counted; the country is
``Address Country``, else the card's, else the shipping address's, row by row; ``kind``
comes from metadata, a VAT id, a reverse-charge exemption, a business name or a legal form;
``(metadata)`` columns are kept as ``stripe_<key>`` columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from personae.importers._export import Export
from personae.importers._tables import Row
from personae.importers._values import country_code, fold, snake_case

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
class Customer:
    account_id: str
    row: Row


def _metadata_columns(export: Export) -> dict[str, str]:
    """Folded label -> ``stripe_<key>`` for every ``key (metadata)`` column."""
    found = {}
    for folded, label in export.labels.items():
        if folded.endswith(" (metadata)") or folded.startswith("metadata."):
            name = label.removesuffix(" (metadata)").removeprefix("metadata.")
            found[folded] = "stripe_" + snake_case(name)
    return found


def read_customers(export: Export) -> dict[str, Customer]:
    col = {name: export.column(labels) for name, labels in CUSTOMER.items()}
    metadata = _metadata_columns(export)
    found: dict[str, Customer] = {}
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
        found[ident] = Customer(account, account_row)
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


def register(customers: dict[str, Customer], ident: str, name: str) -> None:
    """An account for a customer seen only in subscriptions or invoices."""
    if ident and ident not in customers:
        customers[ident] = Customer(
            ident,
            {"account_id": ident, "name": name or None, "kind": customer_kind(name, "", "", "")},
        )
