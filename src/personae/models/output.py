"""What a model step returns (kept apart from the runner so that steps can import it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass
class ModelOutput:
    summary: dict[str, Any] | list[dict[str, Any]]  # models.<name> in dossier.json
    accounts: pd.DataFrame | None = None  # account_id + this model's columns for accounts.csv
