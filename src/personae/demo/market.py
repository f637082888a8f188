"""Quickfund's market: a SIRENE-shaped ``market.parquet`` for the TAM (DESIGN §5 "TAM").

A fictitious universe of legal units in INSEE's ``StockUniteLegale`` layout (the columns
the TAM reads, under INSEE's names): a share of them in the demo's industries (the NAF
codes its accounts carry), the rest spread over every sub-class of INSEE's NAF rév. 2
list shipped with the package; headcount tranches with INSEE's codes; about one unit in
eight ceased (``C``); units created since 2025 with only the NAF 2025 column filled. The
number of active units that match the planted ICP is written to ``truth.json``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from personae.demo import company as qf
from personae.demo.accounts import NAF
from personae.models.market import NAF25, STATE, TRANCHE, TRANCHES, UPDATED, tranches_within
from personae.models.naf import subclasses

UNITS: dict[str, int] = {"S": 400_000, "M": 1_000_000, "L": 3_000_000}
DEMO_NAF_SHARE = 0.30  # units in the demo's industries; the rest over all of NAF rév. 2
CEASED = 0.125
NAF25_ONLY = 0.02  # units whose rév. 2 column is empty (created under NAF 2025)
# Headcount tranche weights (a fictitious market, richer in employers than INSEE's stock).
TRANCHE_WEIGHTS: dict[str, float] = {
    "NN": 0.40,
    "00": 0.20,
    "01": 0.10,
    "02": 0.07,
    "03": 0.05,
    "11": 0.05,
    "12": 0.045,
    "21": 0.025,
    "22": 0.02,
    "31": 0.01,
    "32": 0.01,
    "41": 0.007,
    "42": 0.005,
    "51": 0.004,
    "52": 0.002,
    "53": 0.002,
}
COLUMNS = ("siren", STATE, "activitePrincipaleUniteLegale", NAF25, TRANCHE, UPDATED)


def market_table(seed: int, units: int) -> pa.Table:
    rng = np.random.default_rng([seed, 7_031_983])  # a stream of its own
    demo_codes = [c for codes in NAF.values() for c in codes]
    every = subclasses()
    pool = pa.array(demo_codes + every)
    in_demo = rng.random(units) < DEMO_NAF_SHARE
    pick = np.where(
        in_demo,
        rng.integers(0, len(demo_codes), units),
        len(demo_codes) + rng.integers(0, len(every), units),
    )
    code = pool.take(pa.array(pick))
    names = pa.array(list(TRANCHE_WEIGHTS))
    weights = np.array(list(TRANCHE_WEIGHTS.values()))
    tranche = names.take(pa.array(rng.choice(len(names), units, p=weights / weights.sum())))
    ceased = rng.random(units) < CEASED
    only25 = pa.array(rng.random(units) < NAF25_ONLY)
    days = rng.integers(0, 365, units)
    updated = np.datetime64(qf.AS_OF) - days.astype("timedelta64[D]")
    siren = pc.utf8_lpad(pa.array(100_000_000 + rng.permutation(units)).cast(pa.string()), 9, "0")
    null = pa.nulls(units, pa.string())
    return pa.table(
        {
            "siren": siren,
            STATE: pa.array(["A", "C"]).take(pa.array(ceased.astype(np.int8))),
            "activitePrincipaleUniteLegale": pc.if_else(only25, null, code),
            NAF25: pc.if_else(only25, code, null),
            TRANCHE: tranche,
            UPDATED: pa.array(updated).cast(pa.string()),
        }
    )


def write_market(data: Path, seed: int, units: int) -> dict[str, Any]:
    """Write ``data/market.parquet`` atomically; the planted TAM for truth.json."""
    table = market_table(seed, units)
    tmp = data / ".market.parquet.tmp"
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, data / "market.parquet")
    codes = sorted(NAF[qf.ICP_INDUSTRY])
    inside = tranches_within(qf.ICP_EMPLOYEES)
    naf = pc.coalesce(table["activitePrincipaleUniteLegale"], table[NAF25])
    active = pc.equal(table[STATE], "A")
    icp = pc.and_(
        active,
        pc.and_(
            pc.is_in(naf, value_set=pa.array(codes)),
            pc.is_in(table[TRANCHE], value_set=pa.array(inside)),
        ),
    )
    return {
        "file": "market.parquet",
        "units": units,
        "active": int(pc.sum(active).as_py()),
        "icp_naf_codes": codes,
        "icp_tranches": inside,
        "icp_tam": int(pc.sum(icp).as_py()),
        "tranche_codes": list(TRANCHES),
    }
