"""Generate the demo company: every canonical table, chunk by chunk, plus truth.json.

Customers are generated in chunks of :data:`CHUNK_CUSTOMERS`; each chunk has its own
random streams (``SeedSequence([seed, chunk])``), its own block of identifiers, and is
written before the next one is drawn, so the largest size streams in bounded memory
and the same seed always gives the same bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from personae.demo import accounts, billing, deals, market, notes, people, usage
from personae.demo import company as qf
from personae.demo.dates import AS_OF_DAY, DAY_SECONDS
from personae.demo.draw import Ints, categorical, categorical_by, mix_table
from personae.demo.tables import TableWriter, to_table
from personae.demo.truth import truth
from personae.errors import InputError, Problem

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Size:
    name: str
    customers: int
    file_format: str


SIZES: dict[str, Size] = {
    "S": Size("S", 2_000, "csv"),
    "M": Size("M", 50_000, "parquet"),
    "L": Size("L", 1_000_000, "parquet"),
}
CHUNK_CUSTOMERS = 25_000
BLOCK = 1_000_000
"""Identifier numbers reserved per chunk (accounts, contacts and deals each)."""

_SHARES = np.array([s.share for s in qf.SEGMENTS])
_B2B = np.array([s.kind == "B2B" for s in qf.SEGMENTS])
CHURN_REASONS: tuple[str, ...] = tuple(
    dict.fromkeys(r for s in qf.SEGMENTS for r in s.churn_reasons)
)
_CHURN_MIX = mix_table([s.churn_reasons for s in qf.SEGMENTS], CHURN_REASONS)


def generate(
    out_dir: Path,
    *,
    size: str = "S",
    seed: int = 0,
    progress: Progress | None = None,
    customers: int | None = None,
    fraction: float | None = None,
    file_format: str | None = None,
) -> Path:
    """Write Quickfund's canonical tables and ``truth.json`` into ``out_dir/data``.

    ``size`` is a key of :data:`SIZES`; ``customers`` (an exact count) or ``fraction``
    (of the size's count) scale a run down, e.g. ``size="L", fraction=0.1``.
    ``progress(step, done, total)`` is called after each chunk. Returns the data folder.
    """
    if size not in SIZES:
        raise InputError(
            f"unknown demo size {size!r}",
            [Problem("--size", f"unknown size {size!r}", hint=f"use one of {', '.join(SIZES)}")],
        )
    spec = SIZES[size]
    total = customers if customers is not None else round(spec.customers * (fraction or 1.0))
    if total < 1:
        raise InputError("the demo needs at least one customer", [Problem("--size", "0 customers")])
    data = Path(out_dir) / "data"
    data.mkdir(parents=True, exist_ok=True)
    chunks = [CHUNK_CUSTOMERS] * (total // CHUNK_CUSTOMERS)
    if total % CHUNK_CUSTOMERS:
        chunks.append(total % CHUNK_CUSTOMERS)
    done = 0
    with TableWriter(data, file_format or spec.file_format) as writer:
        for index, n in enumerate(chunks):
            for name, table in chunk_tables(seed, index, n).items():
                writer.write(name, table)
            done += n
            if progress is not None:
                progress("customers", done, total)
        rows = dict(writer.rows)
    planted = truth(size, seed, total, rows, {k: asdict(v) for k, v in SIZES.items()})
    planted["market"] = market.write_market(data, seed, market.UNITS[size])
    text = json.dumps(
        planted,
        ensure_ascii=False,
        indent=2,
    )
    tmp = data / ".truth.json.tmp"
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, data / "truth.json")
    if progress is not None:
        progress("truth", 1, 1)
    return data


def _order_by(major: Ints, minor: Ints) -> Ints:
    """Stable order by (major, minor), both non-negative and minor < 2**32: one sort key."""
    key = (major.astype(np.int64) << 32) | minor
    order: Ints = np.argsort(key, kind="stable")
    return order


def _ids(prefix: str, numbers: Ints) -> pa.Array:
    return pa.array([f"{prefix}{x:08d}" for x in numbers.tolist()], pa.string())


def _dates(values: np.ndarray) -> pa.Array:
    return pa.array(values, mask=np.isnat(values))


def chunk_tables(seed: int, index: int, n: int) -> dict[str, pa.Table]:
    """Every table's rows for chunk ``index`` of ``n`` customers."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence([seed, index]).spawn(9)]
    r_mix, r_bill, r_firm, r_people, r_deals, r_usage, r_notes, r_touch, r_seats = streams

    # customers, then the prospects their deals imply, then leads
    seg_c = categorical(r_mix, _SHARES, n)
    won_by_seg = np.bincount(seg_c[_B2B[seg_c]], minlength=len(qf.SEGMENTS))
    win = np.array([s.win_rate for s in qf.SEGMENTS])
    n_lost = r_mix.poisson(won_by_seg * (1 - win) / win)
    n_open = r_mix.poisson(won_by_seg * qf.OPEN_DEALS_PER_WON)
    seg_lost = np.repeat(np.arange(len(qf.SEGMENTS)), n_lost)
    seg_open = np.repeat(np.arange(len(qf.SEGMENTS)), n_open)
    seg_lead = categorical(r_mix, _SHARES, int(r_mix.poisson(n * qf.LEADS_PER_CUSTOMER)))
    segment = np.concatenate([seg_c, seg_lost, seg_open, seg_lead])
    n_acc = len(segment)
    if n_acc >= BLOCK:
        raise ValueError("chunk too large for its identifier block")
    number = index * BLOCK + 1 + r_mix.permutation(n_acc)
    account_id = _ids("A", number)
    lost_local = n + np.arange(len(seg_lost))
    open_local = n + len(seg_lost) + np.arange(len(seg_open))
    lead_local = n + len(seg_lost) + len(seg_open) + np.arange(len(seg_lead))

    columns = accounts.firmographics(r_firm, segment)
    employees = pc.fill_null(columns["employees"], 0).to_numpy().astype(np.float64)
    seats = billing.extra_seats(r_seats, employees[:n])
    spells = billing.simulate(r_bill, seg_c, accounts.in_icp_cell(columns)[:n], seats)
    lines = billing.invoices(r_bill, spells)
    first_rows = np.arange(n)
    first_day = spells.period_start(np.zeros(n, np.int64), first_rows)

    # accounts
    last = np.arange(n)
    last[spells.account[n:]] = n + np.arange(len(spells.account) - n)
    gone = spells.churned[last]
    reason = categorical_by(r_firm, _CHURN_MIX, seg_c)
    reason_ok = gone & (r_firm.random(n) >= qf.CHURN_REASON_MISSING)
    churn_reason = np.full(n_acc, -1)
    churn_reason[:n] = np.where(reason_ok, reason, -1)
    veteran = spells.start[:n] <= qf.N_MONTHS - 1 - 24
    case = np.zeros(n_acc, dtype=np.bool_)
    case[:n] = _B2B[seg_c] & ~gone & veteran & (r_firm.random(n) < qf.CASE_STUDY_SHARE)
    columns["account_id"] = account_id
    columns["case_study"] = pa.array(case)
    columns["churn_reason"] = pa.array(CHURN_REASONS, pa.string()).take(
        pa.array(churn_reason, mask=churn_reason < 0)
    )
    order = np.argsort(number, kind="stable")
    tables = {"accounts": to_table("accounts", columns).take(pa.array(order))}

    # revenue
    order = _order_by(number[lines.account], lines.date.astype(np.int64) * 16 + lines.product)
    no_period = ~lines.has_period[order]
    tables["revenue"] = to_table(
        "revenue",
        {
            "account_id": account_id.take(pa.array(lines.account[order])),
            "date": pa.array(lines.date[order]),
            "amount": pa.array(lines.amount[order]),
            "recurring": pa.array(lines.recurring[order]),
            "period_start": pa.array(lines.period_start[order], mask=no_period),
            "period_end": pa.array(lines.period_end[order], mask=no_period),
            "product": pa.array(billing.PRODUCTS).take(pa.array(lines.product[order])),
        },
    )

    # contacts, numbered in account order
    contacts = people.contacts(r_people, segment)
    c_order = np.lexsort((np.arange(len(contacts.account)), number[contacts.account]))
    c_rank = np.empty_like(c_order)
    c_rank[c_order] = np.arange(len(c_order))
    contact_id = _ids("C", index * BLOCK + 1 + c_rank)
    tables["contacts"] = to_table(
        "contacts",
        {
            "contact_id": contact_id.take(pa.array(c_order)),
            "account_id": account_id.take(pa.array(contacts.account[c_order])),
            **{k: v.take(pa.array(c_order)) for k, v in contacts.table.items()},
        },
    )

    # deals, stages and touchpoints
    won = np.flatnonzero(_B2B[seg_c])
    mrr0 = spells.mrr()[:n, 0]
    pipe = deals.pipeline(
        r_deals,
        won_account=won,
        won_segment=seg_c[won],
        won_invoice=first_day[won],
        won_amount=12.0 * mrr0[won],
        lost_account=lost_local,
        lost_segment=seg_lost,
        lost_amount=billing.list_price(r_deals, seg_lost),
        open_account=open_local,
        open_segment=seg_open,
        open_amount=billing.list_price(r_deals, seg_open),
    )
    d_order = np.lexsort((number[pipe.account], pipe.created))
    d_rank = np.empty_like(d_order)
    d_rank[d_order] = np.arange(len(d_order))
    deal_id = _ids("D", index * BLOCK + 1 + d_rank)
    tables.update(_deal_tables(pipe, d_order, deal_id, account_id, columns))

    tables["touchpoints"] = _touchpoints(
        r_touch,
        pipe,
        spells,
        contacts,
        number,
        account_id,
        contact_id,
        deal_id,
        seg_c,
        first_day,
        lead_local,
    )

    # activity
    rate = usage.account_rates(r_usage, seg_c)
    events = usage.activity(r_usage, spells, rate)
    who = contacts.pick(r_usage, events.account)
    order = _order_by(number[events.account], events.time.astype(np.int64))
    tables["activity"] = to_table(
        "activity",
        {
            "account_id": account_id.take(pa.array(events.account[order])),
            "timestamp": pa.array(events.time[order]),
            "contact_id": contact_id.take(pa.array(who[order])),
            "event": pa.array(usage.EVENTS).take(pa.array(events.event[order])),
            "quantity": pa.array(events.quantity[order]),
        },
    )

    # notes
    lost = np.flatnonzero(pipe.status == 1)
    found = notes.notes(
        r_notes,
        spells,
        pipe.account[lost],
        pipe.closed[lost],
        pipe.reason[lost],
        pipe.competitor[lost],
        people.buyers(contacts),
    )
    order = np.lexsort((found.kind, found.date, number[found.account]))
    tables["notes"] = to_table(
        "notes",
        {
            "account_id": account_id.take(pa.array(found.account[order])),
            "date": pa.array(found.date[order]),
            "kind": pa.array(notes.KINDS).take(pa.array(found.kind[order])),
            "text": pa.array(notes.TEXTS).take(pa.array(found.text[order])),
        },
    )
    return tables


def _deal_tables(
    pipe: deals.Pipeline,
    order: Ints,
    deal_id: pa.Array,
    account_id: pa.Array,
    accounts_columns: dict[str, pa.Array],
) -> dict[str, pa.Table]:
    o = pa.array(order)
    reason = pa.array(pipe.reason, mask=pipe.reason < 0)
    competitor = pa.array(pipe.competitor, mask=pipe.competitor < 0)
    deals_table = to_table(
        "deals",
        {
            "deal_id": deal_id.take(o),
            "account_id": account_id.take(pa.array(pipe.account[order])),
            "created_at": pa.array(pipe.created[order]),
            "status": pa.array(deals.STATUSES).take(pa.array(pipe.status[order])),
            "closed_at": _dates(pipe.closed[order]),
            "amount": pa.array(pipe.amount[order]),
            "lost_reason": pa.array(deals.LOST_REASONS).take(reason).take(o),
            "competitor": pa.array(deals.COMPETITORS).take(competitor).take(o),
            "source": accounts_columns["acquisition_channel"].take(pa.array(pipe.account[order])),
        },
    )
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    s_order = np.lexsort((pipe.stage, rank[pipe.stage_deal]))
    stages = to_table(
        "deal_stages",
        {
            "deal_id": deal_id.take(pa.array(pipe.stage_deal[s_order])),
            "stage": pa.array((*qf.STAGES, *qf.CLOSING_STAGES)).take(pa.array(pipe.stage[s_order])),
            "entered_at": pa.array(pipe.entered[s_order]),
        },
    )
    return {"deals": deals_table, "deal_stages": stages}


def _touchpoints(
    rng: np.random.Generator,
    pipe: deals.Pipeline,
    spells: billing.Spells,
    contacts: people.Contacts,
    number: Ints,
    account_id: pa.Array,
    contact_id: pa.Array,
    deal_id: pa.Array,
    seg_c: Ints,
    first_day: np.ndarray,
    lead_local: Ints,
) -> pa.Table:
    """Deal touchpoints, customers' newsletters and webinars, B2C and leads' first steps."""
    acc = [pipe.account[pipe.touch_deal]]
    time = [pipe.touch_time]
    key = [pipe.touch_key]
    deal = [pipe.touch_deal]

    start = spells.period_start(np.zeros(len(spells.start), np.int64), np.arange(len(spells.start)))
    row, t, k = deals.customer_touchpoints(rng, start, spells.months)
    acc.append(spells.account[row])
    time.append(t)
    key.append(k)
    deal.append(np.full(len(row), -1))

    b2c = np.flatnonzero(~_B2B[seg_c])
    lead_day = billing.month_anchor_days(rng, len(lead_local))
    before = np.concatenate([first_day[b2c], lead_day])
    who = np.concatenate([b2c, lead_local])
    count = 1 + rng.poisson(1.0, len(who))
    rows = np.repeat(np.arange(len(who)), count)
    t = before[rows].astype("datetime64[s]") - (rng.random(len(rows)) * 45 * DAY_SECONDS).astype(
        np.int64
    )
    t = t - t.astype(np.int64) % 60
    keep = t < AS_OF_DAY.astype("datetime64[s]") + DAY_SECONDS
    acc.append(who[rows][keep])
    time.append(t[keep])
    key.append(deals.lead_touch_keys(rng, int(keep.sum())))
    deal.append(np.full(int(keep.sum()), -1))

    a: Ints = np.concatenate(acc)
    tm = np.concatenate(time)
    kk: Ints = np.concatenate(key)
    dl: Ints = np.concatenate(deal)
    person = contacts.pick(rng, a)
    order = np.lexsort((tm, number[a]))
    a, tm, kk, dl, person = a[order], tm[order], kk[order], dl[order], person[order]
    # the same touch twice in the same minute is an export's duplicate, not an event
    rows_key = np.stack([a, tm.astype(np.int64), kk, dl, person], axis=1)
    first = np.sort(np.unique(rows_key, axis=0, return_index=True)[1])
    a, tm, kk, dl, person = a[first], tm[first], kk[first], dl[first], person[first]
    channel = pa.array([c for c, _ in deals.TOUCH_KEYS])
    content = pa.array([c for _, c in deals.TOUCH_KEYS])
    return to_table(
        "touchpoints",
        {
            "account_id": account_id.take(pa.array(a)),
            "timestamp": pa.array(tm),
            "channel": channel.take(pa.array(kk)),
            "contact_id": contact_id.take(pa.array(person)),
            "deal_id": deal_id.take(pa.array(dl, mask=dl < 0)),
            "content": content.take(pa.array(kk)),
        },
    )
