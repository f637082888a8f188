"""Writing the completed dossier in the template's own markdown (DESIGN §2).

Every node of the parsed template is written back as it was unless an answer fills it:
an unanswered question, placeholder, table row or persona block stays exactly as in the
template, so the dossier remains a to-do list. Answers are escaped for where they go
(a ``|`` in a table cell, a newline or a ``` fence in a block) so that no answer can
break the document's structure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from babel.dates import format_date

from personae.dossier.answers import Answer
from personae.dossier.kinds import LOCALE, fmt_list, format_value
from personae.dossier.model import Dossier, status_label
from personae.dossier.questionnaire import (
    ANSWERED,
    PLACEHOLDER,
    STATUS,
    TOTAL,
    UPDATED,
    Block,
    Column,
    Marker,
    QuestionLine,
    Questionnaire,
    Raw,
    RepeatItem,
    Row,
    TableNode,
    TemplateTable,
    slug,
)

NOTHING = "—"  # a cell of a generated row that no answer fills
SUMMARY_NOTE = "*(À générer automatiquement une fois les questions répondues)*"
SUMMARY_DONE = "*(Généré automatiquement à partir des réponses ci-dessus)*"


def french_day(d: date) -> str:
    """``30 juin 2025``."""
    text: str = format_date(d, "d MMMM yyyy", locale=LOCALE)
    return text


def french_month(d: date) -> str:
    """``Décembre 2025``."""
    text = format_date(d, "MMMM yyyy", locale=LOCALE)
    return text[:1].upper() + text[1:]


def inline(text: str) -> str:
    """One line of text: newlines folded, fences and checkbox look-alikes made harmless."""
    t = re.sub(r"\s*[\r\n]+\s*", " / ", text.strip())
    t = t.replace("```", "'''")
    return t


def cell(text: str) -> str:
    """Text safe inside a table cell."""
    return re.sub(r"(?<!\\)\|", r"\\|", inline(text))


def short_answer(value: Any) -> str:
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, list):
        return fmt_list(value)
    return str(value)


class _Renderer:
    def __init__(
        self,
        q: Questionnaire,
        answers: Mapping[str, Answer],
        updated: date,
        *,
        company: str | None = None,
        as_of: date | None = None,
    ) -> None:
        self.q = q
        self.answers = answers
        self.updated = updated
        self.company = company
        self.as_of = as_of
        self.total = len(q.questions)
        self.answered = sum(1 for x in q.questions if x.id in answers)
        self.out: list[str] = []

    def value(self, aid: str) -> Any:
        ans = self.answers.get(aid)
        return None if ans is None else ans.value

    def run(self) -> str:
        nodes = self.q.nodes
        last_of_group: dict[str, int] = {}
        for k, node in enumerate(nodes):
            if isinstance(node, RepeatItem):
                last_of_group[node.group] = k
        for k, node in enumerate(nodes):
            if isinstance(node, Raw):
                self.out.extend(self.raw(line) for line in node.lines)
            elif isinstance(node, Marker):
                self.marker(node)
            elif isinstance(node, QuestionLine):
                self.question(node)
            elif isinstance(node, Block):
                self.block(node, "", "")
            elif isinstance(node, TableNode):
                self.table(node)
            elif isinstance(node, RepeatItem):
                self.repeat(node)
                if last_of_group[node.group] == k:
                    self.extra_repeats(node)
        return "\n".join(self.out)

    def raw(self, line: str) -> str:
        """A line of the template as it is, but for the title's company name and the
        summary's "to be generated" note once the summary is generated."""
        if line.strip() == SUMMARY_NOTE and any(
            a.source == "derived" for a in self.answers.values()
        ):
            return line.replace(SUMMARY_NOTE, SUMMARY_DONE)
        old = self.q.company
        if not (self.company and old and line == f"# {self.q.title}"):
            return line
        return line[: line.rindex(old)] + self.company + line[line.rindex(old) + len(old) :]

    # ------------------------------------------------------------ markers
    def marker(self, m: Marker) -> None:
        line = m.line
        if m.kind == "status":
            match = STATUS.match(line)
            assert match
            line = match.group(1) + status_label(self.answered, self.total)
        elif m.kind == "updated":
            match = UPDATED.match(line)
            assert match
            line = match.group(1) + french_month(self.updated)
            if self.as_of is not None:
                line += f" (données au {french_day(self.as_of)})"
        elif m.kind == "total":
            assert TOTAL.match(line)
            line = f"**Total questions : {self.total}**"
        elif m.kind == "answered":
            assert ANSWERED.match(line)
            line = f"**Répondues : {self.answered}/{self.total}**"
        self.out.append(line)

    # ------------------------------------------------------------ questions
    def question(self, node: QuestionLine) -> None:
        ans = self.answers.get(node.question.id)
        line = node.line
        if ans is None:
            self.out.append(line)
            return
        head = re.sub(r"\s+—\s+.*$", "", line) if line.startswith("- [x]") else line
        head = head.replace("- [ ]", "- [x]", 1)
        self.out.append(f"{head} — {inline(short_answer(ans.value))}")

    # ------------------------------------------------------------ blocks
    def block(self, block: Block, src_group: str, dst_group: str) -> None:
        lines = block.lines
        k = 0
        while k < len(lines):
            bl = lines[k]
            sid = bl.slot
            if sid and src_group:
                sid = sid.replace(f".{src_group}.", f".{dst_group}.")
            if sid is None:
                self.out.append(bl.text)
                k += 1
                continue
            slot = self.q.slots.get(sid) or self.q.repeat_slot(sid)
            value = self.value(sid)
            if bl.list_item is not None:
                items = [x for x in lines[k:] if x.slot == bl.slot and x.list_item is not None]
                # consecutive list items of this slot
                run = 0
                while k + run < len(lines) and lines[k + run].slot == bl.slot:
                    run += 1
                if value is None or slot is None:
                    self.out.extend(x.text for x in lines[k : k + run])
                else:
                    pattern = items[0].text
                    for n, item in enumerate(value, start=1):
                        self.out.append(_list_line(pattern, n, inline(str(item))))
                k += run
                continue
            if value is None or slot is None:
                self.out.append(bl.text)
            else:
                text = inline(format_value(slot.kind, value, slot.placeholder))
                self.out.append(_fill_first(bl.text, text, after_colon=True))
            k += 1

    # ------------------------------------------------------------ tables
    def table(self, node: TableNode) -> None:
        table = node.table
        if node.kv:
            self.out.extend(node.lines[:2])
            for row, line in zip(table.rows, node.lines[2:], strict=True):
                sid = f"{table.section}.{row.key}"
                slot = self.q.slots.get(sid)
                value = self.value(sid)
                if slot is None or value is None:
                    self.out.append(line)
                else:
                    text = cell(format_value(slot.kind, value, slot.placeholder))
                    self.out.append(_row_line([row.cells[0], _fill_cell(row.cells[1], text)]))
            return
        rows = self.value(table.id)
        if not rows:
            self.out.extend(node.lines)
            return
        answer = self.answers.get(table.id)
        from_data = answer is not None and answer.source == "data" and not answer.override
        self.out.extend(node.lines[:2])
        fixed = {r.key: r for r in table.rows if r.key}
        first = table.columns[0].id
        filled: dict[str, dict[str, Any]] = {}
        free: list[dict[str, Any]] = []
        for r in rows:
            k = _fixed_key(str(r.get(first, "")), fixed) if r.get(first) is not None else None
            if k is not None:
                filled.setdefault(k, {}).update(r)  # "TPE" from the data, "TPE (1-10)" by hand
            else:
                free.append(r)
        examples = table.example_rows
        numbered = bool(examples) and examples[0].cells[0].strip().isdigit()
        emitted_free = False
        for row, line in zip(table.rows, node.lines[2:], strict=True):
            if row.key is None:
                if not free:
                    self.out.append(line)
                elif not emitted_free:
                    named = {slug(e.cells[0].strip("[] ")): e for e in examples}
                    for n, r in enumerate(free, start=1):
                        if numbered and r.get(first) is None:
                            r = {**r, first: str(n)}
                        template = named.get(slug(str(r.get(first, ""))), examples[0])
                        self.out.append(self.row(table, template, r))
                    emitted_free = True
                continue
            if row.key in filled:
                # a fixed row keeps its own label ("TPE (1-10)" for an answer named "TPE")
                values = {k: v for k, v in filled[row.key].items() if k != first}
                self.out.append(self.row(table, row, values))
            elif not from_data:  # computed tables grow to the data: no empty template row
                self.out.append(line)
        if free and not emitted_free:
            template_row = Row([c.placeholder for c in table.columns], None)
            for r in free:
                self.out.append(self.row(table, template_row, r))

    def row(self, table: TemplateTable, template: Row, values: Mapping[str, Any]) -> str:
        """A row written from an answer: a cell the answer leaves empty says nothing (—)
        rather than keep the example row's placeholder."""
        cells = []
        for col, original in zip(table.columns, template.cells, strict=True):
            v = values.get(col.id)
            if v is None:
                cells.append(NOTHING if PLACEHOLDER.search(original) else original)
            else:
                cells.append(_fill_cell(original, cell(_format_cell(col, v))))
        return _row_line(cells)

    # ------------------------------------------------------------ repeated groups
    def repeat(self, item: RepeatItem) -> None:
        group = f"{item.group}{item.n}"
        self.out.append(self.heading(item.heading, item.heading_slot))
        self.out.extend(item.between)
        has_answer = any(
            a.startswith(f"{self.q.repeat_section[item.group]}.{group}.") for a in self.answers
        )
        if item.block is not None:
            self.block(item.block, "", "")
        elif has_answer:
            structure = self.q.repeat_structure[item.group]
            self.block(structure, structure.group, group)
        else:
            assert item.same_line is not None
            self.out.append(item.same_line)

    def extra_repeats(self, last: RepeatItem) -> None:
        section = self.q.repeat_section[last.group]
        numbers = set()
        for aid in self.answers:
            m = re.fullmatch(rf"{re.escape(section)}\.{re.escape(last.group)}(\d+)\..+", aid)
            if m and int(m.group(1)) > self.q.repeat_counts[last.group]:
                numbers.add(int(m.group(1)))
        structure = self.q.repeat_structure[last.group]
        for n in sorted(numbers):
            heading = re.sub(r"(\s)\d+(\s*:)", rf"\g<1>{n}\g<2>", last.heading, count=1)
            heading_slot = f"{section}.{last.group}{n}.nom" if last.heading_slot else None
            self.out.append("")
            self.out.append(self.heading(heading, heading_slot))
            self.out.extend(last.between)
            self.block(structure, structure.group, f"{last.group}{n}")

    def heading(self, heading: str, slot_id: str | None) -> str:
        value = self.value(slot_id) if slot_id else None
        if value is None:
            return heading
        return _fill_first(heading, inline(str(value)), after_colon=True)


def _fixed_key(label: str, fixed: Mapping[str, Row]) -> str | None:
    """The fixed row a label names: its exact key, or the one key it begins
    (``TPE`` names ``TPE (1-10)``)."""
    k = slug(label)
    if not k:
        return None
    if k in fixed:
        return k
    starts = [f for f in fixed if f.startswith(k + "_")]
    return starts[0] if len(starts) == 1 else None


def _format_cell(col: Column, value: Any) -> str:
    if isinstance(value, str):
        return value
    return format_value(col.kind, value, col.placeholder)


def _fill_first(text: str, value: str, after_colon: bool) -> str:
    """Replace the first placeholder (after the ``:`` when asked) with ``value``."""
    start = text.find(":") + 1 if after_colon and ":" in text else 0
    m = PLACEHOLDER.search(text, start)
    if not m:
        return text
    return text[: m.start()] + value + text[m.end() :]


def _fill_cell(original: str, value: str) -> str:
    return value if value else original


def _row_line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _list_line(pattern: str, n: int, text: str) -> str:
    m = re.match(r"^(\s*)\d+\.\s+", pattern)
    indent = m.group(1) if m else ""
    return f"{indent}{n}. {text}"


def render_markdown(dossier: Dossier) -> str:
    """``dossier.md``: the template with every answer written in."""
    return _Renderer(
        dossier.questionnaire,
        dossier.answers,
        dossier.generated,
        company=dossier.company,
        as_of=dossier.as_of,
    ).run()
