"""Section 2, « Segments »: the segment table and the questions it settles."""

from __future__ import annotations

from typing import Any

from personae.dossier.kinds import fmt_money, fmt_percent
from personae.fill._ltv import ltv_answer, ltv_cell
from personae.fill._rule import Metrics, rule
from personae.fill._text import best, clients_cell, growth_cell, or_nd, pct, value_of
from personae.metrics.labels import NOT_GIVEN

SEGMENT_COLUMNS = ("segment", "nb_clients", "pct_ca", "ltv_moyen", "churn", "croissance")


@rule(
    ("segments", "churn", "models.ltv"),
    ("2.1", "2.2", "2.3", "2.4", "2.6"),
    columns={"2.segments_identifies": SEGMENT_COLUMNS},
    needs=("revenue",),
)
def segments(m: Metrics) -> dict[str, Any]:
    segs = m.get("segments") or []
    if not [r for r in segs if r["name"] != NOT_GIVEN]:
        return {}  # no segment the data can name
    monthly = {r["name"]: value_of(r["monthly"]) for r in m["churn"]["by_segment"]}
    model = (m.get("models") or {}).get("ltv") or {}
    fits = {r["name"]: r for r in model.get("by_segment") or []}
    rows = [
        {
            "segment": r["name"],
            "nb_clients": clients_cell(r),
            "pct_ca": value_of(r["revenue_share"]),
            "ltv_moyen": ltv_cell(r, fits.get(r["name"])) if fits else or_nd(r.get("ltv")),
            "churn": monthly.get(r["name"]),
            "croissance": growth_cell(r),
        }
        for r in segs
    ]
    out: dict[str, Any] = {"2.segments_identifies": rows}
    seg = m.get("segmentation", {})
    out["2.1"] = f"Par {seg.get('label', 'segment')}"
    out["2.2"] = f"{len(segs)} segments : " + ", ".join(r["name"] for r in segs)
    top = best(segs, lambda r: value_of(r["revenue_share"]), robust=False)
    if top:
        out["2.3"] = f"{top['name']} : {pct(top['revenue_share'])} du CA"
    if fits:
        answer = ltv_answer(model, segs)
        if answer:
            out["2.4"] = answer
    elif ltv := best(segs, lambda r: r.get("ltv")):
        out["2.4"] = (
            f"{ltv['name']} : LTV moyen {fmt_money(ltv['ltv'])} ({seg.get('ltv_method', '')})"
        )
    grow = best(segs, lambda r: r.get("growth"))
    if grow:
        out["2.6"] = (
            f"{grow['name']} : {fmt_percent(grow['growth'], signed=True)} de CA sur 12 mois"
        )
    return out


@rule("churn", ("2.5",), needs=("revenue",))
def churniest_segment(m: Metrics) -> dict[str, Any]:
    hi = best((m.get("churn") or {}).get("by_segment") or [], lambda r: value_of(r["monthly"]))
    if not hi:
        return {}
    return {"2.5": f"{hi['name']} : {pct(hi['monthly'])} de churn mensuel"}
