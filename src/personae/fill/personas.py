"""Section 7, « Personas utilisateurs »: the persona blocks from contacts and notes.

The three first personas of ``models.personas`` (DESIGN §5) fill the blocks ``7.persona1``
to ``7.persona3``: name, most frequent title, department, age range, seniority and
influencers from the contacts of won deals' accounts; objectives, challenges, objections,
sources, criteria and how the product helps from the recurring themes of their accounts'
notes, each with its verbatim and its count. Section 7's questions are then ticked from the
blocks (:mod:`personae.dossier.persona_questions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personae.dossier.kinds import fmt_int, fmt_percent
from personae.dossier.persona_questions import block_slot
from personae.fill._rule import Metrics, rule
from personae.fill._text import SMALL, french_list

BLOCKS = 3
SMALL_GROUP = 30  # contacts: below this, the block says the group is small
MIN_AGES = 4  # contacts with an age needed for an interquartile range
PEOPLE = ("nom", "titre", "departement", "age", "seniorite", "influenceurs")
# block field -> (theme field of models.personas[].themes, written as a list or a text)
THEMES: dict[str, tuple[str, bool]] = {
    "objectifs": ("objectifs", True),
    "defis": ("defis", True),
    "objections": ("objections", True),
    "sources_d_info": ("sources", False),
    "criteres_decision": ("criteres", False),
    "comment_on_l_aide": ("aide", False),
}
# a text field whose theme no note of the persona's accounts brings up, once notes were read
NO_THEME = {
    "sources": "Aucune source citée de façon récurrente dans les notes de ses comptes",
    "criteres": "Aucun critère cité de façon récurrente dans les notes de ses comptes",
    "aide": "Aucun bénéfice cité de façon récurrente dans les notes de ses comptes",
}
ROLE_LABELS = {
    "decision_maker": "décideur",
    "economic_buyer": "acheteur économique",
    "champion": "champion",
    "influencer": "influenceur",
    "user": "utilisateur",
}


def _ids(fields: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(block_slot(n, f) for n in range(1, BLOCKS + 1) for f in fields)


def _personas(m: Metrics) -> list[Mapping[str, Any]]:
    found = (m.get("models") or {}).get("personas") or []
    return list(found)[:BLOCKS]


def _influencers(p: Mapping[str, Any]) -> str | None:
    parts = []
    for i in p.get("influencers") or []:
        role = ROLE_LABELS.get(str(i.get("role")), "présent")
        parts.append(
            f"{i['name']}, {role} sur {fmt_percent(i['share'])} de ses affaires gagnées "
            f"({fmt_int(i['won_deals'])} affaires)"
        )
    return " ; ".join(parts) or None


@rule("personas", _ids(PEOPLE), needs=("contacts", "deals.status"))
def persona_people(m: Metrics) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n, p in enumerate(_personas(m), start=1):
        contacts = int(p.get("contacts") or 0)
        name = str(p["name"])
        if contacts < SMALL_GROUP:
            name += f" ({SMALL} : {fmt_int(contacts)} contacts)"
        out[block_slot(n, "nom")] = name
        if p.get("title"):
            out[block_slot(n, "titre")] = str(p["title"])
        out[block_slot(n, "departement")] = p.get("department_label")
        age = p.get("age_range")
        if age and int(p.get("ages") or 0) >= MIN_AGES:
            out[block_slot(n, "age")] = (float(round(age[0])), float(round(age[1])))
        if p.get("seniority"):
            out[block_slot(n, "seniorite")] = p["seniority"]
        out[block_slot(n, "influenceurs")] = _influencers(p)
    return {k: v for k, v in out.items() if v is not None}


def _theme_item(t: Mapping[str, Any]) -> str:
    n = int(t["count"])
    return f"« {t['verbatim']} » ({fmt_int(n)} note{'s' if n > 1 else ''})"


@rule("personas", _ids(list(THEMES)), needs=("contacts", "deals.status", "notes"))
def persona_themes(m: Metrics) -> dict[str, Any]:
    out: dict[str, Any] = {}
    said = {name for p in _personas(m) for name, items in (p.get("themes") or {}).items() if items}
    for n, p in enumerate(_personas(m), start=1):
        themes = p.get("themes") or {}
        for slot, (name, as_list) in THEMES.items():
            items = [_theme_item(t) for t in themes.get(name) or []]
            if items:
                out[block_slot(n, slot)] = items if as_list else french_list(items)
            elif themes and not as_list and name in NO_THEME and name in said:
                # another persona's block says it: this one says its notes do not
                out[block_slot(n, slot)] = NO_THEME[name]
    return out
