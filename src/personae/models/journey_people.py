"""The journey's people and content (DESIGN §5 "Journey people and content", 8.3–8.5).

Each touchpoint gets a phase: one tied to a deal takes the phase of the stage the deal was in
at that moment (``settings.journey_phases`` maps stages to phases; a touchpoint before the
first stage or after the close has none); one tied to no deal, within
:data:`ONBOARDING_DAYS` days after its account's first won deal closed, is ``Onboarding``.
Per phase: the channels and the contents most used (touchpoints and their share), and the
groups of contacts the team met, named after the personas when they are one (the share of
the phase's touchpoints with a contact whose group is known).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from personae.metrics.context import Context
from personae.metrics.journey import ONBOARDING, PHASES, stage_phase
from personae.metrics.stats import count
from personae.models.personas import group_name, grouped_contacts

if TYPE_CHECKING:
    from personae.metrics import MetricsSession
    from personae.models.run import ModelOutput

FAMILY = "journey_people"
ONBOARDING_DAYS = 90
TOP = 3


def phased_touchpoints(ctx: Context) -> ibis.Table:
    """Touchpoints with their phase: ``phase, channel, content, contact_id`` (NULL phase:
    none). One pass over the touchpoints: a touchpoint tied to a deal matches at most one
    stage of it (a deal's stages cover disjoint spans), one tied to no deal its account's
    first won deal, so the two left joins keep every touchpoint once."""
    tp = ctx.tables["touchpoints"]
    tp = tp.filter(tp.timestamp.date() <= ctx.cal.t)
    keep = ("channel", "content", "contact_id")
    phases: list[ir.StringValue] = []
    if ctx.has("deal_stages"):
        s = ctx.tables["deal_stages"]
        w = ibis.window(group_by=s.deal_id, order_by=[s.entered_at, s.stage])
        s = s.mutate(next_at=s.entered_at.lead().over(w))
        phase, known = stage_phase(ctx, s.stage)
        s = s.filter(known).select(
            sdeal=s.deal_id, stage_phase=phase, start=s.entered_at, end=s.next_at
        )
        tp = tp.left_join(
            s,
            [
                tp.deal_id == s.sdeal,
                tp.timestamp >= s.start,
                s.end.isnull() | (tp.timestamp < s.end),
            ],
        )
        phases.append(tp.stage_phase)
    if ctx.has("deals"):
        won = ctx.tables["deals"]
        won = won.filter((won.status.strip().lower() == "won") & won.closed_at.notnull())
        first = won.group_by("account_id").aggregate(first=won.closed_at.min())
        first = first.select(facc=first.account_id, first=first.first)
        day = tp.timestamp.date()
        tp = tp.left_join(
            first,
            [
                tp.deal_id.isnull(),
                tp.account_id == first.facc,
                day >= first.first,
                day < first.first + ibis.interval(days=ONBOARDING_DAYS),
            ],
        )
        onboarding = ibis.literal(ONBOARDING, type="string")
        phases.append(ibis.ifelse(tp.facc.notnull(), onboarding, ibis.null("string")))
    if not phases:
        phase = ibis.literal(None, type="string")
    else:
        phase = phases[0] if len(phases) == 1 else ibis.coalesce(*phases)
    return tp.select(phase=phase, **{k: tp[k] for k in keep})


def _top(
    rows: list[dict[str, Any]], totals: Mapping[str, int], label: str
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(rows, key=lambda r: (-count(r["n"]), str(r[label]))):
        phase, n = str(r["phase"]), count(r["n"])
        out.setdefault(phase, []).append(
            {
                "name": r[label],
                "touchpoints": n,
                "share": n / totals[phase] if totals[phase] else None,
            }
        )
    return out


def journey_people(
    ctx: Context, personas: Sequence[Mapping[str, Any]] = ()
) -> list[dict[str, Any]]:
    """One row per phase met: touchpoints, channels, contents, people (see the docstring)."""
    tp = phased_touchpoints(ctx)
    tp = tp.filter(tp.phase.notnull()).mutate(
        channel=tp.channel.strip(), content=tp.content.strip()
    )
    tp = ctx.materialize(FAMILY, "personae_touchpoint_phases", tp)  # read four times below
    totals = {
        str(r["phase"]): count(r["n"])
        for r in ctx.run(FAMILY, tp.group_by("phase").aggregate(n=tp.count()))
    }
    if not totals:
        return []
    ch = tp.filter(tp.channel.notnull() & (tp.channel != ""))
    channels = _top(
        ctx.run(FAMILY, ch.group_by(["phase", "channel"]).aggregate(n=ch.count())),
        totals,
        "channel",
    )
    co = tp.filter(tp.content.notnull() & (tp.content != ""))
    contents = _top(
        ctx.run(FAMILY, co.group_by(["phase", "content"]).aggregate(n=co.count())),
        totals,
        "content",
    )
    people: dict[str, list[dict[str, Any]]] = {}
    met: dict[str, int] = {}
    if ctx.has("contacts"):
        gc = grouped_contacts(ctx, FAMILY).select(cid=ibis._.contact_id, grp=ibis._.grp)
        j = tp.join(gc, tp.contact_id == gc.cid)
        agg = j.group_by(["phase", "grp"]).aggregate(n=j.count(), contacts=j.cid.nunique())
        names = {
            f"{p['department']}|{p['seniority'] or ''}": (i, p) for i, p in enumerate(personas)
        }
        rows = ctx.run(FAMILY, agg)
        for r in rows:
            met[str(r["phase"])] = met.get(str(r["phase"]), 0) + count(r["n"])
        for r in sorted(rows, key=lambda r: (-count(r["n"]), str(r["grp"]))):
            phase, n = str(r["phase"]), count(r["n"])
            rank, persona = names.get(str(r["grp"]), (None, None))
            department, _, seniority = str(r["grp"]).partition("|")
            people.setdefault(phase, []).append(
                {
                    "group": r["grp"],
                    "department": department,
                    "seniority": seniority or None,
                    "persona": None if rank is None else rank + 1,
                    "name": persona["name"]
                    if persona
                    else group_name(department, seniority or None, None),
                    "touchpoints": n,
                    "contacts": count(r["contacts"]),
                    "share": n / met[phase] if met[phase] else None,
                }
            )
    order = [*PHASES, *sorted(set(totals) - {*PHASES, ONBOARDING}), ONBOARDING]
    return [
        {
            "name": phase,
            "touchpoints": totals[phase],
            "small_sample": totals[phase] < ctx.settings.small_sample,
            "channels": channels.get(phase, [])[:TOP],
            "contents": contents.get(phase, [])[:TOP],
            "people_met": met.get(phase, 0),
            "people": people.get(phase, []),
        }
        for phase in order
        if phase in totals
    ]


def journey_people_step(
    session: MetricsSession, metrics: Mapping[str, Any], summaries: Mapping[str, Any]
) -> ModelOutput | None:
    """``models.journey_people``: per phase, channels, contents and the people met."""
    from personae.models.run import ModelOutput

    ctx = session.ctx
    if not ctx.need(FAMILY, "touchpoints"):
        return None
    personas = summaries.get("personas") or []
    phases = journey_people(ctx, personas)
    if not phases:
        return None
    return ModelOutput(summary={"phases": phases, "onboarding_days": ONBOARDING_DAYS})
