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
_TITLES = [t for p in qf.PERSONAS for t in p.titles]
_TITLE_START = np.cumsum([0, *(len(p.titles) for p in qf.PERSONAS[:-1])])
_TITLE_COUNT = np.array([len(p.titles) for p in qf.PERSONAS])
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
    title = _TITLE_START[persona] + rng.integers(0, 1 << 30, len(persona)) % _TITLE_COUNT[persona]
    mean, sd, lo, hi = (_AGE[persona, j] for j in range(4))
    age = np.clip(np.rint(mean + sd * rng.standard_normal(len(persona))), lo, hi)
    departments = pa.array([p.department for p in qf.PERSONAS], pa.string())
    table: dict[str, pa.Array] = {
        "job_title": pa.array(_TITLES).take(pa.array(title)),
        "department": departments.take(pa.array(persona)),
        "seniority": pa.array(_SENIORITIES).take(
            pa.array(categorical_by(rng, _SENIORITY_MIX, persona))
        ),
        "age": pa.array(age.astype(np.int64)),
        "role": pa.array(ROLES).take(pa.array(role)),
    }
    return Contacts(account, persona, role, count, group_offsets(count), table)
