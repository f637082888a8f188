"""HubSpot exports -> canonical tables.

Expected rows are written by hand from the fixture files in tests/fixtures/hubspot/en
(English interface); tests/fixtures/hubspot/fr holds the same portal exported from the
French interface and must give identical tables.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from personae.errors import ImportFormatError
from personae.importers import ImportResult
from personae.importers._values import fold
from personae.importers.hubspot import (
    STAGE_COLUMN,
    buying_role,
    deal_status,
    import_hubspot,
    stage_name,
)

Table = list[dict[str, str]]
Read = Callable[[Path], Table]

ACCOUNTS = [
    {
        "account_id": "9876543201",
        "name": "Atelier Lumière SAS",
        "country": "FR",
        "industry": "Computer Software",
        "employees": "42",
        "annual_turnover": "3500000",
        "acquisition_channel": "Organic Search",
    },
    {
        "account_id": "9876543202",
        "name": "Brügge Logistics BV",
        "country": "BE",
        "industry": "Logistics and Supply Chain",
        "employees": "310",
        "annual_turnover": "48000000",
        "acquisition_channel": "Referrals",
    },
    {
        "account_id": "9876543203",
        "name": "Nordwind GmbH",
        "country": "DE",
        "industry": "Management Consulting",
        "employees": "8",
        "annual_turnover": "",
        "acquisition_channel": "Offline Sources",
    },
    {
        "account_id": "9876543204",
        "name": "Maple Analytics Inc.",
        "country": "US",
        "industry": "Financial Services",
        "employees": "1200",
        "annual_turnover": "150000000",
        "acquisition_channel": "Paid Search",
    },
]
CONTACTS = [
    ("501", "9876543201", "Directrice générale", "decision_maker"),
    ("502", "9876543201", "Responsable des achats", "economic_buyer"),
    ("503", "9876543202", "Head of Operations", "champion"),
    ("504", "9876543202", "Logistics Coordinator", "user"),
    ("505", "9876543203", "Managing Director", "decision_maker"),  # Influencer;Decision Maker
    ("506", "9876543204", "VP Finance", ""),  # two companies: the first is kept
    ("507", "", "Consultant indépendant", ""),  # no company: kept with an empty account_id
]
DEALS = [
    ("7001", "9876543201", "2023-01-15", "won", "2023-03-20", "24000", "", "", "Organic Search"),
    (
        "7002",
        "9876543202",
        "2023-02-10",
        "won",
        "2023-05-31",
        "60000",
        "",
        "Salesforce",
        "Referrals",
    ),
    (
        "7003",
        "9876543203",
        "2023-03-01",
        "lost",
        "2023-06-15",
        "9000",
        "Prix trop élevé",
        "HubSpot Sales",
        "Offline Sources",
    ),
    # open: its Close Date is only the expected one, so closed_at stays empty
    ("7004", "9876543204", "2024-04-25", "open", "", "120000", "", "", "Paid Search"),
    ("7005", "9876543201", "2024-01-20", "won", "2024-02-28", "8000.5", "", "", "Organic Search"),
]
STAGES = [
    ("7001", "decouverte", "2023-01-15 10:00:00"),
    ("7001", "demo", "2023-02-01 14:30:00"),
    ("7001", "proposition", "2023-02-20 09:00:00"),
    ("7001", "closed_won", "2023-03-20 16:40:00"),
    ("7002", "decouverte", "2023-02-10 09:30:00"),
    ("7002", "demo", "2023-03-02 11:00:00"),
    ("7002", "proposition", "2023-04-14 17:15:00"),
    ("7002", "closed_won", "2023-05-31 18:00:00"),
    ("7003", "decouverte", "2023-03-01 08:30:00"),
    ("7003", "demo", "2023-03-20 16:00:00"),
    ("7003", "closed_lost", "2023-06-15 10:00:00"),
    ("7004", "decouverte", "2024-04-25 14:00:00"),
    ("7004", "demo", "2024-05-15 10:30:00"),
    ("7004", "proposition", "2024-06-10 09:45:00"),
    ("7005", "proposition", "2024-01-20 09:00:00"),
    ("7005", "closed_won", "2024-02-28 11:00:00"),
]


def _import(files: list[Path], out: Path) -> dict[str, Path]:
    result = import_hubspot(files, out)
    _said(result, "1 contact(s) kept without a company")
    assert all(rows.balanced for rows in result.rows.values())
    return result.tables


def _said(result: ImportResult, text: str) -> None:
    assert any(text in p.message for p in result.problems), [str(p) for p in result.problems]


def test_english_export_maps_to_the_expected_rows(
    hubspot_en: list[Path], out: Path, read: Read
) -> None:
    written = _import(hubspot_en, out)

    assert written == {
        t: out / f"{t}.csv" for t in ("accounts", "contacts", "deals", "deal_stages")
    }
    assert read(written["accounts"]) == ACCOUNTS
    assert [tuple(r.values()) for r in read(written["contacts"])] == CONTACTS
    assert [tuple(r.values()) for r in read(written["deals"])] == DEALS
    assert [tuple(r.values()) for r in read(written["deal_stages"])] == STAGES


def test_columns_are_the_schema_names(hubspot_en: list[Path], out: Path, read: Read) -> None:
    written = _import(hubspot_en, out)

    assert list(read(written["contacts"])[0]) == ["contact_id", "account_id", "job_title", "role"]
    assert list(read(written["deals"])[0]) == [
        "deal_id",
        "account_id",
        "created_at",
        "status",
        "closed_at",
        "amount",
        "lost_reason",
        "competitor",
        "source",
    ]
    assert list(read(written["deal_stages"])[0]) == ["deal_id", "stage", "entered_at"]


def test_french_export_gives_identical_tables(
    hubspot_en: list[Path], hubspot_fr: list[Path], tmp_path: Path
) -> None:
    english = _import(hubspot_en, tmp_path / "en")
    french = _import(hubspot_fr, tmp_path / "fr")

    assert set(english) == set(french)
    for name in english:
        assert french[name].read_bytes() == english[name].read_bytes(), name


def test_files_are_recognised_by_header_not_name(
    hubspot_fr: list[Path], tmp_path: Path, read: Read
) -> None:
    renamed = []
    for index, path in enumerate(hubspot_fr):
        target = tmp_path / f"export-{index}.txt"
        shutil.copy(path, target)
        renamed.append(target)

    written = _import(list(reversed(renamed)), tmp_path / "out")

    assert read(written["accounts"]) == ACCOUNTS


def test_a_stripe_file_is_named_for_what_it_is_and_nothing_is_written(
    hubspot_en: list[Path], stripe_files: list[Path], out: Path
) -> None:
    invoices = next(p for p in stripe_files if p.name == "invoices.csv")

    with pytest.raises(ImportFormatError) as caught:
        import_hubspot([*hubspot_en, invoices], out)

    [problem] = caught.value.problems
    assert problem.file == str(invoices)
    assert "Stripe invoices export" in problem.message
    assert problem.hint == "pass it to `personae import stripe` instead"
    assert caught.value.exit_code == 2
    assert not out.exists()


def test_an_unknown_file_lists_the_columns_looked_for(tmp_path: Path, out: Path) -> None:
    other = tmp_path / "hubspot-export.csv"
    other.write_text("Ticket ID,Subject,Status\n1,Login,Open\n", encoding="utf-8")

    with pytest.raises(ImportFormatError) as caught:
        import_hubspot([other], out)

    [problem] = caught.value.problems
    assert problem.file == str(other)
    assert problem.line == 1
    for label in ("'Record ID'", "'ID de fiche d'informations'", "'Deal Stage'", "'Ticket ID'"):
        assert label in problem.message
    assert not out.exists()


def test_bad_cells_are_located_and_nothing_is_written(
    hubspot_en: list[Path], tmp_path: Path, out: Path
) -> None:
    deals = tmp_path / "deals.csv"
    text = hubspot_en[2].read_text(encoding="utf-8")
    deals.write_text(text.replace('"2024-01-20 09:00"', '"le 20 janvier"', 1), encoding="utf-8")
    out.mkdir()
    (out / "accounts.csv").write_text("account_id\nkeep-me\n", encoding="utf-8")

    with pytest.raises(ImportFormatError) as caught:
        import_hubspot([hubspot_en[0], deals], out)

    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column) == (str(deals), 6, "Create Date")
    assert problem.value == "le 20 janvier"
    assert sorted(p.name for p in out.iterdir()) == ["accounts.csv"]
    assert (out / "accounts.csv").read_text(encoding="utf-8") == "account_id\nkeep-me\n"


def test_a_missing_file_is_a_problem_too(hubspot_en: list[Path], tmp_path: Path, out: Path) -> None:
    with pytest.raises(ImportFormatError) as caught:
        import_hubspot([*hubspot_en, tmp_path / "nope.csv"], out)

    assert [p.message for p in caught.value.problems] == ["file not found"]


def test_semicolons_bom_and_us_dates(tmp_path: Path, out: Path, read: Read) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "\ufeffRecord ID;Deal Stage;Create Date;Close Date;Amount;Associated Company IDs\n"
        "1;closedwon;03/25/2024 2:05 PM;04/02/2024 9:00 AM;1 200,50;42\n",
        encoding="utf-8",
    )

    written = import_hubspot([deals], out).tables

    assert read(written["deals"]) == [
        {
            "deal_id": "1",
            "account_id": "42",
            "created_at": "2024-03-25",
            "status": "won",
            "closed_at": "2024-04-02",
            "amount": "1200.5",
        }
    ]
    assert "deal_stages" not in written


@pytest.mark.parametrize(
    ("label", "stage"),
    [
        ('Date entered "Closed Won (Sales Pipeline)"', "closed_won"),
        ("Date d'entrée dans « Conclue gagnée (Pipeline des ventes) »", "closed_won"),
        ("Date d'entrée “Rendez-vous programmé (Pipeline des ventes)”", "appointment_scheduled"),
        ('Date entered "Demo (remote) (Enterprise)"', "demo_remote"),
        # a Spanish portal keeps the prefix in English, the stage and pipeline translated
        ('Date entered "Cerrado ganado (Pipeline de ventas)"', "closed_won"),
        ('Date entered "Cita programada (Pipeline de ventas)"', "cita_programada"),
    ],
)
def test_stage_columns_in_both_languages(label: str, stage: str) -> None:
    match = STAGE_COLUMN.match(fold(label))

    assert match is not None
    assert stage_name(match.group("stage")) == stage


@pytest.mark.parametrize(
    "label", ['Date exited "Closed Won (Sales Pipeline)"', "Date entered current stage"]
)
def test_other_date_columns_are_not_stages(label: str) -> None:
    assert STAGE_COLUMN.match(fold(label)) is None


@pytest.mark.parametrize(
    ("stage", "status"),
    [("closed_won", "won"), ("gagne", "won"), ("perdu", "lost"), ("proposition", "open")],
)
def test_deal_status(stage: str, status: str) -> None:
    assert deal_status(stage) == status


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("Budget Holder", "economic_buyer"),
        ("End User;Champion", "champion"),
        ("Sponsor exécutif", "decision_maker"),
        ("BUDGET_HOLDER", "economic_buyer"),
        ("Blocker", None),
        ("", None),
    ],
)
def test_buying_roles(value: str, role: str | None) -> None:
    assert buying_role(value) == role


def test_windows_1252_gives_identical_tables_and_says_so(
    hubspot_fr: list[Path], tmp_path: Path
) -> None:
    utf8 = _import(hubspot_fr, tmp_path / "utf8")
    saved = []
    for path in hubspot_fr:  # as Excel's French "CSV (séparateur: point-virgule)" saves them
        target = tmp_path / path.name
        text = path.read_text(encoding="utf-8-sig")
        target.write_bytes(text.encode("cp1252"))
        saved.append(target)
    result = import_hubspot(saved, tmp_path / "cp1252")
    for name, path in utf8.items():
        assert result.tables[name].read_bytes() == path.read_bytes(), name
    notes = [p for p in result.problems if "read as Windows-1252" in p.message]
    assert notes and all(p.severity == "info" for p in notes)


def test_an_undecodable_file_is_one_problem_naming_its_line(tmp_path: Path, out: Path) -> None:
    noise = bytes(random.Random(0).randrange(256) for _ in range(3000))
    deals = tmp_path / "deals.csv"
    deals.write_bytes(b"Record ID,Deal Stage,Create Date\n1,closedwon,2024-01-05\n" + noise)
    with pytest.raises(ImportFormatError) as caught:
        import_hubspot([deals], out)
    [problem] = caught.value.problems
    assert problem.line == 3 and "CSV UTF-8" in (problem.hint or "")


def test_associated_company_names_link_by_name_or_domain(tmp_path: Path, read: Read) -> None:
    companies = tmp_path / "companies.csv"
    companies.write_text(
        "Record ID,Company name,Company Domain Name\n"
        "11,Atelier Lumière SAS,atelier-lumiere.fr\n12,Nordwind GmbH,nordwind.de\n",
        encoding="utf-8",
    )
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Record ID,Deal Name,Deal Stage,Create Date,Associated Company\n"
        "1,A,Closed Won,2024-01-05,atelier lumière sas\n"  # by name, any case and accents
        "2,B,Closed Lost,2024-01-06,https://www.nordwind.de/\n"  # by domain
        "3,C,Closed: abandoned,2024-01-07,Unknown Ltd\n",  # not exported: empty
        encoding="utf-8",
    )
    result = import_hubspot([companies, deals], tmp_path / "out")
    rows = read(result.tables["deals"])
    assert [(r["deal_id"], r["account_id"], r["status"], r["lost_reason"]) for r in rows] == [
        ("1", "11", "won", ""),
        ("2", "12", "lost", ""),
        ("3", "", "lost", "Abandonné"),
    ]
    _said(result, "1 deal(s) kept without a company")
