"""The data folder's note on its amounts: ``_meta.json``, written by the importers.

``{"currency": {"deals": "BRL", "accounts": "BRL"}}``: the ISO 4217 currency of the amounts
of each table an importer wrote (the currency of what it read, or the one it converted to).
Loading reads it to print amounts in that currency, and refuses to add up amounts of tables
written in different currencies (:func:`data_currency`). A folder written by hand has no
note: its amounts are in the ``currency`` setting.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from personae.errors import DataError, Problem

META_FILE = "_meta.json"
#: Tables holding amounts, whose currencies must agree.
MONEY_TABLES = ("revenue", "deals", "accounts")


def read_meta(folder: Path) -> dict[str, Any]:
    """The note of ``folder``, ``{}`` when there is none or it cannot be read."""
    path = Path(folder) / META_FILE
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def data_currency(folder: Path, tables: list[str]) -> str | None:
    """The one currency of the money tables present, None if unrecorded.

    Raises :class:`~personae.errors.DataError` (exit 2) naming the files when they differ.
    """
    recorded = read_meta(folder).get("currency", {})
    if not isinstance(recorded, dict):
        return None
    found = {t: str(recorded[t]).upper() for t in MONEY_TABLES if t in tables and t in recorded}
    if len(set(found.values())) > 1:
        listing = ", ".join(f"{t}.csv in {c}" for t, c in sorted(found.items()))
        raise DataError(
            f"{folder}: amounts in several currencies",
            [
                Problem(
                    str(Path(folder) / META_FILE),
                    f"the tables hold amounts in several currencies ({listing}); "
                    "personae never adds up amounts in different currencies",
                    hint="import every source in the same currency (convert one of them), "
                    "or report on each folder separately",
                )
            ],
        )
    return next(iter(found.values()), None)
