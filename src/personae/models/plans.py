"""Each account's billing periods, from its recurring invoices: one scan of revenue a report.

The signals panel and the commonalities read each account's most frequent period
(``plan_months``), the LTV its plan period (the period covering most months of its lines,
:func:`personae.models.lives.plan_periods`). Both come from one temporary table of the
session, built on first use: per account and line length ``n`` in months (rounded as for
the MRR, at least 1), the number of its recurring lines of positive amount starting by T.
Counts and whole-month sums of the same lines: the same numbers as from the lines.
"""

from __future__ import annotations

import ibis

from personae.metrics.context import Context
from personae.metrics.mrr import DAYS_PER_MONTH

LINES_TABLE = "personae_plan_lines"
PLAN_TABLE = "personae_plan_months"


def _lines(ctx: Context) -> ibis.Table:
    r = ctx.tables["revenue"]
    r = r.filter(
        r.recurring.fill_null(True)
        & (r.amount > 0)
        & r.period_start.notnull()
        & (r.period_start <= ctx.cal.t)
    )
    days = r.period_end.epoch_days() - r.period_start.epoch_days()
    n = ibis.greatest((days / DAYS_PER_MONTH).round(), 1).cast("int64")
    lines = r.select("account_id", n=n)
    return lines.group_by(["account_id", "n"]).aggregate(lines_n=lines.count())


def plan_lines(ctx: Context, family: str) -> ibis.Table:
    """``account_id, n, lines_n``: the recurring lines of ``n`` months (see the docstring)."""
    return ctx.shared_table(family, LINES_TABLE, lambda: _lines(ctx))


def plan_months(ctx: Context, family: str) -> ibis.Table:
    """``account_id, plan_months``: the most frequent billing period, in months, of each
    account's recurring invoices (prorated lines of a plan change are shorter; they are the
    exception)."""

    def build() -> ibis.Table:
        per = plan_lines(ctx, family)
        # ties go to the longer period: deterministic on every engine
        return per.group_by("account_id").aggregate(
            plan_months=per.n.argmax(per.lines_n * 1000 + per.n)
        )

    return ctx.shared_table(family, PLAN_TABLE, build)
