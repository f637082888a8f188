"""What a model step returns (see :mod:`personae.models.run`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass
class ModelOutput:
    summary: dict[str, Any] | list[Any]  # under models.<name> in dossier.json
    accounts: pd.DataFrame | None = None  # account_id + this model's columns for accounts.csv
