"""The same company saved five ways gives the same dossier, number for number, word for word.

UTF-8, UTF-8 with BOM and Windows-1252 (what Excel's French "CSV (séparateur: point-virgule)"
writes), each plain (``,``, ISO dates, decimal point) or in French Excel style (``;``,
``DD/MM/YYYY``, decimal comma, amounts as currency cells ``1 234,50 €``, CRLF). The company is
the hand-computed one of the metric tests, with accented names and reasons.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from personae.pipeline import compute_dossier
from personae.render import render_json
from personae.sources import load
from tests.metrics.metric_tables import T, company_frames

NAMES = ["Société Générale d'Études", "Crème & Brûlée", "Œuvre – Ça", "Ärzte GmbH"]
REASONS = {"Prix": "Prix trop élevé", "Timing": "Pas le bon moment — été"}


def _tables() -> dict[str, str]:
    frames = company_frames()
    accounts = frames["accounts"]
    for i, name in enumerate(NAMES):
        accounts.loc[i, "name"] = name
    deals = frames["deals"]
    deals["lost_reason"] = deals["lost_reason"].replace(REASONS)
    return {name: frame.to_csv(index=False, lineterminator="\n") for name, frame in frames.items()}


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})( \d{2}:\d{2}(:\d{2})?)?$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def _french(text: str, table: str) -> str:
    """``text`` as French Excel writes it: ``;``, day-first dates, decimal commas, amounts
    as currency cells, CRLF."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows[1:]:
        cells = []
        for column, value in zip(header, row, strict=True):
            if m := _ISO_DAY.match(value):
                value = f"{m[3]}/{m[2]}/{m[1]}{m[4] or ''}"
            elif table == "revenue" and column == "amount" and value:
                number = float(value)
                whole = f"{abs(number):,.2f}".replace(",", "\u00a0").replace(".", ",")
                value = ("-" if number < 0 else "") + whole + "\u00a0€"
            elif _DECIMAL.match(value):
                value = value.replace(".", ",")
            cells.append(value)
        writer.writerow(cells)
    return out.getvalue()


VARIANTS = {
    "utf-8": ("utf-8", False),
    "utf-8 BOM": ("utf-8-sig", False),
    "windows-1252": ("cp1252", False),
    "utf-8 BOM, French Excel": ("utf-8-sig", True),
    "windows-1252, French Excel": ("cp1252", True),
}


def _write(folder: Path, encoding: str, french: bool) -> Path:
    folder.mkdir()
    for name, text in _tables().items():
        data = _french(text, name) if french else text
        (folder / f"{name}.csv").write_bytes(data.encode(encoding))
    return folder


def _dossier_json(folder: Path) -> str:
    dossier = compute_dossier(data=folder, as_of=date.fromisoformat(T), today=date(2026, 1, 5))
    return render_json(dossier)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> str:
    text = _dossier_json(_write(tmp_path_factory.mktemp("ref") / "data", "utf-8", False))
    reasons = [r["name"] for r in json.loads(text)["metrics"]["lost_reasons"]]
    assert "Prix trop élevé" in reasons  # the accented text reaches the dossier
    return text


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "utf-8"])
def test_same_dossier_whatever_the_encoding_and_style(
    variant: str, reference: str, tmp_path: Path
) -> None:
    encoding, french = VARIANTS[variant]
    folder = _write(tmp_path / "data", encoding, french)
    assert _dossier_json(folder) == reference


def test_windows_1252_is_reported_once_per_file(tmp_path: Path) -> None:
    folder = _write(tmp_path / "data", "cp1252", True)
    ds = load(folder, as_of=date.fromisoformat(T))
    notes = [w for w in ds.warnings if "read as Windows-1252" in w.message]
    # only files with non-ASCII bytes are not UTF-8; the others read the same either way
    assert sorted(Path(w.file).name for w in notes) == ["accounts.csv", "deals.csv", "revenue.csv"]
    names = ds.tables["accounts"].order_by("account_id").name.to_pyarrow().to_pylist()
    assert names[:4] == NAMES
