"""The headline tiles of ``report.html``: one number each, with its definition, sample size,
interval and, where a monthly series exists, a sparkline (an inline SVG, drawn without
JavaScript so that it prints as it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from personae.dossier.kinds import fmt_int, fmt_money, fmt_percent
from personae.render.formats import interval, month_label, rate

SPARK_MONTHS = 24


@dataclass
class Tile:
    label: str
    value: str
    definition: str
    sample: str = ""
    interval: str = ""
    extra: str = ""
    spark: str = ""  # inline SVG markup, built here from numbers only


def _ci(value: Any) -> str:
    ci = interval(value)
    return "" if ci is None else f"IC 95 % : {fmt_percent(ci[0])} – {fmt_percent(ci[1])}"


def _fraction(value: Any, what: str) -> str:
    if isinstance(value, dict) and value.get("numerator") is not None and value.get("denominator"):
        return f"{fmt_int(value['numerator'])} / {fmt_int(value['denominator'])} {what}"
    return ""


def sparkline(series: list[float], width: int = 120, height: int = 32) -> str:
    """A polyline of ``series`` scaled into a ``width`` × ``height`` box."""
    if len(series) < 2:
        return ""
    lo, hi = min(series), max(series)
    span = (hi - lo) or 1.0
    step = width / (len(series) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}"
        for i, v in enumerate(series)
    )
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="évolution sur {len(series)} mois">'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{points}"/></svg>'
    )


def tiles(metrics: dict[str, Any]) -> list[Tile]:
    """The row of headline numbers the metrics allow."""
    out: list[Tile] = []
    ov = metrics.get("overview") or {}
    months = metrics.get("mrr_movements") or []
    recent = months[-SPARK_MONTHS:]
    if ov.get("clients_total") is not None:
        ever = ov.get("clients_ever")
        out.append(
            Tile(
                "Clients",
                fmt_int(ov["clients_total"]),
                "Comptes avec un revenu positif sur les 12 derniers mois ou un MRR positif à la date d'arrêté.",
                sample=f"{fmt_int(ever)} clients depuis le début" if ever is not None else "",
            )
        )
    if ov.get("clients_active") is not None:
        share = ov.get("active_share")
        out.append(
            Tile(
                "Clients actifs",
                fmt_int(ov["clients_active"]),
                ov.get("active_definition") or "Clients avec une activité récente.",
                sample=_fraction(share, "clients"),
                interval=_ci(share),
                extra=f"{fmt_percent(rate(share) or 0)} des clients"
                if rate(share) is not None
                else "",
            )
        )
    if ov.get("mrr") is not None:
        out.append(
            Tile(
                "MRR",
                fmt_money(float(ov["mrr"])),
                "Revenu récurrent mensuel à la date d'arrêté ; ARR = 12 × MRR.",
                extra=f"ARR {fmt_money(float(ov['arr']))}" if ov.get("arr") is not None else "",
                sample=(
                    f"{month_label(recent[0]['month'])} – {month_label(recent[-1]['month'])}"
                    if len(recent) >= 2
                    else ""
                ),
                spark=sparkline([float(r["mrr"]) for r in recent]),
            )
        )
    exp = metrics.get("expansion") or {}
    if rate(exp.get("nrr")) is not None:
        out.append(
            Tile(
                "NRR",
                fmt_percent(rate(exp["nrr"]) or 0),
                "MRR d'aujourd'hui des comptes payants il y a 12 mois, rapporté à leur MRR d'alors ; "
                "GRR : sans les hausses.",
                extra=f"GRR {fmt_percent(rate(exp.get('grr')) or 0)}"
                if rate(exp.get("grr")) is not None
                else "",
                sample=f"{fmt_int(exp['base_accounts'])} comptes payants il y a 12 mois"
                if exp.get("base_accounts") is not None
                else "",
            )
        )
    churn = (metrics.get("churn") or {}).get("monthly")
    if rate(churn) is not None:
        out.append(
            Tile(
                "Churn mensuel",
                fmt_percent(rate(churn) or 0),
                "Comptes payants qui passent à un MRR nul dans le mois, sur les 12 derniers mois.",
                sample=_fraction(churn, "comptes-mois"),
                interval=_ci(churn),
            )
        )
    top = ov.get("top10_revenue_share")
    if rate(top) is not None:
        out.append(
            Tile(
                "Part du top 10",
                fmt_percent(rate(top) or 0),
                "Chiffre d'affaires des 10 premiers clients sur 12 mois, rapporté au CA total.",
                sample=f"CA 12 mois : {fmt_money(float(ov['revenue_ttm']))}"
                if ov.get("revenue_ttm") is not None
                else "",
            )
        )
    return out
