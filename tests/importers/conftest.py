"""Fixtures of the importer tests: the export files under tests/fixtures, and reading back."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

Table = list[dict[str, str]]


def _files(folder: str) -> list[Path]:
    return sorted((FIXTURES / folder).glob("*.csv"))


@pytest.fixture
def hubspot_en() -> list[Path]:
    """HubSpot companies, contacts and deals exported from the English interface."""
    return _files("hubspot/en")


@pytest.fixture
def hubspot_fr() -> list[Path]:
    """The same portal exported from the French interface."""
    return _files("hubspot/fr")


@pytest.fixture
def stripe_files() -> list[Path]:
    """Stripe customers, subscriptions and invoices exported from the Dashboard."""
    return _files("stripe")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def read() -> Callable[[Path], Table]:
    """Read a written CSV back as a list of rows (text cells)."""

    def read(path: Path) -> Table:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    return read
