"""Answers from numbers: the computed metrics written into the dossier's slots and tables.

:func:`answers_from_data` loads the tables, computes the metrics (DESIGN §4) and turns
them into ``data`` answers: the slots of section 1, the rows of the segment, size,
industry, region, journey, top-10, churn, expansion and lost-deal tables, and short
French answers to the questions the numbers settle ("Quel segment génère le plus de
revenus ?"). What the data cannot say stays unanswered, with the reason in ``missing``.

The mapping is written for the default template's ids; an id the template does not have
is simply not filled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from personae.answers import Answer
from personae.errors import Problem
from personae.kinds import fmt_int, fmt_money, fmt_percent
from personae.questionnaire import Questionnaire
from personae.settings import Settings

Metrics = Mapping[str, Any]
SMALL = "échantillon faible"


@dataclass
class Filled:
    answers: dict[str, Answer]
    metrics: dict[str, Any]
    missing: dict[str, str] = field(default_factory=dict)
    as_of: date | None = None
    warnings: list[Problem] = field(default_factory=list)  # the data's, from loading


def answers_from_data(q: Questionnaire, data: str | Path, settings: Settings) -> Filled:
    """Load ``data``, compute every metric, and give the answers they settle."""
    from personae.metrics import compute_metrics
    from personae.sources import load

    ds = load(data, as_of=settings.as_of)
    try:
        metrics = compute_metrics(ds.con, ds.tables, settings)
    finally:
        ds.con.disconnect()
    filled = answers_from_metrics(q, metrics)
    filled.warnings = list(ds.warnings)
    return filled


def answers_from_metrics(q: Questionnaire, m: Metrics) -> Filled:
    values: dict[str, Any] = {}
    for rule in RULES:
        values.update({k: v for k, v in rule(m).items() if v is not None})
    known = {x.id for x in q.questions} | set(q.slots) | set(q.tables)
    answers = {
        aid: Answer(aid, value, "data", detail=_detail(m, aid))
        for aid, value in values.items()
        if aid in known and value not in ("", [])
    }
    missing = {x.id: _why_missing(x.id, m) for x in q.questions if x.id not in answers}
    return Filled(answers, dict(m), missing, date.fromisoformat(m["as_of"]))


# ---------------------------------------------------------------- helpers


def _v(rate: Any) -> float | None:
    """The value of a rate object (or a plain number)."""
    if isinstance(rate, Mapping):
        v = rate.get("value")
        return None if v is None else float(v)
    return None if rate is None else float(rate)


def _pct(rate: Any) -> str:
    v = _v(rate)
    return "n/d" if v is None else fmt_percent(v)


def _nd(value: Any, convert: Callable[[Any], Any] = lambda v: v) -> Any:
    """A computed value, or "n/d" where the metric is undefined for this row."""
    return "n/d" if value is None else convert(value)


def _clients(row: Mapping[str, Any]) -> int | str:
    n = int(row["clients"])
    return f"{fmt_int(n)} ({SMALL})" if row.get("small_sample") and n else n


def _best(
    rows: list[Mapping[str, Any]],
    key: Callable[[Mapping[str, Any]], float | None],
    lowest: bool = False,
    robust: bool = True,
) -> Mapping[str, Any] | None:
    scored: list[tuple[float, Mapping[str, Any]]] = []
    for r in rows:
        score = key(r)
        if score is not None:
            scored.append((score, r))
    if robust and any(not r.get("small_sample") for _, r in scored):
        scored = [(s, r) for s, r in scored if not r.get("small_sample")]
    if not scored:
        return None
    pick = min if lowest else max
    return pick(scored, key=lambda sr: sr[0])[1]


def _named(rows: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [r for r in rows if r.get("clients")]


# ---------------------------------------------------------------- rules, one per section


def overview(m: Metrics) -> dict[str, Any]:
    o = m["overview"]
    b2b, b2c = _v(o["b2b_share"]), _v(o["b2c_share"])
    active = _v(o.get("active_share"))
    countries = o.get("country_codes") or []
    return {
        "1.clients_total": o["clients_total"],
        "1.clients_actifs": o["clients_active"],
        "1.definition_actif": o["active_definition"],
        "1.repartition_b2b_b2c": (b2b, b2c) if b2b is not None and b2c is not None else None,
        "1.pays": o["countries"],
        "1.concentration_top_10": _v(o["top10_revenue_share"]),
        "1.1": f"{fmt_int(o['clients_total'])} clients sur les 12 derniers mois "
        f"({fmt_int(o['clients_ever'])} depuis le début)",
        "1.2": f"{fmt_int(o['clients_active'])} clients actifs"
        + (f" ({fmt_percent(active)} des clients)" if active is not None else ""),
        "1.3": o["active_definition"],
        "1.4": f"{_pct(o['b2b_share'])} B2B / {_pct(o['b2c_share'])} B2C",
        "1.5": f"{o['countries']} pays" + (f" ({', '.join(countries)})" if countries else ""),
        "1.6": f"Top 10 clients = {_pct(o['top10_revenue_share'])} du CA",
    }


def segments(m: Metrics) -> dict[str, Any]:
    segs = m.get("segments") or []
    if not segs:
        return {}
    monthly = {r["name"]: _v(r["monthly"]) for r in m["churn"]["by_segment"]}
    rows = [
        {
            "segment": r["name"],
            "nb_clients": _clients(r),
            "pct_ca": _v(r["revenue_share"]),
            "ltv_moyen": _nd(r.get("ltv")),
            "churn": monthly.get(r["name"]),
            "croissance": _nd(r.get("growth")),
        }
        for r in segs
    ]
    out: dict[str, Any] = {"2.segments_identifies": rows}
    seg = m.get("segmentation", {})
    out["2.1"] = f"Par {seg.get('label', 'segment')}"
    out["2.2"] = f"{len(segs)} segments : " + ", ".join(r["name"] for r in segs)
    top = _best(segs, lambda r: _v(r["revenue_share"]), robust=False)
    if top:
        out["2.3"] = f"{top['name']} : {_pct(top['revenue_share'])} du CA"
    ltv = _best(segs, lambda r: r.get("ltv"))
    if ltv:
        out["2.4"] = (
            f"{ltv['name']} : LTV moyen {fmt_money(ltv['ltv'])} ({seg.get('ltv_method', '')})"
        )
    hi = _best(m["churn"]["by_segment"], lambda r: _v(r["monthly"]))
    if hi:
        out["2.5"] = f"{hi['name']} : {_pct(hi['monthly'])} de churn mensuel"
    grow = _best(segs, lambda r: r.get("growth"))
    if grow:
        out["2.6"] = (
            f"{grow['name']} : {fmt_percent(grow['growth'], signed=True)} de CA sur 12 mois"
        )
    return out


def sizes(m: Metrics) -> dict[str, Any]:
    rows = m.get("sizes") or []
    if not rows:
        return {}
    table = [
        {
            "taille": r["name"],
            "nb_clients": _clients(r),
            "pct_ca": _v(r["revenue_share"]),
            "arpu": _nd(r.get("arpu")),
            "cycle_de_vente": _nd(r.get("sales_cycle_days"), round),
        }
        for r in rows
        if r.get("clients") or r["name"] in ("TPE", "PME", "ETI", "Grand compte")
    ]
    named = _named(rows)
    parts = [f"{r['name']} {_pct(r['client_share'])} des clients" for r in named]
    out: dict[str, Any] = {"3.repartition_par_taille": table, "3.1": " ; ".join(parts)}
    core = _best(rows, lambda r: _v(r["revenue_share"]), robust=False)
    if core:
        out["3.2"] = (
            f"{core['name']} d'après les données : {_pct(core['revenue_share'])} du CA, "
            f"{_pct(core['client_share'])} des clients"
        )
    return out


def industries(m: Metrics) -> dict[str, Any]:
    rows = m.get("industries") or []
    if not rows:
        return {}
    table = [
        {"industrie": r["name"], "nb_clients": _clients(r), "pct_ca": _v(r["revenue_share"])}
        for r in rows
        if r.get("clients")
    ]
    apart = ("Autres", "Particuliers", "Non renseigné")
    named = [r for r in rows if r["name"] not in apart and r.get("clients")]
    return {
        "4.repartition_par_industrie": table,
        "4.1": ", ".join(r["name"] for r in named)
        + (" et d'autres" if len(rows) > len(named) else ""),
        "4.2": " ; ".join(f"{r['name']} ({_pct(r['revenue_share'])} du CA)" for r in named[:3]),
    }


def regions(m: Metrics) -> dict[str, Any]:
    rows = m.get("regions") or []
    if not rows:
        return {}
    table = [
        {"pays_region": r["name"], "nb_clients": _clients(r), "pct_ca": _v(r["revenue_share"])}
        for r in rows
        if r.get("clients") or r["name"] == "Autres"
    ]
    named = _named(rows)
    out: dict[str, Any] = {
        "5.repartition_geographique": table,
        "5.1": " ; ".join(f"{r['name']} {_pct(r['client_share'])} des clients" for r in named),
    }
    top = _best(rows, lambda r: _v(r["revenue_share"]), robust=False)
    if top:
        out["5.2"] = f"{top['name']} : {_pct(top['revenue_share'])} du CA"
    return out


def journey(m: Metrics) -> dict[str, Any]:
    rows = [r for r in (m.get("journey") or []) if r.get("n")]
    if not rows:
        return {}
    table = [
        {"etape": r["name"], "duree": round(r["days_mean"])}
        for r in rows
        if r.get("days_mean") is not None
    ]
    return {
        "8.parcours_detaille": table,
        "8.1": " → ".join(r["name"] for r in rows)
        + " (étapes du pipeline CRM regroupées par phase)",
        "8.2": " ; ".join(
            f"{r['name']} {fmt_int(r['days_mean'])} j en moyenne (médiane {fmt_int(r['days_median'])} j, n = {fmt_int(r['n'])})"
            for r in rows
            if r.get("days_mean") is not None
        ),
    }


def top_clients(m: Metrics) -> dict[str, Any]:
    rows = m.get("top_clients") or []
    if not rows:
        return {}
    key = "arr" if m.get("top_clients_ranked_by", "arr") == "arr" else "revenue"
    table = [
        {
            "rang": str(r["rank"]),
            "client": r.get("name") or r["account_id"],
            "secteur": r.get("industry"),
            "arr": r.get(key),
            "anciennete": r.get("tenure_months"),
            "canal_acquisition": r.get("acquisition_channel"),
            "case_study": r.get("case_study"),
        }
        for r in rows
    ]
    out: dict[str, Any] = {"9.top_10_clients": table}
    names = ", ".join(str(r["client"]) for r in table[:3])
    share = m["overview"]["top10_revenue_share"]
    out["9.1"] = f"{names}… ({len(table)} clients, {_pct(share)} du CA) — voir le tableau"
    channels = [r["acquisition_channel"] for r in rows if r.get("acquisition_channel")]
    if channels:
        best = max(sorted(set(channels)), key=channels.count)
        out["9.canal_acquisition_dominant"] = f"{best} ({channels.count(best)}/{len(rows)})"
        out["9.3"] = f"Surtout par {best} ({channels.count(best)} sur {len(rows)})"
    studies = [r for r in rows if r.get("case_study") is not None]
    if studies:
        n = sum(1 for r in studies if r["case_study"])
        out["9.6"] = f"{n} sur {len(rows)} sont déjà des références / case studies"
    return out


def churn(m: Metrics) -> dict[str, Any]:
    c = m.get("churn")
    if not c or _v(c.get("monthly")) is None:
        return {}

    def reason(r: Mapping[str, Any]) -> str | None:
        mr = r.get("main_reason")
        if not mr or not mr.get("name"):
            return None
        return f"{mr['name']} ({_pct(mr['share'])})"

    rows = [
        {
            "segment": r["name"],
            "churn_mensuel": _v(r["monthly"]),
            "churn_annuel": _v(r["annual"]),
            "raison_principale": reason(r),
        }
        for r in c["by_segment"]
    ]
    rows.append(
        {"segment": "Global", "churn_mensuel": _v(c["monthly"]), "churn_annuel": _v(c["annual"])}
    )
    monthly = c["monthly"]
    out: dict[str, Any] = {
        "10.churn_par_segment": rows,
        "10.1": f"{_pct(monthly)} par mois ({fmt_int(monthly['numerator'])} départs / "
        f"{fmt_int(monthly['denominator'])} comptes-mois), {_pct(c['annual'])} par an "
        f"({_pct(c['annual_compounded'])} en composé)",
    }
    hi = _best(c["by_segment"], lambda r: _v(r["monthly"]))
    lo = _best(c["by_segment"], lambda r: _v(r["monthly"]), lowest=True)
    if hi:
        why = reason(hi)
        out["10.2"] = f"{hi['name']} : {_pct(hi['monthly'])} par mois" + (
            f" ; raison principale : {why}" if why else ""
        )
    if lo:
        why = reason(lo)
        out["10.3"] = f"{lo['name']} : {_pct(lo['monthly'])} par mois" + (
            f" ; raison principale : {why}" if why else ""
        )
    reasons = [f"{r['name']} : {reason(r)}" for r in c["by_segment"] if reason(r)]
    if reasons:
        out["10.4"] = " ; ".join(reasons)
    return out


def expansion(m: Metrics) -> dict[str, Any]:
    e = m.get("expansion")
    if not e or e.get("nrr") is None:
        return {}
    rows = [
        {"segment": r["name"], "nrr": r.get("nrr"), "upsell_moyen": r.get("upsell_avg")}
        for r in e["by_segment"]
    ]
    rows.append({"segment": "Global", "nrr": e["nrr"], "upsell_moyen": e.get("upsell_avg")})
    out: dict[str, Any] = {
        "11.expansion_par_segment": rows,
        "11.1": f"NRR {fmt_percent(e['nrr'])} (GRR {fmt_percent(e['grr'])}) sur "
        f"{fmt_int(e['base_accounts'])} comptes payants il y a 12 mois",
    }
    top = _best(
        e["by_segment"],
        lambda r: (r.get("upsell_avg") or 0) * (r.get("upsell_accounts") or 0) or None,
    )
    if top:
        out["11.2"] = (
            f"{top['name']} : {top['upsell_accounts']} comptes en hausse, "
            f"upsell moyen {fmt_money(top['upsell_avg'], per_year=True)}"
        )
    return out


def lost(m: Metrics) -> dict[str, Any]:
    rows = m.get("lost_reasons")
    if not rows:
        return {}
    table = [
        {
            "raison_de_perte": r["name"],
            "frequence": _v(r["share"]),
            "segment_concerne": r.get("main_segment"),
        }
        for r in rows
    ]
    out: dict[str, Any] = {
        "12.analyse_prospects_perdus": table,
        "12.1": " ; ".join(f"{r['name']} ({_pct(r['share'])})" for r in rows[:5]),
    }
    groups = [("segment", r) for r in m.get("win_rate_by_segment") or []] + [
        ("taille", r) for r in m.get("win_rate_by_size") or []
    ]
    win = m.get("win_rate")
    if groups and win and _v(win) is not None:
        lost_often = [(kind, r) for kind, r in groups if r["lost_systematically"]]
        if lost_often:
            out["12.2"] = " ; ".join(
                f"{r['name']} ({kind}) : taux de gain {_pct(r['win_rate'])} contre "
                f"{_pct(win)} en moyenne ({fmt_int(r['lost'])} perdues sur {fmt_int(r['won'] + r['lost'])})"
                for kind, r in lost_often
            )
        else:
            worst = _best([r for _, r in groups], lambda r: _v(r["win_rate"]), lowest=True)
            if worst:
                out["12.2"] = (
                    f"Aucun profil n'est perdu nettement plus que la moyenne ({_pct(win)}) ; "
                    f"le plus bas : {worst['name']} ({_pct(worst['win_rate'])})"
                )
    comps = m.get("competitors")
    if comps:
        out["12.3"] = " ; ".join(
            ("Aucun concurrent nommé (statu quo ?)" if r["name"] == "Non renseigné" else r["name"])
            + f" {_pct(r['share'])}"
            for r in comps[:5]
        )
    if win and _v(win) is not None:
        out["12.1"] += (
            f" — taux de gain {_pct(win)} ({fmt_int(win['numerator'])} gagnées sur {fmt_int(win['denominator'])} affaires closes)"
        )
    return out


RULES: tuple[Callable[[Metrics], dict[str, Any]], ...] = (
    overview,
    segments,
    sizes,
    industries,
    regions,
    journey,
    top_clients,
    churn,
    expansion,
    lost,
)


# ---------------------------------------------------------------- provenance and gaps

_FAMILY = {
    "1": "overview",
    "2": "segments",
    "3": "sizes",
    "4": "industries",
    "5": "regions",
    "8": "journey",
    "9": "top_clients",
    "10": "churn",
    "11": "expansion",
    "12": "lost_reasons",
}


def _detail(m: Metrics, aid: str) -> dict[str, Any] | None:
    family = _FAMILY.get(aid.split(".")[0])
    sql = (m.get("provenance") or {}).get(family) if family else None
    return {"metric": family, "provenance": f"metrics.provenance.{family}"} if sql else None


# The questions the rules above answer when the data has what they need.
DATA_QUESTIONS: frozenset[str] = frozenset(
    {"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6"}
    | {"3.1", "3.2", "4.1", "4.2", "5.1", "5.2", "8.1", "8.2", "9.1", "9.3", "9.6"}
    | {"10.1", "10.2", "10.3", "10.4", "11.1", "11.2", "12.1", "12.2", "12.3"}
)

# Questions the data could answer if a table (or column) were there.
NEEDS: dict[str, str] = {
    "8.1": "deal_stages",
    "8.2": "deal_stages",
    "8.3": "touchpoints",
    "12.1": "deals",
    "12.2": "deals",
    "12.3": "deals",
    "10.4": "accounts.churn_reason",
}

# Questions a model of DESIGN §5 will answer; until then they need a person.
MODELS: dict[str, str] = {
    "6.3": "le score ICP",
    "6.4": "le TAM ICP (fichier marché)",
    "9.2": "l'analyse des points communs du top 10",
    "10.5": "le modèle de signaux de churn",
    "11.4": "l'analyse des déclencheurs d'expansion",
    **{f"7.{k}": "le modèle de personas" for k in range(1, 11)},
}


def missing_without_data(q: Questionnaire) -> dict[str, str]:
    """What each question lacks when the report runs without ``--data``."""
    return {
        x.id: "données (--data) ou réponse manuelle"
        if x.id in DATA_QUESTIONS
        else _why_missing(x.id, {})
        for x in q.questions
    }


def _why_missing(qid: str, m: Metrics) -> str:
    need = NEEDS.get(qid)
    absent = {str(x.get("needs", "")) for x in m.get("missing", [])}
    if need and any(need.split(".")[0] in a for a in absent):
        return f"table {need.split('.')[0]} absente des données, ou réponse manuelle"
    if qid in MODELS:
        return f"réponse manuelle ({MODELS[qid]} n'est pas encore calculé)"
    return "réponse manuelle (answers.yaml)"
