"""One test per validation rule: a small broken file, the problem's file, line and column.

Lines count from the header (line 1), so the first data row is line 2.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from personae.errors import DataError
from personae.sources import load, validate
from personae.sources.problems import CAP
from tests.sources.conftest import Folder
from tests.sources.helpers import only


def test_valid_folder_has_no_problems(folder: Folder) -> None:
    report = validate(folder())
    assert report.ok
    assert report.errors == [] and report.warnings == []
    assert report.tables == {"accounts": 3, "revenue": 3}


def test_no_single_table_is_required(folder: Folder) -> None:
    assert validate(folder(accounts=None)).ok
    assert validate(folder(revenue=None)).ok
    assert validate(folder(accounts=None, revenue=None, deals=DEALS_ONLY)).ok


def test_an_empty_folder_is_one_error(folder: Folder) -> None:
    report = validate(folder(accounts=None, revenue=None))
    p = only(report.errors, message="no table found")
    assert "deals" in (p.hint or "")


DEALS_ONLY = "deal_id,account_id,created_at,status,closed_at\nD1,,2024-01-05,won,2024-02-01\n"


def test_missing_source(tmp_path: Path) -> None:
    report = validate(tmp_path / "nowhere")
    only(report.errors, message="no such folder")


def test_missing_required_column(folder: Folder) -> None:
    report = validate(folder(revenue="account_id,date,amout\nA1,2024-01-15,100\n"))
    p = only(report.errors, column="amount")
    assert p.file.endswith("revenue.csv")
    assert p.line == 1
    assert "missing" in p.message
    assert "'amout'" in (p.hint or "")  # the near miss is named


@pytest.mark.parametrize(
    ("table", "text", "line", "column", "value", "message"),
    [
        ("revenue", "account_id,date,amount\nA1,2024-01-15,1\nA1,2024-01-15,12 € HT\n", 3,
         "amount", "12 € HT", "not a number"),
        ("revenue", "account_id,date,amount\nA1,15/13/2024,1\n", 2, "date", "15/13/2024",
         "not a date"),
        ("revenue", "account_id,date,amount,recurring\nA1,2024-01-15,1,\nA1,2024-01-15,1,peut-être\n",
         3, "recurring", "peut-être", "not a yes/no value"),
        ("accounts", "account_id,employees\nA1,12\nA3,douze\n", 3, "employees", "douze",
         "not a whole number"),
        ("activity", "account_id,timestamp\nA1,2024-03-01 10:22:00\nA1,hier 10h\n", 3,
         "timestamp", "hier 10h", "not a date and time"),
    ],
)  # fmt: skip
def test_unparsable_values(
    folder: Folder, table: str, text: str, line: int, column: str, value: str, message: str
) -> None:
    report = validate(folder(**{table: text}))
    p = only(report.errors, column=column)
    assert p.file.endswith(f"{table}.csv")
    assert (p.line, p.value) == (line, value)
    assert message in p.message
    assert p.hint


def test_empty_required_cell(folder: Folder) -> None:
    report = validate(folder(revenue="account_id,date,amount\nA1,2024-01-15,1\nA1,,2\n"))
    p = only(report.errors, column="date")
    assert (p.line, p.message) == (3, "date is empty but required")


@pytest.mark.parametrize(
    ("table", "text", "key"),
    [
        ("accounts", "account_id\nA1\nA2\nA3\nA1\nA2\nA1\n", "account_id"),
        ("deals", "deal_id,account_id,created_at,status\n"
         + "".join(f"D{i},A1,2024-01-01,open\n" for i in (1, 2, 3, 1, 2, 1)), "deal_id"),
        ("contacts", "contact_id,account_id\n"
         + "".join(f"C{i},A1\n" for i in (1, 2, 3, 1, 2, 1)), "contact_id"),
    ],
)  # fmt: skip
def test_duplicate_keys(folder: Folder, table: str, text: str, key: str) -> None:
    report = validate(folder(**{table: text}))
    dups = [p for p in report.errors if p.message.startswith("duplicate")]
    assert [(p.line, p.column) for p in dups] == [(5, key), (6, key), (7, key)]
    assert all(p.file.endswith(f"{table}.csv") for p in dups)
    assert "already on line 2" in dups[0].message
    assert "already on line 3" in dups[1].message


def test_unknown_account(folder: Folder) -> None:
    report = validate(folder(revenue="account_id,date,amount\nA1,2024-01-15,1\nZZ,2024-01-15,1\n"))
    p = only(report.errors, message="unknown account_id")
    assert (p.file.endswith("revenue.csv"), p.line, p.column, p.value) == (
        True, 3, "account_id", "ZZ",
    )  # fmt: skip


def test_unknown_deal(folder: Folder) -> None:
    report = validate(
        folder(
            deals="deal_id,account_id,created_at,status\nD1,A1,2024-01-01,open\n",
            deal_stages="deal_id,stage,entered_at\nD1,lead,2024-01-01\nD9,lead,2024-01-02\n",
            touchpoints="account_id,timestamp,channel,deal_id\nA1,2024-01-01,email,D8\n",
        )
    )
    stage = only(report.errors, message="unknown deal_id", file="deal_stages.csv")
    assert (stage.line, stage.value) == (3, "D9")
    touch = only(report.errors, message="unknown deal_id", file="touchpoints.csv")
    assert (touch.line, touch.value) == (2, "D8")


def test_references_to_an_absent_optional_table_are_not_checked(folder: Folder) -> None:
    report = validate(folder(deal_stages="deal_id,stage,entered_at\nD9,lead,2024-01-02\n"))
    assert report.ok


def test_period_end_not_after_period_start(folder: Folder) -> None:
    report = validate(
        folder(
            revenue="account_id,date,amount,period_start,period_end\n"
            "A1,2024-01-01,1,2024-01-01,2024-02-01\n"
            "A1,2024-01-01,1,2024-01-01,2024-01-01\n"
            "A1,2024-01-01,1,,2023-12-01\n"
        )
    )
    bad = [p for p in report.errors if p.column == "period_end"]
    assert [p.line for p in bad] == [3, 4]
    assert "not after period_start 2024-01-01" in bad[0].message


@pytest.mark.parametrize(
    ("table", "text", "column", "value"),
    [
        ("accounts", "account_id,kind\nA1,b2b\nA2,B2G\n", "kind", "B2G"),
        ("accounts", "account_id,digital_maturity\nA1,High\nA2,très haute\n",
         "digital_maturity", "très haute"),
        ("deals", "deal_id,account_id,created_at,status\nD1,A1,2024-01-01,Won\n"
         "D2,A1,2024-01-01,gagné\n", "status", "gagné"),
        ("contacts", "contact_id,account_id,role\nC1,A1,champion\nC2,A1,sponsor\n", "role",
         "sponsor"),
        ("notes", "account_id,date,kind,text\nA1,2024-01-01,call,ok\nA1,2024-01-01,email,hi\n",
         "kind", "email"),
    ],
)  # fmt: skip
def test_unknown_choice(folder: Folder, table: str, text: str, column: str, value: str) -> None:
    report = validate(folder(**{table: text}))
    p = only(report.errors, column=column)
    assert (p.line, p.value) == (3, value)
    assert p.file.endswith(f"{table}.csv")
    assert "must be one of" in (p.hint or "")


def test_unknown_file_is_ignored_with_a_warning(folder: Folder) -> None:
    path = folder(acounts="x\n1\n")
    (path / "truth.json").write_text("{}")
    (path / "README.md").write_text("# data")
    report = validate(path)
    assert report.ok
    p = only(report.warnings, file="acounts.csv")
    assert "ignored" in p.message and "accounts" in (p.hint or "")
    assert "acounts" not in report.tables


def test_two_files_for_one_table(folder: Folder) -> None:
    path = folder()
    (path / "revenue.parquet").write_bytes(b"PAR1")
    report = validate(path)
    only(report.errors, message="two files for table 'revenue'")


def test_empty_table_counts_as_absent(folder: Folder) -> None:
    path = folder(revenue="account_id,date,amount\n")
    report = validate(path)
    assert report.ok
    only(report.warnings, message="table 'revenue' has no rows: it counts as absent")
    assert "revenue" not in load(path).tables


def test_empty_file_counts_as_absent_with_a_warning(folder: Folder) -> None:
    path = folder(contacts="")
    report = validate(path)
    assert report.ok, report.errors
    p = only(report.warnings, file="contacts.csv")
    assert "empty (0 bytes)" in p.message and "counts as absent" in p.message
    assert "contacts" not in report.tables
    assert "contacts" not in load(path).tables


def test_a_blank_line_is_still_a_file_without_header(folder: Folder) -> None:
    report = validate(folder(contacts="\n"))
    p = only(report.errors, file="contacts.csv")
    assert p.line == 1 and "empty" in p.message


def test_row_with_too_many_cells(folder: Folder) -> None:
    report = validate(
        folder(revenue="account_id,date,amount\nA1,2024-01-15,1\nA1,2024-01-15,1,5\n")
    )
    p = only(report.errors, file="revenue.csv")
    assert p.line == 3 and "cannot be read" in p.message
    assert p.value == "A1,2024-01-15,1,5"


def test_windows_1252_is_read_and_reported(folder: Folder) -> None:
    path = folder()
    (path / "accounts.csv").write_bytes(
        "account_id;name\r\nA1;Société\r\nA2;Crème – 5 €\r\nA3;x\r\n".encode("cp1252")
    )
    ds = load(path)
    names = ds.tables["accounts"].order_by("account_id").name.to_pyarrow().to_pylist()
    assert names == ["Société", "Crème – 5 €", "x"]
    note = only(ds.warnings, message="read as Windows-1252")
    assert note.severity == "info"


def test_undecodable_file_is_one_error(folder: Folder) -> None:
    path = folder(revenue="account_id,date,amount\nA1,2024-01-15,1\n")
    rnd = random.Random(0)
    noise = bytes(rnd.randrange(256) for _ in range(3000))
    (path / "accounts.csv").write_bytes(b"account_id,name\nA1,ok\n" + noise)
    report = validate(path)
    accounts = [p for p in report.errors if p.file.endswith("accounts.csv")]
    assert len(accounts) == 1 and accounts[0].line == 3
    assert "CSV UTF-8" in (accounts[0].hint or "")
    assert not [p for p in report.errors if p.file.endswith("revenue.csv")]


def test_unreadable_rows_do_not_cascade(folder: Folder) -> None:
    rows = "".join(f"A{i},Name {i}\n" for i in range(50))
    broken = "".join(f'A{i},"Name {i}\n' for i in range(50, 60))  # unterminated quotes
    revenue = "".join(f"A{i},2024-01-15,10\n" for i in range(60))
    report = validate(
        folder(
            accounts="account_id,name\n" + rows + broken,
            revenue="account_id,date,amount\n" + revenue,
        )
    )
    unknown = [p for p in report.errors if p.column == "account_id" and "revenue" in p.file]
    assert len(unknown) == 1
    assert "could not be read" in unknown[0].message


def test_accounts_without_country_warning(folder: Folder) -> None:
    report = validate(folder(accounts="account_id,country\nA1,FR\nA2,\nA3,\nA4,be\n"))
    assert report.ok
    p = only(report.warnings, column="country")
    assert p.message == "2 of 4 accounts (50,0 %) have no country"


def test_country_not_iso(folder: Folder) -> None:
    report = validate(folder(accounts="account_id,country\nA1,FR\nA2,France\nA3,fr\n"))
    p = only(report.warnings, column="country")
    assert (p.line, p.value) == (3, "FRANCE")


def test_dates_after_as_of(folder: Folder) -> None:
    path = folder(
        activity="account_id,timestamp\nA1,2024-03-31 23:59:59\nA1,2024-04-01 00:00:00\n"
        "A1,2024-05-01T08:00:00\n"
    )
    assert validate(path).ok and not validate(path).warnings
    report = validate(path, as_of=date(2024, 3, 31))
    assert report.ok
    activity = only(report.warnings, file="activity.csv")
    assert (activity.line, activity.column) == (3, "timestamp")
    assert activity.message.startswith("2 rows dated after the as-of date 2024-03-31")
    assert not [p for p in report.warnings if p.file.endswith("revenue.csv")]
    report = validate(path, as_of=date(2024, 2, 1))
    revenue = only(report.warnings, file="revenue.csv")
    assert (revenue.line, revenue.column, revenue.value) == (3, "date", "2024-02-15")


def test_closed_deals_without_closed_at(folder: Folder) -> None:
    report = validate(
        folder(
            deals="deal_id,account_id,created_at,status,closed_at\n"
            "D1,A1,2024-01-01,won,2024-02-01\nD2,A1,2024-01-01,open,\n"
            "D3,A1,2024-01-01,lost,\nD4,A1,2024-03-01,won,2024-02-01\n"
        )
    )
    assert report.ok
    p = only(report.warnings, message="without closed_at")
    assert (p.line, p.column, p.value) == (4, "closed_at", "lost")
    early = only(report.warnings, message="before created_at")
    assert early.line == 5


def test_problems_are_capped_but_counted(folder: Folder) -> None:
    rows = "".join(f"A1,2024-01-15,bad{i}\n" for i in range(50))
    report = validate(folder(revenue="account_id,date,amount\n" + rows))
    amount = [p for p in report.errors if p.column == "amount"]
    assert len(amount) == CAP + 1
    assert [p.line for p in amount[:CAP]] == list(range(2, 2 + CAP))
    assert amount[-1].line is None
    assert (
        amount[-1].message == f"… and {50 - CAP} more rows whose amount is not a number (50 in all)"
    )


def test_load_raises_every_error_at_once(folder: Folder) -> None:
    path = folder(
        revenue="account_id,date,amount\nZZ,2024-01-15,x\n",
        deals="deal_id,account_id,created_at,status\nD1,A1,hier,open\nD1,A1,2024-01-01,open\n",
    )
    with pytest.raises(DataError) as caught:
        load(path)
    problems = caught.value.problems
    assert {(Path(p.file).name, p.line, p.column) for p in problems} == {
        ("revenue.csv", 2, "amount"),
        ("revenue.csv", 2, "account_id"),
        ("deals.csv", 2, "created_at"),
        ("deals.csv", 3, "deal_id"),
    }
    assert caught.value.exit_code == 2
    assert "4 problems" in str(caught.value)
