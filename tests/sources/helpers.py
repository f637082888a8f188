"""Helpers of the tests of personae.sources."""

from __future__ import annotations

from personae.errors import Problem


def only(problems: list[Problem], **match: object) -> Problem:
    """The one problem whose attributes equal ``match`` (message: a substring of it)."""
    found = [p for p in problems if _matches(p, match)]
    assert len(found) == 1, f"{len(found)} problems match {match}:\n" + "\n".join(
        str(p) for p in problems
    )
    return found[0]


def _matches(problem: Problem, match: dict[str, object]) -> bool:
    for key, want in match.items():
        have = getattr(problem, key)
        if key in ("message", "hint", "file"):
            if not isinstance(want, str) or have is None or want not in have:
                return False
        elif have != want:
            return False
    return True
