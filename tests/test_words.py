"""The one yes/no vocabulary, and the SQL quoting helpers."""

from __future__ import annotations

import duckdb
import pytest

from personae.sql import ident, literal
from personae.words import FALSE_WORDS, TRUE_WORDS, yes_no


@pytest.mark.parametrize("word", [*TRUE_WORDS, " OUI ", "Vrai", "YES"])
def test_true_words(word: str) -> None:
    assert yes_no(word) is True


@pytest.mark.parametrize("word", [*FALSE_WORDS, "Non", " FAUX "])
def test_false_words(word: str) -> None:
    assert yes_no(word) is False


@pytest.mark.parametrize("word", ["", "peut-être", "2", "oui/non"])
def test_other_words_are_neither(word: str) -> None:
    assert yes_no(word) is None


def test_quoting_round_trips_through_duckdb() -> None:
    name, text = 'col "x"', "l'an d'or"
    con = duckdb.connect()
    row = con.execute(f"SELECT {literal(text)} AS {ident(name)}").fetchone()
    assert row == (text,)
    assert con.execute(f"SELECT {ident(name)} FROM (SELECT 1 AS {ident(name)})").fetchone() == (1,)
