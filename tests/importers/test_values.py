"""Cell parsers shared by the importers, and the package's public surface."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

import personae.importers as importers
from personae.importers._tables import cell
from personae.importers._values import (
    country_code,
    day_first,
    months_between,
    parse_datetime,
    parse_number,
)
from personae.months import add_months


def test_all_lists_the_public_api() -> None:
    public = {name for name in vars(importers) if not name.startswith("_")}
    modules = {"annotations", "import_module", "registry", "Path", "Sequence", "Settings"}
    modules |= set(importers.SOURCE_MODULES)
    assert set(importers.__all__) == public - modules
    assert set(importers.__all__) == {
        "SOURCES",
        "SOURCE_MODULES",
        "ExportKind",
        "FileRows",
        "ImportResult",
        "Source",
        "recognise",
        "run_import",
    }


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("2024-03-05 14:02", True, datetime(2024, 3, 5, 14, 2)),
        ("2024-03-05", True, datetime(2024, 3, 5)),
        ("2024-03-05T14:02:07.123Z", True, datetime(2024, 3, 5, 14, 2, 7)),
        ("2024-03-05T14:02:00+01:00", True, datetime(2024, 3, 5, 13, 2)),
        ("05/03/2024 14:02", True, datetime(2024, 3, 5, 14, 2)),
        ("03/05/2024 2:02 PM", False, datetime(2024, 3, 5, 14, 2)),
        ("03/05/2024 12:10 AM", False, datetime(2024, 3, 5, 0, 10)),
        ("1709647320", True, datetime(2024, 3, 5, 14, 2)),
    ],
)
def test_dates(text: str, dayfirst: bool, expected: datetime) -> None:
    assert parse_datetime(text, dayfirst) == expected


def test_empty_and_bad_dates() -> None:
    assert parse_datetime("  ") is None
    with pytest.raises(ValueError):
        parse_datetime("mardi")


def test_day_first_is_decided_by_the_unambiguous_values() -> None:
    assert day_first(["05/03/2024", "25/03/2024"]) is True
    assert day_first(["05/03/2024", "03/25/2024 9:00 AM"]) is False
    assert day_first(["05/03/2024", "hello"]) is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12500", 12500.0),
        ("12500.50", 12500.5),
        ("12 500,50", 12500.5),
        ("12\u202f500,50 €", 12500.5),
        ("12,500.50", 12500.5),
        ("1.234.567,8", 1234567.8),
        ("12,500", 12500.0),
        ("3,5", 3.5),
        ("(12.50)", -12.5),
        ("-49", -49.0),
        ("", None),
    ],
)
def test_numbers(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


def test_bad_number() -> None:
    with pytest.raises(ValueError):
        parse_number("douze")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(lambda x: round(x, 2)))
def test_written_amounts_read_back(amount: float) -> None:
    assert parse_number(cell(amount)) == pytest.approx(amount, abs=1e-6)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("France", "FR"),
        ("Belgique", "BE"),
        ("Belgium", "BE"),
        ("États-Unis", "US"),
        ("Etats-Unis", "US"),
        ("United States", "US"),
        ("USA", "US"),
        ("Royaume-Uni", "GB"),
        ("United Kingdom", "GB"),
        ("Allemagne", "DE"),
        ("Suisse", "CH"),
        ("the Netherlands", "NL"),
        ("Pays-Bas", "NL"),
        ("fr", "FR"),
        ("", None),
    ],
)
def test_countries(name: str, code: str | None) -> None:
    assert country_code(name) == code


def test_unknown_country() -> None:
    with pytest.raises(ValueError):
        country_code("Atlantide")


def test_months() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 10), 3) == date(2025, 2, 10)
    assert months_between(date(2024, 1, 10), date(2024, 4, 10)) == 3
    assert months_between(date(2024, 2, 1), date(2025, 2, 1)) == 12


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (12500.0, "12500"),
        (8000.5, "8000.5"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.3"),
        (date(2024, 3, 5), "2024-03-05"),
        (datetime(2024, 3, 5, 14, 2), "2024-03-05 14:02:00"),
    ],
)
def test_cells(value: object, text: str) -> None:
    assert cell(value) == text
