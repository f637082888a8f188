"""Problems found in many rows, reported without flooding: the first few, then a count.

A million bad rows make one useful message, not a million: for each (file, column, kind
of problem) we report the first :data:`CAP` rows by line and one more problem saying how
many there are in all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from personae.errors import Problem, Severity

CAP = 20
"""Rows reported one by one per (file, column, kind of problem)."""


def capped(
    file: str,
    column: str | None,
    what: str,
    total: int,
    rows: Iterable[tuple[Any, Any, Any]],
    message: str | Callable[[Any, Any], str],
    hint: str,
    *,
    severity: Severity = "error",
    cap: int = CAP,
) -> list[Problem]:
    """One problem per ``(line, value, other)`` row, at most ``cap``, then a count.

    ``message(value, other)`` (or ``message`` itself, a string) says what is wrong
    with one row; ``what`` names the rows
    in the closing count ("rows whose amount is not a number"); ``total`` is the number
    of rows with the problem, of which ``rows`` holds the first ones. ``value`` is shown
    as the cell's value only for a column's rule: a rule on whole rows (``column`` None,
    e.g. repeated rows) says what its value means in its message.
    """
    say = message if callable(message) else (lambda value, other: message)
    problems = [
        Problem(
            file,
            say(value, other),
            line=None if line is None else int(line),
            column=column,
            value=None if value is None or column is None else str(value),
            hint=hint,
            severity=severity,
        )
        for line, value, other in list(rows)[:cap]
    ]
    if total > len(problems):
        more = f"… and {total - len(problems)} more" if problems else str(total)
        problems.append(
            Problem(
                file,
                f"{more} {what} ({total} in all)" if problems else f"{more} {what}",
                column=column,
                hint=hint,
                severity=severity,
            )
        )
    return problems


#: The longest message, value or hint printed whole; longer ones are cut with "…".
LONGEST = 400

_VARYING = re.compile(r"'[^']*'|\"[^\"]*\"|\d+")


def _kind(problem: Problem) -> tuple[str, str, str]:
    """What problems of one kind share: file, severity, and the message without its
    quoted names and numbers."""
    return problem.file, problem.severity, _VARYING.sub("…", problem.message)


def _clip(text: str | None) -> str | None:
    return text if text is None or len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def cap_kinds(problems: Iterable[Problem], cap: int = CAP) -> list[Problem]:
    """At most ``cap`` problems of each kind (same file, severity and message but for its
    quoted names and numbers), then one saying how many more; long texts cut.

    The safety net behind every producer of problems: a 30,000-column header with one
    "appears twice" per cell makes 21 lines, not 30,000.
    """
    seen: dict[tuple[str, str, str], int] = {}
    kept: list[Problem] = []
    for p in problems:
        kind = _kind(p)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= cap:
            kept.append(
                replace(p, message=_clip(p.message) or "", value=_clip(p.value), hint=_clip(p.hint))
            )
    for (file, severity, message), n in seen.items():
        if n > cap:
            kept.append(
                Problem(
                    file,
                    f"… and {n - cap} more problems like: {_clip(message)} ({n} in all)",
                    severity=severity,  # type: ignore[arg-type]
                )
            )
    return kept
