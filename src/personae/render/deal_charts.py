"""Deal, journey and top-client charts of ``report.html``: lost reasons and competitors
with their intervals, win rate by segment, the journey's stage durations and the 10 first
clients."""

from __future__ import annotations

from typing import Any

from personae.dossier.kinds import fmt_int, fmt_number
from personae.render.churn_charts import ci_values
from personae.render.formats import count, money, pct, rate, sample
from personae.render.vega import (
    MONEY,
    PERCENT0,
    SMALL_NOTE,
    Chart,
    Table,
    bars,
    ci_chart,
    label_of,
)


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


def lost_charts(m: dict[str, Any]) -> list[Chart]:
    out = []
    for key, cid, title, color in (
        ("lost_reasons", "lost-reasons", "Raisons de perte des deals", "#e45756"),
        ("competitors", "competitors", "Concurrents cités dans les deals perdus", "#b279a2"),
    ):
        items = [{**r, "name": r["name"]} for r in m.get(key) or []]
        values = ci_values([{**r, "small": False} for r in items], "share")
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
    values = ci_values(by, "win_rate")
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
