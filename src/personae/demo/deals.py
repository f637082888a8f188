"""The sales pipeline: deals, the stages they went through, and their touchpoints.

Every B2B customer was won by one deal, closed 0–14 days before its first invoice; its
stages are laid out backwards from that date. Lost deals move forwards from their
creation and stop at a drawn stage; a lost deal whose close would fall after AS_OF is
still open. Time in each stage is ``1 + Gamma(2, (mean - 1) / 2)`` days (rounded), so
its mean is the planted mean of :data:`company.STAGE_MEAN_DAYS` times the segment's
cycle multiplier. Stage changes happen in office hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from personae.demo import company as qf
from personae.demo.dates import AS_OF_DAY, DAY_SECONDS, Days, month_start
from personae.demo.draw import Bools, Floats, Ints, categorical, categorical_by, mix_table

N_STAGES = len(qf.STAGES)
_STAGE_MEANS = np.array(
    [[m * s.cycle_multiplier for m in qf.STAGE_MEAN_DAYS.values()] for s in qf.SEGMENTS]
)
LOST_REASONS: tuple[str, ...] = tuple(qf.LOST_REASONS)
_REASON_MIX = mix_table([qf.lost_reason_mix(s) for s in qf.SEGMENTS], [*qf.LOST_REASONS, ""])
"""Per segment: the lost reasons' shares, then the share without a reason."""
COMPETITORS: tuple[str, ...] = tuple(qf.COMPETITORS)
_COMPETITOR_PROBS = np.array(list(qf.COMPETITORS.values()))
_LOST_AT = np.array([qf.LOST_AT_STAGE[s] for s in qf.STAGES])
_CREATED_WEIGHTS = np.exp(qf.CUSTOMER_GROWTH * np.arange(-3, qf.N_MONTHS))
_CREATED_WEIGHTS /= _CREATED_WEIGHTS.sum()
_OPEN_WINDOW_DAYS = 150
_END = AS_OF_DAY.astype("datetime64[s]") + DAY_SECONDS

TOUCH_KEYS: tuple[tuple[str, str], ...] = tuple(
    dict.fromkeys(k for mix in qf.TOUCHPOINTS.values() for k in mix)
)
_TOUCH_MIX = np.array(
    [[qf.TOUCHPOINTS[s].get(k, 0.0) for k in TOUCH_KEYS] for s in (*qf.STAGES, "customer")]
)
CUSTOMER_TOUCH = N_STAGES
"""Row of the touchpoint mix used for customers after signing."""


@dataclass(frozen=True)
class Pipeline:
    account: Ints
    segment: Ints
    created: Days
    status: Ints
    """0 won, 1 lost, 2 open."""
    closed: Days
    amount: Floats
    reason: Ints
    """Index into LOST_REASONS; -1 none."""
    competitor: Ints
    """Index into COMPETITORS; -1 none."""
    stage_deal: Ints
    stage: Ints
    entered: Days
    """datetime64[s]"""
    touch_deal: Ints
    touch_time: Days
    touch_key: Ints
    """Index into TOUCH_KEYS."""


STATUSES: tuple[str, ...] = ("won", "lost", "open")


def pipeline(
    rng: np.random.Generator,
    won_account: Ints,
    won_segment: Ints,
    won_invoice: Days,
    won_amount: Floats,
    lost_account: Ints,
    lost_segment: Ints,
    lost_amount: Floats,
    open_account: Ints,
    open_segment: Ints,
    open_amount: Floats,
) -> Pipeline:
    n_w, n_l, n_o = len(won_account), len(lost_account), len(open_account)
    segment = np.concatenate([won_segment, lost_segment, open_segment])
    n = len(segment)
    days = _durations(rng, segment)

    # day each stage is entered, as days from a reference
    closed = np.empty(n, dtype="datetime64[D]")
    closed[:n_w] = won_invoice - rng.integers(0, qf.DEAL_CLOSE_TO_INVOICE_DAYS[1] + 1, n_w)
    back = np.cumsum(days[:n_w, ::-1], axis=1)[:, ::-1]
    created = np.empty(n, dtype="datetime64[D]")
    created[:n_w] = closed[:n_w] - back[:, 0]

    month = categorical(rng, _CREATED_WEIGHTS, n_l) - 3
    start = month_start(month)
    length = (month_start(month + 1) - start).astype(np.int64)
    created[n_w : n_w + n_l] = start + (rng.random(n_l) * length).astype(np.int64)
    created[n_w + n_l :] = AS_OF_DAY - rng.integers(0, _OPEN_WINDOW_DAYS, n_o)

    offsets = np.concatenate([np.zeros((n, 1), np.int64), np.cumsum(days, axis=1)], axis=1)
    entered_day = created[:, None] + offsets[:, :N_STAGES]
    last = np.full(n, N_STAGES - 1)
    last[n_w : n_w + n_l] = categorical(rng, _LOST_AT, n_l)
    closed[n_w:] = created[n_w:] + offsets[np.arange(n_w, n), last[n_w:] + 1]

    status = np.concatenate([np.zeros(n_w, np.int64), np.ones(n_l, np.int64), np.full(n_o, 2)])
    status = np.where((status == 1) & (closed > AS_OF_DAY), 2, status)
    closed = np.where(status == 2, np.datetime64("NaT"), closed)

    hours = 8 * 3600 + 60 * rng.integers(0, 11 * 60, (n, N_STAGES))
    entered = entered_day.astype("datetime64[s]") + hours
    k = np.arange(N_STAGES)[None, :]
    has = (k <= last[:, None]) & (entered < _END)
    stage_deal, stage = np.nonzero(has)

    reason = np.full(n, -1)
    competitor = np.full(n, -1)
    lost = np.flatnonzero(status == 1)
    r = categorical_by(rng, _REASON_MIX, segment[lost])
    reason[lost] = np.where(r == len(LOST_REASONS), -1, r)
    price = LOST_REASONS.index("Prix trop élevé")
    rival = LOST_REASONS.index("Concurrent choisi")
    named = (r == rival) | ((r == price) & (rng.random(len(lost)) < qf.COMPETITOR_WHEN_PRICE))
    competitor[lost] = np.where(named, categorical(rng, _COMPETITOR_PROBS, len(lost)), -1)

    t_deal, t_time, t_key = _touchpoints(rng, entered, days, has)

    # closed deals enter closed_won / closed_lost at closed_at (stage N_STAGES + status)
    closing = np.flatnonzero(status != 2)
    close_at = closed[closing].astype("datetime64[s]") + (
        8 * 3600 + 60 * rng.integers(0, 11 * 60, len(closing))
    )
    keep = close_at < _END
    stage_deal = np.concatenate([stage_deal, closing[keep]])
    stage = np.concatenate([stage, N_STAGES + status[closing[keep]]])
    stage_entered = np.concatenate([entered[has], close_at[keep]])
    return Pipeline(
        account=np.concatenate([won_account, lost_account, open_account]),
        segment=segment,
        created=created,
        status=status,
        closed=closed,
        amount=np.concatenate([won_amount, lost_amount, open_amount]),
        reason=reason,
        competitor=competitor,
        stage_deal=stage_deal,
        stage=stage,
        entered=stage_entered,
        touch_deal=t_deal,
        touch_time=t_time,
        touch_key=t_key,
    )


def _durations(rng: np.random.Generator, segment: Ints) -> Ints:
    """(deals, stages) whole days in each stage, at least 1, mean as planted."""
    mean = _STAGE_MEANS[segment]
    return 1 + np.rint(rng.gamma(2.0, (mean - 1.0) / 2.0)).astype(np.int64)


def _touchpoints(
    rng: np.random.Generator, entered: Days, days: Ints, has: Bools
) -> tuple[Ints, Days, Ints]:
    count = rng.poisson(qf.TOUCHPOINTS_PER_STAGE, has.shape) + (np.arange(N_STAGES) == 0)
    count = np.where(has, count, 0)
    deal, stage = np.nonzero(count)
    reps = count[deal, stage]
    deal, stage = np.repeat(deal, reps), np.repeat(stage, reps)
    span = days[deal, stage] * DAY_SECONDS
    time = entered[deal, stage] + (rng.random(len(deal)) * span).astype(np.int64)
    time = time - time.astype(np.int64) % 60  # whole minutes
    key = categorical_by(rng, _TOUCH_MIX, stage)
    keep = time < _END
    return deal[keep], time[keep], key[keep]


def customer_touchpoints(
    rng: np.random.Generator, start: Days, months: Ints
) -> tuple[Ints, Days, Ints]:
    """Newsletters, webinars and reviews for customers: (row, time, key) per touchpoint."""
    count = rng.poisson(qf.CUSTOMER_TOUCHPOINT_RATE * months)
    row = np.repeat(np.arange(len(start)), count)
    span = np.maximum(months[row], 1) * 30 * DAY_SECONDS
    time = start[row].astype("datetime64[s]") + (rng.random(len(row)) * span).astype(np.int64)
    time = time - time.astype(np.int64) % 60
    key = categorical_by(rng, _TOUCH_MIX, np.full(len(row), CUSTOMER_TOUCH))
    keep = time < _END
    return row[keep], time[keep], key[keep]


def lead_touch_keys(rng: np.random.Generator, n: int) -> Ints:
    """(channel, content) keys of first touches outside a deal, like the lead stage."""
    return categorical(rng, _TOUCH_MIX[0], n)
