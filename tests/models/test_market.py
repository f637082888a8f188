"""TAM on a SIRENE-shaped file (the real StockUniteLegale header), checked by a direct count."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import ibis
import pytest
from typer.testing import CliRunner

from personae.cli import app
from personae.errors import ImportFormatError
from personae.importers.sirene import import_sirene
from personae.models.market import count_tam, open_market, tranches_within
from personae.pipeline import compute_dossier
from tests.models.test_icp import _company

ROOT = Path(__file__).resolve().parents[2]
# shared/ lies beside the clone (CI, main), or two levels up from a worktree.
HEADER = next(
    (
        p
        for base in (ROOT.parent, ROOT.parent.parent)
        if (p := base / "shared" / "real" / "sirene" / "StockUniteLegale.HEADER-ONLY.csv").exists()
    ),
    ROOT.parent / "shared" / "real" / "sirene" / "StockUniteLegale.HEADER-ONLY.csv",
)
ROWS = 1_000_000
NAF = ["62.01Z", "62.02A", "49.41A", "49.41B", "49.42Z", "86.21Z", "47.11A", "", "70.22Z"]
TRANCHES = ["NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", ""]


def _header() -> list[str]:
    if not HEADER.exists():
        pytest.skip(f"real SIRENE header not found at {HEADER}")
    return HEADER.read_text(encoding="utf-8").strip().split(",")


@pytest.fixture(scope="module")
def sirene(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """1 M units with the real header: Parquet, CSV and zipped CSV of the same rows."""
    cols = _header()
    out = tmp_path_factory.mktemp("sirene")
    exprs = []
    for c in cols:
        if c == "siren":
            exprs.append("lpad(CAST(i AS VARCHAR), 9, '0') AS siren")
        elif c == "etatAdministratifUniteLegale":
            exprs.append("CASE WHEN i % 7 = 0 THEN 'C' ELSE 'A' END AS " + c)
        elif c == "activitePrincipaleUniteLegale":
            naf = ", ".join(f"'{n}'" for n in NAF)
            exprs.append(f"NULLIF(list_value({naf})[1 + i % {len(NAF)}], '') AS {c}")
        elif c == "activitePrincipaleNAF25UniteLegale":
            exprs.append(f"CASE WHEN i % {len(NAF)} = 7 THEN '49.41C' ELSE NULL END AS {c}")
        elif c == "trancheEffectifsUniteLegale":
            tr = ", ".join(f"'{t}'" for t in TRANCHES)
            exprs.append(f"NULLIF(list_value({tr})[1 + (i // 3) % {len(TRANCHES)}], '') AS {c}")
        elif c == "dateDernierTraitementUniteLegale":
            exprs.append(f"'2025-11-0' || CAST(1 + i % 9 AS VARCHAR) || 'T03:12:00' AS {c}")
        else:
            exprs.append(f"NULL::VARCHAR AS {c}")
    con = duckdb.connect()
    select = f"SELECT {', '.join(exprs)} FROM range({ROWS}) t(i)"
    files = {"parquet": out / "StockUniteLegale.parquet", "csv": out / "StockUniteLegale.csv"}
    con.execute(f"COPY ({select}) TO '{files['parquet']}' (FORMAT parquet)")
    con.execute(f"COPY ({select}) TO '{files['csv']}' (HEADER, DELIMITER ',')")
    files["zip"] = out / "StockUniteLegale_utf8.zip"
    with zipfile.ZipFile(files["zip"], "w", zipfile.ZIP_DEFLATED) as z:
        z.write(files["csv"], "StockUniteLegale_utf8.csv")
    con.close()
    return files


def _direct(path: Path, prefixes: list[str], tranches: list[str]) -> int:
    """The same count written as plain SQL on the Parquet file."""
    con = duckdb.connect()
    naf = (
        "replace(coalesce(activitePrincipaleUniteLegale, activitePrincipaleNAF25UniteLegale),"
        " '.', '')"
    )
    like = " OR ".join(f"starts_with({naf}, '{p.replace('.', '')}')" for p in prefixes)
    tr = ", ".join(f"'{t}'" for t in tranches)
    sql = (
        f"SELECT count(*) FROM read_parquet('{path}') WHERE etatAdministratifUniteLegale = 'A'"
        f" AND ({like})" + (f" AND trancheEffectifsUniteLegale IN ({tr})" if tranches else "")
    )
    row = con.execute(sql).fetchone()
    con.close()
    assert row is not None
    return int(row[0])


def test_tranches_wholly_inside_the_range() -> None:
    assert tranches_within((10, 49)) == ["11", "12"]
    assert tranches_within((11, 250)) == ["12", "21", "22", "31"]
    assert tranches_within((5000, None)) == ["52", "53"]


@pytest.mark.parametrize("kind", ["parquet", "csv", "zip"])
def test_tam_count_matches_a_direct_count(sirene: dict[str, Path], kind: str) -> None:
    con = ibis.duckdb.connect()
    market = open_market(con, sirene[kind])
    got = count_tam(market, ("49.4", "62.01Z"), (10, 49))
    con.disconnect()
    expected = _direct(sirene["parquet"], ["49.4", "62.01Z"], ["11", "12"])
    assert got["count"] == expected > 10_000
    assert got["rows"] == ROWS and got["file_date"] == "2025-11-09"


def test_naf_2025_used_when_rev2_is_empty(sirene: dict[str, Path]) -> None:
    con = ibis.duckdb.connect()
    market = open_market(con, sirene["parquet"])
    only_25 = count_tam(market, ("49.41C",), None)["count"]
    con.disconnect()
    assert only_25 == _direct(sirene["parquet"], ["49.41C"], []) > 0


def test_import_sirene_keeps_needed_columns(sirene: dict[str, Path], tmp_path: Path) -> None:
    written = import_sirene([sirene["zip"]], tmp_path)
    con = ibis.duckdb.connect()
    market = con.read_parquet(str(written["market"]))
    assert "denominationUniteLegale" not in market.columns
    assert count_tam(market, ("86",), (1, 2))["count"] == _direct(sirene["parquet"], ["86"], ["01"])
    con.disconnect()


def test_tam_in_the_dossier_and_without_market(tmp_path: Path, sirene: dict[str, Path]) -> None:
    data = _company(tmp_path / "d", clients=40, prospects=0)
    d = compute_dossier(data=data)
    assert "6.4" not in d.answers
    assert "market_file" in d.missing["6.4"]
    config = tmp_path / "personae.toml"
    config.write_text(
        f'[personae]\nicp_naf_codes = ["49.4"]\nicp_employees = "10-49"\n'
        f'market_file = "{sirene["parquet"]}"\n'
    )
    d = compute_dossier(data=data, config=config)
    expected = _direct(sirene["parquet"], ["49.4"], ["11", "12"])
    assert d.models["tam"]["count"] == expected
    text = d.answers["6.4"].value
    assert "StockUniteLegale.parquet (réglage market_file)" in text and "49.4" in text
    assert "à jour au 9 novembre 2025" in text


def test_import_sirene_refuses_another_file(tmp_path: Path) -> None:
    other = tmp_path / "companies.csv"
    other.write_text("Name,Industry\nAcme,Retail\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        import_sirene([other], tmp_path / "out")
    assert "etatAdministratifUniteLegale" in str(err.value)
    assert not (tmp_path / "out" / "market.parquet").exists()


def test_cli_import_sirene(sirene: dict[str, Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["import", "sirene", str(sirene["csv"]), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "market.parquet").exists()
