"""The public surface of personae.demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import personae.demo
from personae.demo import SIZES, generate
from personae.errors import InputError


def test_exported_members() -> None:
    assert sorted(personae.demo.__all__) == ["SIZES", "Size", "generate"]
    for name in personae.demo.__all__:
        assert getattr(personae.demo, name) is not None


def test_sizes() -> None:
    assert {k: v.customers for k, v in SIZES.items()} == {
        "S": 2_000,
        "M": 50_000,
        "L": 1_000_000,
    }
    assert SIZES["S"].file_format == "csv"
    assert SIZES["L"].file_format == "parquet"


def test_unknown_size(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown demo size"):
        generate(tmp_path, size="XL")


def test_fraction_progress_and_return_value(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    data = generate(
        tmp_path, size="L", fraction=0.0002, seed=3, progress=lambda *a: calls.append(a)
    )
    assert data == tmp_path / "data"
    assert (data / "accounts.parquet").exists()
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    assert truth["customers"] == 200
    assert truth["size"] == "L"
    assert calls[0] == ("customers", 200, 200)
    assert calls[-1] == ("truth", 1, 1)


def test_regenerating_in_another_format_replaces_files(tmp_path: Path) -> None:
    generate(tmp_path, customers=50, file_format="parquet")
    data = generate(tmp_path, customers=50, file_format="csv")
    assert (data / "revenue.csv").exists()
    assert not (data / "revenue.parquet").exists()
    assert not list(data.glob(".*tmp"))
