"""The metrics session: every number of the dossier, from the canonical tables (DESIGN §4, §6).

A :class:`MetricsSession` owns the engine's temporary tables for the life of a report: the
calendar (T, W, W'), the account-month MRR grid and the per-account table are built once
when the session opens, every metric family is an aggregate of them, and the models of
DESIGN §5 reuse them (``session.grid``, ``session.accounts``) before the session closes and
drops them. :func:`compute_metrics` is the one-shot form: open, compute, close.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

import ibis
import pyarrow as pa

from personae.metrics import deals as _deals
from personae.metrics import firmographics as fg
from personae.metrics import groups as _groups
from personae.metrics.accounts import Activeness, activeness, build_accounts
from personae.metrics.calendar import build_calendar
from personae.metrics.churn import churn
from personae.metrics.context import Context
from personae.metrics.expansion import expansion
from personae.metrics.journey import journey
from personae.metrics.mrr import build_grid, movements
from personae.metrics.overview import overview
from personae.metrics.top import top_clients
from personae.settings import Settings

LTV_METHOD = "v1 : ARPA × marge brute / churn mensuel"
STAND_INS = ("accounts", "revenue")
"""Tables a CRM-only folder may lack: they stand in empty, and the answers that need them
are recorded missing (``ctx.need``), so the deals and journey families still run."""
#: The families computed from revenue: without it, each is recorded as needing it.
REVENUE_FAMILIES = (
    "overview", "segments", "sizes", "industries", "regions", "churn", "expansion",
    "mrr_movements", "top_clients",
)  # fmt: skip
_EMPTY = "_personae_empty_"


def _stand_in(con: ibis.BaseBackend, name: str, tables: Mapping[str, ibis.Table]) -> ibis.Table:
    """A temporary table with the canonical columns of table ``name``: empty, except for
    ``accounts``, which holds the accounts the other tables name (their other columns NULL,
    kind the default B2B), so deals and revenue still join to an account."""
    from personae.sources.schema import IBIS_TYPES, TABLES, arrow_schema

    named = [
        tables[t].select("account_id") for t in ("revenue", "deals", "contacts") if t in tables
    ]
    if name != "accounts" or not named:
        data = arrow_schema(name).empty_table()
        return con.create_table(_EMPTY + name, data, temp=True, overwrite=True)
    ids = ibis.union(*named, distinct=True)
    ids = ids.filter(ids.account_id.notnull())
    columns = {
        c.name: ids.account_id
        if c.name == "account_id"
        else ibis.literal("B2B")
        if c.name == "kind"
        else ibis.null().cast(IBIS_TYPES[c.type])
        for c in TABLES[name].columns
    }
    return con.create_table(_EMPTY + name, ids.select(**columns), temp=True, overwrite=True)


def _ordered(rows: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    rank = {name: i for i, name in enumerate(order)}
    return sorted(rows, key=lambda r: (rank.get(r["name"], len(rank)), r["name"]))


class MetricsSession:
    """The calendar, the MRR grid and the accounts table, kept until :meth:`close`."""

    def __init__(
        self, con: ibis.BaseBackend, tables: Mapping[str, ibis.Table], settings: Settings
    ) -> None:
        cal = build_calendar(tables, settings)
        stand_ins = [name for name in STAND_INS if name not in tables]
        tables = {**tables, **{name: _stand_in(con, name, tables) for name in stand_ins}}
        self.ctx = Context(con, tables, settings, cal, stand_ins=frozenset(stand_ins))
        self.ctx.temp_tables += [_EMPTY + name for name in stand_ins]
        revenue = tables["revenue"]
        self.ctx.record(
            "calendar", revenue.aggregate(first=revenue.date.min(), last=revenue.date.max())
        )
        try:
            self.segment_basis = fg.segment_basis(tables["accounts"], settings)
            self.active: Activeness = activeness(self.ctx)
            self.grid = build_grid(self.ctx)
            self.accounts = build_accounts(self.ctx, self.grid, self.segment_basis, self.active)
        except BaseException:
            self.close()
            raise

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    def __enter__(self) -> MetricsSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Drop the temporary tables (they die with the connection anyway)."""
        self.ctx.drop_temp_tables()

    def release(self, names: Iterable[str]) -> None:
        """Drop the temporary tables ``names`` that nothing reads any more, now rather than
        at :meth:`close`: the engine's memory then holds what is still to be read (on demo
        L, gigabytes it would otherwise write to disk and back). A table shared through
        ``ctx.shared_table`` or ``ctx.once`` is forgotten too: a reader after all would
        build it again."""
        ctx = self.ctx
        for name in names:
            if name not in ctx.temp_tables:
                continue
            ctx.con.drop_table(name, force=True)
            ctx.temp_tables.remove(name)
            ctx.shared.pop(name, None)

    def account_base(self) -> pa.Table:
        """One row per account: id, name, status (client, ancien client, prospect), segment,
        ARR at T; the base of ``accounts.csv`` (Arrow: no copy into pandas)."""
        a = self.accounts
        status = ibis.cases(
            (a.is_client, "client"),
            (a.first_positive.notnull(), "ancien client"),
            else_="prospect",
        )
        expr = a.select("account_id", "name", "segment", status=status, arr=(a.mrr_t * 12).round(2))
        table: pa.Table = expr.to_pyarrow()
        return table

    def compute(self) -> dict[str, Any]:
        """The ``metrics`` object of dossier.json (see schemas/dossier.schema.json)."""
        ctx, facts, grid, settings = self.ctx, self.accounts, self.grid, self.settings
        cal = ctx.cal
        over = overview(ctx, facts, self.active)
        mrr_rows, identity = movements(ctx, grid)
        cycle = _deals.sales_cycle_by(ctx, facts, "size_band")
        seg_sums = _groups.group_sums(ctx, facts, "segment", "segments")
        clients = {k: s.clients for k, s in seg_sums.items()}
        churn_out = churn(ctx, grid, facts, clients)
        monthly = {r["name"]: r["monthly"]["value"] for r in churn_out["by_segment"]}
        segments = _groups.segments(ctx, seg_sums, monthly)
        order = [r["name"] for r in segments]
        churn_out["by_segment"] = _ordered(churn_out["by_segment"], order)
        exp = expansion(ctx, facts, clients)
        exp["by_segment"] = _ordered(exp["by_segment"], order)
        by_arr = over["mrr"] > 0

        result: dict[str, Any] = {
            "as_of": cal.t.isoformat(),
            "currency": settings.currency,
            "window": cal.window(),
            "overview": over,
            "segmentation": {
                "by": self.segment_basis,
                "label": fg.SEGMENT_BASES[self.segment_basis],
                "segments": len(segments),
                "ltv_method": LTV_METHOD,
                "gross_margin": settings.gross_margin,
            },
            "sizes": _groups.sizes(ctx, facts, cycle),
            "industries": _groups.industries(ctx, facts),
            "regions": _groups.regions(ctx, facts),
            "segments": segments,
            "churn": churn_out,
            "expansion": exp,
            "mrr_movements": mrr_rows,
            "checks": {"mrr_identity": identity},
            "top_clients": top_clients(ctx, facts, by_arr),
            "top_clients_ranked_by": "arr" if by_arr else "revenue",
            "lost_reasons": _deals.lost_reasons(ctx, facts),
            "win_rate": _deals.win_rate(ctx),
            "win_rate_by_segment": _deals.win_rate_by(ctx, facts, "segment"),
            "win_rate_by_size": _deals.win_rate_by(ctx, facts, "size_band"),
            "competitors": _deals.competitors(ctx),
            "deals": _deals.sales_cycle(ctx),
            "journey": journey(ctx),
        }
        for family in REVENUE_FAMILIES:
            ctx.need(family, "revenue")
        result["missing"] = ctx.missing
        result["provenance"] = ctx.provenance_map()
        return result


def compute_metrics(
    con: ibis.BaseBackend, tables: Mapping[str, ibis.Table], settings: Settings
) -> dict[str, Any]:
    """Open a session, compute every metric, close it (temporary tables dropped)."""
    with MetricsSession(con, tables, settings) as session:
        return session.compute()
