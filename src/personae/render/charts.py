"""The charts of ``report.html`` from the computed numbers of ``dossier.json`` (``metrics``).

Each builder takes the document's ``metrics`` and returns its charts (none when the numbers
are absent), each with its data table written in French. The models' charts are in
:mod:`personae.render.model_charts`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from babel.dates import format_date

from personae.dossier.kinds import LOCALE, fmt_int, fmt_money, fmt_number, fmt_percent
from personae.render.vega import (
    INT,
    MONEY,
    PERCENT,
    PERCENT0,
    SMALL_NOTE,
    WIDTH,
    Chart,
    Spec,
    Table,
    bars,
    base,
    ci_chart,
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


def rate(value: Any) -> float | None:
    """A rate's fraction, whether written as a number or as ``{value, numerator, …}``."""
    if isinstance(value, dict):
        value = value.get("value")
    return float(value) if isinstance(value, int | float) else None


def interval(value: Any) -> tuple[float, float] | None:
    if (
        isinstance(value, dict)
        and value.get("ci_low") is not None
        and value.get("ci_high") is not None
    ):
        return float(value["ci_low"]), float(value["ci_high"])
    return None


def pct(value: Any, signed: bool = False) -> str:
    r = rate(value)
    return "n/d" if r is None else fmt_percent(r, signed=signed)


def money(value: Any) -> str:
    return "n/d" if not isinstance(value, int | float) else fmt_money(float(value))


def count(value: Any) -> str:
    return "n/d" if not isinstance(value, int | float) else fmt_int(float(value))


def month_label(month: str) -> str:
    """``2025-12`` → ``décembre 2025``."""
    return format_date(date.fromisoformat(f"{month}-01"), "MMMM y", locale=LOCALE)


def day_label(day: str) -> str:
    """``2025-12-31`` → ``31 décembre 2025``."""
    return format_date(date.fromisoformat(day), "d MMMM y", locale=LOCALE)


def sample(small: Any) -> str:
    return "échantillon faible" if small else ""


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


def journey_chart(m: dict[str, Any]) -> list[Chart]:
    stages = [s for s in m.get("journey") or [] if s.get("days_median") is not None]
    if not stages:
        return []
    values = [
        {
            "label": label_of(s["name"], bool(s.get("small_sample"))),
            "small": bool(s.get("small_sample")),
            "median": s["days_median"],
            "mean": s.get("days_mean"),
        }
        for s in stages
    ]
    spec = bars(values, field_="median", title="Durée médiane (jours)", fmt=",.0f")
    spec["layer"].append(
        {
            "mark": {"type": "tick", "color": "#1f2d3d", "thickness": 2},
            "encoding": {
                "y": {"field": "label", "type": "nominal", "sort": None},
                "x": {"field": "mean", "type": "quantitative"},
                "tooltip": [
                    {
                        "field": "mean",
                        "title": "Moyenne (jours)",
                        "format": ",.1f",
                        "type": "quantitative",
                    }
                ],
            },
        }
    )
    rows = [
        [
            s["name"],
            f"{fmt_number(float(s['days_median']))} j",
            "n/d" if s.get("days_mean") is None else f"{fmt_number(float(s['days_mean']))} j",
            count(s.get("n")),
            sample(s.get("small_sample")),
        ]
        for s in stages
    ]
    notes = ["Barre : durée médiane ; trait : durée moyenne."]
    if any(v["small"] for v in values):
        notes.append(SMALL_NOTE)
    table = Table(["Étape", "Médiane", "Moyenne", "Comptes", "Échantillon"], rows)
    return [
        Chart(
            "journey", "Durée des étapes du parcours d'achat", spec, table, ("journey",), "8", notes
        )
    ]


def top_clients_chart(m: dict[str, Any]) -> list[Chart]:
    top = m.get("top_clients") or []
    if not top:
        return []
    by = "arr" if m.get("top_clients_ranked_by", "arr") == "arr" else "revenue"
    values = [{"label": c["name"], "small": False, "amount": c.get(by)} for c in top]
    title = "ARR (€/an)" if by == "arr" else "CA sur 12 mois (€)"
    spec = bars(values, field_="amount", title=title, fmt=MONEY, color="#54a24b")
    rows = [
        [
            str(c.get("rank", i + 1)),
            c["name"],
            c.get("segment") or "",
            c.get("industry") or "",
            money(c.get("arr")),
            money(c.get("revenue")),
            "n/d" if c.get("tenure_months") is None else f"{fmt_int(c['tenure_months'])} mois",
        ]
        for i, c in enumerate(top)
    ]
    table = Table(
        ["Rang", "Client", "Segment", "Industrie", "ARR", "CA 12 mois", "Ancienneté"], rows
    )
    return [Chart("top-clients", "Les 10 premiers clients", spec, table, ("top_clients",), "9")]


def _ci_values(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
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
    values = _ci_values(groups, "monthly")
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


def lost_charts(m: dict[str, Any]) -> list[Chart]:
    out = []
    for key, cid, title, color in (
        ("lost_reasons", "lost-reasons", "Raisons de perte des deals", "#e45756"),
        ("competitors", "competitors", "Concurrents cités dans les deals perdus", "#b279a2"),
    ):
        items = [{**r, "name": r["name"]} for r in m.get(key) or []]
        values = _ci_values([{**r, "small": False} for r in items], "share")
        if not values:
            continue
        spec = ci_chart(values, title="Part des deals perdus (IC 95 %)", fmt=PERCENT0, color=color)
        rows = [[r["name"], count(r.get("count")), pct(r.get("share"))] for r in items]
        out.append(
            Chart(
                cid,
                title,
                spec,
                Table(["Raison" if key == "lost_reasons" else "Concurrent", "Deals", "Part"], rows),
                (key, "deals"),
                "12",
            )
        )
    by = m.get("win_rate_by_segment") or []
    values = _ci_values(by, "win_rate")
    if values:
        spec = ci_chart(
            values,
            title="Taux de gain (IC 95 %)",
            fmt=PERCENT0,
            reference=rate(m.get("win_rate")),
            reference_label="Taux de gain de l'ensemble",
            color="#54a24b",
        )
        rows = [
            [
                g["name"],
                count(g.get("won")),
                count(g.get("lost")),
                pct(g.get("win_rate")),
                sample(g.get("small_sample")),
            ]
            for g in by
        ]
        notes = [SMALL_NOTE] if any(v["small"] for v in values) else []
        out.append(
            Chart(
                "win-rate",
                "Taux de gain par segment",
                spec,
                Table(["Segment", "Gagnés", "Perdus", "Taux de gain", "Échantillon"], rows),
                ("deals",),
                "12",
                notes,
            )
        )
    return out
