"""The canonical tables of DESIGN §3, declared once.

Every other part (loading, validation, importers, the demo generator, the metrics)
reads column names, types and rules from here.

Types are logical: ``string``, ``int``, ``float``, ``bool``, ``date``, ``timestamp``.
In the engine they are VARCHAR, BIGINT, DOUBLE, BOOLEAN, DATE and TIMESTAMP.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Reference:
    column: str
    table: str
    target: str


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: str | None = None
    references: tuple[Reference, ...] = ()
    required: bool = False
    help: str = ""

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


ROLES = ("decision_maker", "economic_buyer", "champion", "influencer", "user")

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "accounts",
            (
                Column(
                    "account_id", "string", True, help="unique key; customers and prospects alike"
                ),
                Column("name", "string", help="display name"),
                Column("kind", "string", choices=("B2B", "B2C"), help="B2B (default) or B2C"),
                Column("country", "string", help="ISO 3166-1 alpha-2"),
                Column("industry", "string", help="sector label; falls back to the NAF section"),
                Column("naf_code", "string", help="NAF rév. 2, e.g. 62.01Z"),
                Column("employees", "int", help="headcount, gives the size band"),
                Column("annual_turnover", "float", help="the company's own turnover"),
                Column("acquisition_channel", "string", help="e.g. Outbound, Partenaire, SEO"),
                Column("segment", "string", help="the company's own segment label"),
                Column("tech_stack", "string", help="tools separated by ';'"),
                Column(
                    "digital_maturity",
                    "string",
                    choices=("low", "medium", "high"),
                    help="low, medium, high",
                ),
                Column("case_study", "bool", help="boolean"),
                Column("churn_reason", "string", help="why the account left"),
            ),
            key="account_id",
            help="customers and prospects, one row each",
        ),
        TableSpec(
            "revenue",
            (
                Column("account_id", "string", True, help="must exist in accounts"),
                Column("date", "date", True, help="invoice / recognition date"),
                Column("amount", "float", True, help="net of tax; negative for credit notes"),
                Column("recurring", "bool", help="default true"),
                Column("period_start", "date", help="service period start, default date"),
                Column("period_end", "date", help="exclusive end, default period_start + 1 month"),
                Column("product", "string"),
            ),
            references=(Reference("account_id", "accounts", "account_id"),),
            help="invoice lines; unlocks every money answer",
        ),
        TableSpec(
            "activity",
            (
                Column("account_id", "string", True),
                Column("timestamp", "timestamp", True),
                Column("contact_id", "string"),
                Column("event", "string"),
                Column("quantity", "float"),
            ),
            references=(Reference("account_id", "accounts", "account_id"),),
            help="one row per usage event",
        ),
        TableSpec(
            "contacts",
            (
                Column("contact_id", "string", True),
                Column("account_id", "string", help="empty when the company is unknown"),
                Column("job_title", "string", help="free text, French or English"),
                Column("department", "string"),
                Column("seniority", "string"),
                Column("age", "int"),
                Column("role", "string", choices=ROLES),
            ),
            key="contact_id",
            references=(Reference("account_id", "accounts", "account_id"),),
        ),
        TableSpec(
            "deals",
            (
                Column("deal_id", "string", True),
                Column("account_id", "string", help="empty when the company is unknown"),
                Column("created_at", "date", True),
                Column("status", "string", True, choices=("won", "lost", "open")),
                Column("closed_at", "date"),
                Column("amount", "float"),
                Column("lost_reason", "string"),
                Column("competitor", "string"),
                Column("source", "string"),
            ),
            key="deal_id",
            references=(Reference("account_id", "accounts", "account_id"),),
        ),
        TableSpec(
            "deal_stages",
            (
                Column("deal_id", "string", True),
                Column("stage", "string", True),
                Column("entered_at", "timestamp", True),
            ),
            references=(Reference("deal_id", "deals", "deal_id"),),
            help="one row per stage entered",
        ),
        TableSpec(
            "touchpoints",
            (
                Column("account_id", "string", True),
                Column("timestamp", "timestamp", True),
                Column("channel", "string", True),
                Column("contact_id", "string"),
                Column("deal_id", "string"),
                Column("content", "string"),
            ),
            references=(
                Reference("account_id", "accounts", "account_id"),
                Reference("deal_id", "deals", "deal_id"),
            ),
        ),
        TableSpec(
            "notes",
            (
                Column("account_id", "string", True),
                Column("date", "date", True),
                Column(
                    "kind",
                    "string",
                    True,
                    choices=("interview", "call", "nps", "lost", "support"),
                ),
                Column("text", "string", True),
            ),
            references=(Reference("account_id", "accounts", "account_id"),),
        ),
    )
}

FREEFORM_TABLES: dict[str, str] = {
    "market": "a firmographic universe for TAM, e.g. INSEE SIRENE StockUniteLegale",
}
"""Tables we know by name but whose columns are the file's own: loaded as they are."""

DEFAULTS: dict[tuple[str, str], str] = {
    ("accounts", "kind"): "B2B",
    ("revenue", "recurring"): "true",
    ("revenue", "period_start"): "date",
    ("revenue", "period_end"): "period_start + 1 month",
}
"""What loading puts in an empty cell of these columns (described; applied in SQL)."""

SQL_TYPES = {
    "string": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}

# The same logical types as Ibis types (casting a database's tables) and Arrow types
# (files and in-memory tables; timestamps to the second, as the inputs carry them).
IBIS_TYPES = {
    "string": "string",
    "int": "int64",
    "float": "float64",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("s"),
}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a canonical table: its columns, in order, with their types."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in TABLES[table].columns])
