"""The ideal customer profile (DESIGN §5 "ICP").

The best customers are the top quarter by lifetime value of the clients with at least six
months of tenure. Every firmographic value (:mod:`personae.models.attributes`) gets its
lift: its share among the best over its share among the other clients, with the number of
clients holding it and a Wilson interval on each share. The profile is the values with a
lift ≥ 1.5 held by ≥ 10 clients, ordered by the lift smoothed by half a client per share. The ICP's criteria are the leading industry × size cell
of the profile, or what a person stated in the settings ``icp_naf_codes`` and
``icp_employees``; they give the share of clients matching, the comparison of those
clients with the others (:mod:`personae.models.icp_compare`) and the TAM's filter.
Every account, client or prospect, gets a weight-of-evidence fit score
(:mod:`personae.models.fit_score`).

LTV per account: the account's monthly value (MRR at T, else its revenue over the last
12 months / 12) × its segment's LTV / the segment's ARPA — the model LTV
(``models.ltv.by_segment[*].ltv``) when that step ran, else the first version of
``metrics.segments[*].ltv``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from personae.metrics import firmographics as fg
from personae.metrics.context import Context
from personae.metrics.stats import count, rate
from personae.models import fit_score
from personae.models.attributes import CELL_SEP, LABELS, attribute_rows, with_raw_columns
from personae.models.icp_compare import compare, describe, share_of_clients, sides
from personae.months import shift_months

FAMILY = "icp"  # its SQL in metrics.provenance
WIDE_TABLE = "personae_icp_accounts"

if TYPE_CHECKING:
    from personae.models.run import ModelOutput

MIN_TENURE_MONTHS = 6
PROFILE_LIFT = 1.5
PROFILE_N = 10
MIN_ELIGIBLE = 40  # fewer clients of 6 months than this: too few to tell the best apart
SIZE_RANGES: dict[str, tuple[int, int | None]] = {
    "TPE": (1, 10),
    "PME": (11, 250),
    "ETI": (251, 5000),
    "Grand compte": (5001, None),
}


@dataclass(frozen=True)
class Criteria:
    """What makes an account an ICP account: stated in the settings, or derived."""

    source: str  # "settings" or "data"
    naf_codes: tuple[str, ...] = ()  # exact codes or prefixes, as written ("49.4", "62.01Z")
    employees: tuple[int, int | None] | None = None
    industries: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()

    def matches(self, t: ibis.Table) -> ir.BooleanValue:
        """On a table with ``naf``, ``emp``, ``industry`` and ``size_band``: the stated NAF
        codes and headcount, or the derived industries and size bands (whose NAF codes and
        headcount range only filter the market)."""
        cond: ir.BooleanValue = ibis.literal(True)
        if self.source == "settings" and self.naf_codes:
            naf = t.naf.upper().replace(".", "").strip()
            cond &= ibis.or_(*(naf.startswith(naf_key(c)) for c in self.naf_codes))
        if self.source == "settings" and self.employees is not None:
            lo, hi = self.employees
            cond &= t.emp >= lo if hi is None else t.emp.between(lo, hi)
        if self.industries:
            cond &= t.industry.isin(list(self.industries))
        if self.size_bands:
            cond &= t.size_band.isin(list(self.size_bands))
        return cond.fill_null(False)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "naf_codes": list(self.naf_codes),
            "employees": None if self.employees is None else list(self.employees),
            "industries": list(self.industries),
            "size_bands": list(self.size_bands),
        }


def naf_key(code: str) -> str:
    """``62.01Z`` → ``6201Z``: codes and prefixes compared without the dot, in capitals."""
    return code.upper().replace(".", "").strip()


def ltv_factors(
    metrics: Mapping[str, Any], summaries: Mapping[str, Any]
) -> tuple[dict[str, float], str]:
    """Segment → LTV / ARPA, and which LTV it is."""
    arpa = {r["name"]: r.get("arpa") for r in metrics.get("segments") or []}
    v1 = {r["name"]: r.get("ltv") for r in metrics.get("segments") or []}
    model = {r["name"]: r.get("ltv") for r in (summaries.get("ltv") or {}).get("by_segment") or []}
    factors: dict[str, float] = {}
    used_model = False
    for name, a in arpa.items():
        ltv = model.get(name)
        if ltv is not None:
            used_model = True
        else:
            ltv = v1.get(name)
        if a and ltv is not None:
            factors[name] = float(ltv) / float(a)
    if used_model:
        return factors, "LTV du modèle sBG par segment, au prorata du MRR du compte"
    return factors, (
        "LTV v1 du segment (ARPA × marge brute / churn mensuel), au prorata du MRR du compte"
    )


def _ltv(ctx: Context, facts: ibis.Table, factors: dict[str, float]) -> ir.NumericValue:
    monthly = ibis.ifelse(facts.mrr_t > 0, facts.mrr_t, facts.rev_w / 12)
    if not factors:
        return facts.rev_w  # no churn measurable anywhere: a year of revenue ranks them
    fallback = max(factors.values())  # a segment without churn: no shorter life than any
    cases = [(facts.segment == k, v) for k, v in sorted(factors.items())]
    return monthly * ibis.cases(*cases, else_=fallback)


def stated_criteria(ctx: Context) -> Criteria | None:
    s = ctx.settings
    if not s.icp_naf_codes and s.icp_employees is None:
        return None
    return Criteria("settings", naf_codes=tuple(s.icp_naf_codes), employees=s.icp_employees)


def lifts(counts: list[dict[str, Any]], best: int, rest: int, conf: float) -> list[dict[str, Any]]:
    """One row per (attribute, value): lift, n, the two shares with Wilson intervals."""
    out = []
    for r in counts:
        b, o = count(r["best"]), count(r["rest"])
        sb, so = rate(b, best, conf), rate(o, rest, conf)
        lift = sb["value"] / so["value"] if so["value"] and sb["value"] is not None else None
        out.append(
            {
                "attribute": r["attribute"],
                "label": LABELS[r["attribute"]],
                "value": r["value"],
                "lift": lift,
                "n": b + o,
                "best": b,
                "share_best": sb,
                "share_rest": so,
            }
        )
    out.sort(key=lambda r: (-smoothed_lift(r["best"], r["n"] - r["best"], best, rest), -r["n"]))
    return out


def smoothed_lift(b: int, r: int, best: int, rest: int) -> float:
    """The lift with each share smoothed by half a client, (b + ½)/(B + 1) over
    (r + ½)/(R + 1): what orders the profile, so that a value held by 40 best clients and
    no other outranks one held by 10, and a tiny group does not lead by chance."""
    return ((b + 0.5) / (best + 1)) / ((r + 0.5) / (rest + 1))


def profile_of(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The values with lift ≥ 1.5 (or held by the best only) held by ≥ 10 clients."""
    return [
        {k: r[k] for k in ("attribute", "label", "value", "lift", "n", "best")}
        for r in rows
        if r["value"] != fg.NOT_GIVEN
        and r["n"] >= PROFILE_N
        and (r["lift"] is None or r["lift"] >= PROFILE_LIFT)
    ]


def derived_criteria(profile: list[dict[str, Any]]) -> Criteria | None:
    cells = [r for r in profile if r["attribute"] == "cell" and CELL_SEP in r["value"]]
    if cells:
        industry, band = cells[0]["value"].split(CELL_SEP, 1)
        return Criteria("data", industries=(industry,), size_bands=(band,))
    ind = [r["value"] for r in profile if r["attribute"] == "industry"][:1]
    band = [r["value"] for r in profile if r["attribute"] == "size_band"][:1]
    if not ind and not band:
        return None
    return Criteria("data", industries=tuple(ind), size_bands=tuple(band))


def icp(session: Any, metrics: Mapping[str, Any], summaries: Mapping[str, Any]) -> ModelOutput:
    """The ICP step of :data:`personae.models.run.STEPS`."""
    from personae.models.run import ModelOutput

    ctx: Context = session.ctx
    facts: ibis.Table = session.accounts
    conf = ctx.settings.confidence
    factors, definition = ltv_factors(metrics, summaries)
    if not factors:
        definition = "chiffre d'affaires des 12 derniers mois (aucune LTV de segment calculable)"
    raw = ctx.tables["accounts"]
    # the raw accounts' columns joined once: a dozen queries below read them
    wide = ctx.materialize("icp", WIDE_TABLE, with_raw_columns(facts, raw))
    acc = wide.select(*facts.columns, "naf", "emp", "turnover")
    acc = acc.mutate(ltv=_ltv(ctx, acc, factors))
    since = shift_months(ctx.cal.t, -MIN_TENURE_MONTHS)
    eligible = acc.filter(acc.is_client & (acc.first_positive <= since))
    n_eligible = count(ctx.run("icp", eligible.aggregate(n=eligible.count()))[0]["n"])
    n_best = math.ceil(n_eligible / 4)
    summary: dict[str, Any] = {
        "best_definition": (
            f"le quart des clients d'au moins {MIN_TENURE_MONTHS} mois d'ancienneté à la plus "
            f"forte LTV ; LTV par compte : {definition}"
        ),
        "ltv_source": "model" if summaries.get("ltv") else "v1",
        "eligible_clients": n_eligible,
        "best_clients": n_best,
        "profile": [],
        "lifts": [],
    }
    long = ctx.materialize("icp", "personae_icp_attributes", attribute_rows(wide))
    ranked = eligible.mutate(
        rn=ibis.row_number().over(order_by=[eligible.ltv.desc(), eligible.account_id])
    )
    flagged = ctx.materialize(
        "icp", "personae_icp_eligible", ranked.select("account_id", best=ranked.rn < n_best)
    )
    accounts_out = None
    criteria = stated_criteria(ctx)
    if n_eligible < MIN_ELIGIBLE:
        summary["status"] = "too_small"
        summary["reason"] = (
            f"{n_eligible} clients d'au moins {MIN_TENURE_MONTHS} mois d'ancienneté : il en faut "
            f"au moins {MIN_ELIGIBLE} pour distinguer les meilleurs des autres"
        )
    else:
        summary["status"] = "ok"
        j = long.inner_join(flagged, "account_id")
        agg = j.group_by(["attribute", "value"]).aggregate(best=j.best.sum(), rest=(~j.best).sum())
        counts = ctx.run("icp", agg.order_by(["attribute", "value"]))
        rows = lifts(counts, n_best, n_eligible - n_best, conf)
        summary["lifts"] = rows
        summary["profile"] = profile_of(rows)
        criteria = criteria or derived_criteria(summary["profile"])
        weights = fit_score.woe_weights(counts, n_best, n_eligible - n_best)
        scores, cuts, tiers = fit_score.score_accounts(ctx, long, weights, flagged, facts)
        summary["weights"] = weights
        summary["tier_cutoffs"] = cuts
        summary["tiers"] = tiers
        accounts_out = scores
    if criteria is not None and criteria.source == "data":
        criteria = _with_naf_codes(ctx, criteria, acc, flagged)
    summary["criteria"] = None if criteria is None else criteria.as_json()
    if criteria is not None:
        matched = acc.mutate(matching=criteria.matches(acc))
        by_side = sides(ctx, matched)
        summary["share_of_clients"] = share_of_clients(by_side, conf)
        summary["comparison"] = compare(ctx, matched, by_side)
        summary["description"] = describe(ctx, matched, long, by_side)
    return ModelOutput(summary, accounts_out)


def _with_naf_codes(
    ctx: Context, criteria: Criteria, acc: ibis.Table, flagged: ibis.Table
) -> Criteria:
    """The NAF codes the best clients of a derived ICP hold (the TAM's filter), and the
    headcount range of its size band."""
    best = acc.semi_join(flagged.filter(flagged.best), "account_id")
    best = best.filter(criteria.matches(best) & best.naf.notnull())
    agg = best.group_by(code=best.naf.upper().strip()).aggregate(n=best.count())
    codes = [str(r["code"]) for r in ctx.run("icp", agg.order_by([ibis.desc("n"), "code"]))]
    bands = [SIZE_RANGES[b] for b in criteria.size_bands if b in SIZE_RANGES]
    employees = None
    if bands:
        highs = [hi for _, hi in bands]
        top = None if None in highs else max(h for h in highs if h is not None)
        employees = (min(lo for lo, _ in bands), top)
    return Criteria(
        "data",
        naf_codes=tuple(codes),
        employees=employees,
        industries=criteria.industries,
        size_bands=criteria.size_bands,
    )
