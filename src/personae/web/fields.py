"""The form of one answer id: what it holds, its text in the form, and the person's input.

A field is shown with the text of its current value in answers.yaml (that text is also the
``base`` sent back with the form); the input read back from the form is checked with the
same rules as the YAML loader (:func:`personae.dossier.answers.check_value`) and kept
as the person wrote it, so that a refused or conflicting answer is never lost.

Form fields: ``value`` for a question, a slot or a list (one item per line); for a table,
the cells ``cell-<row>-<column id>`` stand in for ``value``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from personae.dossier.answers import check_value, kind_of_id
from personae.dossier.kinds import Kind, parse_as
from personae.dossier.questionnaire import Questionnaire, TemplateTable
from personae.errors import KindError

Rows = list[dict[str, str]]
_CELL = re.compile(r"cell-(\d+)-(.+)")


@dataclass
class Field:
    """One id's form: a text box, a list box (one item per line) or a grid of rows."""

    id: str
    label: str
    widget: str  # "text", "textarea", "list", "choice" or "table"
    help: str
    base: str  # the value the person starts from, as shown in the form
    text: str = ""  # for every widget but "table"
    rows: Rows = field(default_factory=list)  # for "table": the cells, by column id
    table: TemplateTable | None = None
    kind: Kind | None = None
    error: str | None = None
    empty_rows: int = 1  # for "table": empty rows shown below, to add some

    @property
    def grid(self) -> Rows:
        """The rows shown: the person's, then empty rows to add others."""
        return [*self.rows, *({} for _ in range(self.empty_rows))]


def make_field(
    q: Questionnaire, aid: str, label: str, raw: Any, *, question: bool = False
) -> Field:
    """The form of ``aid`` showing ``raw``, its value in answers.yaml."""
    target = kind_of_id(q, aid)
    if target is None:
        raise KeyError(aid)
    base = shown(q, aid, raw)
    if isinstance(target, TemplateTable):
        cols = ", ".join(c.title for c in target.columns)
        fixed = [r.cells[0] for r in target.rows if r.key]
        help_ = f"Une ligne par élément ; colonnes : {cols}."
        if fixed:
            help_ += f" Lignes du modèle : {', '.join(fixed)}."
        return Field(aid, label, "table", help_, base, rows=_rows(raw), table=target)
    widget = {"list": "list", "choice": "choice"}.get(target.name, "text")
    if question:
        widget = "textarea"
    help_ = target.describe()
    if widget == "list":
        help_ = "une liste : un élément par ligne"
    return Field(aid, label, widget, help_, base, text=base, kind=target)


def shown(q: Questionnaire, aid: str, raw: Any) -> str:
    """``raw`` (a value of answers.yaml, or the form's input) as text, for ``base``."""
    target = kind_of_id(q, aid)
    if isinstance(target, TemplateTable):
        rows = _rows(raw)
        return json.dumps(rows, ensure_ascii=False) if rows else ""
    if raw is None:
        return ""
    if isinstance(raw, list):
        if target is not None and target.name in ("range", "money_range") and len(raw) == 2:
            return f"{_scalar(raw[0])}-{_scalar(raw[1])}"
        return "\n".join(_scalar(v) for v in raw)
    return _scalar(raw)


def same(a: str, b: str) -> bool:
    """Two texts of a form equal but for line endings and spaces at the ends of lines."""
    return _norm(a) == _norm(b)


def _norm(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    return "\n".join(line.rstrip() for line in lines)


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "oui" if v else "non"
    if v is None:
        return ""
    return str(v)


def _rows(raw: Any) -> Rows:
    if not isinstance(raw, list):
        return []
    rows = []
    for row in raw:
        if isinstance(row, Mapping):
            cells = {str(k): _scalar(v).strip() for k, v in row.items()}
            cells = {k: v for k, v in cells.items() if v}
            if cells:
                rows.append(cells)
    return rows


# ---------------------------------------------------------------- the form, read back


def read_form(q: Questionnaire, aid: str, form: Mapping[str, str]) -> str | list[Any] | None:
    """The person's input for ``aid``, as it will be written in answers.yaml (None: no answer)."""
    target = kind_of_id(q, aid)
    if isinstance(target, TemplateTable):
        by_row: dict[int, dict[str, str]] = {}
        columns = [c.id for c in target.columns]
        for key, value in form.items():
            m = _CELL.fullmatch(key)
            if m and m.group(2) in columns and value.strip():
                by_row.setdefault(int(m.group(1)), {})[m.group(2)] = value.strip()
        rows = [{c: by_row[r][c] for c in columns if c in by_row[r]} for r in sorted(by_row)]
        return list(rows) or None
    text = _norm(form.get("value", ""))
    if target is not None and target.name == "list":
        items = [line.strip() for line in text.split("\n") if line.strip()]
        return items or None
    return text or None


def grid_size(form: Mapping[str, str]) -> int:
    """How many rows the submitted grid had, empty ones included."""
    rows = [int(m.group(1)) for key in form if (m := _CELL.fullmatch(key))]
    return max(rows) + 1 if rows else 0


def check(q: Questionnaire, aid: str, raw: str | list[Any] | None) -> str | None:
    """The loader's verdict on ``raw`` in French, or None when it would be accepted."""
    if raw is None:
        return None
    target = kind_of_id(q, aid)
    if isinstance(target, TemplateTable):
        columns = {c.id: c for c in target.columns}
        for k, row in enumerate(raw, start=1):
            for col, value in row.items():
                try:
                    parse_as(columns[col].kind, value)
                except KindError as exc:
                    return f"Ligne {k}, colonne « {columns[col].title} » : {_french(exc)}"
    try:
        check_value(q, aid, raw)
    except KeyError:
        return f"« {aid} » n'est pas un id du modèle."
    except KindError as exc:
        return _french(exc)
    return None


def _french(exc: KindError) -> str:
    text = str(exc)
    if text.startswith("attendu"):
        return text[0].upper() + text[1:] + "."
    return f"Valeur refusée : {text}."
