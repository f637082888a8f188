"""Personas from contacts: who buys, by department and seniority (DESIGN §5 "Personas").

A contact's group is its (department, seniority): the contacts table's ``department`` and
``seniority`` columns when they hold a value (read through the department labels below, or
else through :func:`~personae.models.titles.normalize_title`), else what
``normalize_title(job_title)`` says. Titles are classified once per distinct value (pulled
with their counts), and the mapping goes back to the engine as a small temporary table, so
the contacts never leave it. A contact without a department has no group.

A persona is a group among the contacts of won deals' accounts (a contact takes part in its
account's won deals). Groups are ranked by the won deals in which one of their contacts held
the ``decision_maker`` or ``economic_buyer`` role, then by the won deals they took part in at
all, then by their contacts: the buyer first, the champion and the user after. For each
persona: its most frequent title, the interquartile range of its contacts' ages, its roles,
and its influencers — the other groups that held a role swaying the decision (decision maker,
economic buyer, champion, influencer; not a plain user) on the won deals it took part in,
each with the share of those deals and the role it held there most often.

API: ``Personas(top=3).fit(ctx)`` → ``groups_`` (every group, ranked), ``personas_`` (the
``top`` first, with influencers), ``won_deals_``; :meth:`Personas.summary` is the list that
goes under ``models.personas.personas`` in dossier.json.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa

from personae.metrics.context import Context
from personae.metrics.stats import count, num
from personae.models.title_rules import DEPARTMENTS, SENIORITIES
from personae.models.titles import normalise, normalize_title

if TYPE_CHECKING:
    from personae.metrics import MetricsSession
    from personae.models.run import ModelOutput

FAMILY = "personas"
DECIDERS = ("decision_maker", "economic_buyer")
# The roles that sway a decision (a plain user does not).
INFLUENCE = ("decision_maker", "economic_buyer", "champion", "influencer")
ROLE_LABELS = {
    "decision_maker": "décideur",
    "economic_buyer": "acheteur économique",
    "champion": "champion",
    "influencer": "influenceur",
    "user": "utilisateur",
}
ROLES_ORDER = {r: i for i, r in enumerate(ROLE_LABELS)}
DEPARTMENT_LABELS = {
    "direction": "Direction générale",
    "finance": "Finance",
    "sales": "Commercial",
    "marketing": "Marketing",
    "it": "Informatique",
    "hr": "Ressources humaines",
    "operations": "Opérations",
    "legal": "Juridique",
    "purchasing": "Achats",
    "customer": "Service client",
}
# Department labels that no job title says (normalise()d text → department key).
_DEPARTMENT_ALIASES = {
    "direction": "direction",
    "direction generale": "direction",
    "executive": "direction",
    "management": "direction",
    "administration": "operations",
    "comptabilite": "finance",
    "achats": "purchasing",
    "juridique": "legal",
    "service client": "customer",
    "support": "customer",
    "ressources humaines": "hr",
}
# A readable French name for a group, by seniority and department.
_C_LEVEL = {
    "direction": "Dirigeant",
    "finance": "Directeur financier",
    "sales": "Directeur commercial",
    "marketing": "Directeur marketing",
    "it": "Directeur technique",
    "hr": "Directeur des ressources humaines",
    "operations": "Directeur des opérations",
    "legal": "Directeur juridique",
    "purchasing": "Directeur des achats",
    "customer": "Directeur de l'expérience client",
}
_SENIOR = {
    "direction": "Membre du comité de direction",
    "finance": "Responsable financier",
    "sales": "Responsable commercial",
    "marketing": "Responsable marketing",
    "it": "Responsable informatique",
    "hr": "Responsable RH",
    "operations": "Responsable des opérations",
    "legal": "Responsable juridique",
    "purchasing": "Responsable achats",
    "customer": "Responsable service client",
}
_LEVEL = {"Mid": "profil confirmé", "Junior": "profil junior"}
_SEP = "|"


def canonical_department(label: str | None) -> str | None:
    """A department key of DESIGN §5 from a CRM's department label (None when unknown)."""
    text = normalise(label)
    if not text:
        return None
    if text in DEPARTMENTS:
        return text
    if text in _DEPARTMENT_ALIASES:
        return _DEPARTMENT_ALIASES[text]
    return normalize_title(label).department


def canonical_seniority(label: str | None) -> str | None:
    """A seniority of the template's scale from a CRM's seniority label."""
    text = normalise(label).replace(" ", "")
    for s in SENIORITIES:
        if text == s.lower().replace("-", "").replace(" ", ""):
            return s
    return normalize_title(label).seniority if text else None


def group_name(department: str, seniority: str | None, title: str | None) -> str:
    """``("finance", "C-level", "DAF")`` → ``"Directeur financier (DAF)"``."""
    if seniority == "C-level":
        base = _C_LEVEL[department]
    elif seniority == "Senior":
        base = _SENIOR[department]
    else:
        level = _LEVEL.get(seniority or "", "séniorité non renseignée")
        base = f"{DEPARTMENT_LABELS[department]}, {level}"
    if title and normalise(title) != normalise(base):
        return f"{base} ({title})"
    return base


@dataclass
class Group:
    """One (department, seniority) group among the contacts of won deals' accounts."""

    key: str  # "finance|C-level" ("finance|" when the seniority is unknown)
    department: str
    seniority: str | None
    decider_deals: int = 0
    won_deals: int = 0
    contacts: int = 0
    title: str | None = None
    title_count: int = 0
    age_range: tuple[float, float] | None = None
    ages: int = 0  # contacts with an age
    roles: dict[str, int] = field(default_factory=dict)
    influencers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return group_name(self.department, self.seniority, self.title)


def _key(department: str, seniority: str | None) -> str:
    return f"{department}{_SEP}{seniority or ''}"


def _classify(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Distinct (title, department, seniority) values → each one's group key (or None)."""
    out: dict[str, list[Any]] = {"title": [], "dep": [], "sen": [], "grp": []}
    titles: dict[str, Any] = {}
    for r in rows:
        title, dep, sen = r["title"], r["dep"], r["sen"]
        if title not in titles:
            titles[title] = normalize_title(title or None)
        t = titles[title]
        department = canonical_department(dep or None) or t.department
        seniority = canonical_seniority(sen or None) or t.seniority
        out["title"].append(title)
        out["dep"].append(dep)
        out["sen"].append(sen)
        out["grp"].append(None if department is None else _key(department, seniority))
    return out


GROUPED_TABLE = "personae_grouped_contacts"
_MAP_SCHEMA = pa.schema(
    [("title", pa.string()), ("dep", pa.string()), ("sen", pa.string()), ("grp", pa.string())]
)


def grouped_contacts(ctx: Context, reader: str = FAMILY) -> ibis.Table:
    """The contacts with their group key ``grp`` (contacts without a department left out),
    stored once a report: the personas and the journey's people read it five times. Its
    SQL is recorded under ``reader`` (the family that reads it)."""

    def build() -> ibis.Table:
        c = ctx.tables["contacts"]
        c = c.mutate(
            title=c.job_title.strip().fill_null(""),
            dep=c.department.strip().fill_null(""),
            sen=c.seniority.strip().fill_null(""),
            role=c.role.strip().lower(),
        )

        def classified() -> ibis.Table:  # the distinct titles' groups, computed in Python
            distinct = c.group_by(["title", "dep", "sen"]).aggregate(n=c.count())
            return ctx.upload(
                "personae_contact_groups", _classify(ctx.run(FAMILY, distinct)), _MAP_SCHEMA
            )

        mapping = ctx.once("personae_contact_groups", classified)
        mapping = mapping.filter(mapping.grp.notnull())
        j = c.join(mapping, ["title", "dep", "sen"])
        return j.select("contact_id", "account_id", "job_title", "age", "role", "grp")

    return ctx.shared_table(reader, GROUPED_TABLE, build)


def won_deals(ctx: Context) -> ibis.Table:
    """Won deals closed on or before T (or without a close date), with an account."""
    d = ctx.tables["deals"]
    d = d.filter(
        (d.status.strip().lower() == "won")
        & (d.closed_at.isnull() | (d.closed_at <= ctx.cal.t))
        & d.account_id.notnull()
    )
    return d.select("deal_id", "account_id")


class Personas:
    """The groups of contacts that buy, ranked (see the module docstring)."""

    def __init__(self, top: int = 3, influencers: int = 3) -> None:
        self.top = top
        self.influencers = influencers

    def fit(self, ctx: Context) -> Personas:
        gc = self.contacts_ = grouped_contacts(ctx)
        won = won_deals(ctx)
        self.won_deals_ = count(ctx.run(FAMILY, won.aggregate(n=won.count()))[0]["n"])
        on_won = gc.filter(gc.account_id.isin(won.account_id))
        on_won = ctx.materialize(FAMILY, "personae_won_contacts", on_won)
        dg = won.join(gc, "account_id")
        dg = ctx.materialize(FAMILY, "personae_won_deal_contacts", dg)
        per_group = dg.group_by("grp").aggregate(
            won_deals=dg.deal_id.nunique(),
            decider_deals=dg.deal_id.nunique(where=dg.role.isin(DECIDERS)),
        )
        people = on_won.group_by("grp").aggregate(
            contacts=on_won.count(),
            ages=on_won.age.count(),
            q1=on_won.age.quantile(0.25),
            q3=on_won.age.quantile(0.75),
        )
        groups: dict[str, Group] = {}
        for r in ctx.run(FAMILY, per_group.join(people, "grp")):
            dep, _, sen = str(r["grp"]).partition(_SEP)
            q1, q3 = num(r["q1"]), num(r["q3"])
            groups[r["grp"]] = Group(
                r["grp"],
                dep,
                sen or None,
                decider_deals=count(r["decider_deals"]),
                won_deals=count(r["won_deals"]),
                contacts=count(r["contacts"]),
                age_range=None if q1 is None or q3 is None else (q1, q3),
                ages=count(r["ages"]),
            )
        titles = on_won.filter(on_won.job_title.notnull())
        titles = titles.group_by(["grp", "job_title"]).aggregate(n=titles.count())
        for r in sorted(ctx.run(FAMILY, titles), key=lambda r: (-r["n"], r["job_title"])):
            g = groups.get(r["grp"])
            if g is not None and g.title is None:
                g.title, g.title_count = str(r["job_title"]).strip(), count(r["n"])
        roles = on_won.filter(on_won.role.notnull())
        roles = roles.group_by(["grp", "role"]).aggregate(n=roles.count())
        for r in ctx.run(FAMILY, roles):
            if r["grp"] in groups:
                groups[r["grp"]].roles[r["role"]] = count(r["n"])
        self.groups_ = sorted(
            groups.values(),
            key=lambda g: (-g.decider_deals, -g.won_deals, -g.contacts, g.key),
        )
        self.personas_ = self.groups_[: self.top]
        if self.personas_:
            self._influencers(ctx, dg, groups)
        return self

    def _influencers(self, ctx: Context, dg: ibis.Table, groups: dict[str, Group]) -> None:
        keys = [g.key for g in self.personas_]
        mine = dg.filter(dg.grp.isin(keys)).select("deal_id", pgrp=dg.grp).distinct()
        other = dg.filter(dg.role.isin(INFLUENCE)).select("deal_id", "grp", "role")
        pairs = mine.join(other, "deal_id")
        pairs = pairs.filter(pairs.pgrp != pairs.grp)
        by_role = pairs.group_by(["pgrp", "grp", "role"]).aggregate(n=pairs.deal_id.nunique())
        total = pairs.group_by(["pgrp", "grp"]).aggregate(n=pairs.deal_id.nunique())
        main_role: dict[tuple[str, str], tuple[int, str]] = {}
        for r in ctx.run(FAMILY, by_role):
            k = (r["pgrp"], r["grp"])
            cand = (count(r["n"]), str(r["role"]))
            best = main_role.get(k)
            if best is None or (cand[0], -ROLES_ORDER[cand[1]]) > (best[0], -ROLES_ORDER[best[1]]):
                main_role[k] = cand
        found: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
        for r in ctx.run(FAMILY, total):
            p, q = groups[r["pgrp"]], groups.get(r["grp"])
            if q is None or not p.won_deals:
                continue
            role = main_role.get((p.key, q.key))
            found[p.key].append(
                {
                    "name": q.name,
                    "department": q.department,
                    "seniority": q.seniority,
                    "role": role[1] if role else None,
                    "won_deals": count(r["n"]),
                    "share": count(r["n"]) / p.won_deals,
                }
            )
        for p in self.personas_:
            ranked = sorted(found[p.key], key=lambda i: (-i["won_deals"], i["name"]))
            p.influencers = ranked[: self.influencers]

    def summary(self) -> list[dict[str, Any]]:
        """The personas as dossier.json's ``models.personas.personas`` rows."""
        out = []
        for g in self.personas_:
            out.append(
                {
                    "name": g.name,
                    "department": g.department,
                    "department_label": DEPARTMENT_LABELS[g.department],
                    "seniority": g.seniority,
                    "title": g.title,
                    "title_count": g.title_count,
                    "age_range": None if g.age_range is None else list(g.age_range),
                    "ages": g.ages,
                    "contacts": g.contacts,
                    "weight": g.won_deals / self.won_deals_ if self.won_deals_ else None,
                    "won_deals": g.won_deals,
                    "decider_deals": g.decider_deals,
                    "roles": dict(sorted(g.roles.items(), key=lambda kv: (-kv[1], kv[0]))),
                    "influencers": g.influencers,
                    "themes": {},
                }
            )
        return out


def _not_answered(ctx: Context, table: str, column: str, reason: str) -> None:
    ctx.missing.append(
        {
            "metric": FAMILY,
            "needs": f"{table}.{column}",
            "table": table,
            "column": column,
            "reason": reason,
        }
    )


def personas_step(
    session: MetricsSession, metrics: Mapping[str, Any], summaries: Mapping[str, Any]
) -> ModelOutput | None:
    """``models.personas``: the three first personas with their themes (DESIGN §5, §6)."""
    from personae.models.run import ModelOutput
    from personae.models.themes import Themes

    ctx = session.ctx
    if not ctx.need(FAMILY, "contacts", "deals"):
        return None
    model = Personas().fit(ctx)
    if not model.won_deals_:
        _not_answered(ctx, "deals", "status", "aucune affaire gagnée (status won) dans deals")
        return None
    if not model.personas_:
        _not_answered(
            ctx,
            "contacts",
            "job_title",
            "aucun contact des comptes gagnés n'a de fonction reconnue (job_title, department)",
        )
        return None
    rows = model.summary()
    if ctx.need(f"{FAMILY}.themes", "notes"):
        themes = Themes().fit(ctx, model.contacts_, [g.key for g in model.personas_])
        for i, row in enumerate(rows):
            row["themes"] = themes.summary(i)
    return ModelOutput(summary=rows)
