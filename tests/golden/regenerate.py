"""Regenerate the golden files of demo S (``make golden``), deliberately.

The test ``tests/test_golden.py`` diffs a fresh demo S dossier against these files; run this
after a change that is meant to alter the dossier, then review ``git diff tests/golden``.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATED = date(2026, 1, 15)  # a fixed generation date, so the header does not drift


def golden_files(workdir: Path) -> dict[str, str]:
    """dossier.md and dossier.json of demo S (seed 0), generated on ``GENERATED``."""
    from personae.demo import generate
    from personae.demo.run import demo_answers_path
    from personae.pipeline import compute_dossier
    from personae.render import render_json, render_markdown

    data = generate(workdir, size="S", seed=0)
    dossier = compute_dossier(answers=demo_answers_path(), data=data, today=GENERATED)
    return {"dossier.md": render_markdown(dossier), "dossier.json": render_json(dossier)}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in golden_files(Path(tmp)).items():
            (HERE / name).write_text(text, encoding="utf-8")
            print(f"wrote {HERE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
