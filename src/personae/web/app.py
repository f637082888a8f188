"""``personae serve``'s app: the dossier's progress, its answers and a form for each one.

Built by :func:`create_app` alone; ``personae serve`` only runs it with uvicorn on
127.0.0.1. DESIGN §7's contract:

- a request whose Host header is not ``127.0.0.1:PORT``, ``localhost:PORT`` or
  ``[::1]:PORT`` is refused (400: DNS rebinding), as is a write from another origin;
- every write carries the CSRF token of this server's start (``<meta name="csrf-token">``
  and a hidden field), else 403;
- ``POST /answers/<id>`` (``value``, ``csrf_token``, ``base``) merges one answer into the
  current answers.yaml (:mod:`personae.web.store`), 409 when the file's value is no longer
  ``base``, the person's text shown again beside the file's;
- ``POST /report`` writes the dossier into the output folder, served read-only under
  ``/out/``.

The metrics are computed once, at start; each page re-reads answers.yaml and overlays it.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from personae.dossier.kinds import fmt_int, fmt_percent
from personae.dossier.model import Dossier
from personae.dossier.questionnaire import Questionnaire
from personae.dossier.status import progress_by_section
from personae.errors import PersonaeError
from personae.web.fields import check, grid_size, make_field, read_form
from personae.web.page import section_entries
from personae.web.store import AnswersFile, Conflict, Unreadable

DEFAULT_PORT = 8765
_SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # "no-referrer" would make forms send Origin: null
    "cache-control": "no-store",
}


def allowed_hosts(port: int) -> frozenset[str]:
    """The Host headers a browser sends to this server, and only those."""
    return frozenset(f"{h}:{port}" for h in ("127.0.0.1", "localhost", "[::1]"))


class _HostGuard:
    """Refuse a foreign Host header (DNS rebinding) and a write from another origin."""

    def __init__(self, app: ASGIApp, port: int) -> None:
        self.app = app
        self.hosts = allowed_hosts(port)
        self.origins = {f"http://{h}" for h in self.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            if headers.get("host", "") not in self.hosts:
                msg = "Hôte refusé : ouvrez la page par http://127.0.0.1 (ou localhost)."
                await PlainTextResponse(msg, 400)(scope, receive, send)
                return
            origin = headers.get("origin")
            if scope["method"] == "POST" and origin is not None and origin not in self.origins:
                await PlainTextResponse("Origine refusée.", 403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    answers: Path,
    *,
    data: str | Path | None = None,
    config: Path | None = None,
    out: Path | None = None,
    port: int = DEFAULT_PORT,
    template: Path | None = None,
    dossier: Dossier | None = None,
) -> ASGIApp:
    """The app for ``answers`` (answers.yaml) and, with ``data``, the numbers computed once.

    ``dossier`` (computed without manual answers) skips the computation: tests pass one.
    ``out`` defaults to ``out/`` beside answers.yaml.
    """
    from personae.pipeline import compute_dossier, run_report

    answers = Path(answers)
    if dossier is None:
        dossier = compute_dossier(data=data, config=config, template=template)
    base: Dossier = dossier
    q: Questionnaire = base.questionnaire
    out_dir = Path(out) if out is not None else answers.parent / "out"
    store = AnswersFile(answers, q)
    token = secrets.token_urlsafe(32)
    env = Environment(
        loader=PackageLoader("personae.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["int"] = fmt_int
    env.filters["percent"] = lambda v: fmt_percent(v, digits=0)
    sections = {s.id: s for s in q.sections}

    def page(name: str, code: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(
            csrf_token=token, title=q.title, answers_path=str(answers), **context
        )
        return HTMLResponse(html, code, headers=_SECURITY_HEADERS)

    def current() -> tuple[Dossier, dict[str, Any], list[str]]:
        snap = store.snapshot()
        return base.with_manual(snap.manual), snap.raw, snap.problems

    def section_page(sid: str, code: int = 200, **kept: Any) -> HTMLResponse:
        d, raw, problems = current()
        progress = {p.id: p for p in progress_by_section(d)}
        sec = sections[sid]
        entries = section_entries(d, sec, raw, kept.pop("fields", None))
        return page(
            "section.html",
            code,
            section=sec,
            progress=progress.get(sid),
            entries=entries,
            problems=problems,
            nav=_nav(q),
            **kept,
        )

    async def index(request: Request) -> HTMLResponse:
        d, _, problems = current()
        return page(
            "index.html",
            sections=progress_by_section(d),
            answered=d.answered,
            total=d.total,
            status=d.status,
            problems=problems,
            computed=d.metrics is not None,
            warnings=[str(w) for w in d.warnings],
            report=_report_link(out_dir),
        )

    async def section(request: Request) -> HTMLResponse:
        sid = request.path_params["sid"]
        if sid not in sections:
            return page("missing.html", 404, what=f"la section « {sid} »")
        return section_page(sid)

    async def guarded(request: Request) -> FormData | HTMLResponse:
        form = await request.form()
        sent = form.get("csrf_token")
        if not isinstance(sent, str) or not secrets.compare_digest(sent, token):
            text = form.get("value")
            return page(
                "forbidden.html", 403, kept=text if isinstance(text, str) else "", nav=_nav(q)
            )
        return form

    async def save(request: Request) -> Any:
        aid = request.path_params["aid"]
        form = await guarded(request)
        if isinstance(form, HTMLResponse):
            return form
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            sid = _section_of(q, aid)
        except KeyError:
            return page("missing.html", 404, what=f"l'id « {aid} »")
        value = read_form(q, aid, fields)
        label = _label(q, aid)
        kept = make_field(q, aid, label, value, question=_is_question(q, aid))
        kept.base = fields.get("base", "")
        if fields.get("action") == "add_row":
            kept.empty_rows = grid_size(fields) - len(kept.rows) + 1
            return section_page(sid, fields={aid: kept}, focus=aid)
        error = check(q, aid, value)
        if error:
            kept.error = error
            return section_page(sid, 422, fields={aid: kept}, focus=aid)
        try:
            store.save(aid, value, kept.base)
        except Unreadable as exc:
            kept.error = f"answers.yaml ne se lit plus ({exc}) : corrigez-le, puis enregistrez."
            return section_page(sid, 409, fields={aid: kept}, focus=aid)
        except Conflict as exc:
            theirs = make_field(q, aid, label, store.snapshot().raw.get(aid))
            kept.base = exc.current
            return page(
                "conflict.html",
                409,
                mine=kept,
                theirs=theirs,
                section_id=sid,
                nav=_nav(q),
            )
        return RedirectResponse(f"/sections/{sid}#f-{aid}", 303)

    async def report(request: Request) -> HTMLResponse:
        form = await guarded(request)
        if isinstance(form, HTMLResponse):
            return form
        try:
            result = await run_in_threadpool(
                run_report, out_dir, answers=answers, data=data, config=config, template=template
            )
        except PersonaeError as exc:
            problems = [str(p) for p in getattr(exc, "problems", [])] or [str(exc)]
            return page("report.html", 422, error=str(exc), problems=problems, nav=_nav(q))
        d = result.dossier
        return page(
            "report.html",
            answered=d.answered,
            total=d.total,
            files=sorted(result.files),
            link=_report_link(out_dir),
            nav=_nav(q),
        )

    async def out_file(request: Request) -> Any:
        name = request.path_params["name"]
        root = out_dir.resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return page("missing.html", 404, what=f"le fichier « {name} »")
        media = "text/plain; charset=utf-8" if path.suffix in (".md", ".csv") else None
        return FileResponse(path, media_type=media, headers={"cache-control": "no-store"})

    static = Path(__file__).parent / "static"
    routes = [
        Route("/", index),
        Route("/sections/{sid}", section),
        Route("/answers/{aid}", save, methods=["POST"]),
        Route("/report", report, methods=["POST"]),
        Route("/out/{name:path}", out_file),
        Route("/favicon.ico", lambda _: Response(status_code=204)),
        Mount("/static", StaticFiles(directory=static), name="static"),
    ]
    return _HostGuard(Starlette(routes=routes), port)


def _nav(q: Questionnaire) -> list[tuple[str, str]]:
    return [(s.id, s.title) for s in q.sections if s.questions or s.slots or s.tables]


def _report_link(out_dir: Path) -> str | None:
    for name in ("report.html", "dossier.md"):
        if (out_dir / name).is_file():
            return f"/out/{name}"
    return None


def _section_of(q: Questionnaire, aid: str) -> str:
    for x in q.questions:
        if x.id == aid:
            return x.section
    slot = q.slots.get(aid) or q.repeat_slot(aid)
    if slot is not None:
        return slot.section
    if aid in q.tables:
        return q.tables[aid].section
    raise KeyError(aid)


def _is_question(q: Questionnaire, aid: str) -> bool:
    return any(x.id == aid for x in q.questions)


def _label(q: Questionnaire, aid: str) -> str:
    for x in q.questions:
        if x.id == aid:
            return x.text
    slot = q.slots.get(aid) or q.repeat_slot(aid)
    if slot is not None:
        return slot.label
    return q.tables[aid].title
