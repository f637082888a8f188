"""CRM exports saved as Excel workbooks: read like their CSV, problems at Excel's rows.

HubSpot and Salesforce both offer .xlsx exports (HubSpot's *Export* › XLSX, Salesforce's
report *Export* › Excel). The workbooks are written by :mod:`tests.sources.xlsxbook` with
numbers and dates as Excel stores them.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import pytest

from personae.errors import ImportFormatError
from personae.importers import run_import
from personae.importers.hubspot import import_hubspot
from tests.sources.xlsxbook import Cell, Date, Euros, write_xlsx

_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
_NUMBER = re.compile(r"^-?[1-9]\d*(\.\d+)?$")


def _excel(value: str) -> Cell:
    """A CSV cell as Excel holds it once the file is opened and saved as a workbook."""
    if _MOMENT.match(value):
        return Date(datetime.fromisoformat(value))
    if _NUMBER.match(value):
        return float(value) if "." in value else int(value)
    return value or None


def _as_workbook(path: Path, folder: Path) -> Path:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    cells = [rows[0], *[[_excel(v) for v in row] for row in rows[1:]]]
    return write_xlsx(folder / f"{path.stem}.xlsx", {"Export": cells})


def test_hubspot_workbooks_give_the_csv_tables(hubspot_en: list[Path], tmp_path: Path) -> None:
    from_csv = import_hubspot(hubspot_en, tmp_path / "csv")
    books = [_as_workbook(p, tmp_path) for p in hubspot_en]
    from_xlsx = import_hubspot(books, tmp_path / "xlsx")

    assert set(from_xlsx.tables) == set(from_csv.tables)
    for name, path in from_csv.tables.items():
        assert from_xlsx.tables[name].read_bytes() == path.read_bytes(), name
    assert sorted(from_xlsx.rows) == sorted(f"{b} (sheet Export)" for b in books)
    assert [r.read for r in from_xlsx.rows.values()] == [r.read for r in from_csv.rows.values()]


_REPORT_HEADER = [
    "Opportunity Name", "Account Name", "Account ID", "Stage", "Amount", "Opportunity Currency",
    "Created Date", "Close Date", "Opportunity ID",
]  # fmt: skip


def _report(created: Cell) -> list[list[Cell]]:
    """A Salesforce report exported to Excel: a title block, the rows, the footer."""
    return [
        ["Opportunités par étape"],
        ["Filtré par : Toutes les opportunités"],
        [],
        _REPORT_HEADER,
        ["Licence", "Acme", "001A", "Closed Won", Euros(12000.0), "EUR",
         Date(datetime(2024, 1, 5)), Date(datetime(2024, 3, 1)), "006A"],
        ["Pilote", "Beta", "001B", "Closed Lost", Euros(3000.5), "EUR",
         created, Date(datetime(2024, 4, 2)), "006B"],
        ["Extension", "Acme", "001A", "Negotiation", 5000, "EUR",
         Date(datetime(2024, 4, 1)), Date(datetime(2024, 9, 30)), "006C"],
        [],
        ["Grand Totals (3 records)"],
        ["Confidential Information - Do Not Distribute"],
        ["Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."],
    ]  # fmt: skip


def test_a_salesforce_report_workbook_reads_past_its_title_and_footer(tmp_path: Path) -> None:
    book = write_xlsx(
        tmp_path / "report1712345678901.xlsx", {"Sheet1": _report(Date(datetime(2024, 2, 1)))}
    )
    result = run_import("salesforce", [book], tmp_path / "out")

    with result.tables["deals"].open(encoding="utf-8", newline="") as handle:
        deals = [
            (r["deal_id"], r["account_id"], r["created_at"], r["status"], r["amount"])
            for r in csv.DictReader(handle)
        ]
    assert deals == [
        ("006A", "001A", "2024-01-05", "won", "12000"),
        ("006B", "001B", "2024-02-01", "lost", "3000.5"),
        ("006C", "001A", "2024-04-01", "open", "5000"),
    ]
    rows = result.rows[f"{book} (sheet Sheet1)"]
    assert (rows.read, rows.kept, sum(rows.skipped.values())) == (6, 3, 3)
    assert result.currency == "EUR"


def test_a_bad_cell_of_a_workbook_is_named_by_sheet_and_excel_row(tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "report.xlsx", {"Sheet1": _report("début février")})

    with pytest.raises(ImportFormatError) as caught:
        run_import("salesforce", [book], tmp_path / "out")

    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column, problem.value) == (
        f"{book} (sheet Sheet1)", 6, "Created Date", "début février",
    )  # fmt: skip
    assert not (tmp_path / "out").exists()


def test_a_workbook_of_another_source_is_named_for_what_it_is(
    hubspot_en: list[Path], tmp_path: Path
) -> None:
    book = _as_workbook(hubspot_en[2], tmp_path)

    with pytest.raises(ImportFormatError) as caught:
        run_import("pipedrive", [book], tmp_path / "out")

    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (f"{book} (sheet Export)", 1)
    assert "HubSpot deals export" in problem.message


def test_a_broken_workbook_is_one_problem(tmp_path: Path) -> None:
    book = tmp_path / "companies.xlsx"
    book.write_bytes(b"PK\x03\x04 not really a workbook")

    with pytest.raises(ImportFormatError) as caught:
        import_hubspot([book], tmp_path / "out")

    [problem] = caught.value.problems
    assert problem.file == str(book)
    assert problem.message.startswith("cannot read the workbook")
