"""Sections 3, 4 and 5: clients by size band, industry and region."""

from __future__ import annotations

from typing import Any

from personae.dossier.kinds import fmt_money
from personae.fill._rule import Metrics, Need, rule
from personae.fill._text import best, clients_cell, or_nd, pct, value_of, with_clients
from personae.metrics.labels import B2C_BAND, NOT_GIVEN, OTHERS, SIZE_BANDS


@rule("sizes", ("3.1", "3.2", "3.coeur_de_cible"), needs=("revenue",))
def sizes(m: Metrics) -> dict[str, Any]:
    rows = m.get("sizes") or []
    if not rows:
        return {}
    parts = [f"{r['name']} {pct(r['client_share'])} des clients" for r in with_clients(rows)]
    out: dict[str, Any] = {"3.1": " ; ".join(parts)}
    named = [r for r in rows if r["name"] not in (NOT_GIVEN, B2C_BAND)]
    core = best(named, lambda r: value_of(r["revenue_share"]), robust=False)
    if core and value_of(core["revenue_share"]):
        out["3.coeur_de_cible"] = f"{core['name']} d'après les données"
        out["3.2"] = (
            f"{core['name']} d'après les données : {pct(core['revenue_share'])} du CA, "
            f"{pct(core['client_share'])} des clients"
        )
    return out


ALL_SIZES = "Toutes tailles"


@rule(
    ("sizes", "deals"),
    (),
    columns={
        "3.repartition_par_taille": ("taille", "nb_clients", "pct_ca", "arpu", "cycle_de_vente")
    },
)
def size_table(m: Metrics) -> dict[str, Any]:
    """The table by size: clients and revenue from ``revenue``, the sales cycle from ``deals``
    alone (a CRM-only folder has the cycle, and then its overall median in a last row)."""
    rows = m.get("sizes") or []
    records = list(m.get("missing") or [])
    if Need("revenue").unmet_in(records) is None:
        table = [
            {
                "taille": r["name"],
                "nb_clients": clients_cell(r),
                "pct_ca": value_of(r["revenue_share"]),
                "arpu": or_nd(r.get("arpu"), lambda v: fmt_money(v, per_year=True)),
                "cycle_de_vente": or_nd(r.get("sales_cycle_days"), round),
            }
            for r in rows
            if r.get("clients") or r["name"] in SIZE_BANDS
        ]
        return {"3.repartition_par_taille": table} if rows else {}
    overall = (m.get("deals") or {}).get("sales_cycle_days")
    cycles = [
        {"taille": r["name"], "cycle_de_vente": or_nd(r.get("sales_cycle_days"), round)}
        for r in rows
        if r["name"] in SIZE_BANDS or r.get("sales_cycle_days") is not None
    ]
    if overall is None and all(r["cycle_de_vente"] == "n/d" for r in cycles):
        return {}
    if overall is not None:
        cycles.append({"taille": ALL_SIZES, "cycle_de_vente": round(overall)})
    return {"3.repartition_par_taille": cycles}


@rule(
    "industries",
    ("4.1", "4.2"),
    columns={"4.repartition_par_industrie": ("industrie", "nb_clients", "pct_ca")},
    needs=("revenue",),
)
def industries(m: Metrics) -> dict[str, Any]:
    rows = m.get("industries") or []
    if not rows:
        return {}
    table = [
        {
            "industrie": r["name"],
            "nb_clients": clients_cell(r),
            "pct_ca": value_of(r["revenue_share"]),
        }
        for r in rows
        if r.get("clients")
    ]
    named = [r for r in rows if r["name"] not in (OTHERS, B2C_BAND, NOT_GIVEN) and r.get("clients")]
    out: dict[str, Any] = {"4.repartition_par_industrie": table}
    if named:
        out["4.1"] = ", ".join(r["name"] for r in named) + (
            " et d'autres" if len(table) > len(named) else ""
        )
        out["4.2"] = " ; ".join(f"{r['name']} ({pct(r['revenue_share'])} du CA)" for r in named[:3])
    return out


@rule(
    "regions",
    ("5.1", "5.2"),
    columns={"5.repartition_geographique": ("pays_region", "nb_clients", "pct_ca")},
    needs=("revenue",),
)
def regions(m: Metrics) -> dict[str, Any]:
    rows = m.get("regions") or []
    if not [r for r in rows if r["name"] != NOT_GIVEN and r.get("clients")]:
        return {}  # no client the data can place
    table = [
        {
            "pays_region": r["name"],
            "nb_clients": clients_cell(r),
            "pct_ca": value_of(r["revenue_share"]),
        }
        for r in rows
        if r.get("clients")
    ]
    out: dict[str, Any] = {
        "5.repartition_geographique": table,
        "5.1": " ; ".join(
            f"{r['name']} {pct(r['client_share'])} des clients" for r in with_clients(rows)
        ),
    }
    top = best(
        [r for r in rows if r["name"] != NOT_GIVEN],
        lambda r: value_of(r["revenue_share"]),
        robust=False,
    )
    if top:
        out["5.2"] = f"{top['name']} : {pct(top['revenue_share'])} du CA"
    return out
