"""Demo S's dossier.md and dossier.json against the golden files (``make golden`` updates)."""

from __future__ import annotations

import difflib

import pytest

from tests.golden.regenerate import HERE, golden_files


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return golden_files(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("name", ["dossier.md", "dossier.json"])
def test_demo_dossier_matches_its_golden_file(fresh: dict[str, str], name: str) -> None:
    expected = (HERE / name).read_text(encoding="utf-8")
    if fresh[name] != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                fresh[name].splitlines(keepends=True),
                f"golden/{name}",
                "fresh",
                n=1,
            )
        )
        pytest.fail(
            f"{name} differs from its golden file (make golden, then review):\n{diff[:6000]}"
        )
