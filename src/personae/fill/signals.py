"""Churn signals (10.5 and the signal lines), expansion triggers and opportunities (11.3,
11.4), what the best clients share (9.2, « Points communs »): from ``models``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from babel.numbers import format_decimal

from personae.dossier.kinds import LOCALE, fmt_int, fmt_money, fmt_percent
from personae.fill._rule import Metrics, rule

SIGNAL_LINES = 3


def _decimal(x: float, digits: int = 1) -> str:
    return format_decimal(x, locale=LOCALE, format="#,##0." + "0" * digits)


def _model(m: Metrics, name: str) -> Mapping[str, Any] | None:
    found = (m.get("models") or {}).get(name)
    return found if isinstance(found, Mapping) else None


def _how_well(auc: float) -> str:
    """How the hold-out AUC reads to a person: never "bien" for a model near chance."""
    if auc >= 0.75:
        return "classe bien"
    if auc >= 0.65:
        return "classe correctement"
    return "classe à peine mieux que le hasard"


def _holdout(h: Mapping[str, Any] | None, word: str, top: str, why: str | None) -> str:
    """The logistic model's hold-out, in one French sentence (or why there is none)."""
    if not h:
        return f"pas d'évaluation du modèle : {why}" if why else ""
    return (
        f"le modèle (régression logistique) {_how_well(float(h['auc']))} les comptes sur les "
        f"12 derniers mois : AUC {_decimal(h['auc'], 2)} sur {fmt_int(h['n'])} mois-comptes "
        f"({fmt_int(h['events'])} {word}), les 10 % jugés {top} en font "
        f"{_decimal(h['top_decile_lift'])} fois plus que la moyenne, score de Brier "
        f"{_decimal(h['brier'], 4)} contre {_decimal(h['brier_base'], 4)} pour le taux moyen"
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _found(
    s: Mapping[str, Any],
    found: Sequence[Mapping[str, Any]],
    counts: str,
    then: str,
    events: str,
    top: str,
) -> str:
    """The answer when signals (or triggers) stand out: on what, the base rate, the
    strongest ones, then how well the model ranks the hold-out months."""
    lead = " ; ".join(x["label"] for x in found[:SIGNAL_LINES])
    text = (
        f"Oui, sur {_measured(s)}{counts} ({fmt_percent(s['base_rate'])} des mois-comptes "
        f"payants sont suivis {then} le mois suivant) : {lead}"
    )
    model = _holdout(s.get("holdout"), events, top, s.get("holdout_reason"))
    return f"{text}. Ensemble, {model}{_sample(s)}" if model else text


def _measured(s: Mapping[str, Any]) -> str:
    """Says, before the counts, that they are a sample's (large companies)."""
    f = s.get("panel_sample")
    return f"un échantillon de {fmt_percent(f)} des comptes, soit " if f else ""


def _sample(s: Mapping[str, Any]) -> str:
    return f" ({s['sample']})" if s.get("sample") else ""


def _no_signal(s: Mapping[str, Any], what: str) -> str:
    reason = s.get("reason") or f"aucun {what} ne ressort nettement du taux moyen"
    dropped = s.get("dropped") or []
    tail = f" ; non mesuré : {', '.join(dropped)}" if dropped else ""
    return f"Pas de {what} mesurable : {reason}{tail}"


@rule(
    "signals",
    ("10.5", "10.signaux_de_churn_identifies"),
    needs=("revenue",),
)
def churn_signals(m: Metrics) -> dict[str, Any]:
    s = _model(m, "churn_signals")
    if s is None:
        return {}
    signals: Sequence[Mapping[str, Any]] = s.get("signals") or []
    if not signals:
        return {"10.5": _no_signal(s, "signal de churn")}
    counts = f"{fmt_int(s['n'])} mois-comptes de {fmt_int(s['accounts'])} comptes"
    text = _found(s, signals, counts, "d'un départ", "churns", "les plus exposés")
    dropped = s.get("dropped") or []
    if dropped:
        text += f". Non mesuré : {', '.join(dropped)}"
    return {
        "10.5": text,
        "10.signaux_de_churn_identifies": [_capital(x["label"]) for x in signals[:SIGNAL_LINES]],
    }


@rule("signals", ("11.3", "11.4"), needs=("revenue",))
def expansion_triggers(m: Metrics) -> dict[str, Any]:
    e = _model(m, "expansion")
    if e is None:
        return {}
    triggers: Sequence[Mapping[str, Any]] = e.get("triggers") or []
    if not triggers:
        return {"11.4": _no_signal(e, "déclencheur d'upsell")}
    out: dict[str, Any] = {}
    counts = f"{fmt_int(e['n'])} mois-comptes"
    out["11.4"] = _found(
        e, triggers, counts, "d'une hausse du MRR", "hausses", "les plus prometteurs"
    )
    opportunities: Sequence[Mapping[str, Any]] = e.get("opportunities") or []
    on: Sequence[str] = e.get("opportunity_triggers") or []
    if opportunities and on:
        parts = [
            f"{o['segment']} : {fmt_int(o['accounts'])} compte{'s' if o['accounts'] > 1 else ''}"
            f" ({fmt_money(o['arr'])} d'ARR)"
            for o in opportunities
        ]
        total = sum(int(o["accounts"]) for o in opportunities)
        out["11.3"] = (
            f"{fmt_int(total)} comptes payants ont aujourd'hui un déclencheur allumé "
            f"({' ou '.join(on)}) — {' ; '.join(parts)}"
        )
    elif on:
        out["11.3"] = "Aucun compte payant n'a aujourd'hui de déclencheur d'upsell allumé"
    return out


_GROUP_TEXT = {"top10": "Top 10", "top_decile": "Top 10 % par ARR"}


def _share(c: Mapping[str, Any]) -> str:
    if c["group"] == "top10":
        return f"{c['top']} sur {c['n_top']}"
    return fmt_percent(c["share_top"], digits=0)


@rule("commonalities", ("9.2", "9.points_communs"), needs=("revenue",))
def commonalities(m: Metrics) -> dict[str, Any]:
    items = (m.get("models") or {}).get("commonalities")
    if not isinstance(items, list):
        return {}
    if not items:
        return {
            "9.2": "Rien de net : aucun attribut n'est nettement plus fréquent chez les "
            "meilleurs clients que chez les autres"
        }
    sentences = []
    for group, title in _GROUP_TEXT.items():
        rows = [c for c in items if c["group"] == group][:4]
        if not rows:
            continue
        parts = [
            f"{c['label']} {c['value']} ({_share(c)}, contre "
            f"{fmt_percent(c['share_all'], digits=0)} de l'ensemble des "
            f"{fmt_int(c['n_all'])} clients : × {_decimal(c['lift'])})"
            for c in rows
        ]
        small = " — petit échantillon" if rows[0]["n_top"] < 30 else ""
        sentences.append(f"{title}{small} : {' ; '.join(parts)}")
    top = [c for c in items if c["group"] == "top10"][:3] or items[:3]
    short = ", ".join(f"{c['label']} {c['value']} ({_share(c)})" for c in top)
    return {"9.2": ". ".join(sentences), "9.points_communs": short}
