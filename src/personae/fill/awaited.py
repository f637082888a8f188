"""Questions that a model of DESIGN §5 will answer; until it exists they need a person."""

from __future__ import annotations

from personae.fill._rule import Awaited

AWAITED: tuple[Awaited, ...] = ()
