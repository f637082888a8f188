"""Section 7's questions, ticked from the persona blocks (source ``derived``).

The ten questions of « Pour chaque persona » each ask for one field of the persona blocks
below them: « Titre du poste » is the blocks' ``Titre``, « Qui d'autre influence sa
décision ? » their ``Influenceurs``… A question is answered when at least one persona block
carries its field, whoever filled it (the data or a person); its short answer recalls the
field persona by persona. :data:`PERSONA_QUESTIONS` is that mapping, question id → block
field(s), written once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from personae.dossier.answers import Answer
from personae.dossier.kinds import format_value
from personae.dossier.questionnaire import Questionnaire

SECTION = "7"
GROUP = "persona"

# Question id -> the block fields (slot keys of ``7.persona{n}.<key>``) that answer it.
PERSONA_QUESTIONS: dict[str, tuple[str, ...]] = {
    "7.1": ("titre",),
    "7.2": ("departement",),
    "7.3": ("age",),
    "7.4": ("objectifs",),
    "7.5": ("defis",),
    "7.6": ("comment_on_l_aide",),
    "7.7": ("objections",),
    "7.8": ("sources_d_info",),
    "7.9": ("criteres_decision",),
    "7.10": ("influenceurs",),
}

_SLOT = re.compile(rf"^{SECTION}\.{GROUP}(\d+)\.([a-z_]+)$")
# Lists are long (verbatims): the question recalls how many items each block holds.
_ITEMS = {
    "objectifs": ("objectif", "objectifs"),
    "defis": ("défi", "défis"),
    "objections": ("objection", "objections"),
}


def block_slot(n: int, key: str) -> str:
    """``block_slot(2, "titre")`` → ``"7.persona2.titre"``."""
    return f"{SECTION}.{GROUP}{n}.{key}"


def _blocks(answers: Mapping[str, Answer]) -> dict[int, dict[str, Any]]:
    """Persona number -> {field: value} for every filled block field."""
    out: dict[int, dict[str, Any]] = {}
    for aid, a in answers.items():
        m = _SLOT.match(aid)
        if m and a.value not in (None, "", [], ()):
            out.setdefault(int(m.group(1)), {})[m.group(2)] = a.value
    return out


def _describe(q: Questionnaire, n: int, key: str, value: Any) -> str:
    if isinstance(value, list):
        one, many = _ITEMS.get(key, ("élément", "éléments"))
        return f"{len(value)} {one if len(value) == 1 else many}"
    slot = q.repeat_slot(block_slot(n, key))
    return format_value(slot.kind, value, slot.placeholder) if slot else str(value)


def persona_answers(q: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The questions of :data:`PERSONA_QUESTIONS` whose field a persona block carries."""
    known = {x.id for x in q.questions}
    blocks = _blocks(answers)
    out: dict[str, Answer] = {}
    for qid, keys in PERSONA_QUESTIONS.items():
        if qid not in known:
            continue
        parts = []
        for n in sorted(blocks):
            said = [_describe(q, n, k, blocks[n][k]) for k in keys if k in blocks[n]]
            if said:
                parts.append(f"persona {n} : {', '.join(said)}")
        if parts:
            text = " ; ".join(parts)
            out[qid] = Answer(
                qid,
                text[0].upper() + text[1:],
                "derived",
                detail={"from": [block_slot(n, k) for n in sorted(blocks) for k in keys]},
            )
    return out
