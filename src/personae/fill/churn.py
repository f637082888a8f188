"""Section 10, « Churn »: churn by segment, the highest and lowest, and why accounts leave."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personae.dossier.kinds import fmt_int
from personae.fill._rule import Metrics, rule
from personae.fill._text import SMALL, best, counted_share, pct, value_of
from personae.metrics.labels import NOT_GIVEN


def _silent(mr: Mapping[str, Any]) -> str:
    """« 18 des 88 départs sans motif donné » (« 18 départs sur 88 sans motif » read as
    18 of the 88 having left for the reason just named)."""
    k, n = int(mr["share"]["numerator"]), int(mr["share"]["denominator"])
    if n == 1:
        return "1 départ, sans motif donné"  # called only when the silent ones lead: k = 1
    return f"{fmt_int(k)} des {fmt_int(n)} départs sans motif donné"


def _reason(r: Mapping[str, Any]) -> str | None:
    """The main reason the segment's leavers gave, with its share (its counts when few).
    When the most frequent answer is no reason at all: the reason given most, if at least
    half of the leavers gave one, with the silent ones counted; else a dash that says so
    (« — (50 des 88 départs sans motif donné) »), rather than a reason given by a few."""
    mr = r.get("main_reason")
    if not mr or not mr.get("name"):
        return None
    if mr["name"] != NOT_GIVEN:
        return f"{mr['name']} ({counted_share(mr['share'], 'départ', 'départs')})"
    if not isinstance(mr.get("share"), Mapping) or mr["share"].get("denominator") is None:
        return None
    given = mr.get("given")
    if given and 2 * int(mr["share"]["numerator"]) <= int(mr["share"]["denominator"]):
        share = counted_share(given["share"], "départ", "départs")
        return f"{given['name']} ({share} ; {_silent(mr)})"
    return f"— ({_silent(mr)})"


def _rate_line(r: Mapping[str, Any]) -> str:
    monthly = r["monthly"]
    small = f", {SMALL}" if r.get("small_sample") else ""
    return (
        f"{r['name']} : {pct(monthly)} par mois ({fmt_int(monthly['numerator'])} départs / "
        f"{fmt_int(monthly['denominator'])} comptes-mois{small})"
    )


def _churn(m: Metrics) -> Mapping[str, Any] | None:
    c = m.get("churn")
    return c if c and value_of(c.get("monthly")) is not None else None


@rule(
    "churn",
    ("10.1", "10.2", "10.3"),
    columns={
        "10.churn_par_segment": ("segment", "churn_mensuel", "churn_annuel", "raison_principale")
    },
    needs=("revenue",),
)
def churn(m: Metrics) -> dict[str, Any]:
    c = _churn(m)
    if c is None:
        return {}
    rows = [
        {
            "segment": r["name"],
            "churn_mensuel": value_of(r["monthly"]),
            "churn_annuel": value_of(r["annual"]),
            "raison_principale": _reason(r),
        }
        for r in c["by_segment"]
    ]
    rows.append(
        {
            "segment": "Global",
            "churn_mensuel": value_of(c["monthly"]),
            "churn_annuel": value_of(c["annual"]),
        }
    )
    monthly = c["monthly"]
    out: dict[str, Any] = {
        "10.churn_par_segment": rows,
        "10.1": f"{pct(monthly)} par mois ({fmt_int(monthly['numerator'])} départs / "
        f"{fmt_int(monthly['denominator'])} comptes-mois), {pct(c['annual'])} par an "
        f"({pct(c['annual_compounded'])} en composé)",
    }
    hi = best(c["by_segment"], lambda r: value_of(r["monthly"]))
    lo = best(c["by_segment"], lambda r: value_of(r["monthly"]), lowest=True)
    if hi:
        why = _reason(hi)  # why the churniest leave: what its leavers said
        if why and why.startswith("— ("):
            out["10.2"] = _rate_line(hi) + f" ; motif des départs : {why[3:-1]}"
        else:
            out["10.2"] = _rate_line(hi) + (
                f" ; raison principale des départs : {why}" if why else ""
            )
    if lo and lo is not hi:
        # why the lowest stay is not what its few leavers said: the rate only, the why is a person's
        out["10.3"] = _rate_line(lo)
    return out


@rule("churn", ("10.4",), needs=("revenue", "accounts.churn_reason"))
def churn_reasons(m: Metrics) -> dict[str, Any]:
    c = _churn(m)
    if c is None:
        return {}
    reasons = [
        f"{r['name']} : {why}"
        for r in c["by_segment"]
        if (why := _reason(r)) and not why.startswith("—")
    ]
    return {"10.4": " ; ".join(reasons)} if reasons else {}
