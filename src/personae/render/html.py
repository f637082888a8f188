"""``report.html``: the dossier as one self-contained page, in French (DESIGN §6).

:func:`render_html` reads the ``dossier.json`` document only (:func:`dossier_document`), so
a dossier computed on any engine renders the same. The page holds everything it needs:
its styles, the Vega-Lite bundle vl-convert ships (inlined once) and the charts' data, under
a Content-Security-Policy that forbids any outside request. The templates are Jinja2 files
in ``personae/render/templates`` (autoescaped).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from personae.render.charts import metric_charts
from personae.render.formats import day_label
from personae.render.model_charts import model_charts, persona_cards
from personae.render.tiles import tiles
from personae.render.vega import Chart, bundle, locales

CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
)
SOURCES = {"data": "données", "manual": "manuel", "derived": "dérivé"}
OTHER = "autres"
PERSONAS_FALLBACK = "7"


@dataclass
class Part:
    """One section of the page: a part of the dossier with its answers and charts."""

    id: str
    title: str
    answered: list[dict[str, Any]] = field(default_factory=list)
    unanswered: list[dict[str, Any]] = field(default_factory=list)
    manual: list[dict[str, str]] = field(default_factory=list)  # manual and derived slots
    charts: list[Chart] = field(default_factory=list)
    personas: list[dict[str, Any]] = field(default_factory=list)


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("personae.render", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def answer_text(value: Any) -> str:
    """A question's answer as one text (lists joined, table rows counted)."""
    if value is None:
        return ""
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return f"{len(value)} lignes (voir le tableau)"
        return " ; ".join(map(str, value))
    if isinstance(value, dict):
        return " ; ".join(f"{k} : {v}" for k, v in value.items())
    return str(value)


def _section_titles(document: dict[str, Any]) -> list[tuple[str, str]]:
    listed = [(str(s["id"]), str(s["title"])) for s in document.get("sections") or []]
    if listed:
        return listed
    seen: dict[str, str] = {}
    for q in document.get("questions") or []:
        seen.setdefault(str(q["section"]), f"Partie {q['section']}")
    return list(seen.items())


def parts(document: dict[str, Any]) -> list[Part]:
    """The page's sections: the dossier's parts, each with its answers and its charts."""
    by_id = {sid: Part(sid, title) for sid, title in _section_titles(document)}
    homes: dict[str, list[str]] = {}  # family → the sections answered from it, in order
    for q in document.get("questions") or []:
        sid = str(q["section"])
        part = by_id.setdefault(sid, Part(sid, f"Partie {sid}"))
        for fam in (q.get("detail") or {}).get("metrics") or []:
            homes.setdefault(str(fam), [])
            if sid not in homes[str(fam)]:
                homes[str(fam)].append(sid)
        if q.get("answered"):
            source = q.get("source") or ""
            part.answered.append(
                {
                    "id": q["id"],
                    "text": q["text"],
                    "answer": answer_text(q.get("answer")),
                    "source": source,
                    "source_label": SOURCES.get(source, source),
                }
            )
        else:
            part.unanswered.append(
                {"id": q["id"], "text": q["text"], "missing": q.get("missing") or ""}
            )
    for slot in document.get("slots") or []:
        sid = str(slot["id"]).split(".", 1)[0]
        source = str(slot.get("source"))
        if source in ("manual", "derived") and slot.get("text") and sid in by_id:
            by_id[sid].manual.append(
                {
                    "label": slot.get("label") or slot["id"],
                    "text": slot["text"],
                    "source": source,
                    "source_label": SOURCES[source],
                }
            )

    other = Part(OTHER, "Autres analyses")
    models = document.get("models") or {}
    charts = metric_charts(document.get("metrics") or {}) + model_charts(models)
    for chart in charts:
        (by_id.get(_home(chart.families, chart.fallback, homes, by_id)) or other).charts.append(
            chart
        )
    cards = persona_cards(models)
    if cards:
        home = _home(("models.personas",), PERSONAS_FALLBACK, homes, by_id)
        (by_id.get(home) or other).personas = cards
    out = list(by_id.values())
    if other.charts or other.personas:
        out.append(other)
    return out


def _home(
    families: tuple[str, ...], fallback: str, homes: dict[str, list[str]], by_id: dict[str, Part]
) -> str:
    """Where a chart goes: its usual section when that part was answered from its numbers
    (or nothing was), else the first part answered from them, else the usual section if the
    template has it, else the last part of the page."""
    answered_from = [sid for f in families for sid in homes.get(f, [])]
    if fallback in by_id and (fallback in answered_from or not answered_from):
        return fallback
    if answered_from:
        return answered_from[0]
    return OTHER


def _plain(text: str) -> str:
    """``🟡 En cours`` → ``En cours``: the status' pictogram needs an emoji font to print."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "So").strip()


def render_html(document: dict[str, Any]) -> str:
    """``report.html``'s text from the ``dossier.json`` document."""
    metrics = document.get("metrics") or {}
    sections = parts(document)
    charts = {c.id: c.spec for p in sections for c in p.charts}
    progress = document.get("progress") or {}
    answered, total = int(progress.get("answered") or 0), int(progress.get("total") or 0)
    as_of = document.get("as_of")
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            title=document.get("title") or "Dossier",
            status=_plain(document.get("status") or ""),
            as_of=day_label(as_of) if as_of else None,
            generated=day_label(document["generated"]) if document.get("generated") else None,
            answered=answered,
            total=total,
            progress=round(100 * answered / total) if total else 0,
            tiles=tiles(metrics),
            sections=sections,
            unanswered=[(p, q) for p in sections for q in p.unanswered],
            has_data=bool(metrics),
            csp=CSP,
            specs=charts,
            locale=locales(),
            bundle=bundle() if charts else "",
        )
    )
