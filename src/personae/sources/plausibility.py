"""Rows and columns that parse but cannot be what they claim: refused or flagged, never silent.

- **Totals rows** a spreadsheet adds at the bottom (``Total``, ``Grand Totals``,
  ``Total : 28 comptes``, ``Sous-total``) in an id or name column: an error with the line,
  since summing them would count every amount twice.
- **Implausible magnitudes**: amounts and counts beyond anything a real company holds
  (``1e308``, an invoice of ``1e20`` €, a headcount of ``10^12``), usually a mistyped
  cell or a column read as another: an error with the line, before any computation.
- **Duplicate rows**: rows identical in every canonical column of a table without a key
  (an invoice line exported twice): a warning with the lines, as they count twice.
- **Damaged header cells**: a column personae does not know whose name is close to a
  canonical column the file lacks (``countr¥``, ``employeÃ©s``): a warning naming the
  column it probably is, since its values are otherwise dropped.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import replace

import ftfy
import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from personae.errors import Problem
from personae.sources import schema
from personae.sources.checks import Check, _rows, row_rule
from personae.sources.columns import match_columns
from personae.sources.staging import Staged

TOTALS = (
    r"^\s*(grand[-\s]+|sous[-\s]*|sub[-\s]*)?(total|totals|totaux)"
    r"(\s+(g[ée]n[ée]ral|general))?(\s*([:=(].*|[-–]\s.*|[0-9].*))?$"
)
"""A cell that labels a totals row (case ignored): ``Total``, ``TOTAL GÉNÉRAL``, ``Grand
Totals``, ``Total : 28 comptes``, ``Sous-total (3)``; not ``TotalEnergies`` nor
``Total SA`` nor ``Total-Expert``. Looked for in id columns only: a company may be named
Total."""

_LABEL_COLUMNS = ("account_id", "deal_id", "contact_id")

LIMITS: dict[tuple[str, str], tuple[float, float, str]] = {
    ("revenue", "amount"): (-1e12, 1e12, "an invoice line of a thousand billion or more"),
    ("deals", "amount"): (-1e12, 1e12, "a deal of a thousand billion or more"),
    ("accounts", "annual_turnover"): (0, 1e14, "a turnover of a hundred thousand billion"),
    ("accounts", "employees"): (0, 1e7, "a headcount of ten million or more"),
    ("contacts", "age"): (0, 120, "an age outside 0–120"),
    ("activity", "quantity"): (-1e12, 1e12, "a quantity of a thousand billion or more"),
}
"""(table, column) -> (lowest, highest) plausible value, and what lies beyond."""

MAX_UNKNOWN = 200
"""Unknown columns compared with the canonical ones (a JSON file has thousands)."""

DUPLICATE_TABLES = ("revenue", "deal_stages", "touchpoints", "notes")
"""Tables without a key where a row repeated in every column is a mistake, not an event."""


def rules(tables: dict[str, Staged]) -> Iterator[Check]:
    """Every plausibility rule that applies to the (complete) tables found."""
    for name, spec in schema.TABLES.items():
        staged = tables.get(name)
        if staged is None or not staged.complete:
            continue
        for column in spec.columns:
            if column.name in _LABEL_COLUMNS and column.type == "string":
                yield _totals(staged, column.name)
            if (name, column.name) in LIMITS:
                yield _magnitude(staged, column.name, *LIMITS[name, column.name])
        if name in DUPLICATE_TABLES:
            yield _repeated(staged, [c.name for c in spec.columns])


def totals_label(c: ir.StringValue) -> ir.BooleanValue:
    """Whether ``c`` labels a totals row (:data:`TOTALS`): the regular expression only runs
    on the rare values holding ``tot`` (any case), which every match does, so an id
    column of a hundred million rows costs a substring search, not a regex each."""
    return c.notnull() & ibis.ifelse(c.ilike("%tot%"), c.re_search("(?i)" + TOTALS), False)


def _totals(staged: Staged, column: str) -> Check:
    check = row_rule(
        staged,
        column,
        totals_label(staged.typed[column]),
        lambda bad: bad[column],
        what="totals rows",
        message=lambda v, o: "this looks like a totals row, not data",
        hint="remove the totals row (and any subtotal): personae sums the rows itself, a "
        "totals row would count everything twice",
    )
    values = staged.values.get(column)
    if values is None:
        return check
    # Counted over the column's distinct values, weighted by their rows: the label test
    # runs once per value instead of once per row.
    count = values._n.sum(where=totals_label(values[column]))
    return replace(check, of=(f"{staged.name}.{column}", values), count=count)


def _magnitude(staged: Staged, column: str, low: float, high: float, what: str) -> Check:
    c = staged.typed[column]
    # Outside [low, high): NaN too, which every engine personae runs on (DuckDB,
    # PostgreSQL, Spark) orders above any number, and the infinities; an empty cell is
    # NULL, neither inside nor out. Two comparisons a row, where testing NULL, NaN and
    # infinity each took one more.
    out = ~((c >= low) & (c < high))
    return row_rule(
        staged,
        column,
        out,
        lambda bad: bad[column],
        what=f"rows whose {column} is beyond any plausible value",
        message=lambda v, o: f"{column} is not plausible: {what}",
        hint=f"check this cell (a shifted column, a pasted formula, a missing decimal comma?); "
        f"{column} must lie between {_number(low)} and {_number(high)}",
    )


def _number(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u202f")


@ibis.udf.scalar.builtin(name="hash")  # type: ignore[untyped-decorator]
def _duckdb_hash(row) -> dt.uint64:  # type: ignore[no-untyped-def]  # any value: a struct
    """DuckDB's own 64-bit hash of a value (of every field of a struct)."""


def _repeated(staged: Staged, columns: list[str]) -> Check:
    t = staged.typed
    guard = None
    h = None
    if t.get_backend().name == "duckdb":
        # Identical rows have the same hash: as many distinct hashes as rows proves there
        # are none, at the cost of one 64-bit value per row instead of grouping whole rows;
        # and only rows whose hash repeats can be in a group, so only they are grouped.
        h = _duckdb_hash(ibis.struct({c: t[c] for c in columns}))
        guard = t.count() - h.nunique()

    def rows() -> ir.Table:
        candidates = t
        if h is not None:
            hashes = t.select(_h=h)
            repeated = hashes.group_by("_h").aggregate(_k=hashes.count())
            repeated = repeated.filter(repeated._k > 1)
            candidates = t.filter(h.isin(repeated._h))
        groups = candidates.group_by(columns).aggregate(
            _n=candidates.count(), _first=candidates._line.min(), _last=candidates._line.max()
        )
        dups = groups.filter(groups._n > 1)
        dups = dups.mutate(_line=dups._last)
        return _rows(dups, dups._n, dups._first)

    def message(value: object, first: object) -> str:
        return f"this row repeats line {first} in every column: it counts {value} times"

    return Check(
        staged.file,
        None,
        rows,
        "groups of identical rows",
        message,
        "remove the repeated rows if they were exported twice; if they are truly distinct, "
        "tell them apart (e.g. by product or period)",
        severity="warning",
        table=staged,
        guard=guard,
    )


def unknown_columns(table: str, file: str, columns: list[str]) -> list[Problem]:
    """A warning for each column that is probably a canonical one with a damaged name."""
    spec = schema.TABLES.get(table)
    if spec is None:
        return []
    present = match_columns(spec, columns)
    absent = [c.name for c in spec.columns if c.name not in present]
    if not absent:
        return []
    problems = []
    unknown = [c for c in columns if c not in present.values() and not c.startswith("_")]
    for found in unknown[:MAX_UNKNOWN]:
        key = found.strip().lower()
        close = difflib.get_close_matches(key, absent, n=1, cutoff=0.75) or (
            difflib.get_close_matches(ftfy.fix_text(key), absent, n=1, cutoff=0.75)
        )
        if not close:
            continue
        guess = close[0]
        absent.remove(guess)
        if guess in spec.required_columns:
            continue  # the missing required column's own problem says to rename it
        problems.append(
            Problem(
                file,
                f"column {found!r} is not a column personae knows, and {guess!r} is absent: "
                f"it is probably {guess!r} with a damaged name, and its values are ignored",
                line=1 if file.lower().endswith((".csv", ".csv.gz")) else None,
                column=found,
                hint=f"rename the column {found!r} to {guess!r} (if letters look garbled, "
                "save the file again as « CSV UTF-8 »)",
                severity="warning",
            )
        )
    return problems


__all__ = ["LIMITS", "TOTALS", "rules", "unknown_columns"]
