"""Month arithmetic, written once, with its month-end rules stated.

Months are numbered ``month_idx = 12 × year + month − 1`` so that arithmetic on them is plain
integer arithmetic on every engine.

- :func:`add_months` moves a day by calendar months and clamps to the month's last day:
  31 Jan + 1 month = 28 (29) Feb; 28 Feb + 1 month = 28 Mar. This is how a billing period
  that starts on a day ends (Stripe, invoices).
- :func:`shift_months` moves an as-of date: a month end stays a month end (28 Feb − 12
  months = 29 Feb of a leap year; 30 Apr + 1 = 31 May), other days are clamped as above.
  This is how the windows W and W' are laid out from T (DESIGN §4).
- :func:`whole_months` counts whole months between two days (tenure).
"""

from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta


def month_idx(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_start(idx: int) -> date:
    return date(idx // 12, idx % 12 + 1, 1)


def month_end(idx: int) -> date:
    y, m = idx // 12, idx % 12 + 1
    return date(y, m, _cal.monthrange(y, m)[1])


def is_month_end(d: date) -> bool:
    return d == month_end(month_idx(d))


def add_months(d: date, months: int) -> date:
    """``d`` plus whole calendar months, clamped to the month's last day."""
    last = month_end(month_idx(d) + months)
    return last.replace(day=min(d.day, last.day))


def shift_months(d: date, months: int) -> date:
    """``d`` moved by whole months; a month end stays a month end, other days are clamped."""
    last = month_end(month_idx(d) + months)
    return last if is_month_end(d) else last.replace(day=min(d.day, last.day))


def whole_months(start: date, end: date) -> int:
    """Whole months from start to the end of day ``end`` (0 when end is before start).

    1 Jan → 31 Dec is 12 months; 15 Jan → 31 Dec is 11.
    """
    stop = end + timedelta(days=1)
    n = month_idx(stop) - month_idx(start) - (1 if stop.day < start.day else 0)
    return max(n, 0)
