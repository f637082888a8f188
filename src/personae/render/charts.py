"""The charts of ``report.html`` from the computed numbers of ``dossier.json`` (``metrics``).

Each builder takes the document's ``metrics`` and returns its charts (none when the numbers
are absent), each with its data table written in French: here the MRR movements and the
breakdowns by segment, size, industry and region; churn and expansion in
:mod:`personae.render.churn_charts`, deals, journey and top clients in
:mod:`personae.render.deal_charts`, the models' charts in :mod:`personae.render.model_charts`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from personae.dossier.kinds import fmt_number
from personae.render.churn_charts import churn_charts, expansion_chart
from personae.render.deal_charts import journey_chart, lost_charts, top_clients_chart
from personae.render.formats import count, money, month_label, pct, rate, sample
from personae.render.vega import (
    INT,
    MONEY,
    PERCENT0,
    SMALL_NOTE,
    WIDTH,
    Chart,
    Table,
    base,
    hbar,
    label_of,
)

MOVEMENTS = (  # name in dossier.json, French label, colour, sign (ChartMogul's palette order)
    ("new", "Nouveau", "#2e9e5b", 1),
    ("expansion", "Expansion", "#7cc68d", 1),
    ("reactivation", "Réactivation", "#4c9fd6", 1),
    ("contraction", "Contraction", "#f2a65a", -1),
    ("churn", "Churn", "#d9534f", -1),
)
BREAKDOWNS = (  # metrics key, title, fallback section
    ("segments", "segment", "2"),
    ("sizes", "taille d'entreprise", "3"),
    ("industries", "industrie", "4"),
    ("regions", "région", "5"),
)


def metric_charts(metrics: dict[str, Any]) -> list[Chart]:
    """Every chart the numbers allow, in the dossier's order."""
    builders: list[Callable[[dict[str, Any]], list[Chart]]] = [
        mrr_chart,
        *[_breakdown(key, title, fb) for key, title, fb in BREAKDOWNS],
        journey_chart,
        top_clients_chart,
        churn_charts,
        expansion_chart,
        lost_charts,
    ]
    return [c for build in builders for c in build(metrics)]


def mrr_chart(m: dict[str, Any]) -> list[Chart]:
    """MRR movements per month, stacked up (new, expansion, reactivation) and down
    (contraction, churn), with the MRR line on its own axis (as ChartMogul draws them)."""
    months = m.get("mrr_movements") or []
    if not months:
        return []
    values = [
        {
            "month": f"{row['month']}-01",
            "movement": label,
            "amount": sign * float(row.get(key) or 0),
        }
        for row in months
        for key, label, _, sign in MOVEMENTS
    ]
    line = [{"month": f"{row['month']}-01", "mrr": float(row["mrr"])} for row in months]
    x = {
        "field": "month",
        "type": "temporal",
        "timeUnit": "utcyearmonth",
        "title": None,
        "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": 8},
    }
    spec = base(
        width=WIDTH - 90,  # two axes beside it
        height=280,
        layer=[
            {
                "data": {"values": values},
                "mark": {"type": "bar"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "amount",
                        "type": "quantitative",
                        "aggregate": "sum",
                        "title": "Mouvements (€/mois)",
                        "axis": {"format": MONEY},
                    },
                    "color": {
                        "field": "movement",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": [x[1] for x in MOVEMENTS],
                            "range": [x[2] for x in MOVEMENTS],
                        },
                    },
                    "order": {"field": "amount", "type": "quantitative"},
                    "tooltip": [
                        {
                            "field": "month",
                            "type": "temporal",
                            "timeUnit": "utcyearmonth",
                            "title": "Mois",
                            "format": "%B %Y",
                        },
                        {"field": "movement", "title": "Mouvement"},
                        {
                            "field": "amount",
                            "type": "quantitative",
                            "aggregate": "sum",
                            "title": "Montant",
                            "format": MONEY,
                        },
                    ],
                },
            },
            {
                "data": {"values": line},
                "mark": {"type": "line", "color": "#1f2d3d", "strokeWidth": 2},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "mrr",
                        "type": "quantitative",
                        "title": "MRR (€/mois)",
                        "axis": {"format": MONEY, "orient": "right"},
                    },
                    "tooltip": [
                        {
                            "field": "month",
                            "type": "temporal",
                            "timeUnit": "utcyearmonth",
                            "title": "Mois",
                            "format": "%B %Y",
                        },
                        {"field": "mrr", "type": "quantitative", "title": "MRR", "format": MONEY},
                    ],
                },
            },
        ],
        resolve={"scale": {"y": "independent"}},
    )
    rows = [
        [month_label(r["month"]), money(r["mrr"])]
        + [money(r.get(key) or 0) for key, *_ in MOVEMENTS]
        for r in months
    ]
    table = Table(["Mois", "MRR", *[x[1] for x in MOVEMENTS]], rows)
    return [
        Chart(
            "mrr-movements",
            "Mouvements de MRR par mois",
            spec,
            table,
            ("mrr_movements", "overview"),
            "1",
            [
                "Barres : nouveau, expansion et réactivation vers le haut ; contraction et churn vers le bas. Ligne : MRR en fin de mois."
            ],
        )
    ]


def _breakdown(key: str, title: str, fallback: str) -> Callable[[dict[str, Any]], list[Chart]]:
    def build(m: dict[str, Any]) -> list[Chart]:
        groups = m.get(key) or []
        if not groups:
            return []
        values = [
            {
                "label": label_of(g["name"], bool(g.get("small_sample"))),
                "small": bool(g.get("small_sample")),
                "revenue_share": rate(g.get("revenue_share")),
                "clients": g.get("clients"),
                "arpu": g.get("arpu"),
            }
            for g in groups
        ]
        spec = base(
            data={"values": values},
            hconcat=[
                hbar("revenue_share", "Part du CA", PERCENT0),
                hbar("clients", "Clients", INT, labels=False, color="#72b7b2"),
                hbar("arpu", "ARPU (€/an)", MONEY, labels=False, color="#f58518"),
            ],
            spacing=12,
        )
        extra = {
            "sizes": ("sales_cycle_days", "Cycle de vente"),
            "segments": ("ltv", "LTV moyen"),
        }.get(key)
        columns = [
            title.capitalize(),
            "Clients",
            "Part des clients",
            "CA",
            "Part du CA",
            "ARPU",
            "Croissance",
        ]
        if extra:
            columns.append(extra[1])
        columns.append("Échantillon")
        rows = []
        for g in groups:
            row = [
                g["name"],
                count(g.get("clients")),
                pct(g.get("client_share")),
                money(g.get("revenue")),
                pct(g.get("revenue_share")),
                money(g.get("arpu")),
                pct(g.get("growth"), signed=True),
            ]
            if extra:
                v = g.get(extra[0])
                row.append(
                    "n/d"
                    if v is None
                    else (f"{fmt_number(float(v), 0)} j" if key == "sizes" else money(v))
                )
            row.append(sample(g.get("small_sample")))
            rows.append(row)
        notes = [SMALL_NOTE] if any(v["small"] for v in values) else []
        return [
            Chart(
                f"by-{key}",
                f"CA, clients et ARPU par {title}",
                spec,
                Table(columns, rows),
                (key,),
                fallback,
                notes,
            )
        ]

    return build
