"""Churn and expansion charts of ``report.html``: monthly churn by segment with its
intervals, NRR and GRR by segment. ``ci_values`` turns rates into the points and intervals
:func:`personae.render.vega.ci_chart` draws."""

from __future__ import annotations

from typing import Any

from personae.dossier.kinds import fmt_money, fmt_percent
from personae.render.formats import count, interval, pct, rate, sample
from personae.render.vega import (
    PERCENT,
    PERCENT0,
    SMALL_NOTE,
    WIDTH,
    Chart,
    Spec,
    Table,
    base,
    ci_chart,
    label_of,
)


def ci_values(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        v = rate(r.get(key))
        if v is None:
            continue
        low, high = interval(r.get(key)) or (v, v)
        small = bool(r.get("small_sample"))
        out.append(
            {
                "label": label_of(r["name"], small),
                "small": small,
                "value": v,
                "low": low,
                "high": high,
            }
        )
    return out


def churn_charts(m: dict[str, Any]) -> list[Chart]:
    churn = m.get("churn") or {}
    groups = churn.get("by_segment") or []
    values = ci_values(groups, "monthly")
    if not values:
        return []
    spec = ci_chart(
        values,
        title="Churn mensuel (IC 95 %)",
        fmt=PERCENT,
        reference=rate(churn.get("monthly")),
        reference_label="Churn mensuel de l'ensemble",
        color="#d9534f",
    )

    def _ci(v: Any) -> str:
        ci = interval(v)
        return "" if ci is None else f"{fmt_percent(ci[0])} – {fmt_percent(ci[1])}"

    rows = [
        [
            g["name"],
            pct(g.get("monthly")),
            _ci(g.get("monthly")),
            f"{count((g.get('monthly') or {}).get('numerator'))} / {count((g.get('monthly') or {}).get('denominator'))}"
            if isinstance(g.get("monthly"), dict)
            else "",
            pct(g.get("annual")),
            (g.get("main_reason") or {}).get("name") or "",
            sample(g.get("small_sample")),
        ]
        for g in groups
    ]
    table = Table(
        [
            "Segment",
            "Churn mensuel",
            "IC 95 %",
            "Départs / comptes-mois",
            "Churn annuel",
            "Raison principale",
            "Échantillon",
        ],
        rows,
    )
    notes = [
        "Point : churn mensuel ; trait : intervalle de confiance à 95 % (Wilson) ; pointillé : ensemble des clients."
    ]
    if any(v["small"] for v in values):
        notes.append(SMALL_NOTE)
    return [
        Chart("churn-by-segment", "Churn mensuel par segment", spec, table, ("churn",), "10", notes)
    ]


def expansion_chart(m: dict[str, Any]) -> list[Chart]:
    groups = (m.get("expansion") or {}).get("by_segment") or []
    if not groups:
        return []
    values = [
        {
            "label": label_of(g["name"], bool(g.get("small_sample"))),
            "small": bool(g.get("small_sample")),
            "measure": measure,
            "value": rate(g.get(measure.lower())),
        }
        for g in groups
        for measure in ("NRR", "GRR")
        if rate(g.get(measure.lower())) is not None
    ]
    spec: Spec = base(
        width=WIDTH - 180,
        data={"values": values},
        layer=[
            {
                "mark": "bar",
                "encoding": {
                    "y": {"field": "label", "type": "nominal", "sort": None, "title": None},
                    "yOffset": {"field": "measure", "sort": ["NRR", "GRR"]},
                    "x": {
                        "field": "value",
                        "type": "quantitative",
                        "title": "Rétention du revenu sur 12 mois",
                        "axis": {"format": PERCENT0},
                    },
                    "color": {
                        "field": "measure",
                        "title": None,
                        "scale": {"domain": ["NRR", "GRR"], "range": ["#4c78a8", "#9ecae9"]},
                    },
                    "opacity": {"condition": {"test": "datum.small", "value": 0.45}, "value": 1},
                    "tooltip": [
                        {"field": "label", "title": "Segment"},
                        {"field": "measure", "title": "Mesure"},
                        {
                            "field": "value",
                            "title": "Valeur",
                            "format": PERCENT,
                            "type": "quantitative",
                        },
                    ],
                },
            },
            {
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#888"},
                "encoding": {"x": {"datum": 1}},
            },
        ],
    )
    rows = [
        [
            g["name"],
            pct(g.get("nrr")),
            pct(g.get("grr")),
            count(g.get("base_accounts")),
            count(g.get("upsell_accounts")),
            "n/d"
            if g.get("upsell_avg") is None
            else fmt_money(float(g["upsell_avg"]), per_year=True),
            sample(g.get("small_sample")),
        ]
        for g in groups
    ]
    table = Table(
        [
            "Segment",
            "NRR",
            "GRR",
            "Comptes payants il y a 12 mois",
            "Comptes en hausse",
            "Upsell moyen",
            "Échantillon",
        ],
        rows,
    )
    notes = [
        "NRR : revenu récurrent conservé et étendu sur 12 mois ; GRR : conservé seulement (pointillé : 100 %)."
    ]
    if any(v["small"] for v in values):
        notes.append(SMALL_NOTE)
    return [
        Chart("nrr-by-segment", "NRR et GRR par segment", spec, table, ("expansion",), "11", notes)
    ]
