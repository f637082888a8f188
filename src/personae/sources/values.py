"""Text to typed values, in SQL: how a cell of an export becomes a number, a date, a boolean.

People export the same data two ways: the plain way (``1234.5``, ``2024-03-01``,
``true``) and the French-Excel way (``1 234,50``, ``01/03/2024``, ``VRAI``). Both parse
to the same value here. Each function takes a SQL expression of type VARCHAR and returns
a DuckDB SQL expression of the canonical type (``schema.SQL_TYPES``) that is NULL when
the text is missing *or* cannot be parsed; :func:`parse_sql` picks one by logical type.

The parsing is SQL, not Python, so that loading and validating stay one scan of the data
in the engine however many rows there are.
"""

from __future__ import annotations

from collections.abc import Callable

from personae.sources.schema import SQL_TYPES
from personae.sql import literal
from personae.words import FALSE_WORDS, TRUE_WORDS

#: Characters people (and Excel) put between thousands: space, no-break space, narrow
#: no-break space, thin space, and the apostrophe of Swiss exports.
THOUSANDS_SPACES = " \u00a0\u202f\u2009'"


#: Day-first formats of French exports; ISO forms are left to DuckDB's own cast.
DATE_FORMATS_FR = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")

_EXP = r"([eE][+-]?\d+)?"
# Shapes of numbers we accept once the thousands spaces are gone, and how to read them.
_POINT = rf"[+-]?(\d+\.?\d*|\.\d+){_EXP}"  # 1234.5   -> as is
_COMMA = rf"[+-]?(\d+,?\d*|,\d+){_EXP}"  # 1234,5   -> comma is the decimal mark
_DOT_THOUSANDS = r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?"  # 1.234,5  -> dots group thousands
_COMMA_THOUSANDS = r"[+-]?\d{1,3}(,\d{3})+\.\d*"  # 1,234.5  -> commas group thousands


def clean_sql(expr: str) -> str:
    """Trimmed text, NULL when empty."""
    return f"NULLIF(trim(CAST({expr} AS VARCHAR)), '')"


#: Currency signs and codes Excel and billing exports write beside amounts.
CURRENCY_MARKS = "€$£¥"
CURRENCY_CODES = ("EUR", "USD", "GBP", "CHF", "CAD", "AUD", "BRL", "MXN", "COP", "PEN")


def number_sql(expr: str) -> str:
    """A DOUBLE from ``1234.5``, ``1 234,50``, ``1.234,5`` or ``1,234.5``; else NULL.

    A lone comma is a decimal comma (``1,234`` is 1.234, as a French reader means it).
    Currency-formatted cells read too: ``2 000,00 €``, ``-50,00 €``, ``€1,234.50``,
    ``(1 234,50)`` (accountants' negative).
    """
    spaces = "[" + THOUSANDS_SPACES.replace("'", "''") + CURRENCY_MARKS + "]"
    codes = "|".join(CURRENCY_CODES)
    bare = f"regexp_replace(CAST({expr} AS VARCHAR), '{spaces}|{codes}', '', 'gi')"
    s = (
        f"(CASE WHEN regexp_full_match({bare}, '\\(.*\\)')"
        f" THEN '-' || {bare}[2:-2] ELSE {bare} END)"
    )
    return (
        f"(CASE"
        f" WHEN regexp_full_match({s}, '{_POINT}') THEN TRY_CAST({s} AS DOUBLE)"
        f" WHEN regexp_full_match({s}, '{_COMMA}') THEN TRY_CAST(replace({s}, ',', '.') AS DOUBLE)"
        f" WHEN regexp_full_match({s}, '{_DOT_THOUSANDS}')"
        f" THEN TRY_CAST(replace(replace({s}, '.', ''), ',', '.') AS DOUBLE)"
        f" WHEN regexp_full_match({s}, '{_COMMA_THOUSANDS}')"
        f" THEN TRY_CAST(replace({s}, ',', '') AS DOUBLE)"
        f" END)"
    )


def float_sql(expr: str) -> str:
    """A finite DOUBLE (see :func:`number_sql`); overflow to infinity is NULL."""
    n = number_sql(expr)
    return f"(CASE WHEN isfinite({n}) THEN {n} END)"


def int_sql(expr: str) -> str:
    """A BIGINT from ``12``, ``1 200`` or ``12,0``; a fractional number (``12.5``) is NULL,
    never rounded: it is then reported as not a whole number."""
    n = number_sql(expr)
    text = f"trim(CAST({expr} AS VARCHAR))"
    # DuckDB's own cast rounds '12.5' to 13: only plain digits go through it.
    return (
        f"COALESCE(CASE WHEN regexp_full_match({text}, '[+-]?[0-9]+')"
        f" THEN TRY_CAST({text} AS BIGINT) END,"
        f" CASE WHEN {n} = round({n}) AND abs({n}) < 9.0e18 THEN CAST({n} AS BIGINT) END)"
    )


def plain_int_sql(expr: str) -> str:
    """:func:`int_sql` of :func:`clean_sql` for text known to be empty or plain digits (at
    most 18, a sign allowed, spaces around): the same BIGINT, in a far shorter expression."""
    return f"TRY_CAST({clean_sql(expr)} AS BIGINT)"


def bool_sql(expr: str) -> str:
    """A BOOLEAN from true/false, 1/0, oui/non, yes/no, vrai/faux (any case)."""
    w = f"lower(trim(CAST({expr} AS VARCHAR)))"
    yes = ", ".join(literal(x) for x in TRUE_WORDS)
    no = ", ".join(literal(x) for x in FALSE_WORDS)
    return f"(CASE WHEN {w} IN ({yes}) THEN TRUE WHEN {w} IN ({no}) THEN FALSE END)"


def _fr_formats() -> str:
    return "[" + ", ".join(literal(f) for f in DATE_FORMATS_FR) + "]"


def timestamp_sql(expr: str) -> str:
    """A TIMESTAMP from ISO (``T`` or space, time optional) or ``DD/MM/YYYY [HH:MM[:SS]]``."""
    s = f"trim(CAST({expr} AS VARCHAR))"
    return f"COALESCE(TRY_CAST({s} AS TIMESTAMP), TRY_STRPTIME({s}, {_fr_formats()}))"


def date_sql(expr: str) -> str:
    """A DATE from ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (a time of day, if any, is dropped)."""
    return f"CAST({timestamp_sql(expr)} AS DATE)"


def string_sql(expr: str) -> str:
    """Text, trimmed; empty is NULL."""
    return clean_sql(expr)


_PARSERS: dict[str, Callable[[str], str]] = {
    "string": string_sql,
    "int": int_sql,
    "float": float_sql,
    "bool": bool_sql,
    "date": date_sql,
    "timestamp": timestamp_sql,
}


def parse_sql(logical_type: str, expr: str) -> str:
    """The SQL expression parsing text ``expr`` as ``logical_type`` (NULL if it cannot)."""
    return _PARSERS[logical_type](clean_sql(expr))


def convert_sql(logical_type: str, expr: str, source_type: str) -> str:
    """``expr`` of DuckDB type ``source_type`` as the canonical type of ``logical_type``.

    Text is parsed (:func:`parse_sql`); other types are cast (``TRY_CAST``), so a Parquet
    column already typed right costs nothing.
    """
    target = SQL_TYPES[logical_type]
    source = source_type.upper()
    if source == "VARCHAR" or source.startswith("VARCHAR("):
        return parse_sql(logical_type, expr)
    if source == target:
        return expr
    if logical_type == "string":
        return f"CAST({expr} AS VARCHAR)"
    if logical_type == "int" and (source in ("DOUBLE", "FLOAT", "REAL") or "DECIMAL" in source):
        # 12.0 is 12 but 12.5 is not a headcount: no silent rounding.
        return f"(CASE WHEN {expr} = round({expr}) THEN TRY_CAST({expr} AS BIGINT) END)"
    return f"TRY_CAST({expr} AS {target})"


def parse_value(logical_type: str, text: str | None) -> object:
    """Parse one value with the SQL of :func:`parse_sql` (for tests and the REPL)."""
    import duckdb

    with duckdb.connect() as con:
        row = con.execute(f"SELECT {parse_sql(logical_type, '$1')}", [text]).fetchone()
    return None if row is None else row[0]
