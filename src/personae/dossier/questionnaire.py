"""The questionnaire: a dossier template parsed into sections, questions and slots.

The template is the spec (DESIGN §2); :mod:`personae.dossier.parser` reads it (its
docstring lists the markdown conventions). This module holds what the parse gives: the
:class:`Questionnaire` with its sections, questions, slots, tables and nodes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from personae.dossier.kinds import Kind
from personae.dossier.template import read_template

PLACEHOLDER = re.compile(r"\[(?!x\]|\s\])[^\[\]\n]+\]")
STATUS = re.compile(r"^(>\s*\*\*Statut\s*:\*\*\s*)(.*)$")
UPDATED = re.compile(r"^(>\s*\*\*Derni\w+re mise à jour\s*:\*\*\s*)(.*)$")
TOTAL = re.compile(r"^\*\*Total questions\s*:\s*\d+\*\*\s*$")
ANSWERED = re.compile(r"^\*\*Répondues\s*:\s*\d+/\d+\*\*\s*$")


def slug(text: str) -> str:
    """``"Cœur de cible"`` -> ``coeur_de_cible``; ``"% CA"`` -> ``pct_ca``."""
    t = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("%", " pct ")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


@dataclass
class Slot:
    """One value to fill: a ``Key : [placeholder]`` line, a list, a key/value table row."""

    id: str
    section: str
    label: str
    placeholder: str
    kind: Kind
    group: str = ""  # repeated group (persona) this slot belongs to: "persona2"


@dataclass
class Question:
    id: str
    section: str
    text: str
    note: str
    items: list[str]


@dataclass
class Column:
    id: str
    title: str
    kind: Kind
    placeholder: str


@dataclass
class Row:
    cells: list[str]
    key: str | None  # slug of the first cell for fixed rows; None for example rows


@dataclass
class TemplateTable:
    id: str
    section: str
    title: str
    columns: list[Column]
    rows: list[Row]

    @property
    def example_rows(self) -> list[Row]:
        return [r for r in self.rows if r.key is None]


@dataclass
class Section:
    id: str  # "1" … "12", or a slug ("resume")
    title: str
    questions: list[Question] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    tables: list[TemplateTable] = field(default_factory=list)


# ---------------------------------------------------------------- nodes (for rendering)


@dataclass
class Raw:
    lines: list[str]


@dataclass
class QuestionLine:
    question: Question
    line: str


@dataclass
class BlockLine:
    """A line of a fenced block: raw, a slot line, or a numbered item of a list slot."""

    text: str
    slot: str | None = None  # slot id (generic: without the group prefix resolved)
    list_item: int | None = None  # 1-based number for list items


@dataclass
class Block:
    lines: list[BlockLine]
    group: str = ""  # repeated group label slug ("persona"), when inside one


@dataclass
class TableNode:
    table: TemplateTable
    lines: list[str]
    kv: bool  # a key/value table: each fixed row is a slot


@dataclass
class RepeatItem:
    """``### Persona N : [Nom]`` and what follows it: a block or ``*(Même structure)*``."""

    group: str  # "persona"
    n: int
    heading: str
    heading_slot: str | None
    block: Block | None
    same_line: str | None  # the "*(Même structure)*" line
    between: list[str]  # blank lines between heading and body


@dataclass
class Marker:
    """Header and footer lines that are always recomputed."""

    kind: str  # status, updated, total, answered
    line: str


Node = Raw | QuestionLine | Block | TableNode | RepeatItem | Marker


@dataclass
class Questionnaire:
    """A parsed template; built once by :func:`parse`, then read (the indexes are cached)."""

    text: str
    title: str
    sections: list[Section]
    nodes: list[Node]
    repeat_structure: dict[str, Block]  # group -> the block every item repeats
    repeat_slots: dict[str, list[Slot]]  # group -> generic slots (ids use "{n}")
    repeat_counts: dict[str, int]  # group -> items in the template
    repeat_section: dict[str, str]

    @cached_property
    def company(self) -> str | None:
        """The company the template names in its title (``… - Quickfund``), if any."""
        parts = re.split(r"\s+[-–—]\s+", self.title)
        return parts[-1].strip() or None if len(parts) > 1 else None

    @cached_property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    @cached_property
    def slots(self) -> dict[str, Slot]:
        return {s.id: s for sec in self.sections for s in sec.slots}

    @cached_property
    def tables(self) -> dict[str, TemplateTable]:
        return {t.id: t for sec in self.sections for t in sec.tables}

    def repeat_slot(self, slot_id: str) -> Slot | None:
        """The slot for ``7.persona4.titre`` even beyond the template's item count."""
        m = re.fullmatch(r"([^.]+)\.([a-z_]+?)(\d+)\.(.+)", slot_id)
        if not m or m.group(2) not in self.repeat_slots:
            return None
        sec, group, n, key = m.groups()
        for s in self.repeat_slots[group]:
            if s.id == f"{sec}.{group}{{n}}.{key}":
                return Slot(slot_id, s.section, s.label, s.placeholder, s.kind, f"{group}{n}")
        return None


def load_questionnaire(path: Path | None = None) -> Questionnaire:
    """Read (and repair) a template, then parse it; the shipped default when ``path`` is None."""
    return parse_template(read_template(path), source=str(path) if path else "<default template>")


def parse_template(text: str, source: str = "<template>") -> Questionnaire:
    """The questionnaire of a template's text (see :mod:`personae.dossier.parser`)."""
    from personae.dossier.parser import Parser

    return Parser(text, source).run()
