"""Month arithmetic on numpy arrays: month indices from FIRST_MONTH, anchored days."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from personae.demo.company import AS_OF, FIRST_MONTH

Days = NDArray[np.datetime64]

AS_OF_DAY = np.datetime64(AS_OF.isoformat(), "D")
DAY_SECONDS = 86_400


def month_start(month: NDArray[np.int64]) -> Days:
    """First day of each month index (0 = FIRST_MONTH)."""
    return (FIRST_MONTH + month).astype("datetime64[D]")


def anchor(month: NDArray[np.int64], day: NDArray[np.int64]) -> Days:
    """Day ``day`` of each month, or the month's last day when it is shorter.

    A subscription that starts on the 31st renews on the 28th/29th in February and on the
    31st again in March: every period ``[anchor(m), anchor(m + 1))`` contains the last
    day of month ``m`` and only that month end.
    """
    start = month_start(month)
    length = (month_start(month + 1) - start).astype(np.int64)
    days: Days = start + (np.minimum(day, length) - 1)
    return days


def days_between(start: Days, end: Days) -> NDArray[np.int64]:
    return (end - start).astype("timedelta64[D]").astype(np.int64)
