"""Answers derived from the others (source ``derived``): section 7's questions from the
persona blocks (:mod:`personae.dossier.persona_questions`), then the executive summary.

One rule per row of the default template's summary table, by slot id; a row or a question a
person has answered is kept as written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from personae.dossier.answers import Answer
from personae.dossier.kinds import fmt_percent
from personae.dossier.persona_questions import persona_answers
from personae.dossier.questionnaire import Questionnaire


def _value(answers: Mapping[str, Answer], aid: str) -> Any:
    a = answers.get(aid)
    return None if a is None else a.value


def _rows(answers: Mapping[str, Answer], tid: str) -> list[dict[str, Any]]:
    v = _value(answers, tid)
    return v if isinstance(v, list) else []


def _clients(a: Mapping[str, Answer]) -> Any:
    return _value(a, "1.clients_total")


def _main_segment(a: Mapping[str, Answer]) -> Any:
    rows = [r for r in _rows(a, "2.segments_identifies") if r.get("segment")]
    ranked = [r for r in rows if isinstance(r.get("pct_ca"), float)]
    if ranked:
        best = max(ranked, key=lambda r: r["pct_ca"])
        return f"{best['segment']} ({fmt_percent(best['pct_ca'])} du CA)"
    if rows:
        return str(rows[0]["segment"])
    return _value(a, "2.3")


def _icp(a: Mapping[str, Answer]) -> Any:
    parts = []
    for sid in ("6.icp.taille", "6.icp.industrie", "6.icp.geographie"):
        v = _value(a, sid)
        if v is None:
            continue
        if isinstance(v, tuple):
            v = f"{v[0]:g}-{v[1]:g} employés"
        parts.append(str(v))
    return ", ".join(parts) if parts else _value(a, "6.1")


def _persona(a: Mapping[str, Answer]) -> Any:
    name, title = _value(a, "7.persona1.nom"), _value(a, "7.persona1.titre")
    if name and title and str(title).lower() not in str(name).lower():
        return f"{name} ({title})"
    return name or title


def _churn(a: Mapping[str, Answer]) -> Any:
    for r in _rows(a, "10.churn_par_segment"):
        if str(r.get("segment", "")).strip().lower() == "global":
            m, y = r.get("churn_mensuel"), r.get("churn_annuel")
            if isinstance(m, float) and isinstance(y, float):
                return f"{fmt_percent(m)} par mois, {fmt_percent(y)} par an"
            if isinstance(m, float):
                return f"{fmt_percent(m)} par mois"
    return _value(a, "10.1")


# Executive summary rows of the default template, by slot id: how each is derived.
SUMMARY_RULES: dict[str, Callable[[Mapping[str, Answer]], Any]] = {
    "resume.clients_totaux": _clients,
    "resume.segment_principal": _main_segment,
    "resume.icp": _icp,
    "resume.persona_principal": _persona,
    "resume.churn_global": _churn,
}


def derive(q: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """Answers with section 7's questions and the executive summary filled from the others
    (manual answers kept)."""
    out = dict(answers)
    for qid, a in persona_answers(q, answers).items():
        out.setdefault(qid, a)
    for sid, rule in SUMMARY_RULES.items():
        if sid not in q.slots or sid in out:
            continue
        value = rule(out)
        if value is not None:
            out[sid] = Answer(sid, value, "derived")
    return out
