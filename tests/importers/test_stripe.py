"""Stripe exports -> accounts and revenue.

Expected rows are written by hand from tests/fixtures/stripe: four customers (two linked to
HubSpot companies by metadata), a monthly, a quarterly and a yearly subscription and one
canceled monthly one, fourteen invoices of which three are not paid.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from personae.errors import ImportFormatError
from personae.importers import SOURCES, ImportResult
from personae.importers.hubspot import import_hubspot
from personae.importers.stripe import customer_kind, import_stripe

Table = list[dict[str, str]]
Read = Callable[[Path], Table]

# the metadata columns are kept: stripe_hubspot_company_id, stripe_customer_type
ACCOUNTS = [
    # linked by hubspot_company_id (metadata); VAT number -> B2B
    ("9876543201", "Atelier Lumière SAS", "B2B", "FR", "9876543201", ""),
    # reverse-charge VAT -> B2B
    ("9876543202", "Brügge Logistics BV", "B2B", "BE", "9876543202", ""),
    # customer_type (metadata) = individual -> B2C
    ("cus_PcQ3moreau", "Julie Moreau", "B2C", "FR", "", "individual"),
    # no VAT number, but a company's legal form -> B2B
    ("cus_PdS4kestrel", "Studio Kestrel Ltd", "B2B", "GB", "", ""),
]
REVENUE = [
    # first invoice of a subscription: empty period -> [date, + interval)
    ("9876543201", "2024-01-05", "490", "true", "2024-01-05", "2024-02-05", "Pro"),
    # quarterly: Interval 'month' over a 3-month current period; reverse charge, no tax
    ("9876543202", "2024-01-10", "1500", "true", "2024-01-10", "2024-04-10", "Business"),
    ("cus_PdS4kestrel", "2024-01-20", "490", "true", "2024-01-20", "2024-02-20", "Pro"),
    # yearly; 288.00 paid including 48.00 VAT
    ("cus_PcQ3moreau", "2024-02-01", "240", "true", "2024-02-01", "2025-02-01", "Solo"),
    # renewals carry the period just ended: service is the one ahead
    ("9876543201", "2024-02-05", "490", "true", "2024-02-05", "2024-03-05", "Pro"),
    # one-off invoice: not recurring, no period of its own
    ("9876543201", "2024-02-15", "1200", "false", "", "", "Formation sur site (1 jour)"),
    ("cus_PdS4kestrel", "2024-02-20", "490", "true", "2024-02-20", "2024-03-20", "Pro"),
    ("9876543201", "2024-03-05", "490", "true", "2024-03-05", "2024-04-05", "Pro"),
    # 58.80 credit note after payment, tax included: 58.80 x 490 / 588 = 49
    ("9876543201", "2024-03-05", "-49", "true", "2024-03-05", "2024-04-05", "Pro"),
    # last invoice before the cancellation takes effect (canceled 15 March, ended 20 April)
    ("cus_PdS4kestrel", "2024-03-20", "490", "true", "2024-03-20", "2024-04-20", "Pro"),
    # a discount: total 529.20 - tax 88.20 = 441 (the subtotal, 490, is before discount)
    ("9876543201", "2024-04-05", "441", "true", "2024-04-05", "2024-05-05", "Pro"),
    ("9876543202", "2024-04-10", "1500", "true", "2024-04-10", "2024-07-10", "Business"),
]


def _import(files: list[Path], out: Path) -> dict[str, Path]:
    result = import_stripe(files, out)
    _said(result, r"3 invoice\(s\) not paid .*1 draft.*1 uncollectible.*1 void")
    assert all(rows.balanced for rows in result.rows.values())
    return result.tables


def _said(result: ImportResult, pattern: str) -> None:
    assert any(re.search(pattern, p.message) for p in result.problems), [
        str(p) for p in result.problems
    ]


def test_exports_map_to_the_expected_rows(stripe_files: list[Path], out: Path, read: Read) -> None:
    written = _import(stripe_files, out)

    assert written == {"accounts": out / "accounts.csv", "revenue": out / "revenue.csv"}
    assert [tuple(r.values()) for r in read(written["accounts"])] == ACCOUNTS
    assert list(read(written["revenue"])[0]) == [
        "account_id",
        "date",
        "amount",
        "recurring",
        "period_start",
        "period_end",
        "product",
    ]
    assert [tuple(r.values()) for r in read(written["revenue"])] == REVENUE


def test_invoices_alone_still_give_their_accounts(
    stripe_files: list[Path], out: Path, read: Read
) -> None:
    invoices = [p for p in stripe_files if p.name == "invoices.csv"]

    written = _import(invoices, out)

    names = {r["account_id"]: r["name"] for r in read(written["accounts"])}
    assert names == {
        "cus_PaT1lumiere": "Atelier Lumière SAS",
        "cus_PbR2brugge": "Brügge Logistics BV",
        "cus_PdS4kestrel": "Studio Kestrel Ltd",
        "cus_PcQ3moreau": "Julie Moreau",
    }
    quarterly = [r for r in read(written["revenue"]) if r["account_id"] == "cus_PbR2brugge"]
    # no subscriptions file: the renewal's own period (3 months) gives the interval
    assert [(r["period_start"], r["period_end"]) for r in quarterly] == [
        ("2024-01-10", "2024-02-10"),
        ("2024-04-10", "2024-07-10"),
    ]


def test_api_exports_are_in_cents(tmp_path: Path, out: Path, read: Read) -> None:
    invoices = tmp_path / "sigma.csv"
    invoices.write_text(
        "id,customer,customer_name,amount_due,amount_paid,subtotal,tax,total,currency,created,"
        "status,subscription,period_start,period_end\n"
        "in_1,cus_1,Acme SAS,58800,58800,49000,9800,58800,eur,1704448320,paid,sub_1,"
        "1704448320,1707126720\n"
        "in_2,cus_1,Acme SAS,5000,5000,5000,0,5000,jpy,1704448320,paid,,,\n",
        encoding="utf-8",
    )

    result = import_stripe([invoices], out)

    # amounts in different currencies are never added up: the yen invoice is counted out
    assert [
        (r["amount"], r["period_start"], r["period_end"]) for r in read(result.tables["revenue"])
    ] == [("490", "2024-01-05", "2024-02-05")]
    [rows] = result.rows.values()
    assert (rows.read, rows.kept, sum(rows.skipped.values())) == (2, 1, 1)
    _said(result, r"1 row\(s\) skipped: in JPY, not EUR")
    assert result.currency == "EUR"

    yen = tmp_path / "yen.csv"
    yen.write_text(
        "id,customer,amount_due,total,currency,created,status\n"
        "in_2,cus_1,5000,5000,jpy,1704448320,paid\n",
        encoding="utf-8",
    )
    result = import_stripe([yen], tmp_path / "yen")
    assert [r["amount"] for r in read(result.tables["revenue"])] == ["5000"]  # no cents
    assert result.currency == "JPY"


def test_a_hubspot_file_is_named_for_what_it_is_and_nothing_is_written(
    stripe_files: list[Path], hubspot_fr: list[Path], out: Path
) -> None:
    with pytest.raises(ImportFormatError) as caught:
        import_stripe([*stripe_files, hubspot_fr[0]], out)

    [problem] = caught.value.problems
    assert problem.file == str(hubspot_fr[0])
    assert "HubSpot contacts export" in problem.message
    assert problem.hint == "pass it to `personae import hubspot` instead"
    assert not out.exists()


def test_an_unknown_file_lists_the_columns_looked_for(tmp_path: Path, out: Path) -> None:
    payouts = tmp_path / "payouts.csv"
    payouts.write_text("id,Amount,Arrival Date (UTC)\npo_1,100.00,2024-01-05\n", encoding="utf-8")

    with pytest.raises(ImportFormatError) as caught:
        import_stripe([payouts], out)

    [problem] = caught.value.problems
    assert "'Amount Due'" in problem.message
    assert "'Current Period Start (UTC)'" in problem.message
    assert "'Arrival Date (UTC)'" in problem.message
    assert not out.exists()


def test_bad_amount_is_located(stripe_files: list[Path], tmp_path: Path, out: Path) -> None:
    invoices = tmp_path / "invoices.csv"
    source = next(p for p in stripe_files if p.name == "invoices.csv")
    invoices.write_text(
        source.read_text(encoding="utf-8").replace("1440.00,eur", "1440.0O,eur"), encoding="utf-8"
    )

    with pytest.raises(ImportFormatError) as caught:
        import_stripe([invoices], out)

    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.value) == (7, "Total", "1440.0O")
    assert not out.exists()


def test_hubspot_and_stripe_share_the_accounts_table(
    hubspot_fr: list[Path], stripe_files: list[Path], out: Path, read: Read
) -> None:
    import_hubspot(hubspot_fr, out)
    _import(stripe_files, out)

    accounts = {r["account_id"]: r for r in read(out / "accounts.csv")}
    assert list(accounts) == [
        "9876543201",
        "9876543202",
        "9876543203",
        "9876543204",
        "cus_PcQ3moreau",
        "cus_PdS4kestrel",
    ]
    # billing fills what the CRM left empty, and keeps what it wrote
    assert accounts["9876543202"]["kind"] == "B2B"
    assert accounts["9876543202"]["industry"] == "Logistics and Supply Chain"
    assert accounts["9876543203"]["kind"] == ""


def test_outputs_pass_validation(
    hubspot_en: list[Path], stripe_files: list[Path], out: Path
) -> None:
    from personae.sources import validate

    import_hubspot(hubspot_en, out)
    import_stripe(stripe_files, out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # ibis/duckdb, not ours
        report = validate(out)

    assert report.errors == []
    assert report.ok
    assert report.tables == {
        "accounts": 6,
        "contacts": 7,  # the contact without a company is kept, its account_id empty
        "deal_stages": 16,
        "deals": 5,
        "revenue": 12,
    }


@pytest.mark.parametrize(
    ("name", "tax_id", "tax_exempt", "declared", "kind"),
    [
        ("Acme", "FR123", "none", "", "B2B"),
        ("Acme", "", "reverse", "", "B2B"),
        ("Acme S.A.S.", "", "", "", "B2B"),
        ("Julie Moreau", "", "none", "particulier", "B2C"),
        ("Julie Moreau", "", "none", "", None),
    ],
)
def test_customer_kind(
    name: str, tax_id: str, tax_exempt: str, declared: str, kind: str | None
) -> None:
    assert customer_kind(name, tax_id, tax_exempt, declared) == kind


def test_importers_registry() -> None:
    assert SOURCES["hubspot"].run is import_hubspot
    assert SOURCES["stripe"].run is import_stripe
