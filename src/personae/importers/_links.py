"""The accounts a CRM import writes: its companies export, and stubs for the companies that
deals and people name but the export lacks (or that were not exported).

A stub has the id and, when the row gave one, the name: enough for per-company answers to
count the company, said in the import's warnings.
"""

from __future__ import annotations

from personae.importers._tables import Row


class AccountLinks:
    """Accounts read (by id, first row kept), and the stubs deals and people link to."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.stubs: dict[str, Row] = {}

    def link(self, ident: str, name: str = "") -> str | None:
        """The account of a deal or person naming company ``ident`` (a stub if unknown)."""
        if not ident:
            return None
        if ident not in self.rows and ident not in self.stubs:
            self.stubs[ident] = {"account_id": ident, "name": name or None}
        return ident

    @property
    def found(self) -> bool:
        return bool(self.rows or self.stubs)

    def accounts(self) -> list[Row]:
        return [*self.rows.values(), *(r for k, r in self.stubs.items() if k not in self.rows)]
