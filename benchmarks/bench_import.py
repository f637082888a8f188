"""Time the CRM importers on large synthetic exports and on the real files.

Synthetic exports, as the CRMs write them (the real files' headers, ``N`` rows each):
HubSpot deals with five ``Date entered "…"`` columns and their companies, a Pipedrive
account export (Portuguese) and a Salesforce Data Export (Opportunity with four
currencies, OpportunityHistory). Each import runs in-process, timed with
``time.perf_counter``; the real files of ``../shared/real`` once each.

    uv run python benchmarks/bench_import.py            # 100 000 deals
    uv run python benchmarks/bench_import.py --rows 20000
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from personae.importers import run_import

_ROOT = Path(__file__).resolve().parents[1]
REAL = next(
    (
        p
        for p in (_ROOT.parent / "shared" / "real", _ROOT.parent.parent / "shared" / "real")
        if p.is_dir()
    ),
    _ROOT.parent / "shared" / "real",
)
_STAGES = [
    "Appointment scheduled",
    "Qualified to buy",
    "Presentation scheduled",
    "Decision maker bought-in",
    "Contract sent",
]


def _write(
    path: Path, header: list[str], rows: list[list[str]], *, encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _moment(rng: random.Random) -> datetime:
    return datetime(2022, 1, 1) + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))


def hubspot(folder: Path, n: int, rng: random.Random) -> list[Path]:
    companies = max(n // 5, 1)
    header = [
        "Record ID",
        "Company name",
        "Company Domain Name",
        "Country/Region",
        "Industry",
        "Number of Employees",
        "Annual Revenue",
    ]
    rows = [
        [str(9000000 + i), f"Company {i}", f"c{i}.example.com", rng.choice(["France", "Germany", "FR", "United States"]),
         "COMPUTER_SOFTWARE", str(rng.randrange(1, 5000)), str(rng.randrange(10**5, 10**8))]
        for i in range(companies)
    ]  # fmt: skip
    files = [_write(folder / "hubspot-crm-exports-all-companies.csv", header, rows)]
    entered = [f'Date entered "{s} (Sales Pipeline)"' for s in _STAGES]
    header = ["Record ID", "Deal Name", "Pipeline", "Deal Stage", "Amount", "Close Date", "Create Date",
              "Closed Lost Reason", "Original Source", "Associated Company IDs", *entered]  # fmt: skip
    rows = []
    for i in range(n):
        created = _moment(rng)
        stage = rng.choice(["Closed won", "Closed lost", *_STAGES])
        steps = [
            (created + timedelta(days=3 * k)).strftime("%Y-%m-%d %H:%M")
            for k in range(len(_STAGES))
        ]
        rows.append(
            [str(100000 + i), f"Deal {i}", "Sales Pipeline", stage, f"{rng.randrange(100, 90000)}",
             (created + timedelta(days=40)).strftime("%Y-%m-%d %H:%M"), created.strftime("%Y-%m-%d %H:%M"),
             "Prix" if stage == "Closed lost" else "", "Organic Search",
             str(9000000 + rng.randrange(companies)), *steps]
        )  # fmt: skip
    files.append(
        _write(folder / "hubspot-crm-exports-all-deals.csv", header, rows, encoding="utf-8-sig")
    )
    return files


def pipedrive(folder: Path, n: int, rng: random.Random) -> list[Path]:
    orgs = max(n // 5, 1)
    header = ["ID", "Nome", "Negócios ganhos", "Organização criada"]
    rows = [[str(i), f"Org {i}", "1", "2023-01-01 10:00:00"] for i in range(1, orgs + 1)]
    files = [_write(folder / "organizations-1-46.csv", header, rows)]
    header = ["ID", "Título", "Valor", "Moeda de Valor", "Organização", "ID da organização", "Etapa", "Status",
              "Negócio criado em", "Ganho em", "Data de perda", "Motivo da perda"]  # fmt: skip
    rows = []
    for i in range(1, n + 1):
        created = _moment(rng)
        status = rng.choice(["Ganho", "Perdido", "Aberto"])
        org = rng.randrange(orgs + orgs // 2)
        closed = (created + timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
        rows.append(
            [str(i), f"Deal {i}", f"{rng.randrange(100, 9000)}", "BRL", f"Org {org}" if org <= orgs else "",
             str(org) if org <= orgs else "", "Proposta", status, created.strftime("%Y-%m-%d %H:%M:%S"),
             closed if status == "Ganho" else "", closed if status == "Perdido" else "",
             "Preço" if status == "Perdido" else ""]
        )  # fmt: skip
    files.append(_write(folder / "deals-1-45.csv", header, rows))
    return files


def salesforce(folder: Path, n: int, rng: random.Random) -> list[Path]:
    header = ["Id", "IsDeleted", "AccountId", "Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon",
              "CurrencyIsoCode", "CreatedDate", "LeadSource", "Loss_Reason__c"]  # fmt: skip
    rows = []
    for i in range(n):
        created = _moment(rng)
        stage = rng.choice(["Closed Won", "Closed Lost", "Interes", "Negociación"])
        rows.append(
            [f"006{i:015d}", "0", f"001{rng.randrange(n // 5 + 1):015d}", f"Opp {i}", stage,
             f"{rng.randrange(100, 90000)}", (created + timedelta(days=45)).strftime("%Y-%m-%d"),
             "1" if stage.startswith("Closed") else "0", "1" if stage == "Closed Won" else "0",
             rng.choice(["USD", "MXN", "COP", "PEN"]), created.strftime("%Y-%m-%d %H:%M:%S"), "",
             "Precio" if stage == "Closed Lost" else ""]
        )  # fmt: skip
    files = [_write(folder / "Opportunity.csv", header, rows, encoding="iso-8859-1")]
    header = [
        "Id",
        "OpportunityId",
        "CreatedDate",
        "StageName",
        "FromOpportunityStageName",
        "Amount",
        "PrevAmount",
        "IsDeleted",
    ]
    rows = [
        [f"008{i:015d}", f"006{i // 3:015d}", _moment(rng).strftime("%Y-%m-%d %H:%M:%S"),
         ["Interes", "Negociación", "Closed Won"][i % 3], "", "10", "", "0"]
        for i in range(n)
    ]  # fmt: skip
    files.append(_write(folder / "OpportunityHistory.csv", header, rows))
    header = ["Id", "IsoCode", "ConversionRate", "IsCorporate"]
    rates = [
        ["1", "USD", "1", "1"],
        ["2", "MXN", "18.2", "0"],
        ["3", "COP", "4500", "0"],
        ["4", "PEN", "3.85", "0"],
    ]
    files.append(_write(folder / "CurrencyType.csv", header, rates))
    return files


MAKERS: dict[str, Callable[[Path, int, random.Random], list[Path]]] = {
    "hubspot": hubspot,
    "pipedrive": pipedrive,
    "salesforce": salesforce,
}
REAL_FILES = {
    "hubspot": ["hubspot-en/hubspot-crm-exports-all-deals-2023-05-16.csv"],
    "pipedrive": [
        "pipedrive/hsgrowth-pt-deals-21427617-45.sample.csv",
        "pipedrive/hsgrowth-pt-organizations-21427617-46.first157.csv",
        "pipedrive/hsgrowth-pt-people-21427617-47.linked.csv",
    ],
    "salesforce": [
        f"salesforce/winkel-dataexport-{name}.csv"
        for name in (
            "Opportunity.first300",
            "Account.linked",
            "Contact",
            "OpportunityHistory.sample",
            "CurrencyType",
        )
    ],
}


def timed(source: str, files: list[Path], out: Path) -> float:
    start = time.perf_counter()
    run_import(source, files, out)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="personae-bench-import-") as scratch:
        root = Path(scratch)
        for source, make in MAKERS.items():
            folder = root / source
            folder.mkdir()
            files = make(folder, args.rows, random.Random(7))
            seconds = timed(source, files, root / f"{source}-out")
            real = [REAL / f for f in REAL_FILES[source]]
            note = ""
            if all(f.is_file() for f in real):
                note = f"; real files {timed(source, real, root / f'{source}-real') * 1000:.0f} ms"
            print(f"{source}: {args.rows:,} deals in {seconds:.2f} s{note}")


if __name__ == "__main__":
    main()
