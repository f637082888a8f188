"""Contacts: job titles in French and English, drawn from the planted persona mix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from personae.demo import company as qf
from personae.demo.draw import Ints, categorical_by, group_offsets, mix_table
from personae.sources.schema import ROLES

_PERSONA_KEYS = tuple(p.key for p in qf.PERSONAS)
_PERSONA_MIX = mix_table([s.personas for s in qf.SEGMENTS], _PERSONA_KEYS)
_ROLE_MIX = mix_table([p.roles for p in qf.PERSONAS], ROLES)
_SENIORITIES: tuple[str, ...] = ("Junior", "Mid", "Senior", "C-level")
_SENIORITY_MIX = mix_table([p.seniority for p in qf.PERSONAS], _SENIORITIES)


def _title_table() -> tuple[list[str], Ints, Ints]:
    """Per (persona, seniority): the first index into a flat title list, and the count."""
    flat: list[str] = []
    first = np.zeros((len(qf.PERSONAS), len(_SENIORITIES)), dtype=np.int64)
    count = np.zeros_like(first)
    for i, p in enumerate(qf.PERSONAS):
        for j, level in enumerate(_SENIORITIES):
            titles = p.levels.get(level, p.titles)
            first[i, j], count[i, j] = len(flat), len(titles)
            flat.extend(titles)
    return flat, first, count


_FLAT, _TITLE_START, _TITLE_COUNT = _title_table()
_AGE = np.array([p.age for p in qf.PERSONAS])
_CONTACTS = np.array([s.contacts for s in qf.SEGMENTS])


@dataclass(frozen=True)
class Contacts:
    account: Ints
    """Local account index of each contact, grouped by account."""
    persona: Ints
    role: Ints
    count: Ints
    """Contacts per account."""
    first: Ints
    """Index of each account's first contact."""
    table: dict[str, pa.Array]

    def pick(self, rng: np.random.Generator, account: Ints) -> Ints:
        """A random contact (index) of each given account."""
        return self.first[account] + (rng.random(len(account)) * self.count[account]).astype(
            np.int64
        )


def contacts(rng: np.random.Generator, segment: Ints) -> Contacts:
    """Contacts of every account of ``segment`` (one segment per account)."""
    base, n, p = (_CONTACTS[segment, j] for j in range(3))
    count = base.astype(np.int64) + rng.binomial(n.astype(np.int64), p)
    account = np.repeat(np.arange(len(segment), dtype=np.int64), count)
    seg = segment[account]
    persona = categorical_by(rng, _PERSONA_MIX, seg)
    role = categorical_by(rng, _ROLE_MIX, persona)
    pick = rng.integers(0, 1 << 30, len(persona))
    mean, sd, lo, hi = (_AGE[persona, j] for j in range(4))
    age = np.clip(np.rint(mean + sd * rng.standard_normal(len(persona))), lo, hi)
    level = categorical_by(rng, _SENIORITY_MIX, persona)
    # a title that fits the seniority: "Chef comptable" is Senior, "Assistante comptable" Junior
    title = _TITLE_START[persona, level] + pick % _TITLE_COUNT[persona, level]
    departments = pa.array([p.department for p in qf.PERSONAS], pa.string())
    table: dict[str, pa.Array] = {
        "job_title": pa.array(_FLAT).take(pa.array(title)),
        "department": departments.take(pa.array(persona)),
        "seniority": pa.array(_SENIORITIES).take(pa.array(level)),
        "age": pa.array(age.astype(np.int64)),
        "role": pa.array(ROLES).take(pa.array(role)),
    }
    return Contacts(account, persona, role, count, group_offsets(count), table)


_ROLE_SCORE = np.array(
    [
        {"decision_maker": 4, "economic_buyer": 3, "champion": 2, "influencer": 1}.get(r, 0)
        for r in ROLES
    ]
)
_PLANTED = _PERSONA_KEYS.index(str(qf.BUYER_PERSONA["key"]))


def buyers(c: Contacts) -> Ints:
    """Each account's buyer persona: that of its contact with the strongest role (decision
    maker, economic buyer, champion, influencer, user; the planted buyer persona on a tie),
    -1 for an account without contacts."""
    score = _ROLE_SCORE[c.role] * 2 + (c.persona == _PLANTED)
    out = np.full(len(c.count), -1, dtype=np.int64)
    # within each account, the last of an ascending (account, score) order is the strongest
    order = np.lexsort((score, c.account))
    last = np.r_[c.account[order][1:] != c.account[order][:-1], True] if len(order) else order
    out[c.account[order[last]]] = c.persona[order[last]]
    return out
