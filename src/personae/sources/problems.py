"""Problems found in many rows, reported without flooding: the first few, then a count.

A million bad rows make one useful message, not a million: for each (file, column, kind
of problem) we report the first :data:`CAP` rows by line and one more problem saying how
many there are in all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    of rows with the problem, of which ``rows`` holds the first ones.
    """
    say = message if callable(message) else (lambda value, other: message)
    problems = [
        Problem(
            file,
            say(value, other),
            line=None if line is None else int(line),
            column=column,
            value=None if value is None else str(value),
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
