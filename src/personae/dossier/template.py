"""Loading a dossier template: the file as given, its encoding repaired.

The user's template reached us as mojibake: UTF-8 text once decoded as Mac Roman and
re-encoded ("√Ä compl√©ter" for "À compléter"). :func:`repair_text` asks ftfy for the
plan that explains the whole document (on this file: encode as Mac Roman, decode as
UTF-8) and applies it to the whole text at once, so that short fragments such as "O√π"
that a line-by-line repair leaves alone are repaired too. A clean file is left as it is.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from personae.errors import Problem, TemplateError

DEFAULT_TEMPLATE = "segments_personas.md"


def repair_text(text: str) -> str:
    """Undo mojibake in ``text`` with ftfy; normalise line endings to ``\\n``."""
    import ftfy  # here: the shipped template needs no repair, and a rerun no ftfy

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    fixed, plan = ftfy.fix_encoding_and_explain(text)
    if plan:
        # The whole-document plan is the reliable one; ftfy found it on the full text.
        return ftfy.apply_plan(text, [(step.action, step.parameter) for step in plan])
    return fixed


def default_template_text() -> str:
    """The clean copy of Quickfund's template shipped inside the package."""
    return resources.files("personae.templates").joinpath(DEFAULT_TEMPLATE).read_text("utf-8")


def read_template(path: Path | None = None) -> str:
    """The template's text, repaired: the shipped default when ``path`` is None."""
    if path is None:
        return default_template_text()
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise TemplateError(
            f"{path}: cannot read the template",
            [Problem(str(path), exc.strerror or str(exc), hint="check the path")],
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TemplateError(
            f"{path}: the template is not UTF-8 text",
            [Problem(str(path), "bytes that are not UTF-8", line=line, hint="save it as UTF-8")],
        ) from None
    return repair_text(text)
