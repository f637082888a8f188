"""How CSV files are read: separator, BOM, header names, rows DuckDB cannot split."""

from __future__ import annotations

from pathlib import Path

import pytest

from personae.sources import load, validate
from personae.sources.csvfiles import read_header
from tests.sources.conftest import Folder
from tests.sources.helpers import only


@pytest.mark.parametrize(
    ("text", "names", "separator"),
    [
        ("a,b,c\n1;2,3\n", ["a", "b", "c"], ","),
        ("\ufeffa;b;c\n1,5;2;3\n", ["a", "b", "c"], ";"),
        ('"a;x",b,c\n', ["a;x", "b", "c"], ","),
        ("a\tb\n", ["a", "b"], "\t"),
        ("account_id\n", ["account_id"], ","),
        ("", [], ","),
    ],
)
def test_read_header(tmp_path: Path, text: str, names: list[str], separator: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    assert read_header(path) == (names, separator)


def test_header_names_ignore_case_and_spaces(folder: Folder) -> None:
    ds = load(folder(accounts=" Account_ID ;Country\nA1;FR\nA2;BE\nA3;DE\n"))
    assert ds.tables["accounts"].account_id.to_pyarrow().to_pylist() == ["A1", "A2", "A3"]


def test_duplicate_header(folder: Folder) -> None:
    report = validate(folder(accounts="account_id,name,name\nA1,x,y\nA2,x,y\nA3,x,y\n"))
    p = only(report.errors, column="name")
    assert (p.line, p.message) == (1, "column 'name' appears twice in the header")


def test_quoted_separators_and_quotes(folder: Folder) -> None:
    ds = load(folder(accounts='account_id;name\nA1;"Dupont; Fils"\nA2;"Le ""Bon"""\nA3;x\n'))
    names = ds.tables["accounts"].order_by("account_id").name.to_pyarrow().to_pylist()
    assert names == ["Dupont; Fils", 'Le "Bon"', "x"]


def test_row_with_too_few_cells_and_unterminated_quote(folder: Folder) -> None:
    report = validate(
        folder(revenue='account_id,date,amount\nA1,2024-01-15\nA1,2024-01-15,1\nA1,"2024,1\n')
    )
    short = only(report.errors, line=2)
    assert "fewer cells" in (short.hint or "")
    quote = only(report.errors, line=4)
    assert "quote" in (quote.hint or "")
