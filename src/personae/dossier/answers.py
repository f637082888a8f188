"""Answers: the human-edited ``answers.yaml``, checked by kind, and merged with computed ones.

Each answer has one source (DESIGN §2): ``data`` (computed), ``manual`` (answers.yaml or
the web page) or ``derived`` (executive summary). A manual answer always wins over a
computed one and is then marked as an override.

``answers.yaml`` is keyed by ids (quoted, since ``1.10`` would be a number in YAML):

- a question id (``"2.3"``): a short text;
- a slot id (``"1.clients_total"``, ``"6.icp.taille"``, ``"7.persona2.objectifs"``): a
  value of the slot's kind (see :mod:`personae.dossier.kinds`);
- a table id (``"2.segments_identifies"``): a list of rows, each a mapping of column
  ids to values; a row whose first column names a fixed row of the template (``Global``,
  ``TPE (1-10)``) fills that row, the others replace the example rows.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from personae.dossier.kinds import TEXT, Kind, parse_as
from personae.dossier.questionnaire import Questionnaire, Slot, TemplateTable, slug
from personae.dossier.yamlfile import load_yaml
from personae.errors import AnswersError, KindError, Problem
from personae.userfile import read_user_text

Source = Literal["data", "manual", "derived"]


@dataclass(frozen=True)
class Answer:
    """One answer: a question's short text, a slot's value, or a table's rows."""

    id: str
    value: Any
    source: Source = "manual"
    override: bool = False  # a manual answer that replaced a computed one
    detail: Mapping[str, Any] | None = None  # numerator, denominator, interval, provenance


def kind_of_id(q: Questionnaire, aid: str) -> Kind | TemplateTable | None:
    """What an id holds: a Kind for questions and slots, the TemplateTable for tables, else None."""
    if any(x.id == aid for x in q.questions):
        return TEXT
    slot: Slot | None = q.slots.get(aid) or q.repeat_slot(aid)
    if slot is not None:
        return slot.kind
    return q.tables.get(aid)


def known_ids(q: Questionnaire) -> list[str]:
    return [x.id for x in q.questions] + list(q.slots) + list(q.tables)


def check_value(q: Questionnaire, aid: str, raw: Any) -> Any:
    """``raw`` checked against what ``aid`` holds; raises KeyError or KindError."""
    target = kind_of_id(q, aid)
    if target is None:
        raise KeyError(aid)
    if isinstance(target, Kind):
        return parse_as(target, raw)
    return _check_rows(target, raw)


def _check_rows(table: TemplateTable, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise KindError(
            f"expected a list of rows with columns {', '.join(c.id for c in table.columns)}"
        )
    rows = []
    columns = {c.id: c for c in table.columns}
    for k, row in enumerate(raw, start=1):
        if not isinstance(row, Mapping):
            raise KindError(f"row {k}: expected a mapping of column ids to values")
        out: dict[str, Any] = {}
        for col, value in row.items():
            if str(col) not in columns:
                raise KindError(f"row {k}: unknown column {col!r}; columns: {', '.join(columns)}")
            try:
                out[str(col)] = parse_as(columns[str(col)].kind, value)
            except KindError as exc:
                raise KindError(f"row {k}, column {col!r}: {exc}") from None
        rows.append(out)
    return rows


def load_answers(path: Path, q: Questionnaire) -> dict[str, Answer]:
    """Read ``answers.yaml``; every problem (file, line, id) at once as AnswersError."""
    file = str(path)
    text = read_user_text(path, AnswersError, "answers file", "create one with `personae init DIR`")
    return parse_answers(text, q, file)


def parse_answers(text: str, q: Questionnaire, file: str = "answers.yaml") -> dict[str, Answer]:
    doc = load_yaml(text, file)
    if doc is None:
        return {}
    problems: list[Problem] = []
    answers: dict[str, Answer] = {}
    ids = known_ids(q)
    for key, raw in doc.items():
        line = doc.lc.key(key)[0] + 1
        if not isinstance(key, str):
            problems.append(
                Problem(
                    file,
                    f"id {key!r} is not quoted, so YAML read it as a number",
                    line=line,
                    column=str(key),
                    hint=f'write it in quotes, e.g. "{key}":',
                )
            )
            continue
        if raw is None or raw == "" or raw == []:
            continue
        try:
            value = check_value(q, key, _plain(raw))
        except KeyError:
            few = len(problems) < 50  # a hint for the first ones; the rest are capped
            close = difflib.get_close_matches(key, ids, n=3) if few else []
            hint = (
                f"did you mean {', '.join(close)}?" if close else "see `personae init` for the ids"
            )
            problems.append(Problem(file, f"unknown id {key!r}", line=line, column=key, hint=hint))
            continue
        except KindError as exc:
            problems.append(
                Problem(file, f"{key}: {exc}", line=line, column=key, value=_short(raw))
            )
            continue
        answers[key] = Answer(key, value, "manual")
    if problems:
        from personae.sources.problems import cap_kinds  # on failure only: sources is heavy

        raise AnswersError(
            f"{file}: {len(problems)} problem(s) in the answers", cap_kinds(problems)
        )
    return answers


def _plain(value: Any) -> Any:
    """ruamel's commented containers as plain lists and dicts."""
    if isinstance(value, CommentedMap | dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, CommentedSeq | list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _short(value: Any) -> str:
    text = str(_plain(value))
    return text if len(text) <= 60 else text[:57] + "…"


def merge(computed: Mapping[str, Answer], manual: Mapping[str, Answer]) -> dict[str, Answer]:
    """Computed answers overlaid with manual ones: a manual answer always wins.

    Tables merge row by row (rows keyed by their first column) and cell by cell, so a
    person can add "Équipe locale" to the region rows the data computed.
    """
    out = dict(computed)
    for aid, ans in manual.items():
        old = out.get(aid)
        if old is None:
            out[aid] = ans
        elif isinstance(ans.value, list) and ans.value and isinstance(ans.value[0], dict):
            out[aid] = replace(ans, value=_merge_rows(old.value, ans.value), override=True)
        else:
            out[aid] = replace(ans, override=True)
    return out


def _merge_rows(data: list[dict[str, Any]], manual: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not data or not isinstance(data, list):
        return manual

    def key(row: dict[str, Any]) -> str:
        first = next(iter(row.values()), "")
        return slug(str(first))

    first_col = next(iter(data[0]), None)
    rows = [dict(r) for r in data]
    index = {key(r): r for r in rows}
    for m in manual:
        k = slug(str(m.get(first_col, ""))) if first_col in m else ""
        if k and k in index:
            index[k].update(m)
        else:
            rows.append(dict(m))
    return rows


# ---------------------------------------------------------------- the skeleton


def skeleton(q: Questionnaire) -> str:
    """An ``answers.yaml`` listing every id, with its question or placeholder as a comment."""
    out = io.StringIO()
    w = out.write
    w(f"# personae — réponses du dossier « {q.title} »\n")
    w("# Une ligne par id : écrivez la réponse après les deux-points ; vide = pas de réponse.\n")
    w("# Les ids restent entre guillemets. Une réponse écrite ici l'emporte toujours sur une\n")
    w("# réponse calculée à partir des données (elle est alors marquée « manual »).\n")
    w("# Pourcentages : 42 % ou 42,3 % · montants : 12 000 € · plages : 10-50 · oui/non.\n")
    for sec in q.sections:
        w(f"\n# ══ {sec.id}. {sec.title} ══\n" if sec.id.isdigit() else f"\n# ══ {sec.title} ══\n")
        for x in sec.questions:
            note = f" {x.note}" if x.note else ""
            w(f"\n# {x.text}{note}\n")
            for item in x.items:
                w(f"#   - {item}\n")
            w(f'"{x.id}":\n')
        for s in sec.slots:
            derived = sec.id == "resume"
            w(f"\n# {s.label} : {s.placeholder} — {s.kind.describe()}")
            w(" (calculé à partir des autres réponses)\n" if derived else "\n")
            w(f'"{s.id}":\n')
        for t in sec.tables:
            w(f"\n# Tableau « {t.title} » : une ligne par élément, colonnes :\n")
            for c in t.columns:
                w(f"#   {c.id}: {c.title} — {c.kind.describe()}\n")
            fixed = [r.cells[0] for r in t.rows if r.key]
            if fixed:
                w(f"# Lignes fixes du modèle ({t.columns[0].id}) : {', '.join(fixed)}\n")
            w(f'"{t.id}":\n')
            example = ", ".join(f"{c.id}: …" for c in t.columns[:3])
            w(f"#   - {{{example}}}\n")
    extra = [g for g in q.repeat_slots]
    for g in extra:
        w(f"\n# Pour ajouter un {g} {q.repeat_counts[g] + 1}, utilisez les mêmes clés : ")
        w(f'"{q.repeat_section[g]}.{g}{q.repeat_counts[g] + 1}.titre", …\n')
    return out.getvalue()
