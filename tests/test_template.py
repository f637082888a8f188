"""Loading the template as given: the mojibake seed repairs to the shipped clean copy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personae.dossier.template import default_template_text, read_template, repair_text
from tests.conftest import SEED, SHARED_SEED


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="shared/ is not beside the checkout")
def test_vendored_seed_is_the_users_file_byte_for_byte() -> None:
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_seed_repairs_exactly_to_the_shipped_copy() -> None:
    repaired = read_template(SEED)
    assert repaired == default_template_text()
    assert "√" not in repaired and "üîÑ" not in repaired
    assert "> **Statut :** 🔄 À compléter" in repaired
    assert "Où vont les prospects perdus ?" in repaired  # a fragment a line-wise fix misses


def test_clean_text_is_left_alone() -> None:
    text = default_template_text()
    assert repair_text(text) == text


def test_windows_line_endings_and_bom() -> None:
    assert repair_text("\ufeff# Titre\r\n\r\n- à faire\r\n") == "# Titre\n\n- à faire\n"


WORDS = sorted({w for w in default_template_text().split() if w.isalpha() and len(w) > 2})


@given(st.lists(st.sampled_from(WORDS), min_size=6, max_size=40))
def test_mac_roman_mojibake_of_french_prose_repairs(words: list[str]) -> None:
    text = " ".join(words)
    broken = text.encode("utf-8").decode("mac_roman")
    assert repair_text(broken) == text
