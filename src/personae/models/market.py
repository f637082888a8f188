"""TAM: the companies of the market file that match the ICP (DESIGN §5 "TAM").

The market file is INSEE's SIRENE ``StockUniteLegale`` (≈ 30 M rows) as published — CSV,
zipped CSV or Parquet — or the ``market`` table that ``personae import sirene`` writes.
The engine scans it (DuckDB ``read_csv`` / ``read_parquet`` with only the needed columns;
a zipped CSV is streamed through Arrow's CSV reader), never loading it whole, and counts
the active units (``etatAdministratifUniteLegale = A``) whose NAF code (rév. 2, or NAF
2025 where the rév. 2 column is empty) matches the ICP's codes — exact, or a prefix such
as ``49.4`` — and whose INSEE headcount tranche lies wholly inside the ICP's range.
The file's date is the latest ``dateDernierTraitementUniteLegale`` it holds.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import ibis
import pyarrow as pa
import pyarrow.csv as pacsv

from personae.errors import DataError, Problem

FAMILY = "tam"  # its SQL in metrics.provenance

if TYPE_CHECKING:
    from personae.models.run import ModelOutput

# INSEE's trancheEffectifsUniteLegale codes → headcount (low, high); None = no upper bound.
TRANCHES: dict[str, tuple[int, int | None]] = {
    "00": (0, 0),
    "01": (1, 2),
    "02": (3, 5),
    "03": (6, 9),
    "11": (10, 19),
    "12": (20, 49),
    "21": (50, 99),
    "22": (100, 199),
    "31": (200, 249),
    "32": (250, 499),
    "41": (500, 999),
    "42": (1000, 1999),
    "51": (2000, 4999),
    "52": (5000, 9999),
    "53": (10000, None),
}
STATE = "etatAdministratifUniteLegale"
NAF = "activitePrincipaleUniteLegale"
NAF25 = "activitePrincipaleNAF25UniteLegale"
TRANCHE = "trancheEffectifsUniteLegale"
UPDATED = "dateDernierTraitementUniteLegale"
COLUMNS = ("siren", STATE, NAF, NAF25, TRANCHE, UPDATED)


def tranches_within(employees: tuple[int, int | None] | None) -> list[str]:
    """The tranche codes lying wholly inside a headcount range (all of them for None)."""
    if employees is None:
        return list(TRANCHES)
    lo, hi = employees
    out = []
    for code, (a, b) in TRANCHES.items():
        if a < lo:
            continue
        if hi is not None and (b is None or b > hi):
            continue
        out.append(code)
    return out


def _naf_key(col: ibis.Value) -> ibis.Value:
    """``62.01Z`` → ``6201Z`` (INSEE writes the codes in capitals, without spaces)."""
    return col.cast("string").replace(".", "")


def open_market(con: ibis.BaseBackend, path: Path) -> ibis.Table:
    """A lazy table over a SIRENE file with only the columns the count needs."""
    name = path.name.lower()
    if not path.is_file():
        raise DataError(
            f"{path}: no such market file",
            [Problem(str(path), "file not found", hint="check the setting market_file")],
        )
    if name.endswith(".parquet"):
        rel = con.read_parquet(str(path))
    elif name.endswith(".zip"):
        rel = _zip_table(con, path)
    else:
        rel = con.read_csv(str(path), header=True, all_varchar=True)
    missing = [c for c in (STATE, NAF, TRANCHE) if c not in rel.columns]
    if missing:
        raise DataError(
            f"{path}: not a SIRENE StockUniteLegale file",
            [
                Problem(
                    str(path),
                    f"column {c!r} missing",
                    hint="give INSEE's StockUniteLegale (CSV, zipped CSV or Parquet)",
                )
                for c in missing
            ],
        )
    keep = [c for c in COLUMNS if c in rel.columns]
    return rel.select(*keep)


def _zip_reader(path: Path) -> pa.RecordBatchReader:
    """The first CSV of a zip, streamed batch by batch with only the needed columns."""
    archive = zipfile.ZipFile(path)
    member = next(n for n in archive.namelist() if n.lower().endswith(".csv"))
    handle = archive.open(member)
    header = handle.readline().decode("utf-8-sig").strip().split(",")
    handle.close()
    wanted = [c.strip('"') for c in header if c.strip('"') in COLUMNS]
    return pacsv.open_csv(
        archive.open(member),
        read_options=pacsv.ReadOptions(block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(
            include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string())
        ),
    )


def _zip_table(con: ibis.BaseBackend, path: Path) -> ibis.Table:
    duck: duckdb.DuckDBPyConnection = con.con
    reader = _zip_reader(path)
    duck.register("personae_market_zip", reader)
    return con.table("personae_market_zip")


def count_tam(
    market: ibis.Table, naf_codes: tuple[str, ...], employees: tuple[int, int | None] | None
) -> dict[str, Any]:
    """Active units matching the NAF codes (or prefixes) and lying inside the range.

    One scan (a zipped CSV can be read only once): the NAF codes are normalised inside a
    CASE, so only for the rows that pass the cheap equality tests (state, tranche).
    """
    codes = tranches_within(employees) if employees is not None else []
    cheap = market[STATE] == "A"
    if employees is not None:  # no range stated: every unit, employer or not (NN, empty)
        cheap &= market[TRANCHE].cast("string").isin(codes)
    match: ibis.Value = ibis.literal(True)
    if naf_codes:
        naf = _naf_key(market[NAF]).nullif("")
        if NAF25 in market.columns:
            naf = naf.fill_null(_naf_key(market[NAF25]).nullif(""))
        keys = [c.upper().replace(".", "").strip() for c in naf_codes]
        match = ibis.or_(*(naf.startswith(k) for k in keys)).fill_null(False)
    hit = ibis.ifelse(cheap.fill_null(False), match, False)
    metrics: dict[str, Any] = {"count": hit.sum(), "rows": market.count()}
    if UPDATED in market.columns:
        metrics["latest"] = market[UPDATED].cast("string").max()
    agg = market.aggregate(**metrics)
    row = agg.to_pyarrow().to_pylist()[0]
    return {
        "sql": str(ibis.to_sql(agg)),
        "count": int(row["count"] or 0),
        "rows": int(row["rows"] or 0),
        "file_date": str(row["latest"])[:10] if row.get("latest") else None,
        "tranches": codes,
    }


def tam(session: Any, metrics: Mapping[str, Any], summaries: Mapping[str, Any]) -> ModelOutput:
    """The TAM step of :data:`personae.models.run.STEPS` (after the ICP)."""
    from personae.models.run import ModelOutput

    ctx = session.ctx
    criteria = (summaries.get("icp") or {}).get("criteria")
    file = ctx.settings.market_file
    if not file and "market" not in ctx.tables:
        ctx.need("tam.count", "market")
        return ModelOutput(
            {
                "count": None,
                "missing": "market",
                "reason": "aucun fichier marché : réglage market_file ou table market "
                "(SIRENE StockUniteLegale) absents",
            }
        )
    if not criteria:
        return ModelOutput(
            {
                "count": None,
                "reason": "pas d'ICP à compter, ni dégagé des clients ni déclaré (réglages "
                "icp_naf_codes et icp_employees)",
            }
        )
    if not (criteria.get("naf_codes") or criteria.get("employees")):
        return ModelOutput({"count": None, "reason": "l'ICP n'a ni code NAF ni effectif"})
    if criteria.get("industries") and not criteria.get("naf_codes"):
        return ModelOutput(
            {
                "count": None,
                "reason": "les meilleurs clients du secteur de l'ICP n'ont pas de code NAF "
                "(colonne naf_code) : réglage icp_naf_codes pour le préciser",
            }
        )
    naf_codes = tuple(criteria.get("naf_codes") or ())
    emp = criteria.get("employees")
    employees = None if emp is None else (int(emp[0]), None if emp[1] is None else int(emp[1]))
    if file:
        con = ibis.duckdb.connect()
        try:
            result = count_tam(open_market(con, Path(file)), naf_codes, employees)
        finally:
            con.disconnect()
        source: dict[str, Any] = {"file": Path(file).name, "setting": "market_file"}
    else:
        result = count_tam(ctx.tables["market"], naf_codes, employees)
        source = {"file": "market", "setting": None}
    ctx.provenance.setdefault("tam", []).append(result.pop("sql"))
    source.update({"rows": result["rows"], "date": result["file_date"]})
    filters = {
        "etat_administratif": "A",
        "naf_codes": list(naf_codes),
        "employees": None if employees is None else list(employees),
        "tranches": result["tranches"],
    }
    return ModelOutput({"count": result["count"], "filters": filters, "source": source})
