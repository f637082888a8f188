"""The model LTV (``models.ltv``, DESIGN §5) as the dossier writes it.

A segment fitted by the sBG gives its LTV as a number; a segment that fell back to the
first version (ARPA × marge / churn) is flagged where its value appears, with the reason:
« 12 340 € (v1, échantillon faible) ».
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from personae.dossier.kinds import fmt_int, fmt_money, fmt_percent
from personae.fill._text import best, french_list

SBG = "sBG"


def _rate_text(rate: float) -> str:
    digits = 0 if round(rate * 100, 6).is_integer() else 1
    return fmt_percent(rate, digits=digits)


def flagged(fit: Mapping[str, Any]) -> str:
    """A fallen-back segment's value with its flag: ``12 340 € (v1, échantillon faible)``."""
    reason = fit.get("reason") or "modèle non ajusté"
    value = fit.get("ltv")
    return f"{'n/d' if value is None else fmt_money(value)} (v1, {reason})"


def ltv_cell(seg: Mapping[str, Any], fit: Mapping[str, Any] | None) -> Any:
    """The « LTV moyen » cell of a segment: the model's number, or the flagged first version."""
    if fit is None:
        v1 = seg.get("ltv")
        return "n/d" if v1 is None else f"{fmt_money(v1)} (v1, hors modèle)"
    if fit.get("method") == SBG and fit.get("ltv") is not None:
        return fit["ltv"]
    return flagged(fit)


def ltv_answer(model: Mapping[str, Any], segs: Sequence[Mapping[str, Any]]) -> str | None:
    """2.4: the segment with the best model LTV, saying how it was computed, and the
    segments left to the first version with their reason."""
    fits = list(model.get("by_segment") or [])
    fitted = [f for f in fits if f.get("method") == SBG and f.get("ltv") is not None]
    fallen = [f for f in fits if f not in fitted]
    how = f"modèle sBG, actualisé à {_rate_text(float(model.get('discount_rate', 0.1)))}/an"
    top = best(fitted, lambda f: f["ltv"])
    if top is not None:
        r12 = top["retention_12m"]
        lo, hi = top.get("retention_12m_ci") or (None, None)
        interval = "" if lo is None or hi is None else f" [{fmt_percent(lo)} – {fmt_percent(hi)}]"
        text = (
            f"{top['name']} : LTV moyen {fmt_money(top['ltv'])} ({how} ; rétention à 12 mois "
            f"{fmt_percent(r12)}{interval}, {fmt_int(top['accounts'])} comptes"
            + (", échantillon faible" if top.get("small_sample") else "")
            + ")"
        )
    else:
        v1 = best(fallen, lambda f: f.get("ltv"))
        if v1 is None:
            return None
        text = f"{v1['name']} : LTV moyen {flagged(v1)}, le modèle sBG n'a pu être ajusté"
        fallen = [f for f in fallen if f is not v1]
    if fallen:
        listed = french_list([f"{f['name']} : {flagged(f)}" for f in fallen])
        text += f". Hors modèle, première version (ARPA × marge / churn) : {listed}"
    tail = transactional_text(model.get("transactional"), top["name"] if top else None)
    return text + (f". {tail}" if tail else "")


def transactional_text(t: Any, segment: str | None) -> str | None:
    """The non-recurring revenue's model (BG/NBD + Gamma-Gamma) in one French sentence:
    the margin it expects per account over 12 months, outside the subscription LTV; or why
    it was not fitted. None without non-recurring revenue."""
    if not isinstance(t, Mapping):
        return None
    n = int(t.get("accounts") or 0)
    if t.get("expected_value_12m") is None:
        why = t.get("reason") or "modèle non ajusté"
        return (
            f"Revenus ponctuels (hors abonnement, {fmt_int(n)} comptes) : le modèle BG/NBD + "
            f"Gamma-Gamma n'a pas pu être ajusté ({why}), ils ne sont pas comptés dans la LTV"
        )
    seg = next((s for s in t.get("by_segment") or [] if s.get("name") == segment), None)
    per = f"{fmt_money(t['expected_value_12m'])} par compte en moyenne"
    if seg and seg.get("expected_value_12m") is not None:
        per = f"{fmt_money(seg['expected_value_12m'])} par compte {segment}, {per}"
    return (
        f"Revenus ponctuels, en plus de l'abonnement (modèle BG/NBD + Gamma-Gamma sur "
        f"{fmt_int(n)} comptes, dont {fmt_int(int(t.get('repeat_buyers') or 0))} ont racheté) : "
        f"marge attendue sur 12 mois de {per} ; non comptés dans la LTV"
    )
