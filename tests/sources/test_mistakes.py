"""Ordinary mistakes in the data files (issue 12, item 5): each one refused or flagged with
its file and line, never silent and never a traceback."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest

from personae.errors import Problem
from personae.sources import load, validate
from personae.sources.problems import CAP, cap_kinds
from tests.sources.conftest import ACCOUNTS, REVENUE, Folder
from tests.sources.helpers import only


def test_a_broken_symlink_is_an_error_naming_it(folder: Folder) -> None:
    path = folder()
    os.symlink(path / "nowhere" / "deals.csv", path / "deals.csv")
    report = validate(path)
    p = only(report.errors, file="deals.csv")
    assert "does not exist" in p.message and "link" in p.message


@pytest.mark.parametrize(
    "label",
    [
        "Total",
        "TOTAL",
        "Grand Totals",
        "Total : 28 comptes",
        "Sous-total",
        "Total général",
        "Total (28)",
        "Total - 2024",
        "totaux",
    ],
)
def test_a_totals_row_is_refused_with_its_line(folder: Folder, label: str) -> None:
    report = validate(folder(accounts=ACCOUNTS + f"    {label},,,,\n"))
    p = only(report.errors, message="totals row")
    assert (Path(p.file).name, p.line, p.column, p.value) == (
        "accounts.csv",
        5,
        "account_id",
        label,
    )


def test_a_totals_row_in_revenue_is_refused(folder: Folder) -> None:
    report = validate(folder(revenue=REVENUE + "    Total,,280.5\n"))
    p = only(report.errors, message="totals row")
    assert (Path(p.file).name, p.line) == ("revenue.csv", 5)


@pytest.mark.parametrize(
    "name", ["TotalEnergies", "Total SA", "Totally Spies", "Total-Expert", "Total"]
)
def test_companies_named_total_are_not_totals_rows(folder: Folder, name: str) -> None:
    report = validate(folder(accounts=ACCOUNTS + f"    A4,{name},B2B,FR,\n"))
    assert report.ok, report.errors
    report = validate(folder(accounts=ACCOUNTS + f"    {name.replace(' ', '_')}X,x,B2B,FR,\n"))
    assert report.ok, report.errors


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    ds = load(path)
    try:
        return {
            name: sorted(tuple(r.values()) for r in t.to_pyarrow().to_pylist())
            for name, t in ds.tables.items()
        }
    finally:
        ds.con.disconnect()


@pytest.mark.parametrize(
    "convert",
    [
        lambda s: s.replace("\n", "\r\n"),
        lambda s: s.replace("\n", "\r"),
        lambda s: s.replace("\n", "\r\n", 2),
        lambda s: s.replace("\n", "\r", 1),
        lambda s: s.replace("\n", "\r", 2).replace("\r", "\r\n", 1),
    ],
    ids=["crlf", "cr", "crlf-then-lf", "cr-then-lf", "cr-crlf-lf"],
)
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_every_line_ending_reads_the_same(tmp_path: Path, convert: object, encoding: str) -> None:
    accounts = textwrap.dedent(ACCOUNTS).replace("Gamma", "Gammé")
    revenue = textwrap.dedent(REVENUE)
    plain, odd = tmp_path / "lf", tmp_path / "odd"
    for folder, change in ((plain, lambda s: s), (odd, convert)):
        folder.mkdir()
        for name, text in (("accounts", accounts), ("revenue", revenue)):
            (folder / f"{name}.csv").write_bytes(change(text).encode(encoding))  # type: ignore[operator]
    report = validate(odd)
    assert report.ok, report.errors
    assert report.tables == {"accounts": 3, "revenue": 3}
    assert _tables(odd) == _tables(plain)


def test_a_cr_only_file_reports_lines_as_numbered(folder: Folder) -> None:
    text = "account_id,date,amount\rA1,2024-01-15,100\rA1,2024-01-15,abc\r"
    report = validate(folder(revenue=text))
    p = only(report.errors, column="amount")
    assert p.line == 3


@pytest.mark.parametrize(
    ("table", "text", "column", "value"),
    [
        ("revenue", "account_id,date,amount\nA1,2024-01-15,1e308\n", "amount", "1e+308"),
        ("revenue", "account_id,date,amount\nA1,2024-01-15,-1e308\n", "amount", "-1e+308"),
        ("revenue", "account_id,date,amount\nA1,2024-01-15,1e20\n", "amount", "1e+20"),
        (
            "accounts",
            "account_id,employees\nA1,1000000000000\nA2,1\nA3,2\n",
            "employees",
            "1000000000000",
        ),
        ("accounts", "account_id,employees\nA1,-3\nA2,1\nA3,2\n", "employees", "-3"),
        (
            "deals",
            "deal_id,account_id,created_at,status,amount\nD1,A1,2024-01-01,open,5e15\n",
            "amount",
            "5000000000000000.0",
        ),
    ],
)
def test_implausible_magnitudes_are_refused_with_their_line(
    folder: Folder, table: str, text: str, column: str, value: str
) -> None:
    report = validate(folder(**{table: text}))
    p = only(report.errors, column=column)
    assert (Path(p.file).name, p.line, p.value) == (f"{table}.csv", 2, value)
    assert "not plausible" in p.message


def test_large_but_real_amounts_pass(folder: Folder) -> None:
    report = validate(folder(revenue="account_id,date,amount\nA1,2024-01-15,2500000000\n"))
    assert report.ok, report.errors


def test_a_fractional_headcount_is_an_error_not_rounded(folder: Folder) -> None:
    report = validate(folder(accounts="account_id,employees\nA1,12.5\nA2,12\nA3,\n"))
    p = only(report.errors, column="employees")
    assert (p.line, p.value) == (2, "12.5")
    assert "whole number" in p.message


@pytest.mark.parametrize(
    ("damaged", "canonical"),
    [("countr¥", "country"), ("employeÃ©s", "employees"), ("Industrie", "industry")],
)
def test_a_damaged_header_cell_says_which_column_it_probably_is(
    folder: Folder, damaged: str, canonical: str
) -> None:
    text = f"account_id,name,{damaged}\nA1,Alpha,x\nA2,Beta,y\nA3,Gamma,z\n"
    report = validate(folder(accounts=text))
    p = only(report.warnings, column=damaged)
    assert p.line == 1 and repr(canonical) in p.message and "probably" in p.message
    assert repr(canonical) in (p.hint or "")


def test_an_extra_column_far_from_any_is_kept_silently(folder: Folder) -> None:
    text = "account_id,name,crm_owner\nA1,Alpha,x\nA2,Beta,y\nA3,Gamma,z\n"
    assert [p for p in validate(folder(accounts=text)).warnings if p.column == "crm_owner"] == []


def test_exact_duplicate_revenue_rows_are_a_warning(folder: Folder) -> None:
    report = validate(folder(revenue=REVENUE + "    A1,2024-01-15,100\n    A1,2024-01-15,100\n"))
    assert report.ok
    p = only(report.warnings, message="repeats line 2")
    assert (Path(p.file).name, p.line) == ("revenue.csv", 6)
    assert "3 times" in p.message


def test_a_json_file_saved_as_csv_gives_few_capped_problems(folder: Folder) -> None:
    cells = ",".join('"a": 1' for _ in range(30_000))
    start = time.perf_counter()
    report = validate(folder(activity="{" + cells + "}"))
    assert time.perf_counter() - start < 20
    problems = [p for p in report.errors + report.warnings if p.file.endswith("activity.csv")]
    start = time.perf_counter()
    p = only(report.errors, file="activity.csv")
    assert p.line == 1 and "30000 cells" in p.message and "not a table" in p.message
    assert len(problems) == 1
    assert time.perf_counter() - start < 1


def test_a_wide_header_with_repeated_names_is_capped(folder: Folder) -> None:
    header = ",".join(f"c{i % 40}" for i in range(400))
    report = validate(folder(activity=header + "\n" + ",".join("1" for _ in range(400)) + "\n"))
    twice = [p for p in report.errors if "appears twice" in p.message and p.line == 1]
    assert len(twice) == CAP
    assert any(f"{360 - CAP} more problems like" in p.message for p in report.errors)


def test_cap_kinds_keeps_the_first_of_each_kind_then_counts() -> None:
    many = [
        Problem("f.csv", f"column 'c{i}' appears twice in the header", line=1) for i in range(50)
    ]
    other = [Problem("f.csv", "something else")]
    kept = cap_kinds(many + other)
    assert len(kept) == CAP + 2
    assert kept[:CAP] == many[:CAP]
    assert kept[-1].message.startswith(f"… and {50 - CAP} more problems like")
    assert "(50 in all)" in kept[-1].message
    long = cap_kinds([Problem("f.csv", "x", hint="y" * 10_000)])
    assert len(long[0].hint or "") <= 400


@pytest.mark.parametrize(
    ("files", "code", "said"),
    [
        ({"revenue": REVENUE + "    A1,2024-04-15,1e308\n"}, 2, "revenue.csv:5, column 'amount'"),
        ({"accounts": ACCOUNTS + "    Total : 28 comptes,,,,\n"}, 2, "accounts.csv:5"),
        ({"contacts": ""}, 0, "contacts.csv is empty (0 bytes)"),
        ({"revenue": "account_id,date,amount\rA1,2024-01-15,100\r"}, 0, "answered"),
    ],
    ids=["huge-amount", "totals-row", "empty-file", "cr-only"],
)
def test_report_on_each_mistake(
    folder: Folder, tmp_path: Path, files: dict[str, str], code: int, said: str
) -> None:
    from typer.testing import CliRunner

    from personae.cli import app

    data = folder(**{k: textwrap.dedent(v) for k, v in files.items()})
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["report", "--data", str(data), "--out", str(out)])
    assert result.exit_code == code, result.output
    assert said in result.output.replace("\n", " ")
    assert (out / "dossier.md").exists() is (code == 0)
