"""Subscription lives from the MRR grid: what the sBG fits on (DESIGN §5, "LTV (subscriptions)").

Each paying account (a positive month on the MRR grid) contributes its first spell of
subscription: from its first month with MRR > 0 to the month before its MRR first falls to
0. It has *churned* when that happens before T's month; otherwise it is still paying and
right-censored at its own age. A later comeback (reactivation) is not a new life for the
fit; but an account paying at T is valued (the base, the per-account LTV) at the ``age``
of its current spell: the renewals it has survived since it last started paying.

Its **plan period** is the billing period of its recurring lines: each positive line's
length in months, rounded as for the MRR (DESIGN §4), is read as monthly (under 2 months),
quarterly (2 to 6) or annual (7 and more), and the period that covers the most months of
the account's lines is its plan. An account with ``months`` paid months on a plan of ``n``
months has paid ``k = ⌈months / n⌉`` periods: a churned account contributes ``t = k``
(periods paid), an active one ``t = k − 1`` (renewals survived), the conventions of
:class:`~personae.models.SBG`. Annual and quarterly plans churn only at their renewals, so
they are fitted in their own period, never as if monthly.

Everything is computed by the engine; only grouped rows come back.
"""

from __future__ import annotations

from typing import Any

import ibis

from personae.metrics import MetricsSession
from personae.metrics.context import Context
from personae.metrics.mrr import transitions
from personae.models.plans import plan_lines

PERIOD_MONTHS: dict[int, str] = {1: "month", 3: "quarter", 12: "year"}
FAMILY = "models.ltv"
LIVES_TABLE = "personae_ltv_lives"


def plan_periods(ctx: Context) -> ibis.Table:
    """``account_id, period`` (1, 3 or 12): the period covering most months of its lines
    (recurring, of positive amount, starting by T; from the session's plan lines)."""
    lines = plan_lines(ctx, FAMILY)
    period = ibis.cases((lines.n >= 7, 12), (lines.n >= 2, 3), else_=1)
    per = lines.mutate(period=period, months=lines.n * lines.lines_n)
    per = per.group_by(["account_id", "period"]).aggregate(months=per.months.sum())
    w = ibis.window(group_by=per.account_id, order_by=[ibis.desc(per.months), per.period])
    ranked = per.mutate(rank=ibis.row_number().over(w))
    return ranked.filter(ranked["rank"] == 0).select("account_id", "period")


def account_lives(session: MetricsSession) -> ibis.Table:
    """One row per paying account: ``account_id, segment, period, months, t, churned``
    (its first spell), ``paying`` (MRR > 0 at T), ``age`` (renewals survived in its current
    spell, when paying) and ``mrr`` (its MRR at T, 0 when not paying). A temporary table
    of the session (three queries read it)."""
    return session.ctx.shared_table(FAMILY, LIVES_TABLE, lambda: _lives(session))


def _lives(session: MetricsSession) -> ibis.Table:
    cal = session.ctx.cal
    grid = session.grid
    tr = transitions(grid)
    starts = tr.prev_idx.isnull() | (tr.prev_idx < tr.month_idx - 1)
    spell = tr.group_by("account_id").aggregate(
        first=tr.month_idx.min(),
        stop=tr.month_idx.min(where=tr.stops),
        current=tr.month_idx.max(where=starts),
        last=tr.month_idx.max(),
    )
    periods = plan_periods(session.ctx)
    acc = session.accounts.select("account_id", "segment", "mrr_t")
    lives = (
        spell.left_join(periods, "account_id")
        .drop("account_id_right")
        .inner_join(acc, "account_id")
    )
    churned = lives.stop < cal.idx_t
    months = (lives.stop - lives.first + 1).cast("int64")
    period = lives.period.fill_null(1).cast("int64")
    paid = ((months + period - 1) // period).cast("int64")  # ⌈months / period⌉
    paying = lives["last"] == cal.idx_t
    now = (cal.idx_t - lives.current + 1).cast("int64")  # months of the current spell
    return lives.select(
        "account_id",
        "segment",
        period=period,
        months=months,
        t=ibis.ifelse(churned, paid, paid - 1),
        churned=churned,
        paying=paying,
        age=ibis.ifelse(paying, (now + period - 1) // period - 1, 0).cast("int64"),
        mrr=ibis.ifelse(paying, lives.mrr_t.fill_null(0.0), 0.0),
    )


def grouped_lives(session: MetricsSession, lives: ibis.Table) -> list[dict[str, Any]]:
    """The sBG's aggregate: ``segment, period, t, churned`` → ``accounts``."""
    keys = ["segment", "period", "t", "churned"]
    agg = lives.group_by(keys).aggregate(accounts=lives.count())
    return session.ctx.run(FAMILY, agg.order_by(keys))


def grouped_base(session: MetricsSession, lives: ibis.Table) -> list[dict[str, Any]]:
    """The base paying at T: ``segment, period, age`` → ``accounts``, ``mrr`` (sum)."""
    keys = ["segment", "period", "age"]
    base = lives.filter(lives.paying & (lives.mrr > 0))
    agg = base.group_by(keys).aggregate(accounts=base.count(), mrr=base.mrr.sum())
    return session.ctx.run(FAMILY, agg.order_by(keys))
