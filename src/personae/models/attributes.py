"""Every firmographic attribute of every account, as one long table (DESIGN §5 "ICP").

One row per (account, attribute, value): size band and headcount range, industry and NAF
code, the industry × size band cell, region, acquisition channel, turnover band, each tool
of the tech stack (split on ``;``), digital maturity and kind. An unknown value is
"Non renseigné", so every single-valued attribute has exactly one row per account; a tool
has a row only for the accounts that use it. The engine builds the table (Ibis), so the
lifts and the fit scores are aggregates and joins of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from personae.metrics import firmographics as fg


@dataclass(frozen=True)
class Attribute:
    key: str
    label: str  # French, as the dossier prints it
    scored: bool  # used by the fit score (one attribute per fact, not its finer copies)


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("cell", "Secteur × taille", True),
    Attribute("size_band", "Taille", False),
    Attribute("employees", "Effectif", False),
    Attribute("industry", "Secteur", False),
    Attribute("naf_code", "Code NAF", False),
    Attribute("region", "Région", True),
    Attribute("channel", "Canal d'acquisition", True),
    Attribute("turnover", "Chiffre d'affaires", True),
    Attribute("tool", "Outil", True),
    Attribute("digital_maturity", "Maturité digitale", True),
    Attribute("kind", "Type", False),  # scored through the cell (B2C: Particuliers)
)
LABELS = {a.key: a.label for a in ATTRIBUTES}
SCORED = tuple(a.key for a in ATTRIBUTES if a.scored)
MULTI = ("tool",)  # attributes an account may hold several values of (present / absent)

# Headcount ranges on INSEE's tranche boundaries (DESIGN §5 "TAM").
EMPLOYEE_RANGES: tuple[tuple[str, int, int | None], ...] = (
    ("1-9", 1, 9),
    ("10-49", 10, 49),
    ("50-249", 50, 249),
    ("250-999", 250, 999),
    ("1000-4999", 1000, 4999),
    ("5000+", 5000, None),
)
# Turnover bands at the thresholds of the EU SME definition (Recommendation 2003/361/EC:
# micro ≤ 2 M€, small ≤ 10 M€, medium ≤ 50 M€).
TURNOVER_BANDS: tuple[tuple[str, float, float | None], ...] = (
    ("moins de 2 M€", 0.0, 2e6),
    ("2 M€ à 10 M€", 2e6, 10e6),
    ("10 M€ à 50 M€", 10e6, 50e6),
    ("50 M€ et plus", 50e6, None),
)
MATURITY_LABELS = {"low": "Faible", "medium": "Moyenne", "high": "Haute"}
CELL_SEP = " · "


def _text(col: ir.Value) -> ir.StringValue:
    return col.cast("string").strip().nullif("").fill_null(fg.NOT_GIVEN)


def employee_range(e: ir.NumericValue) -> ir.StringValue:
    cases = [
        ((e >= lo) & (e <= hi) if hi is not None else e >= lo, name)
        for name, lo, hi in EMPLOYEE_RANGES
    ]
    return ibis.cases(*cases, else_=fg.NOT_GIVEN)


def turnover_band(t: ir.NumericValue) -> ir.StringValue:
    cases = [
        ((t >= lo) & (t < hi) if hi is not None else t >= lo, name)
        for name, lo, hi in TURNOVER_BANDS
    ]
    return ibis.cases(*cases, else_=fg.NOT_GIVEN)


def maturity(col: ir.Value) -> ir.StringValue:
    m = col.cast("string").strip().lower()
    cases = [(m == k, v) for k, v in MATURITY_LABELS.items()]
    return ibis.cases(*cases, else_=fg.NOT_GIVEN)


def with_raw_columns(facts: ibis.Table, raw: ibis.Table) -> ibis.Table:
    """``facts`` (the session's accounts table) with the columns only the raw accounts
    table holds: ``naf``, ``emp``, ``turnover``, ``stack``, ``maturity_raw``."""
    extra = raw.select(
        "account_id",
        naf=raw.naf_code,
        emp=raw.employees,
        turnover=raw.annual_turnover,
        stack=raw.tech_stack,
        maturity_raw=raw.digital_maturity,
    )
    return facts.left_join(extra, "account_id").drop("account_id_right")


def attribute_table(facts: ibis.Table, raw: ibis.Table) -> ibis.Table:
    """(account_id, attribute, value) for every account of ``facts`` (the session's
    accounts table), with the columns only the raw accounts table holds."""
    return attribute_rows(with_raw_columns(facts, raw))


def attribute_rows(t: ibis.Table) -> ibis.Table:
    """(account_id, attribute, value) for every row of ``t``, a table of
    :func:`with_raw_columns` (stored once, it is read once per attribute)."""
    single: dict[str, ir.StringValue] = {
        "cell": ibis.ifelse(
            t.industry == t.size_band, t.industry, t.industry.concat(CELL_SEP, t.size_band)
        ),
        "size_band": t.size_band,
        "employees": ibis.ifelse(t.kind == "B2C", fg.B2C_BAND, employee_range(t.emp)),
        "industry": t.industry,
        "naf_code": _text(t.naf.upper()),
        "region": t.region,
        "channel": _text(t.acquisition_channel),
        "turnover": ibis.ifelse(t.kind == "B2C", fg.B2C_BAND, turnover_band(t.turnover)),
        "digital_maturity": maturity(t.maturity_raw),
        "kind": t.kind,
    }
    parts = [
        t.select("account_id", attribute=ibis.literal(key), value=expr.cast("string"))
        for key, expr in single.items()
    ]
    tools = t.select("account_id", value=t.stack.cast("string").split(";").unnest())
    tools = tools.select(
        "account_id", attribute=ibis.literal("tool"), value=tools.value.strip()
    ).distinct()
    parts.append(tools.filter(tools.value.notnull() & (tools.value != "")))
    return ibis.union(*parts, distinct=False)
