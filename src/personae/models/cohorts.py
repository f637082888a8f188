"""Cohort comparisons: the outcome rate of each group of each feature against the base rate.

For a group with k outcomes in n account-months, the lift is (k / n) / base, its 95 %
interval the group rate's Wilson interval divided by the base rate (the base, estimated on
every labelled month, is taken as known). A group is a *signal* when it has at least
:data:`MIN_GROUP_MONTHS` account-months and :data:`MIN_GROUP_EVENTS` outcomes, a phrase,
and an interval wholly above 1; a feature's risky group is its signal of highest lift
(groups of a fair size before small ones, see :func:`ranked_signals`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
from babel.numbers import format_decimal

from personae.dossier.kinds import LOCALE, fmt_int
from personae.metrics.context import Context
from personae.metrics.stats import rate
from personae.models.features import Feature
from personae.models.panel import FAMILY, Panel, bin_column

MIN_GROUP_MONTHS = 50
MIN_GROUP_EVENTS = 5
SMALL_ACCOUNTS = 30  # below this many accounts (or 10 outcomes) a signal says "échantillon faible"
SMALL_EVENTS = 10
MAX_SIGNALS = 10
STRONG_LIFT = 2.0  # a signal this strong is a reason in accounts.csv, a trigger "on now"
OUTCOME_WORD = {"churn": "churn", "expansion": "expansion"}


@dataclass(frozen=True)
class Group:
    feature: str
    key: str
    months: int
    accounts: int
    events: Mapping[str, int]  # outcome -> count


def cohort_stats(
    ctx: Context, panel: Panel, features: Iterable[Feature]
) -> tuple[list[Group], int]:
    """Every group of every feature over the labelled panel, with both outcomes counted,
    and the accounts with a labelled month, in one query: the union of one aggregate per
    feature, each over the account's rows of the group first (its accounts are then
    counted without a DISTINCT), and of the same over every row (feature "")."""
    lab = panel.labelled

    def counts(name: str, key: ir.StringValue) -> ibis.Table:
        per = lab.group_by(key=key, acc=lab.account_id).aggregate(
            months=lab.count(), churn=lab.churn.sum(), expansion=lab.expansion.sum()
        )
        return per.group_by(feature=ibis.literal(name), bin=per.key).aggregate(
            months=per.months.sum(),
            accounts=per.count(),
            churn=per.churn.sum(),
            expansion=per.expansion.sum(),
        )

    parts = [counts(f.name, lab[bin_column(f)]) for f in features]
    parts.append(counts("", ibis.literal("")))
    out: list[Group] = []
    accounts = 0
    for r in ctx.run(FAMILY, ibis.union(*parts)):
        if r["feature"] == "":
            accounts = int(r["accounts"])
            continue
        out.append(
            Group(
                str(r["feature"]),
                str(r["bin"]),
                int(r["months"]),
                int(r["accounts"]),
                {"churn": int(r["churn"] or 0), "expansion": int(r["expansion"] or 0)},
            )
        )
    return sorted(out, key=lambda g: (g.feature, g.key)), accounts


def decimal(x: float) -> str:
    """3,4 — one decimal, French."""
    return format_decimal(x, locale=LOCALE, format="#,##0.0")


def lift_row(g: Group, feature: Feature, outcome: str, base: float) -> dict[str, Any] | None:
    """The group as a ranked-list entry (with its French label), or None if not a signal."""
    phrase = feature.phrase(g.key)
    k = g.events[outcome]
    if phrase is None or base <= 0 or g.months < MIN_GROUP_MONTHS or k < MIN_GROUP_EVENTS:
        return None
    r = rate(k, g.months)
    if r["value"] is None or r["ci_low"] is None or r["ci_high"] is None:
        return None
    lift, lo, hi = r["value"] / base, r["ci_low"] / base, r["ci_high"] / base
    if lo <= 1:
        return None
    small = g.accounts < SMALL_ACCOUNTS or k < SMALL_EVENTS
    label = (
        f"{phrase} : {OUTCOME_WORD[outcome]} × {decimal(lift)} [{decimal(lo)} – {decimal(hi)}], "
        f"{fmt_int(g.months)} mois-comptes de {fmt_int(g.accounts)} comptes"
        + (" (échantillon faible)" if small else "")
    )
    return {
        "feature": feature.name,
        "group": g.key,
        "phrase": phrase,
        "kind": feature.kind,
        "label": label,
        "lift": lift,
        "ci_low": lo,
        "ci_high": hi,
        "rate": r["value"],
        "events": k,
        "n": g.months,
        "accounts": g.accounts,
        "small_sample": small,
    }


def _rank(row: Mapping[str, Any]) -> tuple[bool, float]:
    """Groups of a fair size first, then by lift (a small group's lift is the least sure)."""
    return (bool(row["small_sample"]), -float(row["lift"]))


def ranked_signals(
    groups: Iterable[Group], features: Mapping[str, Feature], outcome: str, base: float
) -> list[dict[str, Any]]:
    """Each feature's risky group, ranked (at most :data:`MAX_SIGNALS`).

    The same accounts described twice (no active day / no active user; segment
    Particuliers / B2C) are listed once, under the feature that comes first.
    """
    best: dict[str, dict[str, Any]] = {}
    for g in groups:
        row = lift_row(g, features[g.feature], outcome, base)
        if row is not None and (g.feature not in best or _rank(row) < _rank(best[g.feature])):
            best[g.feature] = row
    order = {name: i for i, name in enumerate(features)}
    seen: set[tuple[int, int, int]] = set()
    unique: list[dict[str, Any]] = []
    for row in sorted(best.values(), key=lambda r: order[r["feature"]]):
        same = (row["n"], row["accounts"], row["events"])
        if same not in seen:
            seen.add(same)
            unique.append(row)
    ranked = sorted(unique, key=lambda r: (*_rank(r), r["feature"]))
    return ranked[:MAX_SIGNALS]
