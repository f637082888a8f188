"""The account-month panel of the churn and expansion models (DESIGN §5, Carl Gold's method).

One row per paying account-month (MRR > 0 at the month's evaluation date, from the MRR
grid), built in SQL and stored as a temporary table of the session (dropped at close):

- ``events``, ``quantity``, ``active_days``, ``users``: usage of the calendar month from the
  activity table (events, summed quantity, distinct days, distinct ``contact_id``);
- ``events_3m``, ``events_6m``, ``quantity_3m``: the account's own monthly average over the
  3 (6) months before — NULL until it has been paying for that many months before;
- ``support_90d``: support notes (``kind = support``) dated in the 90 days up to the month's
  evaluation date;
- ``mrr``, ``mrr_3m_ago`` (NULL when it was not paying then), ``tenure`` (months since its
  first paying month, this one counted), ``plan_months`` (1, 3, 12: the most frequent
  period length of its recurring invoices);
- firmographics from the session's accounts table (segment, size band, industry, region,
  kind, acquisition channel);
- ``b_<feature>``: each feature's group key (:mod:`personae.models.features`);
- outcomes for every month before T's: ``churn`` (MRR > 0 now, none the next month) and
  ``expansion`` (MRR up the next month); NULL in T's month, which the models score.

A table that is absent (activity, notes) drops its features; :attr:`Panel.dropped` says
which and why.

Above :data:`MAX_PANEL_ROWS` labelled account-months, the labelled months come from whole
accounts sampled in SQL by a salted hash of their id (a fixed seed: the same accounts on
every run of a given engine), so a million customers cost what fifty thousand do; T's
month keeps every account paying now (all are scored), its usage averages read from the
:data:`RECENT_MONTHS` months before it. Below the cap nothing is sampled and the SQL is
the same as without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis

from personae.metrics import MetricsSession, activity
from personae.metrics.activity import (
    EXACT_DISTINCT_EVENTS,
    SAMPLE_BUCKETS,
    activity_months,
    bit_count,
    event_count,
    exact_users,
    labelled_rows,
    sample_bucket,
)
from personae.metrics.context import Context
from personae.metrics.mrr import EPSILON, MONTHS_TABLE
from personae.models.features import Feature, available
from personae.models.plans import plan_months

PANEL_TABLE = "personae_signals_panel"
RAW_TABLE = "personae_signals_raw"
USAGE_TABLE = "personae_signals_usage"
SAMPLE_TABLE = "personae_signals_grid"  # the grid rows a sampled panel reads
FAMILY = "signals"
SUPPORT_DAYS = 90
USAGE_FEATURES = ("events", "quantity", "active_days", "users", "events_3m", "events_6m")
FIRMOGRAPHICS = ("segment", "size_band", "industry", "region", "kind", "acquisition_channel")
# the sample's rules live beside the activity summary, which keeps what the sample reads
MAX_PANEL_ROWS = activity.MAX_PANEL_ROWS  # labelled account-months; above, sampled
RECENT_MONTHS = activity.RECENT_MONTHS  # T's month reads its usage this many months back


@dataclass
class Panel:
    """The materialised panel and what it holds."""

    table: ibis.Table
    idx_t: int  # T's month: the rows to score, without outcome
    has_usage: bool
    has_support: bool
    dropped: list[str] = field(default_factory=list)  # French: the features left out, and why
    notes: list[str] = field(default_factory=list)  # French: how a feature was estimated
    sample: float | None = None  # the fraction of accounts whose labelled months are kept
    source_rows: int = 0  # labelled account-months before sampling

    @property
    def labelled(self) -> ibis.Table:
        """The rows whose next month is known (every month before T's), of the sampled
        accounts when the panel is sampled."""
        t = self.table
        if self.sample is None:
            return t.filter(t.month_idx < self.idx_t)
        return t.filter((t.month_idx < self.idx_t) & t.in_sample)

    @property
    def current(self) -> ibis.Table:
        """T's month: the accounts paying now."""
        return self.table.filter(self.table.month_idx == self.idx_t)


def _without(t: ibis.Table, *columns: str) -> ibis.Table:
    """``t`` without ``columns``, as an explicit column list (``drop`` of several columns
    compiles them in set order, which changes between runs, and so would the provenance)."""
    return t.select(*(c for c in t.columns if c not in columns))


def _usage(session: MetricsSession, base: ibis.Table) -> ibis.Table:
    """Usage of each panel row's month and its averages over the 3 and 6 months before,
    from the session's activity summary (:mod:`personae.metrics.activity`: one scan of the
    events a report, exact day counts, users exact or hashed bits)."""
    s = activity_months(session.ctx, FAMILY)
    per = s.select(
        "account_id",
        u_idx=s.month_idx,
        u_events=s.events,
        u_quantity=s.quantity,
        u_days=bit_count(s.days),
        u_users=s.users,
    )
    keys = base.select("account_id", "month_idx")
    now = keys.left_join(
        per, [keys.account_id == per.account_id, keys.month_idx == per.u_idx]
    ).select(
        "account_id",
        "month_idx",
        events=ibis.coalesce(per.u_events, 0),
        quantity=ibis.coalesce(per.u_quantity, 0.0),
        active_days=ibis.coalesce(per.u_days, 0),
        users=ibis.coalesce(per.u_users, 0),
    )

    # the 3 (6) months before, as RANGE windows over the account's paying months: one
    # sorted pass instead of a range join (a month that was not paying adds no row)
    def before(months: int) -> ibis.Window:
        return ibis.window(group_by=now.account_id, order_by=now.month_idx, range=(-months, -1))

    out = now.mutate(
        ev3=now.events.sum().over(before(3)),
        ev6=now.events.sum().over(before(6)),
        q3=now.quantity.sum().over(before(3)),
    )
    return out


def _support(session: MetricsSession, base: ibis.Table) -> ibis.Table:
    """Support notes dated in the 90 days up to each panel row's evaluation date."""
    notes = session.ctx.tables["notes"]
    support = notes.filter(notes.kind.lower().strip() == "support").select(
        s_account=notes.account_id, s_date=notes.date
    )
    months = session.ctx.con.table(MONTHS_TABLE)
    keys = base.select("account_id", "month_idx").join(months, "month_idx")
    hit = keys.join(
        support,
        [
            keys.account_id == support.s_account,
            support.s_date <= keys.at,
            support.s_date > keys.at - ibis.interval(days=SUPPORT_DAYS),
        ],
    )
    return hit.group_by(["account_id", "month_idx"]).aggregate(support_90d=hit.count())


def _sampled_grid(ctx: Context, grid: ibis.Table, idx_t: int, buckets: int) -> ibis.Table:
    """The grid rows the sampled panel reads, stored once (``in_sample`` marks the sampled
    accounts): all of a sampled account's months, and of every other account paying at T
    the months its recent rows read (their MRR 3 months before included)."""
    now = grid.filter(grid.month_idx == idx_t).select(now_id=grid.account_id)
    g = grid.mutate(in_sample=sample_bucket(grid.account_id) < buckets)
    recent = (g.month_idx >= idx_t - RECENT_MONTHS - 3) & g.account_id.isin(now.now_id)
    return ctx.materialize(FAMILY, SAMPLE_TABLE, g.filter(g.in_sample | recent))


def sample_size(rows: int) -> int | None:
    """The buckets kept (of :data:`SAMPLE_BUCKETS`) for ``rows`` labelled account-months,
    or None when they fit under :data:`MAX_PANEL_ROWS`."""
    return activity.sample_size(rows, MAX_PANEL_ROWS)


def build_panel(session: MetricsSession) -> Panel:
    """Materialise the panel as a temporary table of the session."""
    ctx, grid = session.ctx, session.grid
    idx_t = ctx.cal.idx_t
    first = grid.group_by("account_id").aggregate(first_idx=grid.month_idx.min())
    source_rows = labelled_rows(ctx, grid)
    buckets = sample_size(source_rows)
    if buckets is None:
        base = reads = grid.filter(grid.month_idx <= idx_t)
    else:
        # the panel: the sampled accounts' months and T's month of every account paying
        # now; the usage averages of T's month read the months before it (``reads``)
        grid = _sampled_grid(ctx, grid, idx_t, buckets)
        up_to_t = grid.filter(grid.month_idx <= idx_t)
        base = up_to_t.filter(up_to_t.in_sample | (up_to_t.month_idx == idx_t))
        reads = up_to_t.filter(up_to_t.in_sample | (up_to_t.month_idx >= idx_t - RECENT_MONTHS))
    nxt = grid.select("account_id", month_idx=grid.month_idx - 1, next_mrr=grid.mrr)
    back = grid.select("account_id", month_idx=grid.month_idx + 3, mrr_3m_ago=grid.mrr)
    p = (
        base.left_join(nxt, ["account_id", "month_idx"])
        .pipe(_without, "account_id_right", "month_idx_right")
        .left_join(back, ["account_id", "month_idx"])
        .pipe(_without, "account_id_right", "month_idx_right")
        .join(first, "account_id")
    )
    labelled = p.month_idx < idx_t
    next_mrr = p.next_mrr.fill_null(0.0)
    p = p.mutate(
        tenure=(p.month_idx - p.first_idx + 1).cast("int64"),
        churn=ibis.ifelse(labelled, (next_mrr <= EPSILON).cast("int8"), ibis.null("int8")),
        expansion=ibis.ifelse(
            labelled, (next_mrr > p.mrr + EPSILON).cast("int8"), ibis.null("int8")
        ),
    ).pipe(_without, "first_idx", "next_mrr")

    plan = plan_months(ctx, FAMILY)
    p = p.left_join(plan, "account_id").pipe(_without, "account_id_right")
    a = session.accounts
    firm = a.select("account_id", *FIRMOGRAPHICS[:-1], acquisition_channel=a.acquisition_channel)
    p = p.left_join(firm, "account_id").pipe(_without, "account_id_right")
    p = p.mutate(
        acquisition_channel=p.acquisition_channel.strip().nullif("").fill_null("Non renseigné")
    )

    dropped: list[str] = []
    has_usage = event_count(ctx) > 0
    notes: list[str] = []
    if has_usage:
        if not exact_users(ctx):
            notes.append(
                f"utilisateurs distincts estimés (un bit par utilisateur haché) : plus de "
                f"{EXACT_DISTINCT_EVENTS // 1_000_000} millions d'événements d'usage"
            )
        u = ctx.materialize(FAMILY, USAGE_TABLE, _usage(session, reads))
        p = p.left_join(u, ["account_id", "month_idx"]).pipe(
            _without, "account_id_right", "month_idx_right"
        )
        p = p.mutate(
            events_3m=ibis.ifelse(p.tenure > 3, p.ev3.fill_null(0) / 3.0, ibis.null("float64")),
            events_6m=ibis.ifelse(p.tenure > 6, p.ev6.fill_null(0) / 6.0, ibis.null("float64")),
            quantity_3m=ibis.ifelse(p.tenure > 3, p.q3.fill_null(0.0) / 3.0, ibis.null("float64")),
        ).pipe(_without, "ev3", "ev6", "q3")
    else:
        ctx.need(f"models.{FAMILY}.usage", "activity")
        dropped.append(
            "usage (événements, jours actifs, utilisateurs) : pas de table activity"
            if not ctx.has("activity")
            else "usage (événements, jours actifs, utilisateurs) : table activity vide"
        )
    has_support = ctx.has("notes")
    if has_support:
        s = _support(session, base)
        p = p.left_join(s, ["account_id", "month_idx"]).pipe(
            _without, "account_id_right", "month_idx_right"
        )
        p = p.mutate(support_90d=p.support_90d.fill_null(0))
    else:
        ctx.need(f"models.{FAMILY}.support", "notes")
        dropped.append("notes de support : pas de table notes")
    raw = ctx.materialize(FAMILY, RAW_TABLE, p)
    # every feature's group key, computed once: b_<feature> (a second, small statement:
    # compiling the keys on top of the joins above costs more than the copy)
    keys = {bin_column(f): f.bins(raw) for f in available(has_usage, has_support)}
    table = ctx.materialize(FAMILY, PANEL_TABLE, raw.mutate(**keys))
    sample = None if buckets is None else buckets / SAMPLE_BUCKETS
    return Panel(table, idx_t, has_usage, has_support, dropped, notes, sample, source_rows)


def bin_column(feature: Feature) -> str:
    return f"b_{feature.name}"
