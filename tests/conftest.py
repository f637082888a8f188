from __future__ import annotations

from pathlib import Path

import pytest

from personae.questionnaire import Questionnaire, load_questionnaire

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT.parent / "shared" / "seed" / "000_08c0c36c4dfa7358.txt"


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture
def complete_answers() -> Path:
    return FIXTURES / "answers_complete.yaml"
