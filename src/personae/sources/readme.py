"""The ``data/README.md`` that ``personae init`` writes: the tables, generated from the schema."""

from __future__ import annotations

from personae.sources import schema
from personae.words import FALSE_WORDS, TRUE_WORDS

_TYPES = {
    "string": "text",
    "int": "whole number",
    "float": "number",
    "bool": "yes/no",
    "date": "date",
    "timestamp": "date and time",
}


def _meaning(table: str, column: schema.Column) -> str:
    parts = [column.help] if column.help else []
    if column.choices:
        choices = ", ".join(f"`{c}`" for c in column.choices)
        if not column.help or any(c not in column.help for c in column.choices):
            parts.append(f"one of {choices}")
    default = schema.DEFAULTS.get((table, column.name))
    if default and "default" not in column.help:
        parts.append(f"empty means {default}")
    for ref in schema.TABLES[table].references:
        if ref.column == column.name and "exist" not in column.help:
            parts.append(f"must exist in `{ref.table}.{ref.target}`")
    if schema.TABLES[table].key == column.name and "unique" not in column.help:
        parts.append("unique")
    return "; ".join(parts)


def data_readme() -> str:
    """The markdown of ``data/README.md``: expected tables, columns and CSV conventions."""
    lines = [
        "# Data for personae",
        "",
        "Put one file per table in this folder: `NAME.csv` or `NAME.parquet`",
        "(for example `accounts.csv`, `revenue.parquet`). No single table is required: each",
        "unlocks the answers that need it (**revenue** every money answer; **deals** alone,",
        "a CRM export, gives the sales answers), and the dossier says which table each missing",
        "answer needs. A deal or a contact whose company is unknown keeps an empty",
        "`account_id`. Other files (this README, notes) are ignored. Column names are exactly",
        "those below; extra columns are kept and ignored. Check the folder with",
        "`personae validate --data DIR`.",
        "",
        "## CSV conventions",
        "",
        "- Encoding UTF-8, with or without BOM (Excel: *Enregistrer sous › CSV UTF-8*), or",
        "  Windows-1252 (Excel's *CSV (séparateur: point-virgule)*): detected, and reported.",
        "- Separator `,` or `;` (found from the header line); a header line first.",
        "- Numbers with a decimal point or a French decimal comma: `1234.5`, `1 234,50`",
        "  (spaces or non-breaking spaces between thousands); currency-formatted cells too",
        "  (`2 000,00 €`, `€1,234.50`, `(1 234,50)` for a negative). Amounts are in the",
        "  company currency (the `currency` setting, EUR by default), net of tax. An import",
        "  records the currency of what it read in `_meta.json`; the report prints amounts in",
        "  it, and refuses tables in different currencies.",
        "- Dates `YYYY-MM-DD` or `DD/MM/YYYY`; dates and times `2024-03-01 10:22:00`,",
        "  `2024-03-01T10:22:00`, `01/03/2024 10:22`, or a date alone.",
        "- Yes/no values: " + ", ".join(f"`{t}`/`{f}`" for t, f in _PAIRS) + " (any case).",
        "- An empty cell is a missing value.",
        "",
        "The same data can also come from a DuckDB file (`personae report --data file.duckdb`)",
        "or a database (`--db postgres://user@host/db`) holding tables with these names.",
        "",
        "## Tables",
        "",
    ]
    for table in schema.TABLES.values():
        status = "required" if table.required else "optional"
        lines.append(f"### `{table.name}` ({status})")
        lines.append("")
        if table.help:
            lines += [table.help[0].upper() + table.help[1:] + ".", ""]
        lines += ["| column | type | required | meaning |", "|---|---|---|---|"]
        for column in table.columns:
            required = "yes" if column.required else ""
            meaning = _meaning(table.name, column).replace("|", "\\|")
            lines.append(f"| `{column.name}` | {_TYPES[column.type]} | {required} | {meaning} |")
        lines.append("")
    for name, help_text in schema.FREEFORM_TABLES.items():
        lines += [
            f"### `{name}` (optional)",
            "",
            f"{help_text[0].upper() + help_text[1:]}; its columns are kept as they are.",
            "",
        ]
    return "\n".join(lines)


_PAIRS = list(zip(TRUE_WORDS[:5], FALSE_WORDS[:5], strict=True))
