"""The template parser: markdown written with these conventions → a Questionnaire.

The template is the spec (DESIGN §2). The parser reads markdown written with these
conventions and nothing specific to Quickfund:

- ``## N. Title`` opens section N; another ``## Title`` opens a section named by its slug
  (the executive summary is ``resume``).
- ``- [ ] **Question ?** (note)`` is a question, id ``N.k``; indented ``- item`` lines
  below it are its sub-items. ``- [x] … — answer`` (a rendered dossier) parses too.
- A fenced block holds slots: ``Key : [placeholder]`` gives the slot ``N.key``; a
  ``- Key : [...]`` item gives ``N.<heading word>.key`` (``6.icp.taille``); ``Key :``
  followed by ``1. [...]`` lines gives a list slot ``N.key``.
- A table (``| … |`` lines) under ``### Heading`` is the table ``N.heading``; its rows
  whose first cell is a placeholder, a rank or ``...`` are examples that answers replace,
  the other rows are fixed and keyed by their first cell. A two-column table of fixed rows
  is a key/value table: each row is a slot ``N.row_key``.
- ``### Label 1 : [Name]`` + block, then ``### Label 2 : [Name]`` + ``*(Même structure)*``
  is a repeated group: slots ``N.label1.key``, ``N.label2.key``…, heading slot
  ``N.label1.nom``.
- ``> **Statut :** …`` and ``> **Dernière mise à jour :** …`` are the header;
  ``**Total questions : N**`` and ``**Répondues : N/M**`` the footer counters.

Every line of the template belongs to exactly one node, so rendering with no answers
gives the template back.
"""

from __future__ import annotations

import re

from personae.dossier.kinds import LIST, TEXT, Kind, kind_of
from personae.dossier.questionnaire import (
    ANSWERED,
    PLACEHOLDER,
    STATUS,
    TOTAL,
    UPDATED,
    Block,
    BlockLine,
    Column,
    Marker,
    Node,
    Question,
    QuestionLine,
    Questionnaire,
    Raw,
    RepeatItem,
    Row,
    Section,
    Slot,
    TableNode,
    TemplateTable,
    slug,
)
from personae.errors import Problem, TemplateError

_HEADING3 = re.compile(r"^###\s+(.+?)\s*$")
_SECTION = re.compile(r"^##\s+(?:(\d+)\.\s+)?(.+?)\s*$")
_QUESTION = re.compile(r"^- \[([ xX])\] \*\*(.+?)\*\*(.*)$")
_SUBITEM = re.compile(r"^\s+- (.*)$")
_REPEAT = re.compile(r"^###\s+(.+?)\s+(\d+)\s*:\s*(.*?)\s*$")
_SAME = re.compile(r"^\*\(\s*Même structure\s*\)\*\s*$")
_SLOT_LINE = re.compile(r"^(?P<indent>\s*)(?P<dash>- )?(?P<key>[^:\[\]]+?)\s*:\s*(?P<rest>.*)$")
_LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?P<n>\d+)\.\s+(?P<rest>.*)$")


class Parser:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.lines = text.split("\n")
        self.i = 0
        self.nodes: list[Node] = []
        self.sections: list[Section] = []
        self.heading = ""
        self.title = ""
        self.repeat_structure: dict[str, Block] = {}
        self.repeat_slots: dict[str, list[Slot]] = {}
        self.repeat_counts: dict[str, int] = {}
        self.repeat_section: dict[str, str] = {}
        self.used_ids: set[str] = set()

    # ------------------------------------------------------------ helpers
    def fail(self, message: str) -> TemplateError:
        return TemplateError(
            f"{self.source}: {message}", [Problem(self.source, message, line=self.i + 1)]
        )

    def raw(self, line: str) -> None:
        if self.nodes and isinstance(self.nodes[-1], Raw):
            self.nodes[-1].lines.append(line)
        else:
            self.nodes.append(Raw([line]))

    @property
    def section(self) -> Section | None:
        return self.sections[-1] if self.sections else None

    def new_id(self, base: str) -> str:
        uid, k = base, 2
        while uid in self.used_ids:
            uid, k = f"{base}_{k}", k + 1
        self.used_ids.add(uid)
        return uid

    # ------------------------------------------------------------ main loop
    def run(self) -> Questionnaire:
        lines = self.lines
        while self.i < len(lines):
            line = lines[self.i]
            if line.startswith("# ") and not self.title:
                self.title = line[2:].strip()
                self.raw(line)
            elif STATUS.match(line):
                self.nodes.append(Marker("status", line))
            elif UPDATED.match(line):
                self.nodes.append(Marker("updated", line))
            elif TOTAL.match(line):
                self.nodes.append(Marker("total", line))
            elif ANSWERED.match(line):
                self.nodes.append(Marker("answered", line))
            elif m := _SECTION.match(line):
                number, title = m.group(1), m.group(2)
                sid = number if number else slug(title).split("_")[0]
                if any(s.id == sid for s in self.sections):
                    raise self.fail(f"section {sid!r} appears twice")
                self.sections.append(Section(sid, title))
                self.heading = ""
                self.raw(line)
            elif (m := _REPEAT.match(line)) and self.section is not None:
                self.repeat(m)
                continue
            elif m := _HEADING3.match(line):
                self.heading = m.group(1)
                self.raw(line)
            elif (m := _QUESTION.match(line)) and self.section is not None:
                self.question(m, line)
            elif line.startswith("```") and self.section is not None:
                self.nodes.append(self.block(group=""))
                continue
            elif line.startswith("|") and self.section is not None:
                self.table()
                continue
            else:
                self.raw(line)
            self.i += 1
        if not self.sections:
            raise self.fail("no section found (a section starts with '## N. Title')")
        return Questionnaire(
            self.text,
            self.title,
            self.sections,
            self.nodes,
            self.repeat_structure,
            self.repeat_slots,
            self.repeat_counts,
            self.repeat_section,
        )

    # ------------------------------------------------------------ questions
    def question(self, m: re.Match[str], line: str) -> None:
        sec = self.section
        assert sec is not None
        text, note = m.group(2).strip(), m.group(3).strip()
        note = re.split(r"\s+—\s+", note, maxsplit=1)[0] if " — " in note else note
        qid = self.new_id(f"{sec.id}.{len(sec.questions) + 1}")
        items: list[str] = []
        j = self.i + 1
        while j < len(self.lines) and (sm := _SUBITEM.match(self.lines[j])):
            items.append(sm.group(1).strip())
            j += 1
        q = Question(qid, sec.id, text, note, items)
        sec.questions.append(q)
        self.nodes.append(QuestionLine(q, line))

    # ------------------------------------------------------------ blocks
    def block(self, group: str, prefix: str = "") -> Block:
        """A fenced block starting at ``self.i``; leaves ``self.i`` after the fence."""
        sec = self.section
        assert sec is not None
        start = self.i
        out = [BlockLine(self.lines[self.i])]
        self.i += 1
        pending_list: tuple[str, str] | None = None  # (slot id, label) awaiting numbered items
        nested = slug(self.heading.split()[0]) if self.heading else ""
        while True:
            if self.i >= len(self.lines):
                self.i = start
                raise self.fail("a ``` block is never closed")
            line = self.lines[self.i]
            self.i += 1
            if line.startswith("```"):
                out.append(BlockLine(line))
                break
            item = _LIST_ITEM.match(line)
            if item and pending_list and PLACEHOLDER.search(item.group("rest")):
                out.append(BlockLine(line, slot=pending_list[0], list_item=int(item.group("n"))))
                continue
            sm = _SLOT_LINE.match(line)
            if sm and "[" not in sm.group("key"):
                rest = sm.group("rest")
                ph = PLACEHOLDER.search(rest)
                key = sm.group("key").strip()
                base = f"{sec.id}." + (f"{prefix}." if prefix else "")
                if sm.group("dash") and nested and not prefix:
                    base += nested + "."
                if ph:
                    sid = self.slot_id(base + slug(key), group)
                    self.add_slot(sid, key, ph.group(0), kind_of(ph.group(0)), group)
                    out.append(BlockLine(line, slot=sid))
                    pending_list = None
                    continue
                nxt = self.lines[self.i] if self.i < len(self.lines) else ""
                if not rest.strip() and _LIST_ITEM.match(nxt):
                    sid = self.slot_id(base + slug(key), group)
                    pending_list = (sid, key)
                    self.add_slot(sid, key, "[À compléter]", LIST, group)
                    out.append(BlockLine(line))
                    continue
            pending_list = None if line.strip() else pending_list
            out.append(BlockLine(line))
        return Block(out, group=group)

    def slot_id(self, base: str, group: str) -> str:
        if group:
            return base  # ids in repeated groups are made unique per item already
        return self.new_id(base)

    def add_slot(self, sid: str, label: str, placeholder: str, kind: Kind, group: str) -> None:
        sec = self.section
        assert sec is not None
        slot = Slot(sid, sec.id, label, placeholder, kind, group)
        if group:
            gname = re.sub(r"\d+$", "", group)
            generic = sid.replace(f".{group}.", f".{gname}{{n}}.")
            registry = self.repeat_slots.setdefault(gname, [])
            if all(s.id != generic for s in registry):
                registry.append(Slot(generic, sec.id, label, placeholder, kind, ""))
        sec.slots.append(slot)

    # ------------------------------------------------------------ repeated groups
    def repeat(self, m: re.Match[str]) -> None:
        sec = self.section
        assert sec is not None
        heading = self.lines[self.i]
        gname, n, rest = slug(m.group(1)), int(m.group(2)), m.group(3)
        group = f"{gname}{n}"
        self.i += 1
        between: list[str] = []
        while self.i < len(self.lines) and not self.lines[self.i].strip():
            between.append(self.lines[self.i])
            self.i += 1
        heading_slot = None
        ph = PLACEHOLDER.search(rest)
        if ph:
            heading_slot = f"{sec.id}.{group}.nom"
            self.add_slot(heading_slot, "Nom", ph.group(0), TEXT, group)
        nxt = self.lines[self.i] if self.i < len(self.lines) else ""
        block: Block | None = None
        same: str | None = None
        self.heading = m.group(1)
        if nxt.startswith("```"):
            block = self.block(group=group, prefix=group)
            self.repeat_structure.setdefault(gname, block)
        elif _SAME.match(nxt):
            same = nxt
            self.i += 1
            structure = self.repeat_structure.get(gname)
            if structure is None:
                raise self.fail(f"'{nxt.strip()}' before any full {m.group(1)} block")
            for bl in structure.lines:
                if bl.slot and bl.list_item in (None, 1):
                    generic = self._generic(bl.slot)
                    if generic is not None:
                        self.add_slot(
                            generic.id.replace("{n}", str(n)),
                            generic.label,
                            generic.placeholder,
                            generic.kind,
                            group,
                        )
        else:
            # a heading that merely ends in a number: plain text after all
            self.raw(heading)
            for b in between:
                self.raw(b)
            return
        self.repeat_counts[gname] = max(self.repeat_counts.get(gname, 0), n)
        self.repeat_section[gname] = sec.id
        self.nodes.append(RepeatItem(gname, n, heading, heading_slot, block, same, between))

    def _generic(self, slot_id: str) -> Slot | None:
        for slots in self.repeat_slots.values():
            for s in slots:
                pattern = re.escape(s.id).replace(r"\{n\}", r"\d+")
                if re.fullmatch(pattern, slot_id):
                    return s
        return None

    # ------------------------------------------------------------ tables
    def table(self) -> None:
        sec = self.section
        assert sec is not None
        start = self.i
        raw: list[str] = []
        while self.i < len(self.lines) and self.lines[self.i].startswith("|"):
            raw.append(self.lines[self.i])
            self.i += 1
        if len(raw) < 2 or not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+\s*", raw[1]):
            self.i = start + 1
            self.raw(raw[0])
            return
        header = split_row(raw[0])
        rows = [split_row(r) for r in raw[2:]]
        for k, cells in enumerate(rows):
            if len(cells) != len(header):
                self.i = start + 2 + k
                raise self.fail(f"table row has {len(cells)} cells, its header {len(header)}")
        base = slug(self.heading) if self.heading else "table"
        tid = self.new_id(f"{sec.id}.{base}")
        columns = []
        for j, title in enumerate(header):
            ph = next((c[j] for c in rows if PLACEHOLDER.fullmatch(c[j].strip())), "")
            kind = kind_of(ph) if ph and j > 0 else TEXT
            columns.append(Column(slug(title) or f"col{j + 1}", title, kind, ph))
        trows = [Row(c, None if _is_example(c[0]) else slug(c[0])) for c in rows]
        table = TemplateTable(tid, sec.id, self.heading, columns, trows)
        kv = len(columns) == 2 and all(r.key for r in trows) and bool(trows)
        if kv:
            for r in trows:
                found = PLACEHOLDER.search(r.cells[1])
                if found:
                    sid = self.new_id(f"{sec.id}.{r.key}")
                    text = found.group(0)
                    sec.slots.append(Slot(sid, sec.id, r.cells[0], text, kind_of(text)))
        else:
            sec.tables.append(table)
        self.nodes.append(TableNode(table, raw, kv))


def _is_example(first_cell: str) -> bool:
    c = first_cell.strip()
    return bool(PLACEHOLDER.fullmatch(c)) or c.isdigit() or c in ("...", "…")


def split_row(line: str) -> list[str]:
    """Cells of a markdown table row; ``\\|`` is an escaped pipe inside a cell."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [c.strip() for c in cells]
