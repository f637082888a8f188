"""The demo dossier reads as natural French (issue 12, item 3): a scan of what personae wrote.

What personae wrote: the answer after « — » on a ticked question, every table row with at
least one filled cell, every code block with at least one filled line. In those, the scan
finds template placeholders left behind (« [À compléter] », « [€/an] », « [Oui/Non] »…),
machine or English words (``None``, ``NaN``, ``unknown``, ``and``, snake_case or dotted
identifiers…) and broken agreements (« 1 segments », a ticked « 0 clients » or « n/d »,
« l'analyse… n'est pas encore calculé », an empty « Autres | 0 » row). It scans the golden
demo dossier (tests/golden/dossier.md, which test_golden keeps equal to a fresh demo S),
and each rule is first shown to catch a bad line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "dossier.md"

# "[À compléter]", "[€/an]", "[X%]", "[Oui/Non]", "[Segment 1]" — not "[x]", "[ ]" nor an
# interval such as "[4,5 – 5,6]" (a number first)
PLACEHOLDER = re.compile(r"\[(?![x ]\])[^\]\d\s][^\]\n]{0,40}\]")
ENGLISH = re.compile(
    r"\b(?:and|none|null|nan|true|false|unknown|undefined|missing|other|others|demo|webinar"
    r"|inf)\b",
    re.IGNORECASE,
)
IDENTIFIER = re.compile(
    r"\b[a-z]+_[a-z0-9_]+\b"  # snake_case: segment_concerne, churn_reason
    r"|\b[a-z]+\.(?!csv\b|json\b|md\b|yaml\b|toml\b|html\b|pdf\b)[a-z_]{2,}\b"  # models.ltv
)
# « 1 segments », « sur 1 comptes » (not « 1 mois », nor the 1 of « 1 456 clients »)
ONE_PLURAL = re.compile(
    r"(?<![\d\u202f\u00a0,.])1 (?!mois\b|fois\b|pays\b|prix\b|cas\b|temps\b|jours? ouvrés\b)"
    r"[a-zàâçéèêëîïôûù-]+s\b"
)
AGREEMENT = re.compile(
    r"(?:\bl'analyse|\bla \w+|\bune \w+)[^.;|]{0,60}\bcalculé\b(?!e)"  # feminine subject
    r"|Non renseigné d'après"
    r"|^\| Autres \| 0 \|"  # an empty "others" row
)
TICKED = re.compile(r"^- \[x\] \*\*.*?\*\*.*? — (?P<answer>.*)$")
EMPTY_ANSWER = re.compile(r"^(?:0 |n/d\b|—$|et d'autres\b)")


def generated(text: str) -> list[tuple[int, str, str]]:
    """(line number, kind, text) of every piece personae filled: a ticked question's
    answer, a table row with a filled cell, a line of a code block with a filled line."""
    out: list[tuple[int, str, str]] = []
    lines = text.splitlines()
    block: list[tuple[int, str]] | None = None
    for no, line in enumerate(lines, start=1):
        if line.startswith("```"):
            if block is not None:
                # a filled line: some text that is neither a placeholder nor a heading ("X :")
                values = [v for _, v in block if v.strip() and not PLACEHOLDER.search(v)]
                if any(not v.rstrip().endswith(":") for v in values):
                    out.extend((n, "block", v) for n, v in block)
                block = None
            else:
                block = []
            continue
        if block is not None:
            block.append((no, line))
            continue
        if line.startswith("|") and not re.fullmatch(r"\|[-| ]+\|", line):
            cells = [c.strip() for c in line.strip("|").split("|")]
            filled = [c for c in cells if c not in ("", "-", "—") and not PLACEHOLDER.search(c)]
            if filled:  # a row personae touched (or a header)
                out.append((no, "row", line))
            continue
        m = TICKED.match(line)
        if m:
            out.append((no, "answer", m["answer"]))
    return out


def problems(text: str) -> list[str]:
    found: list[str] = []
    for no, kind, piece in generated(text):
        checks = [
            ("placeholder", PLACEHOLDER),
            ("English or machine word", ENGLISH),
            ("identifier", IDENTIFIER),
            ("agreement", ONE_PLURAL),
            ("agreement", AGREEMENT),
        ]
        for what, rx in checks:
            hit = rx.search(piece)
            if hit:
                found.append(f"line {no} ({kind}): {what} « {hit.group(0)} » in: {piece[:160]}")
        if kind == "answer" and EMPTY_ANSWER.match(piece):
            found.append(f"line {no}: a ticked answer that says nothing: {piece[:160]}")
    return found


@pytest.mark.parametrize(
    "bad",
    [
        "| PME | 1,4 % | 14,2 % | [À compléter] |",
        "| ETI | 180 | [€/an] | Non |",
        "| Commerce | 202 | 15,4 % | — | [Oui/Non] |",
        "- [x] **Combien de segments ?** — 1 segments : Non renseigné",
        "- [x] **Combien de clients ?** — 0 clients sur les 12 derniers mois",
        "- [x] **Concentration ?** — n/d",
        "- [x] **Raisons ?** — PME : unknown (30,4 %)",
        "- [x] **Raisons ?** — None",
        "- [x] **Raisons ?** — Prix and budget",
        "- [x] **LTV ?** — LTV du modèle (models.ltv) par segment",
        "- [x] **Segment ?** — segment_concerne",
        "- [x] **Taille ?** — Non renseigné d'après les données : 100,0 % du CA",
        "- [x] **ICP ?** — l'analyse des meilleurs clients n'est pas encore calculé",
        "| Autres | 0 | 0,0 % | - | Non |",
        "```\nCœur de cible : PME\nTailles non ciblées : [À compléter]\n```",
        "```\nObjectifs :\n1. « Gagner du temps » (4 notes)\n2. [À compléter]\n```",
    ],
)
def test_the_scan_catches(bad: str) -> None:
    assert problems(bad), bad


@pytest.mark.parametrize(
    "good",
    [
        "| [Segment 1] | [X%] | [€/an] | [À compléter] |",  # a row left to a person
        "- [ ] **Quel est votre ICP ?**",  # an open question keeps its template text
        "- [x] **Churn ?** — 1,9 % par mois, 0,5 % [0,3 % – 0,9 %], 1 départ sur 1",
        "- [x] **Clients ?** — 1\u202f456 clients, score et tier dans accounts.csv",
        "- [x] **Références ?** — Aucun des 10 n'est encore une référence client",
        "```\nCœur de cible : [À compléter]\nRaison : [À compléter]\n```",  # untouched
    ],
)
def test_the_scan_lets_through(good: str) -> None:
    assert problems(good) == []


def test_demo_dossier_reads_as_natural_french() -> None:
    text = GOLDEN.read_text(encoding="utf-8")
    assert len(generated(text)) > 150  # the scan sees the dossier's answers, rows, blocks
    found = problems(text)
    assert not found, "\n".join(found)
