"""``accounts.csv``: one row per account, client or prospect, ready to import into a CRM.

The base columns (id, name, status, segment, ARR) come from the metrics session's accounts
table; each model adds its own columns (ICP score and tier, churn risk, expansion signal,
each with its reasons) through :class:`~personae.models.run.ModelOutput`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

STATUS_CLIENT = "client"
STATUS_FORMER = "ancien client"
STATUS_PROSPECT = "prospect"

BASE_COLUMNS = ("account_id", "name", "status", "segment", "arr")


def account_rows(base: pd.DataFrame, model_columns: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The base rows with every model's columns joined on ``account_id``."""
    out = base.loc[:, list(BASE_COLUMNS)]
    for extra in model_columns:
        out = out.merge(extra, on="account_id", how="left", validate="one_to_one")
    return out.sort_values("account_id", kind="stable").reset_index(drop=True)


def render_accounts_csv(accounts: pd.DataFrame) -> str:
    """The CSV text (UTF-8, comma, ISO dates, decimal point: what CRMs import)."""
    text: str = accounts.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    return text
