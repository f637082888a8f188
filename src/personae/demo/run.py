"""``personae demo``: the demo company's dossier, end to end."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from personae.outputs import check_out_dir
from personae.pipeline import OUTPUT_NAMES, Report, compute_dossier, print_report, write_outputs

DEMO_ANSWERS = "demo_answers.yaml"


def demo_answers_path() -> Path:
    return Path(str(resources.files("personae.templates").joinpath(DEMO_ANSWERS)))


def run_demo(
    out: Path,
    *,
    size: str = "S",
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
    pdf: bool = False,
) -> Report:
    """Generate the demo company into ``out/data``, then write its dossier into ``out``."""
    from personae.demo import generate

    check_out_dir(out, OUTPUT_NAMES)
    data = generate(out, size=size, seed=seed, progress=progress)
    if progress:
        progress("report", 0, 1)
    dossier = compute_dossier(answers=demo_answers_path(), data=data)
    files = write_outputs(dossier, out)
    notes: tuple[str, ...] = ()
    if pdf:
        files, notes = print_report(files)
    if progress:
        progress("report", 1, 1)
    return Report(dossier, files, notes)
