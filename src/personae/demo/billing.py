"""Subscriptions and their invoices: the revenue table.

A customer's life is one or two *spells* of subscription. A spell starts on a day
``d`` of month ``m0`` and is billed every 1, 3 or 12 months on that day (clipped to the
month's length). Its service month ``k`` is ``[anchor(m0 + k), anchor(m0 + k + 1))``, which
holds exactly one month end, that of ``m0 + k``. The spell lasts ``L`` months with
``L ~ Geometric(hazard)``: so MRR at month ends (DESIGN §4) is positive for months ``m0 … m0 + L - 1`` and zero at
the end of ``m0 + L``. Churn is heterogeneous and happens at renewals: a spell on an
n-month plan draws its churn probability per period p ~ Beta(α, β) of its segment and plan
(:func:`company.churn_beta`), lasts ``Geometric(p)`` periods, so ``L`` is a multiple of n.

Invoices follow the plan month by month, so that the MRR of every month end equals the
plan's monthly price (plus the add-on) exactly:

- a regular invoice at the start of each billing period: ``price × n`` for ``n`` months;
- a plan change inside a quarterly or annual period: a prorated line (positive for an
  upgrade, a credit note for a downgrade) for the difference over the months left;
- a cancellation inside a period: a credit note for the months left ("avoir de
  résiliation"), so that MRR drops to zero the month the customer leaves.

Besides, none of which touch MRR: onboarding fees and trainings (one-off), commercial
credit notes (one-off, negative) and transfer fees (usage, billed at the end of each
service month, non-recurring).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from personae.demo import company as qf
from personae.demo.dates import AS_OF_DAY, Days, anchor
from personae.demo.draw import Bools, Floats, Ints, categorical, categorical_by, mix_table

PLAN_PRICES = np.array(
    [[qf.PRICES[p].get(i, 0) for i in qf.INTERVALS] for p in qf.PLANS], dtype=np.float64
)
ADDON_PRICES = np.array([qf.ADDON_PRICES[i] for i in qf.INTERVALS], dtype=np.float64)
SEAT_PRICES = np.array([qf.SEAT_PRICES[i] for i in qf.INTERVALS], dtype=np.float64)
INTERVALS = np.array(qf.INTERVALS, dtype=np.int64)

PRODUCTS: tuple[str, ...] = (
    *(qf.PRODUCT_PREFIX + p for p in qf.PLANS),
    qf.ADDON,
    qf.ONBOARDING_PRODUCT,
    qf.TRAINING_PRODUCT,
    qf.GOODWILL_PRODUCT,
    qf.PAYMENTS_PRODUCT,
    qf.SEATS_PRODUCT,
)
_ADDON_PRODUCT = len(qf.PLANS)
_ONBOARDING_PRODUCT = _ADDON_PRODUCT + 1
_TRAINING_PRODUCT = _ADDON_PRODUCT + 2
_GOODWILL_PRODUCT = _ADDON_PRODUCT + 3
_PAYMENTS_PRODUCT = _ADDON_PRODUCT + 4
_SEATS_PRODUCT = _ADDON_PRODUCT + 5

_CHURN_BETA = np.array([[qf.churn_beta(s, n) for n in qf.INTERVALS] for s in qf.SEGMENTS])
_SEG_UP = np.array([s.upgrade_rate for s in qf.SEGMENTS])
_SEG_DOWN = np.array([s.downgrade_rate for s in qf.SEGMENTS])
_SEG_ADDON = np.array([s.addon_share for s in qf.SEGMENTS])
_SEG_ONBOARDING = np.array([s.onboarding_share for s in qf.SEGMENTS])
_SEG_FEE = np.array([s.onboarding_fee for s in qf.SEGMENTS])
_SEG_PAYMENTS = np.array([s.payments_share for s in qf.SEGMENTS])
_SEG_TRANSFERS = np.array([s.transfers_per_month for s in qf.SEGMENTS])
_SEG_B2B = np.array([s.kind == "B2B" for s in qf.SEGMENTS])
_PLAN_MIX = mix_table([s.plans for s in qf.SEGMENTS], qf.PLANS)
_BILLING_MIX = mix_table([s.billing for s in qf.SEGMENTS], qf.INTERVALS)
# the ladder span of each segment: B2C moves between Solo plans, B2B between the others
_SEG_LO = np.array(
    [qf.PLANS.index("Solo" if s.kind == "B2C" else "Essentiel") for s in qf.SEGMENTS]
)
_SEG_HI = np.array(
    [qf.PLANS.index("Solo Plus" if s.kind == "B2C" else "Entreprise") for s in qf.SEGMENTS]
)

_MONTH_WEIGHTS = np.exp(qf.CUSTOMER_GROWTH * np.arange(qf.N_MONTHS))
_MONTH_WEIGHTS /= _MONTH_WEIGHTS.sum()


@dataclass(frozen=True)
class Spells:
    """Subscription spells, one row each (an account has one, or two if it came back)."""

    account: Ints
    segment: Ints
    start: Ints
    """Month index of the first month end covered."""
    day: Ints
    interval: Ints
    """Index into company.INTERVALS."""
    length: Ints
    """Months with MRR > 0, uncensored."""
    months: Ints
    """Months with MRR > 0 up to LAST_MONTH."""
    churned: Bools
    """The spell ends by LAST_MONTH: MRR is zero at the end of ``start + length``."""
    first: Bools
    plan: Ints
    """(spells, N_MONTHS) plan index per service month; valid where k < months."""
    addon: Bools
    seats: Ints
    """Users billed beyond the plan's included ones (fixed for the customer)."""

    @property
    def n_months(self) -> Ints:
        return INTERVALS[self.interval]

    def period_start(self, k: Ints, rows: Ints) -> Days:
        return anchor(self.start[rows] + k, self.day[rows])

    def mrr(self) -> Floats:
        """(spells, N_MONTHS) MRR per service month (0 past the spell)."""
        price = PLAN_PRICES[self.plan, self.interval[:, None]]
        price = price + np.where(self.addon, ADDON_PRICES[self.interval], 0.0)[:, None]
        price = price + (SEAT_PRICES[self.interval] * self.seats)[:, None]
        k = np.arange(qf.N_MONTHS)
        return np.where(k[None, :] < self.months[:, None], price, 0.0)


def simulate(
    rng: np.random.Generator,
    segment: Ints,
    icp: Bools | None = None,
    seats: Ints | None = None,
) -> Spells:
    """Spells for customers ``0 … len(segment) - 1`` (local account indices); ``icp``
    marks the customers of the planted ICP cell (higher plans, add-on, lower churn);
    ``seats`` are each customer's billed extra users (:func:`extra_seats`)."""
    n = len(segment)
    seats = np.zeros(n, dtype=np.int64) if seats is None else seats
    icp = np.zeros(n, dtype=np.bool_) if icp is None else icp
    churn_factor = np.where(icp, qf.ICP_CHURN_FACTOR, 1.0)
    start = categorical(rng, _MONTH_WEIGHTS, n)
    interval = categorical_by(rng, _BILLING_MIX, segment)
    addon = (rng.random(n) < _SEG_ADDON[segment]) | icp
    day = rng.integers(1, 32, n)
    length = _lifetimes(rng, segment, interval, churn_factor)
    churned = start + length <= qf.N_MONTHS - 1

    # reactivation: a churned first spell comes back once, after 1–18 month ends at zero
    lo, hi = qf.REACTIVATION_GAP
    comes_back = churned & (rng.random(n) < qf.REACTIVATION_PROBABILITY)
    gap = rng.integers(lo, hi + 1, n)
    start2 = start + length + gap
    again = np.flatnonzero(comes_back & (start2 <= qf.N_MONTHS - 1))
    day2 = rng.integers(1, 32, n)
    length2 = _lifetimes(rng, segment, interval, churn_factor)

    account = np.concatenate([np.arange(n, dtype=np.int64), again])
    seg = segment[account]
    start_all = np.concatenate([start, start2[again]])
    length_all = np.concatenate([length, length2[again]])
    months = np.minimum(length_all, qf.N_MONTHS - start_all)
    first = np.zeros(len(account), dtype=np.bool_)
    first[:n] = True
    plan = _plan_paths(rng, seg)
    plan = np.where(
        icp[account][:, None], np.minimum(plan + qf.ICP_PLAN_STEPS, _SEG_HI[seg][:, None]), plan
    )
    return Spells(
        account=account,
        segment=seg,
        start=start_all,
        day=np.concatenate([day, day2[again]]),
        interval=np.concatenate([interval, interval[again]]),
        length=length_all,
        months=months,
        churned=start_all + length_all <= qf.N_MONTHS - 1,
        first=first,
        plan=plan,
        addon=np.concatenate([addon, addon[again]]),
        seats=seats[account],
    )


def extra_seats(rng: np.random.Generator, employees: Floats) -> Ints:
    """Users billed beyond the included ones (company.SEATS_*): more in larger companies,
    far less than in proportion (0 employees, as for a missing headcount, gives 0)."""
    spread = rng.lognormal(0.0, qf.SEATS_SIGMA, len(employees))
    users = np.rint(qf.SEATS_SCALE * employees**qf.SEATS_ELASTICITY * spread)
    out: Ints = np.maximum(users - qf.SEATS_INCLUDED, 0).astype(np.int64)
    return out


def _lifetimes(
    rng: np.random.Generator, segment: Ints, interval: Ints, factor: Floats | None = None
) -> Ints:
    """Months paid: Geometric(p) periods of the plan, p ~ Beta(α, β) of segment and plan,
    times ``factor`` (the planted ICP cell churns at half its segment's rate)."""
    ab = _CHURN_BETA[segment, interval]
    p = rng.beta(ab[:, 0], ab[:, 1])
    if factor is not None:
        p = p * factor
    p = np.clip(p, 1e-9, 1.0)
    periods: Ints = rng.geometric(p)
    return periods * INTERVALS[interval]


def _plan_paths(rng: np.random.Generator, seg: Ints) -> Ints:
    n = len(seg)
    plan = np.empty((n, qf.N_MONTHS), dtype=np.int64)
    plan[:, 0] = categorical_by(rng, _PLAN_MIX, seg)
    u = rng.random((n, qf.N_MONTHS))
    up, down = _SEG_UP[seg], _SEG_DOWN[seg]
    lo, hi = _SEG_LO[seg], _SEG_HI[seg]
    for k in range(1, qf.N_MONTHS):
        prev = plan[:, k - 1]
        step = np.where(u[:, k] < up, 1, np.where(u[:, k] < up + down, -1, 0))
        step = np.where((step > 0) & (prev >= hi), 0, step)
        step = np.where((step < 0) & (prev <= lo), 0, step)
        plan[:, k] = prev + step
    return plan


@dataclass(frozen=True)
class Lines:
    """Revenue lines in columnar form; ``product`` indexes :data:`PRODUCTS`."""

    account: Ints
    date: Days
    amount: Floats
    recurring: Bools
    period_start: Days
    period_end: Days
    has_period: Bools
    product: Ints

    @staticmethod
    def concat(parts: list[Lines]) -> Lines:
        return Lines(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in Lines.__dataclass_fields__)
        )


def invoices(rng: np.random.Generator, spells: Spells) -> Lines:
    """Every revenue line of the spells, dated up to AS_OF."""
    n_int = spells.n_months[:, None]
    k = np.arange(qf.N_MONTHS)[None, :]
    active = k < spells.months[:, None]
    interval = spells.interval[:, None]
    plan_price = PLAN_PRICES[spells.plan, interval]
    addon_price = np.where(spells.addon[:, None], ADDON_PRICES[interval], 0.0) * np.ones_like(
        plan_price
    )
    seat_price = (SEAT_PRICES[spells.interval] * spells.seats)[:, None] * np.ones_like(plan_price)
    parts = [
        _recurring(spells, plan_price, spells.plan, active, n_int, k),
        _recurring(
            spells,
            addon_price,
            np.full_like(spells.plan, _ADDON_PRODUCT),
            active & (addon_price > 0),
            n_int,
            k,
        ),
        _recurring(
            spells,
            seat_price,
            np.full_like(spells.plan, _SEATS_PRODUCT),
            active & (seat_price > 0),
            n_int,
            k,
        ),
    ]
    regular = parts[0]
    parts.append(_one_offs(rng, spells, active))
    parts.append(_goodwill(rng, regular))
    parts.append(_payments(rng, spells, active))
    return Lines.concat(parts)


def _recurring(
    spells: Spells, price: Floats, product: Ints, active: Bools, n_int: Ints, k: Ints
) -> Lines:
    """Regular invoices, prorated plan changes and cancellation credit notes of one product."""
    within = k % n_int
    prev = np.concatenate([price[:, :1], price[:, :-1]], axis=1)
    regular = active & (within == 0) & (price > 0)
    change = active & (within != 0) & (price != prev)
    rows_r, k_r = np.nonzero(regular)
    rows_c, k_c = np.nonzero(change)
    n_r = spells.n_months[rows_r]
    n_c = spells.n_months[rows_c]
    end_c = (k_c // n_c + 1) * n_c

    # cancellation inside a billing period: credit the months left
    n = spells.n_months
    last = np.clip(spells.length - 1, 0, qf.N_MONTHS - 1)
    cancel = spells.churned & (spells.length % n != 0) & (price[np.arange(len(n)), last] > 0)
    rows_x = np.flatnonzero(cancel)
    k_x = spells.length[rows_x]
    end_x = -(-k_x // n[rows_x]) * n[rows_x]
    price_x = price[rows_x, last[rows_x]]

    rows = np.concatenate([rows_r, rows_c, rows_x])
    k_start = np.concatenate([k_r, k_c, k_x])
    k_end = np.concatenate([k_r + n_r, end_c, end_x])
    amount = np.concatenate(
        [
            price[rows_r, k_r] * n_r,
            (price[rows_c, k_c] - prev[rows_c, k_c]) * (end_c - k_c),
            -price_x * (end_x - k_x),
        ]
    )
    prod = np.concatenate(
        [product[rows_r, k_r], product[rows_c, k_c], product[rows_x, last[rows_x]]]
    )
    start = spells.period_start(k_start, rows)
    end = spells.period_start(k_end, rows)
    keep = start <= AS_OF_DAY
    return Lines(
        account=spells.account[rows][keep],
        date=start[keep],
        amount=amount[keep],
        recurring=np.ones(int(keep.sum()), dtype=np.bool_),
        period_start=start[keep],
        period_end=end[keep],
        has_period=np.ones(int(keep.sum()), dtype=np.bool_),
        product=prod[keep],
    )


def _one_offs(rng: np.random.Generator, spells: Spells, active: Bools) -> Lines:
    """Onboarding fees at the first invoice, trainings now and then (B2B)."""
    seg = spells.segment
    onboard = np.flatnonzero(spells.first & (rng.random(len(seg)) < _SEG_ONBOARDING[seg]))
    d_on = spells.period_start(np.zeros(len(onboard), dtype=np.int64), onboard)
    fee_on = _SEG_FEE[seg[onboard]]

    train = active & _SEG_B2B[seg][:, None] & (rng.random(active.shape) < qf.TRAINING_RATE)
    rows_t, k_t = np.nonzero(train)
    d_t = spells.period_start(k_t, rows_t) + rng.integers(0, 28, len(rows_t))
    fee_t = np.array(qf.TRAINING_FEES)[rng.integers(0, len(qf.TRAINING_FEES), len(rows_t))]
    keep = d_t <= AS_OF_DAY

    date = np.concatenate([d_on, d_t[keep]])
    size = len(date)
    return Lines(
        account=np.concatenate([spells.account[onboard], spells.account[rows_t][keep]]),
        date=date,
        amount=np.concatenate([fee_on, fee_t[keep]]),
        recurring=np.zeros(size, dtype=np.bool_),
        period_start=date,
        period_end=date,
        has_period=np.zeros(size, dtype=np.bool_),
        product=np.concatenate(
            [
                np.full(len(onboard), _ONBOARDING_PRODUCT),
                np.full(int(keep.sum()), _TRAINING_PRODUCT),
            ]
        ),
    )


def _goodwill(rng: np.random.Generator, regular: Lines) -> Lines:
    """A commercial credit note (10–30 % of the invoice) after some invoices."""
    pick = np.flatnonzero(
        (regular.amount > 0) & (rng.random(len(regular.amount)) < qf.GOODWILL_RATE)
    )
    date = regular.date[pick] + rng.integers(3, 31, len(pick))
    share = rng.uniform(0.10, 0.30, len(pick))
    keep = date <= AS_OF_DAY
    pick, date, share = pick[keep], date[keep], share[keep]
    size = len(pick)
    return Lines(
        account=regular.account[pick],
        date=date,
        amount=-np.round(regular.amount[pick] * share, 2),
        recurring=np.zeros(size, dtype=np.bool_),
        period_start=date,
        period_end=date,
        has_period=np.zeros(size, dtype=np.bool_),
        product=np.full(size, _GOODWILL_PRODUCT),
    )


def _payments(rng: np.random.Generator, spells: Spells, active: Bools) -> Lines:
    """Transfer fees, billed at the end of each service month of the spells that pay."""
    seg = spells.segment
    pays = rng.random(len(seg)) < _SEG_PAYMENTS[seg]
    volume = rng.gamma(2.0, _SEG_TRANSFERS[seg] / 2.0)
    cells = active & pays[:, None]
    rows, k = np.nonzero(cells)
    transfers = rng.poisson(volume[rows])
    date = spells.period_start(k + 1, rows) - 1
    keep = (date <= AS_OF_DAY) & (transfers > 0)
    size = int(keep.sum())
    return Lines(
        account=spells.account[rows][keep],
        date=date[keep],
        amount=np.round(transfers[keep] * qf.TRANSFER_FEE, 2),
        recurring=np.zeros(size, dtype=np.bool_),
        period_start=spells.period_start(k, rows)[keep],
        period_end=date[keep] + 1,
        has_period=np.ones(size, dtype=np.bool_),
        product=np.full(size, _PAYMENTS_PRODUCT),
    )


def list_price(rng: np.random.Generator, segment: Ints) -> Floats:
    """Annual list price (monthly billing) of a plan drawn from each segment's mix."""
    plan = categorical_by(rng, _PLAN_MIX, segment)
    price: Floats = 12.0 * PLAN_PRICES[plan, 0]
    return price


def month_anchor_days(rng: np.random.Generator, n: int) -> Days:
    """Days spread over the history like customer starts (growing over time)."""
    month = categorical(rng, _MONTH_WEIGHTS, n)
    return anchor(month, rng.integers(1, 32, n))
