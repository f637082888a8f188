"""The charts of ``report.html`` from the models of ``dossier.json`` (``models``, DESIGN §5).

Drawn only when the model's keys are present: sBG retention curves (``models.ltv``), churn
signals (``models.churn_signals``), expansion triggers (``models.expansion``), the top
clients' commonalities (``models.commonalities``) and the ICP profile (``models.icp``).
Persona cards are HTML, built by :func:`persona_cards`.
"""

from __future__ import annotations

from typing import Any

from personae.dossier.kinds import fmt_int, fmt_number, fmt_percent
from personae.render.formats import count, money, pct, rate
from personae.render.vega import (
    LIFT,
    PERCENT0,
    SMALL_NOTE,
    WIDTH,
    Chart,
    Table,
    bars,
    base,
    ci_chart,
)

HORIZON = 36  # months drawn for the retention curves


def model_charts(models: dict[str, Any]) -> list[Chart]:
    return [
        *retention_chart(models.get("ltv") or {}),
        *lift_chart(
            models.get("churn_signals") or {},
            "signals",
            "churn-signals",
            "Signaux de churn",
            "models.churn_signals",
            "10",
            "#d9534f",
            "churn",
        ),
        *lift_chart(
            models.get("expansion") or {},
            "triggers",
            "expansion-triggers",
            "Déclencheurs d'expansion",
            "models.expansion",
            "11",
            "#54a24b",
            "expansion",
        ),
        *commonalities_chart(models.get("commonalities") or []),
        *icp_chart(models.get("icp") or {}),
    ]


def survival(alpha: float, beta: float, t: int) -> float:
    """sBG survival S(t) = B(α, β + t) / B(α, β) (Fader & Hardie 2007, eq. 7), by its
    recursion S(t) = S(t − 1) (β + t − 1) / (α + β + t − 1): exact for the chart's months,
    and the report's page is drawn without importing SciPy."""
    s = 1.0
    for i in range(t):
        s *= (beta + i) / (alpha + beta + i)
    return s


def retention_chart(ltv: dict[str, Any]) -> list[Chart]:
    fits = [s for s in ltv.get("by_segment") or [] if s.get("alpha") and s.get("beta")]
    if not fits:
        return []
    curve = [
        {
            "segment": s["name"],
            "month": t,
            "retention": survival(float(s["alpha"]), float(s["beta"]), t),
        }
        for s in fits
        for t in range(HORIZON + 1)
    ]
    points = [
        {"segment": s["name"], "month": t, "retention": float(s[key])}
        for s in fits
        for t, key in ((12, "retention_12m"), (24, "retention_24m"))
        if s.get(key) is not None
    ]
    color = {"field": "segment", "type": "nominal", "title": None}
    x = {
        "field": "month",
        "type": "quantitative",
        "title": "Mois depuis le premier paiement",
        "axis": {"values": list(range(0, HORIZON + 1, 6))},
    }
    y = {
        "field": "retention",
        "type": "quantitative",
        "title": "Comptes encore clients",
        "axis": {"format": PERCENT0},
        "scale": {"domain": [0, 1]},
    }
    tooltip = [
        {"field": "segment", "title": "Segment"},
        {"field": "month", "title": "Mois"},
        {"field": "retention", "title": "Rétention", "format": ".1%", "type": "quantitative"},
    ]
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": curve},
            "mark": {"type": "line", "strokeWidth": 2},
            "encoding": {"x": x, "y": y, "color": color, "tooltip": tooltip},
        },
    ]
    if points:
        layers.append(
            {
                "data": {"values": points},
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {"x": x, "y": y, "color": color, "tooltip": tooltip},
            }
        )
    spec = base(width=WIDTH, height=260, layer=layers)
    rows = [
        [
            s["name"],
            fmt_number(float(s["alpha"]), 2),
            fmt_number(float(s["beta"]), 2),
            count(s.get("accounts")),
            count(s.get("churned")),
            pct(s.get("retention_12m")),
            pct(s.get("retention_24m")),
            money(s.get("ltv")),
            "échantillon faible" if (s.get("accounts") or 0) < 30 else "",
        ]
        for s in fits
    ]
    table = Table(
        [
            "Segment",
            "α",
            "β",
            "Comptes",
            "Partis",
            "Rétention 12 mois",
            "Rétention 24 mois",
            "LTV",
            "Échantillon",
        ],
        rows,
    )
    notes = [
        "Courbes : modèle shifted-beta-geometric (sBG) ajusté par segment ; points : rétention à 12 et 24 mois."
    ]
    if ltv.get("discount_rate") is not None:
        notes.append(
            f"LTV actualisée au taux annuel de {fmt_percent(float(ltv['discount_rate']))}."
        )
    if any((s.get("accounts") or 0) < 30 for s in fits):
        notes.append(
            "Segments de moins de 30 comptes : échantillon faible, courbe à lire avec prudence."
        )
    return [
        Chart(
            "retention",
            "Courbes de rétention par segment (modèle sBG)",
            spec,
            table,
            ("models.ltv", "ltv"),
            "2",
            notes,
        )
    ]


def lift_chart(
    model: dict[str, Any],
    key: str,
    cid: str,
    title: str,
    family: str,
    fallback: str,
    color: str,
    base_word: str,
) -> list[Chart]:
    """Ranked lifts with their interval, a dashed line at ×1 (the base rate)."""
    items = [s for s in model.get(key) or [] if s.get("lift") is not None]
    if not items:
        return []
    values = [
        {
            "label": s.get("label") or s.get("feature", ""),
            "small": (s.get("n") or 0) < 30,
            "value": float(s["lift"]),
            "low": float(s.get("ci_low") if s.get("ci_low") is not None else s["lift"]),
            "high": float(s.get("ci_high") if s.get("ci_high") is not None else s["lift"]),
        }
        for s in items
    ]
    spec = ci_chart(
        values,
        title="Lift (× le taux de base, IC 95 %)",
        fmt=LIFT,
        reference=1.0,
        reference_label="Taux de base",
        color=color,
    )
    rows = [
        [
            v["label"],
            f"× {fmt_number(v['value'], 2)}",
            f"× {fmt_number(v['low'], 2)} – × {fmt_number(v['high'], 2)}",
            count(s.get("n")),
            "échantillon faible" if v["small"] else "",
        ]
        for v, s in zip(values, items, strict=True)
    ]
    notes = []
    if rate(model.get("base_rate")) is not None:
        notes.append(f"Taux de base ({base_word}) : {pct(model.get('base_rate'))}.")
    holdout = model.get("holdout") or {}
    if holdout.get("auc") is not None:
        notes.append(
            f"Sur l'échantillon de test ({count(holdout.get('n'))} comptes) : AUC {fmt_number(float(holdout['auc']), 2)}"
            + (
                f", lift du premier décile × {fmt_number(float(holdout['top_decile_lift']), 2)}"
                if holdout.get("top_decile_lift") is not None
                else ""
            )
            + "."
        )
    if any(v["small"] for v in values):
        notes.append(SMALL_NOTE)
    table = Table(["Signal", "Lift", "IC 95 %", "Comptes", "Échantillon"], rows)
    return [Chart(cid, title, spec, table, (family,), fallback, notes)]


def commonalities_chart(items: list[dict[str, Any]]) -> list[Chart]:
    items = [c for c in items if c.get("lift") is not None]
    if not items:
        return []
    values = [
        {"label": f"{c['attribute']} : {c['value']}", "small": False, "lift": float(c["lift"])}
        for c in items
    ]
    spec = bars(
        values,
        field_="lift",
        title="Lift (top 10 / ensemble des clients)",
        fmt=LIFT,
        reference=1.0,
        color="#54a24b",
    )
    rows = [
        [
            c["attribute"],
            str(c["value"]),
            f"× {fmt_number(float(c['lift']), 2)}",
            pct(c.get("top")),
            pct(c.get("all")),
        ]
        for c in items
    ]
    table = Table(["Attribut", "Valeur", "Lift", "Part du top 10", "Part des clients"], rows)
    return [
        Chart(
            "commonalities",
            "Points communs des meilleurs clients",
            spec,
            table,
            ("models.commonalities",),
            "9",
        )
    ]


def icp_chart(icp: dict[str, Any]) -> list[Chart]:
    profile = [p for p in icp.get("profile") or [] if p.get("lift") is not None]
    if not profile:
        return []
    values = [
        {
            "label": f"{p['attribute']} : {p['value']}",
            "small": (p.get("n") or 0) < 30,
            "lift": float(p["lift"]),
        }
        for p in profile
    ]
    spec = bars(
        values,
        field_="lift",
        title="Lift (× la moyenne des comptes)",
        fmt=LIFT,
        reference=1.0,
        color="#4c78a8",
    )
    rows = [
        [
            p["attribute"],
            str(p["value"]),
            f"× {fmt_number(float(p['lift']), 2)}",
            count(p.get("n")),
            "échantillon faible" if (p.get("n") or 0) < 30 else "",
        ]
        for p in profile
    ]
    notes = []
    if icp.get("best_definition"):
        notes.append(f"Définition retenue : {icp['best_definition']}.")
    if rate(icp.get("share_of_clients")) is not None:
        notes.append(f"Part des clients actuels dans l'ICP : {pct(icp.get('share_of_clients'))}.")
    if any(v["small"] for v in values):
        notes.append(SMALL_NOTE)
    table = Table(["Attribut", "Valeur", "Lift", "Comptes", "Échantillon"], rows)
    return [
        Chart(
            "icp", "Profil du client idéal (ICP) : lifts", spec, table, ("models.icp",), "6", notes
        )
    ]


def persona_cards(models: dict[str, Any]) -> list[dict[str, Any]]:
    """The personas as cards: name, role and the facts under them, in French."""
    cards = []
    for p in models.get("personas") or []:
        facts = []
        if p.get("title"):
            facts.append(("Poste", str(p["title"])))
        role = " · ".join(str(p[k]) for k in ("department", "seniority") if p.get(k))
        if role:
            facts.append(("Fonction", role))
        age = p.get("age_range")
        if isinstance(age, list | tuple) and len(age) == 2:
            facts.append(("Âge", f"{fmt_int(age[0])} – {fmt_int(age[1])} ans"))
        if rate(p.get("weight")) is not None:
            facts.append(("Poids", f"{pct(p.get('weight'))} des contacts"))
        if p.get("won_deals") is not None:
            facts.append(("Deals gagnés", count(p.get("won_deals"))))
        for key, label in (("influencers", "Influenceurs"), ("themes", "Thèmes")):
            if p.get(key):
                v = p[key]
                facts.append((label, ", ".join(map(str, v)) if isinstance(v, list) else str(v)))
        cards.append(
            {
                "name": p.get("name") or "Persona",
                "facts": facts,
                "small": (p.get("won_deals") or 0) < 30 and p.get("won_deals") is not None,
            }
        )
    return cards
