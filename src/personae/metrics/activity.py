"""The activity table summarised per account and month, once a report (a temporary table).

Activity is the largest input (hundreds of millions of events, read in place from Parquet),
and three families read it: the active clients (an event in the last days), the journey's
onboarding (the first event on or after a won deal's close) and the churn and expansion
panel (usage per account-month). Each used to scan the events; they now read
:func:`activity_months`, built by one scan of the events dated up to T, one row per account
and calendar month with an event:

- ``events`` (rows), ``quantity`` (summed, an empty quantity counting 1);
- ``days``: one bit per day of the month with an event (bit d − 1 for day d). Its bits
  counted are the active days; its lowest bit from d − 1 up is the first event on or after
  day d. Exact, as the events themselves give it;
- ``users``: distinct ``contact_id`` — exact up to :data:`EXACT_DISTINCT_EVENTS` events in
  the table; above, one of :data:`USER_BITS` bits per contact (by hash) OR-ed and counted:
  exact unless two of an account's users of the month share a bit, which a few users
  among 62 bits rarely do (distinct counts cost seven times a plain scan).

Every reader gets the same numbers as from the events: counts, sums and bit ORs of the
same groups. When the signals panel will be sampled (more than :data:`MAX_PANEL_ROWS`
labelled account-months on the grid), only what its readers read is kept, as whole groups:
the sampled accounts' months, and every account's months from the earliest month any
other reader looks at (the panel's recent months, the active clients' window, W).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import ibis
import ibis.expr.types as ir

from personae.metrics.context import Context
from personae.metrics.mrr import GRID_TABLE
from personae.metrics.query import scalar
from personae.months import month_idx, month_start

ACTIVITY_TABLE = "personae_activity_months"
FAMILY = "activity"
MAX_PANEL_ROWS = 500_000  # labelled account-months; above, whole accounts are sampled
SAMPLE_BUCKETS = 10_000  # the sample's fraction is a whole number of buckets
SAMPLE_SALT = ":personae-panel-0"  # the fixed seed: hash(account_id || salt)
RECENT_MONTHS = 6  # the panel's rows of T's month read their usage this many months back
EXACT_DISTINCT_EVENTS = 5_000_000  # above, distinct users are counted as hashed bits
USER_BITS = 62
#: 1 as a 64-bit integer, shifted by a 32-bit one (PostgreSQL has no other bigint shift)
ONE = ibis.literal(1).cast("int64")


def bit_count(mask: ir.IntegerValue, bits: int = 31) -> ir.IntegerValue:
    """The number of bits set among the ``bits`` lowest of ``mask``."""
    total: ir.IntegerValue = ibis.literal(0, "int64")
    for k in range(bits):
        total = total + ((mask >> k) & 1)
    return total


def month_of(ts: ir.TimestampValue | ir.DateValue) -> ir.IntegerValue:
    """``month_idx`` (12 × year + month − 1) of a date or timestamp."""
    return ts.year().cast("int64") * 12 + ts.month().cast("int64") - 1


def sample_bucket(account_id: ir.Value) -> ir.IntegerValue:
    """The account's bucket in ``[0, SAMPLE_BUCKETS)``: a salted hash of its id."""
    h = (account_id.cast("string") + SAMPLE_SALT).hash()
    bucket: ir.IntegerValue = (h % SAMPLE_BUCKETS + SAMPLE_BUCKETS) % SAMPLE_BUCKETS
    return bucket


def sample_size(rows: int, cap: int = MAX_PANEL_ROWS) -> int | None:
    """The buckets kept (of :data:`SAMPLE_BUCKETS`) for ``rows`` labelled account-months
    of the signals panel, or None when they fit under ``cap``."""
    if rows <= cap:
        return None
    return max(1, cap * SAMPLE_BUCKETS // rows)


def event_count(ctx: Context) -> int:
    """The rows of the activity table (all of them, whatever their date); 0 without it."""
    if not ctx.has("activity"):
        return 0
    return ctx.once("activity.count", lambda: int(scalar(ctx.tables["activity"].count())))


def exact_users(ctx: Context) -> bool:
    """Whether ``users`` is an exact distinct count (see the module's docstring)."""
    return event_count(ctx) <= EXACT_DISTINCT_EVENTS


def labelled_rows(ctx: Context, grid: ibis.Table) -> int:
    """The MRR grid's account-months before T's month (those whose next month is known):
    what decides whether the signals panel is sampled, counted once a report."""
    idx_t = ctx.cal.idx_t
    return ctx.once(
        "grid.labelled_rows", lambda: int(scalar(grid.filter(grid.month_idx < idx_t).count()))
    )


def _kept(ctx: Context) -> tuple[int, int] | None:
    """What a sampled signals panel reads, when it will be sampled: ``(buckets, first)``,
    the accounts of the sample's buckets and every account's months from ``first`` on;
    None when the panel reads every account (or there is no grid: no panel)."""
    grid = ctx.shared.get(GRID_TABLE)
    if grid is None:
        return None
    cal = ctx.cal
    buckets = sample_size(labelled_rows(ctx, grid), MAX_PANEL_ROWS)
    if buckets is None:
        return None
    # the recent window (active clients) and W (a won deal's first event after) too
    first = min(
        cal.idx_t - RECENT_MONTHS,
        month_idx(cal.recent_start),
        month_idx(cal.t12 + timedelta(days=1)),
    )
    return buckets, first


def _summary(ctx: Context) -> ibis.Table:
    act = ctx.tables["activity"]
    # DuckDB 2.0 groups EXTRACT(… FROM a TIMESTAMP_S) wrongly (Parquet seconds): cast first
    act = act.mutate(ts=act.timestamp.cast("timestamp"))
    act = act.filter(act.ts.date() <= ctx.cal.t)
    kept = _kept(ctx)
    if kept is not None:  # whole accounts, whole months: their rows as without the filter
        buckets, first = kept
        start = ibis.literal(datetime.combine(month_start(first), time()), "timestamp")
        act = act.filter((act.ts >= start) | (sample_bucket(act.account_id) < buckets))
    day_bit = ONE << (act.ts.day() - 1).cast("int32")
    if exact_users(ctx):
        users = act.contact_id.nunique()
    else:
        slot = (act.contact_id.hash() % USER_BITS + USER_BITS) % USER_BITS
        user_bit = ibis.ifelse(act.contact_id.notnull(), ONE << slot.cast("int32"), 0)
        users = bit_count(user_bit.bit_or(), USER_BITS)
    return act.group_by(account_id=act.account_id, month_idx=month_of(act.ts)).aggregate(
        events=act.count(),
        quantity=act.quantity.fill_null(1.0).sum(),
        days=day_bit.bit_or(),
        users=users,
    )


def activity_months(ctx: Context, family: str) -> ibis.Table:
    """The summary table (built on first use); its SQL is recorded under ``family`` too,
    the family that reads it."""
    return ctx.shared_table(family, ACTIVITY_TABLE, lambda: _summary(ctx), FAMILY)


def active_since(ctx: Context, start: date, family: str) -> ibis.Table:
    """The accounts (``account_id``, distinct) with an event dated from ``start`` (the
    recent window's first day, or later) to T."""
    s = activity_months(ctx, family)
    first = month_idx(start)
    hit = (s.month_idx > first) | ((s.month_idx == first) & ((s.days >> (start.day - 1)) != 0))
    return s.filter(hit).select("account_id").distinct()


def first_event_on_or_after(ctx: Context, keys: ibis.Table, day: str, family: str) -> ibis.Table:
    """``keys`` (with ``account_id`` and the date column ``day``, in W) joined to the date
    of the account's first event on or after that day (up to T), as ``first``: one row per row of
    ``keys`` and month with such an event (the earliest is their ``first.min()``); the rows
    of ``keys`` without one are left out."""
    s = activity_months(ctx, family)
    s = s.select(s_account=s.account_id, s_month=s.month_idx, s_days=s.days)
    k = keys.mutate(k_month=month_of(keys[day]), k_day=keys[day].day())
    j = k.join(s, [k.account_id == s.s_account, s.s_month >= k.k_month])
    # the days of the month from ``day`` on: the bits below it cleared in its own month
    low = ibis.ifelse(j.s_month == j.k_month, j.k_day - 1, 0).cast("int32")
    bits = (j.s_days >> low) << low
    j = j.mutate(bits=bits).filter(lambda t: t.bits != 0)
    lowest = j.bits & (-j.bits)  # the lowest bit set, alone
    year, month = (j.s_month // 12).cast("int32"), (j.s_month % 12 + 1).cast("int32")
    first = ibis.date(year, month, (bit_count(lowest - 1) + 1).cast("int32"))
    return j.mutate(first=first).select(*keys.columns, "first")
