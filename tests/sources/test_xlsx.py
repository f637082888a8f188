"""Excel workbooks in a data folder: a sheet per table, or a file per table.

The workbooks are written by :mod:`tests.sources.xlsxbook` as Excel stores cells: dates as
serial numbers with a date format, amounts as numbers with a currency format.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from personae.sources import load
from personae.sources.inputs import open_source
from personae.sources.validation import inspect
from personae.sources.xlsx import cell_text
from tests.metrics.metric_tables import company_frames
from tests.sources.helpers import only
from tests.sources.test_encodings import _dossier_json
from tests.sources.xlsxbook import Cell, Date, Euros, write_xlsx

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def _cell(column: str, value: object) -> Cell:
    """A value of the test company as Excel would hold it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and _DAY.match(value):
        return Date(date.fromisoformat(value))
    if isinstance(value, str) and _MOMENT.match(value):
        return Date(datetime.fromisoformat(value))
    if column == "amount":
        return Euros(float(value))  # type: ignore[arg-type]
    if isinstance(value, bool | int | float | str):
        return value
    raise TypeError(value)


def _sheets() -> dict[str, list[list[Cell]]]:
    sheets = {}
    for name, frame in company_frames().items():
        rows: list[list[Cell]] = [list(frame.columns)]
        rows += [
            [_cell(c, v) for c, v in zip(frame.columns, r, strict=True)]
            for r in frame.itertuples(index=False)
        ]
        sheets[name] = rows
    return sheets


def _csv_folder(folder: Path) -> Path:
    folder.mkdir()
    for name, frame in company_frames().items():
        (folder / f"{name}.csv").write_text(frame.to_csv(index=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _dossier_json(_csv_folder(tmp_path_factory.mktemp("csv") / "data"))


def test_a_workbook_with_a_sheet_per_table_gives_the_csv_dossier(
    reference: str, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_xlsx(folder / "Export Quickfund.xlsx", _sheets())
    assert _dossier_json(folder) == reference


def test_a_file_per_table_and_csv_side_by_side_give_the_same_dossier(
    reference: str, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    sheets = _sheets()
    for name in ("accounts", "revenue"):
        write_xlsx(folder / f"{name}.xlsx", {"Feuil1": sheets.pop(name)})
    write_xlsx(folder / "crm.xlsx", {"Deals": sheets.pop("deals"), "notes sur l'export": [["x"]]})
    for name, frame in company_frames().items():
        if name in sheets:
            (folder / f"{name}.csv").write_text(frame.to_csv(index=False), encoding="utf-8")
    (folder / "~$accounts.xlsx").write_bytes(b"lock file of an open workbook")
    assert _dossier_json(folder) == reference


def test_cells_read_with_their_types(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_xlsx(
        folder / "data.xlsx",
        {
            "accounts": [
                ["account_id", "name", "employees", "case_study", "annual_turnover"],
                ["A1", "Société Ça", 12, True, Euros(1234567.5)],
                ["A2", "Beta", 12.0, False, "1 234,50 €"],
            ],
            "revenue": [
                ["account_id", "date", "amount", "period_end", "recurring"],
                # a date formatted cell, then a bare serial whose format was lost (45352: 2024-03-01)
                ["A1", Date(date(2024, 2, 29)), Euros(-50.0), Date(date(2024, 3, 31)), False],
                ["A2", 45352, 2000, None, None],
            ],
            "deal_stages": [
                ["deal_id", "stage", "entered_at"],
                ["D1", "demo", Date(datetime(2024, 3, 5, 14, 30))],
            ],
        },
    )
    ds = load(folder)
    accounts = ds.tables["accounts"].order_by("account_id").to_pyarrow().to_pylist()
    assert [
        (a["name"], a["employees"], a["case_study"], a["annual_turnover"]) for a in accounts
    ] == [
        ("Société Ça", 12, True, 1234567.5),
        ("Beta", 12, False, 1234.5),
    ]
    revenue = ds.tables["revenue"].order_by("account_id").to_pyarrow().to_pylist()
    assert [(r["date"], r["amount"], r["period_end"], r["recurring"]) for r in revenue] == [
        (date(2024, 2, 29), -50.0, date(2024, 3, 31), False),
        (date(2024, 3, 1), 2000.0, date(2024, 4, 1), True),
    ]
    stages = ds.tables["deal_stages"].to_pyarrow().to_pylist()
    assert stages[0]["entered_at"] == datetime(2024, 3, 5, 14, 30)
    assert ds.files["revenue"] == f"{folder / 'data.xlsx'} (sheet revenue)"


def test_a_bad_cell_is_named_by_file_sheet_excel_row_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_xlsx(
        folder / "data.xlsx",
        {
            "accounts": [["account_id"], ["A1"]],
            "Revenue": [
                ["Factures 2024"],  # a title row; the header is the next non-empty row
                [],
                ["account_id", "date", "amount"],
                ["A1", Date(date(2024, 1, 31)), 100],
                [],
                ["A1", Date(date(2024, 2, 29)), "cent euros"],
                ["A1", "", 100],
            ],
        },
    )
    staging, report = inspect(folder, None)
    staging.con.disconnect()
    where = f"{folder / 'data.xlsx'} (sheet Revenue)"
    bad = only(report.errors, message="amount is not a number")
    assert (bad.file, bad.line, bad.column, bad.value) == (where, 6, "amount", "cent euros")
    empty = only(report.errors, message="date is empty")
    assert (empty.file, empty.line, empty.column) == (where, 7, "date")
    assert "data.xlsx (sheet Revenue):6, column 'amount'" in str(bad)


def test_an_unreadable_workbook_is_one_problem(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "accounts.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    staging = open_source(folder)
    problem = only(staging.problems, message="cannot read the workbook")
    assert problem.file == str(folder / "accounts.xlsx")
    assert "accounts" in staging.unreadable


def test_a_workbook_without_table_sheets_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_xlsx(folder / "acounts.xlsx", {"Sheet1": [["account_id"], ["A1"]]})
    staging = open_source(folder)
    problem = only(staging.problems, message="is not a table personae knows")
    assert problem.hint == "did you mean accounts?"


@pytest.mark.parametrize(
    ("value", "as_date", "text"),
    [
        (2000.0, False, "2000"),
        (-50.25, False, "-50.25"),
        (45352.0, True, "2024-03-01"),
        (45352.5, True, "2024-03-01 12:00:00"),
        (45352.0, False, "45352"),
        (True, False, "true"),
        (datetime(2024, 3, 1, 9, 5), True, "2024-03-01 09:05:00"),
        (date(2024, 3, 1), False, "2024-03-01"),
        ("", False, ""),
    ],
)
def test_cell_text(value: object, as_date: bool, text: str) -> None:
    assert cell_text(value, as_date) == text
