"""Product usage: the activity table.

Each account has its own event rate, ``Gamma(2, mean / 2)`` around its segment's mean
per service month; each service month draws a Poisson number of events. Over the last
:data:`company.ACTIVITY_DECLINE_MONTHS` service months before a churn, the rate is
multiplied by :data:`company.ACTIVITY_DECLINE_FACTOR`: the planted churn signal. Over the
:data:`company.UPGRADE_SURGE_MONTHS` service months before a plan upgrade, it is multiplied
by :data:`company.UPGRADE_SURGE_FACTOR`: the planted expansion trigger.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from personae.demo import company as qf
from personae.demo.billing import Spells
from personae.demo.dates import AS_OF_DAY, DAY_SECONDS, Days
from personae.demo.draw import Bools, Floats, Ints, categorical

EVENTS: tuple[str, ...] = tuple(qf.EVENTS)
_EVENT_PROBS = np.array(list(qf.EVENTS.values()))
_EXTRA_QUANTITY = np.array(
    [{"invoice_created": 1.5, "bank_sync": 12.0}.get(e, 0.0) for e in EVENTS]
)
_SEG_RATE = np.array([s.events_per_month for s in qf.SEGMENTS])
_END = AS_OF_DAY.astype("datetime64[s]") + DAY_SECONDS


def account_rates(rng: np.random.Generator, segment: Ints) -> Floats:
    """Mean events per service month of each account."""
    return rng.gamma(2.0, _SEG_RATE[segment] / 2.0)


def before_churn(spells: Spells, months: int) -> Bools:
    """(spells, N_MONTHS): the last ``months`` service months of spells that churn."""
    k = np.arange(qf.N_MONTHS)[None, :]
    return spells.churned[:, None] & (k >= spells.length[:, None] - months)


def before_upgrade(spells: Spells, months: int) -> Bools:
    """(spells, N_MONTHS): the ``months`` service months before a plan upgrade in the spell."""
    k = np.arange(qf.N_MONTHS)[None, :]
    up = np.zeros(spells.plan.shape, dtype=np.bool_)
    up[:, 1:] = (spells.plan[:, 1:] > spells.plan[:, :-1]) & (k[:, 1:] < spells.months[:, None])
    out = np.zeros_like(up)
    for lag in range(1, months + 1):  # month k is before an upgrade at k + lag
        out[:, :-lag] |= up[:, lag:]
    return out


@dataclass(frozen=True)
class Events:
    account: Ints
    time: Days
    event: Ints
    quantity: Floats


def activity(rng: np.random.Generator, spells: Spells, rate: Floats) -> Events:
    """Usage events of every spell, up to the end of AS_OF."""
    k = np.arange(qf.N_MONTHS)[None, :]
    active = k < spells.months[:, None]
    factor = np.where(
        before_churn(spells, qf.ACTIVITY_DECLINE_MONTHS), qf.ACTIVITY_DECLINE_FACTOR, 1.0
    )
    factor = factor * np.where(
        before_upgrade(spells, qf.UPGRADE_SURGE_MONTHS), qf.UPGRADE_SURGE_FACTOR, 1.0
    )
    rows, kk = np.nonzero(active)
    count = rng.poisson(rate[spells.account[rows]] * factor[rows, kk])
    start = spells.period_start(kk, rows)
    length = (spells.period_start(kk + 1, rows) - start).astype(np.int64)
    cell = np.repeat(np.arange(len(rows)), count)
    n = len(cell)
    offset = (rng.random(n) * length[cell]).astype(np.int64) * DAY_SECONDS
    offset += rng.integers(7 * 3600 + 1800, 20 * 3600, n)
    time = start[cell].astype("datetime64[s]") + offset
    event = categorical(rng, _EVENT_PROBS, n)
    quantity = 1.0 + rng.poisson(_EXTRA_QUANTITY[event])
    keep = time < _END
    return Events(
        account=spells.account[rows][cell][keep],
        time=time[keep],
        event=event[keep],
        quantity=quantity[keep].astype(np.float64),
    )
