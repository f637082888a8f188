"""answers.yaml as the page reads and writes it: one id at a time, merged into the file.

A save re-reads the CURRENT file, so edits made meanwhile in an editor are kept; it
changes one id with ruamel.yaml's round trip (comments, order, quotes and the other ids
kept) and replaces the file atomically. When the file's value for that id is no longer the
one the person started from (``base``), nothing is written: :class:`Conflict`.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from personae.dossier.answers import Answer, _plain, check_value, parse_answers
from personae.dossier.questionnaire import Questionnaire
from personae.dossier.yamlfile import load_yaml
from personae.errors import AnswersError, KindError
from personae.outputs import write_file
from personae.web.fields import same, shown


class Unreadable(Exception):
    """answers.yaml is not YAML any more (an editor left it half written): say so, save nothing."""


@dataclass(frozen=True)
class Conflict(Exception):
    """The file's value changed since the person opened the form."""

    current: str  # the file's value now, as shown in a form


@dataclass(frozen=True)
class Snapshot:
    """What answers.yaml holds now: raw values by id, the answers the loader accepts, problems."""

    raw: dict[str, Any]
    manual: dict[str, Answer]
    problems: list[str]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


class AnswersFile:
    def __init__(self, path: Path, q: Questionnaire) -> None:
        self.path = path
        self.q = q
        self._lock = threading.Lock()

    def _load(self) -> CommentedMap:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return CommentedMap()
        try:
            doc = load_yaml(text, str(self.path), _yaml())
        except AnswersError as exc:
            raise Unreadable("; ".join(str(p) for p in exc.problems) or str(exc)) from None
        return CommentedMap() if doc is None else doc

    def snapshot(self) -> Snapshot:
        """Read the file now; the answers the loader accepts, every problem in words."""
        try:
            doc = self._load()
        except Unreadable as exc:
            return Snapshot({}, {}, [f"{self.path} ne se lit plus : {exc}"])
        raw = {str(k): _plain(v) for k, v in doc.items()}
        text = self.path.read_text(encoding="utf-8-sig") if self.path.exists() else ""
        try:
            return Snapshot(raw, parse_answers(text, self.q, str(self.path)), [])
        except AnswersError as exc:
            problems = [str(p) for p in exc.problems]
        manual = {}
        for key, value in doc.items():
            if not isinstance(key, str) or value in (None, "", []):
                continue
            try:
                manual[key] = Answer(key, check_value(self.q, key, _plain(value)))
            except (KeyError, KindError):
                continue
        return Snapshot(raw, manual, problems)

    def save(self, aid: str, value: str | list[Any] | None, base: str) -> bool:
        """Write ``value`` for ``aid`` if the file still holds ``base``; False if unchanged.

        Raises :class:`Conflict` when the file's value is neither ``base`` nor ``value``.
        """
        with self._lock:
            doc = self._load()
            key = next((k for k in doc if str(k) == aid), None)
            current = shown(self.q, aid, _plain(doc[key])) if key is not None else ""
            mine = shown(self.q, aid, value)
            if same(current, mine):
                return False
            if not same(current, base):
                raise Conflict(current)
            node = _node(value)
            if key is None:
                _insert(doc, DoubleQuotedScalarString(aid), node, _template_order(self.q))
            else:
                _replace(doc, key, node)
            out = io.StringIO()
            _yaml().dump(doc, out)
            write_file(self.path, out.getvalue())
            return True


def _template_order(q: Questionnaire) -> list[str]:
    """Every id in the order the template shows them, section by section."""
    order = []
    for sec in q.sections:
        order += [x.id for x in sec.questions] + [s.id for s in sec.slots]
        order += [t.id for t in sec.tables]
    return order


def _node(value: str | list[Any] | None) -> Any:
    """A value of the form as YAML: quoted texts, block lists, one flow mapping per row."""
    if value is None:
        return None
    if isinstance(value, str):
        return LiteralScalarString(value + "\n") if "\n" in value else _quoted(value)
    seq = CommentedSeq()
    for item in value:
        if isinstance(item, dict):
            row = CommentedMap((k, _quoted(v)) for k, v in item.items())
            row.fa.set_flow_style()
            seq.append(row)
        else:
            seq.append(_quoted(str(item)))
    return seq


def _quoted(text: str) -> Any:
    return LiteralScalarString(text + "\n") if "\n" in text else DoubleQuotedScalarString(text)


def _insert(doc: CommentedMap, key: Any, node: Any, order: list[str]) -> None:
    """A new id placed before the first id that comes after it in the template.

    The comment lines between the previous id and the next one describe the next one: they
    move below the new id. A comment at the end of the previous id's line stays there.
    """
    rank = {k: i for i, k in enumerate(order)}
    mine = rank.get(str(key), len(order))
    keys = list(doc)
    pos = next((i for i, k in enumerate(keys) if rank.get(str(k), len(order)) > mine), len(keys))
    tail = _take_trailing(doc, keys[pos - 1]) if pos > 0 else None
    if tail is not None and not tail.value.startswith("\n") and "\n" in tail.value.rstrip("\n"):
        eol, rest = tail.value.split("\n", 1)
        _put_trailing(doc, keys[pos - 1], CommentToken(eol + "\n", tail.start_mark))
        tail = CommentToken("\n" + rest if rest.startswith("#") else rest, tail.start_mark)
    elif tail is not None and not tail.value.startswith("\n"):
        _put_trailing(doc, keys[pos - 1], tail)
        tail = None
    doc.insert(pos, key, node)
    if tail is not None:
        _put_trailing(doc, key, tail)


def _replace(doc: CommentedMap, key: Any, node: Any) -> None:
    """``doc[key] = node``, the comment that followed the old value kept after the new one."""
    tail = _take_trailing(doc, key)
    doc[key] = node
    if tail is not None:
        _put_trailing(doc, key, tail)


def _take_trailing(doc: CommentedMap, key: Any) -> CommentToken | None:
    """Detach the comment (and blank lines) written after ``doc[key]``'s value."""
    entry = doc.ca.items.get(key)
    if entry is not None and len(entry) > 2 and entry[2] is not None:
        tok: CommentToken = entry[2]
        entry[2] = None
        return tok
    return _take_last(doc[key])


def _take_last(node: Any) -> CommentToken | None:
    if isinstance(node, CommentedSeq) and len(node):
        entry = node.ca.items.get(len(node) - 1)
        if entry and entry[0] is not None:
            tok: CommentToken = entry[0]
            entry[0] = None
            return tok
        return _take_last(node[-1])
    if isinstance(node, CommentedMap) and len(node):
        last = list(node)[-1]
        entry = node.ca.items.get(last)
        if entry and len(entry) > 2 and entry[2] is not None:
            tok = entry[2]
            entry[2] = None
            return tok
        return _take_last(node[last])
    return None


def _put_trailing(doc: CommentedMap, key: Any, tok: CommentToken) -> None:
    node = doc[key]
    if isinstance(node, CommentedSeq) and len(node):
        node.ca.items[len(node) - 1] = [tok, None, None, None]
    else:
        doc.ca.items.setdefault(key, [None, None, None, None])[2] = tok
