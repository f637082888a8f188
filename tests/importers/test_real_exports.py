"""Real export files, read in place from ``../shared/real`` (see its README): every row of
every file is accounted for (kept, or skipped with a counted reason), the tables validate,
and a report on each CRM gives the sales answers in the company's currency.

Expected counts come from reading the files by hand (``csv`` module, the README's
description of each); they are not taken from the importer.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from personae.errors import ImportFormatError, Problem
from personae.importers import ImportResult, run_import
from personae.pipeline import run_report
from personae.sources import validate

ROOT = Path(__file__).resolve().parents[2]
REAL = next(
    (
        p
        for p in (ROOT.parent / "shared" / "real", ROOT.parent.parent / "shared" / "real")
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "real",
)
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real is not beside the checkout")
pytestmark = needs_real


def _files(folder: str, *names: str) -> list[Path]:
    found = sorted((REAL / folder).glob("*.csv"))
    return [p for p in found if not names or any(n in p.name for n in names)]


def _records(path: Path, encoding: str = "utf-8-sig") -> int:
    """Data rows of a CSV file, counted by the csv module (multi-line cells are one row)."""
    with path.open(encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle))
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


def _accounted(result: ImportResult, files: list[Path], encoding: str = "utf-8-sig") -> None:
    for path in files:
        rows = result.rows[str(path)]
        assert rows.read == _records(path, encoding), path.name
        assert rows.balanced, (path.name, rows)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _said(result: ImportResult, text: str) -> str:
    found = [p for p in result.problems if text in p.message]
    assert found, [str(p) for p in result.problems]
    return found[0].message


# --- HubSpot ----------------------------------------------------------------------------


@pytest.mark.parametrize("date", ["2023-04-03", "2023-05-09", "2023-05-16"])
def test_hubspot_deals_keep_every_row(date: str, tmp_path: Path) -> None:
    files = _files("hubspot-en", f"all-deals-{date}")
    result = run_import("hubspot", files, tmp_path)
    _accounted(result, files)
    [rows] = result.rows.values()
    assert rows.kept == rows.read  # no deal lost: 87, 84, 87
    deals = _read(result.tables["deals"])
    with files[0].open(encoding="utf-8-sig", newline="") as handle:
        source = list(csv.DictReader(handle))
    abandoned = sum(r["Deal Stage"] == "Closed: abandoned" for r in source)
    lost = sum(r["Deal Stage"] == "Closed: lost" for r in source)
    won = sum(r["Deal Stage"] == "Closed: won" for r in source)
    status = Counter(d["status"] for d in deals)
    assert (status["won"], status["lost"]) == (won, lost + abandoned)
    assert Counter(d["lost_reason"] for d in deals)["Abandonné"] == abandoned
    message = _said(result, "deal stages read as")
    assert "'Closed: abandoned' → lost" in message
    assert validate(tmp_path).ok


def test_hubspot_all_properties_links_the_associated_companies(tmp_path: Path) -> None:
    files = _files("hubspot-en", "all-deals-2023-05-16")
    result = run_import("hubspot", files, tmp_path)
    deals = {d["deal_id"]: d for d in _read(result.tables["deals"])}
    linked = [d for d in deals.values() if d["account_id"]]
    assert len(deals) == 87 and len(linked) == 9  # "most deals have none"
    accounts = {a["account_id"]: a["name"] for a in _read(result.tables["accounts"])}
    assert accounts["7003159016"] == "UK Home Office"
    # the deal without a stage is kept, open, and said
    assert "'(empty)' → open" in _said(result, "deal stages read as")
    _said(result, "78 deal(s) kept without a company")


def test_hubspot_every_file_at_once(tmp_path: Path) -> None:
    files = _files("hubspot-en")
    result = run_import("hubspot", files, tmp_path)
    _accounted(result, files)
    # the 4-column deals view has no rows: its missing columns are a warning, not an error
    _said(result, "the file has no rows, so nothing is lost")
    contacts = _read(result.tables["contacts"])
    assert len(contacts) == 6 and all(c.get("account_id", "") == "" for c in contacts)
    repeated = sum(
        n for r in result.rows.values() for why, n in r.skipped.items() if why.startswith("repeats")
    )
    deals = _read(result.tables["deals"])
    assert len(deals) + repeated == 87 + 84 + 87  # the three exports overlap
    # the most recent export (16 May) wins: all its 87 deals kept, as it has them
    newest = str(_files("hubspot-en", "2023-05-16")[0])
    assert result.rows[newest].kept == 87
    assert Counter(d["lost_reason"] for d in deals)["Abandonné"] >= 27
    assert validate(tmp_path).ok


def test_hubspot_stage_status_setting(tmp_path: Path) -> None:
    from personae.settings import Settings

    files = _files("hubspot-en", "all-deals-2023-04-03")
    settings = Settings(stage_status={"On hold / future opportunity": "lost"})
    result = run_import("hubspot", files, tmp_path, settings)
    assert "'On hold / future opportunity' → lost (stage_status setting, 13)" in _said(
        result, "deal stages read as"
    )


def test_hubspot_only_folder_gives_the_sales_answers(tmp_path: Path) -> None:
    run_import("hubspot", _files("hubspot-en", "all-deals-2023-05-16"), tmp_path / "data")
    report = run_report(tmp_path / "out", data=tmp_path / "data")
    d = json.loads((tmp_path / "out" / "dossier.json").read_text(encoding="utf-8"))
    assert d["metrics"]["as_of"] == "2023-05-31"  # end of the month of the latest deal date
    assert d["metrics"]["win_rate"]["numerator"] == 11
    questions = {q["id"]: q for q in d["questions"]}
    assert (
        questions["12.1"]["answered"] and "Abandonné (52,0\u00a0%)" in questions["12.1"]["answer"]
    )
    assert not questions["1.1"]["answered"]
    assert report.dossier.missing["1.1"].startswith("table revenue absente")
    # the sales cycle from deals alone: median days from creation to close of the 11 won
    sizes = d["tables"]["3.repartition_par_taille"]
    assert sizes["source"] == "data"
    assert sizes["rows"][-1] == {"taille": "Toutes tailles", "cycle_de_vente": 35}
    assert d["metrics"]["deals"]["sales_cycle_days"] == 35


# --- Stripe -----------------------------------------------------------------------------


def test_stripe_customers_guests_are_skipped_and_counted(tmp_path: Path) -> None:
    files = _files("stripe", "eqho-unified_customers")
    result = run_import("stripe", files, tmp_path)
    _accounted(result, files)
    [rows] = result.rows.values()
    assert rows.read == 60 and rows.kept == 51
    assert sum(n for why, n in rows.skipped.items() if why.startswith("guest")) == 9
    _said(result, "9 guest customer row(s) skipped")
    accounts = _read(result.tables["accounts"])
    assert {a["country"] for a in accounts} <= {"US", ""}  # the card's country
    assert sum(a["country"] == "US" for a in accounts) > 0
    assert "stripe_account_id" in accounts[0]  # metadata kept
    assert not any("@" in a["name"] for a in accounts)  # e-mail addresses are not names
    assert validate(tmp_path).ok


def test_stripe_payments_are_revenue_in_the_account_currency(tmp_path: Path) -> None:
    files = _files("stripe", "overlays-unified_payments")
    result = run_import("stripe", files, tmp_path)
    _accounted(result, files)
    [line] = _read(result.tables["revenue"])
    assert (line["amount"], line["recurring"], line["date"]) == ("534.8", "true", "2024-06-07")
    assert result.currency == "THB"
    meta = json.loads((tmp_path / "_meta.json").read_text(encoding="utf-8"))
    assert meta["currency"]["revenue"] == "THB"


def test_stripe_invoices_and_header_only_files(tmp_path: Path) -> None:
    files = _files("stripe", "primeorca")
    result = run_import("stripe", files, tmp_path)
    _accounted(result, files)
    assert result.currency == "USD"
    assert validate(tmp_path).ok


def test_stripe_two_businesses_in_two_currencies_are_refused(tmp_path: Path) -> None:
    files = _files("stripe", "primeorca-invoices", "overlays-unified_payments")
    with pytest.raises(ImportFormatError, match="1 problem") as caught:
        run_import("stripe", files, tmp_path)
    assert "different currencies" in caught.value.problems[0].message
    assert not tmp_path.joinpath("revenue.csv").exists()


# --- Pipedrive --------------------------------------------------------------------------


def test_pipedrive_portuguese_export(tmp_path: Path) -> None:
    files = _files("pipedrive")
    result = run_import("pipedrive", files, tmp_path / "data")
    _accounted(result, files, "utf-8")
    assert {Path(f).name: r.kept for f, r in result.rows.items()} == {
        "hsgrowth-pt-deals-21427617-45.sample.csv": 290,
        "hsgrowth-pt-organizations-21427617-46.first157.csv": 157,
        "hsgrowth-pt-people-21427617-47.linked.csv": 216,
    }
    deals = _read(result.tables["deals"])
    assert Counter(d["status"] for d in deals) == {"lost": 142, "won": 133, "open": 15}
    assert sum(d["account_id"] == "" for d in deals) == 40  # "the first 40 deals without one"
    assert result.currency == "BRL"
    contacts = {c["contact_id"]: c for c in _read(result.tables["contacts"])}
    assert (
        sum(c["job_title"] == "ENGENHEIRO DE SEGURANÇA DO TRABALHO" for c in contacts.values()) == 2
    )
    report = validate(tmp_path / "data")
    assert report.ok, report.errors

    run_report(tmp_path / "out", data=tmp_path / "data", as_of=None)
    d = json.loads((tmp_path / "out" / "dossier.json").read_text(encoding="utf-8"))
    assert d["metrics"]["currency"] == "BRL"
    assert d["metrics"]["win_rate"]["denominator"] > 0
    assert d["metrics"]["lost_reasons"]


def test_pipedrive_list_view_labels(tmp_path: Path) -> None:
    export = tmp_path / "deals-list.csv"
    export.write_text(
        "Negócio - ID,Negócio - Título,Negócio - Etapa,Negócio - Status,Negócio - Negócio "
        "criado em,Negócio - Ganho em,Negócio - Valor,Negócio - Moeda de Valor\n"
        "1,A,FECHAMENTO,Ganho,2024-06-12 12:51:17,2024-06-21 16:47:23,4100,BRL\n"
        "2,B,NEGOCIAÇÃO,Perdido,2024-06-13 10:00:00,,900,BRL\n"
        "3,C,NEGOCIAÇÃO,Aberto,2024-06-14 10:00:00,,1200,USD",  # no final newline
        encoding="utf-8",
    )
    result = run_import("pipedrive", [export], tmp_path / "data")
    deals = _read(result.tables["deals"])
    assert [(d["status"], d["closed_at"], d["amount"]) for d in deals] == [
        ("won", "2024-06-21", "4100"),
        ("lost", "", "900"),
        ("open", "", ""),  # another currency: kept, without an amount
    ]
    _said(result, "1 deal(s) in another currency than BRL")


# --- Salesforce -------------------------------------------------------------------------


def test_salesforce_data_export(tmp_path: Path) -> None:
    files = _files("salesforce")
    result = run_import("salesforce", files, tmp_path / "data")
    _accounted(result, files, "latin-1")
    kept = {Path(f).name.split("-")[-1]: r.kept for f, r in result.rows.items()}
    assert kept["Opportunity.first300.csv"] == 300
    assert kept["Account.linked.csv"] == 186 and kept["Contact.csv"] == 96
    deals = _read(result.tables["deals"])
    assert Counter(d["status"] for d in deals) == {"lost": 165, "won": 71, "open": 64}
    assert result.currency == "USD"
    converted = _said(result, "converted to USD")
    assert "64 in COP (÷ 4500)" in converted and "32 in PEN (÷ 3.85)" in converted
    with (REAL / "salesforce" / "winkel-dataexport-Opportunity.first300.csv").open(
        encoding="latin-1", newline=""
    ) as handle:
        first = next(csv.DictReader(handle))
    mine = next(d for d in deals if d["deal_id"] == first["Id"])
    rate = {"USD": 1, "MXN": 18.2, "COP": 4500, "PEN": 3.85}[first["CurrencyIsoCode"]]
    assert float(mine["amount"]) == pytest.approx(float(first["Amount"]) / rate)
    stages = _read(result.tables["deal_stages"])
    assert {s["stage"] for s in stages} >= {"interes", "closed_won"}
    contacts = _read(result.tables["contacts"])
    assert any(c["job_title"] == "Gerente" for c in contacts)
    names = " ".join(a["name"] for a in _read(result.tables["accounts"]))
    assert "Ã" not in names and "\ufffd" not in names  # ISO-8859-1 read right
    report = validate(tmp_path / "data")
    assert report.ok, report.errors

    config = tmp_path / "personae.toml"  # the Spanish custom stages, in the template's phases
    config.write_text(
        "[personae.journey_phases]\n"
        'interes = "Awareness"\ndiseno_propuesta = "Consideration"\n'
        'presentacion_propuesta = "Consideration"\nnegociacion = "Decision"\n'
        'firmas = "Decision"\n',
        encoding="utf-8",
    )
    run_report(tmp_path / "out", data=tmp_path / "data", config=config)
    d = json.loads((tmp_path / "out" / "dossier.json").read_text(encoding="utf-8"))
    assert d["metrics"]["currency"] == "USD"
    assert d["metrics"]["win_rate"]["numerator"] > 0
    phases = {row["name"]: row["n"] for row in d["metrics"]["journey"]}
    assert phases["Awareness"] > 0 and phases["Decision"] > 0


def test_salesforce_report_export_footer(tmp_path: Path) -> None:
    report = tmp_path / "report1700000000000.csv"
    report.write_text(
        '"Opportunity ID","Opportunity Name","Account Name","Stage","Amount","Close Date",'
        '"Created Date"\n'
        '"006A","Big deal","Acme","Closed Won","1000","2024-03-01","2024-01-10"\n'
        '"006B","Small deal","Acme","Closed Lost","200","2024-03-05","2024-01-12"\n'
        "\n"
        '"Grand Totals (2 records)"\n'
        "\n"
        '"Confidential Information - Do Not Distribute"\n'
        '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n',
        encoding="utf-8",
    )
    result = run_import("salesforce", [report], tmp_path / "data")
    [rows] = result.rows.values()
    assert (rows.read, rows.kept) == (5, 2)
    assert rows.skipped["report footer (Grand Totals, Confidential…)"] == 3
    assert [d["status"] for d in _read(result.tables["deals"])] == ["won", "lost"]


# --- recognition: every real file is named for what it is, whichever importer gets it ----

KINDS = {
    "hubspot-crm-exports-all-customers": "hubspot.contacts",
    "hubspot-crm-exports-all-deals": "hubspot.deals",
    "solar-hub-all-deals": "hubspot.deals",
    "vertmonhub-all-contacts": "hubspot.contacts",
    "primeorca-invoices": "stripe.invoices",
    "unified_customers": "stripe.customers",
    "unified_payments": "stripe.payments",
    "pt-deals": "pipedrive.deals",
    "pt-organizations": "pipedrive.organizations",
    "pt-people": "pipedrive.people",
    "Opportunity.first300": "salesforce.opportunities",
    "OpportunityHistory": "salesforce.history",
    "OpportunityContactRole": "salesforce.roles",
    "CurrencyType": "salesforce.currencies",
    "User.HEADER": "salesforce.users",
    "Contact.csv": "salesforce.contacts",
    "Account.linked": "salesforce.accounts",
}


@pytest.mark.parametrize("folder", ["hubspot-en", "stripe", "pipedrive", "salesforce"])
def test_every_real_file_is_recognised(folder: str) -> None:
    from personae.csvsniff import sniff
    from personae.importers import recognise
    from personae.importers._values import fold

    for path in _files(folder):
        header = {fold(label) for label in sniff(path).header}
        kind = recognise(header)
        expected = next(k for part, k in KINDS.items() if part in path.name)
        assert kind is not None and kind.name == expected, path.name


def test_a_file_given_to_the_wrong_importer_is_named(tmp_path: Path) -> None:
    files = _files("salesforce", "Opportunity.first300")
    with pytest.raises(ImportFormatError) as caught:
        run_import("pipedrive", files, tmp_path)
    [problem] = caught.value.problems
    assert "a Salesforce opportunities export" in problem.message
    assert problem.hint == "pass it to `personae import salesforce` instead"


def test_a_large_export_can_be_read_by_the_engine() -> None:
    import duckdb

    from personae.importers import SOURCES
    from personae.importers._export import read_export_table

    path = _files("salesforce", "Opportunity.first300")[0]
    with duckdb.connect() as con:
        found = read_export_table(con, path, SOURCES["salesforce"], "opportunities")
        assert not isinstance(found, Problem)
        kind, raw = found
        assert kind.name == "salesforce.opportunities"
        assert [p.severity for p in raw.problems] == ["info"]  # read as Windows-1252
        stages = con.execute(
            "SELECT count(*), count(DISTINCT CurrencyIsoCode) FROM opportunities"
        ).fetchone()
    assert stages == (300, 4)
    wrong = read_export_table(duckdb.connect(), path, SOURCES["stripe"], "x")
    assert isinstance(wrong, Problem) and "Salesforce opportunities" in wrong.message


def test_salesforce_several_currencies_without_rates_are_refused(tmp_path: Path) -> None:
    files = _files("salesforce", "Opportunity.first300")
    with pytest.raises(ImportFormatError) as caught:
        run_import("salesforce", files, tmp_path)
    [problem] = caught.value.problems
    assert problem.file == str(files[0])
    assert "COP, MXN, PEN, USD" in problem.message and "CurrencyType.csv" in (problem.hint or "")
    assert not any(tmp_path.iterdir())
