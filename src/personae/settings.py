"""The one registry of settings: each with its name, type, default, choices and help text.

The :class:`Settings` dataclass *is* the registry: every field is declared once with
:func:`setting` (default and help; choices where the value is one of a few words), and
everything else is derived from it — :data:`SETTINGS` (the list the docs and ``personae
init`` read), the checks :func:`load_settings` makes, and the ``personae.toml`` skeleton
(:func:`settings_toml`). ``personae.toml`` holds them under a ``[personae]`` table;
:func:`load_settings` reads the file once and returns a frozen :class:`Settings`.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from personae.errors import ConfigError, Problem
from personae.userfile import read_user_text

DEFAULT_JOURNEY_PHASES: dict[str, str] = {
    "lead": "Awareness",
    "mql": "Awareness",
    "sql": "Consideration",
    "demo": "Consideration",
    "proposal": "Decision",
    "negotiation": "Decision",
}


@dataclass(frozen=True)
class SegmentRule:
    """One rule of ``segment_rules``: an account matching every condition given is in the
    segment ``name`` (conditions left out match everything)."""

    name: str
    employees_min: int | None = None
    employees_max: int | None = None
    countries: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    kind: str | None = None


def setting(default: Any, help: str, *, choices: tuple[str, ...] = ()) -> Any:
    """A field of :class:`Settings` with its default, help text and allowed choices."""
    meta = {"help": help, "choices": choices}
    if isinstance(default, dict | list):
        return field(default_factory=lambda: _copy(default), metadata=meta)
    return field(default=default, metadata=meta)


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else list(value)


@dataclass(frozen=True)
class Settings:
    company_name: str = setting(
        "", "The company's name, in the dossier's title (empty = the template's)."
    )
    currency: str = setting("EUR", "Company currency of every amount (ISO 4217).")
    as_of: date | None = setting(
        None,
        "As-of date T (YYYY-MM-DD); empty = last day of the month of the latest revenue date.",
    )
    active_window_days: int = setting(
        90, "A client is active if it did something in this many days."
    )
    active_basis: str = setting(
        "auto",
        "What counts as activity: 'activity' (usage events), 'revenue' (MRR > 0 or revenue), "
        "or 'auto' (activity when the activity table has rows, else revenue).",
        choices=("auto", "activity", "revenue"),
    )
    gross_margin: float = setting(1.0, "Gross margin applied to revenue in every LTV (0 to 1).")
    ltv_discount_rate: float = setting(
        0.10, "Yearly discount rate of the model LTV (sBG DERL): 0.10 = 10 % a year."
    )
    small_sample: int = setting(
        30, "Groups with fewer accounts than this are flagged 'échantillon faible'."
    )
    confidence: float = setting(0.95, "Confidence level of the Wilson intervals.")
    segment_by: str = setting(
        "auto",
        "How to segment: 'auto' (the accounts' segment column, else rules, else size band), "
        "'column', 'rules', 'size', 'industry' or 'region'.",
        choices=("auto", "column", "rules", "size", "industry", "region"),
    )
    segment_rules: tuple[SegmentRule, ...] = setting(
        (),
        "Ordered rules [{name, employees_min, employees_max, countries, industries, kind}]; "
        "the first rule an account matches names its segment.",
    )
    journey_phases: dict[str, str] = setting(
        DEFAULT_JOURNEY_PHASES,
        "Deal stage (lower case) -> template phase (Awareness, Consideration, Decision).",
    )
    top_industries: int = setting(5, "Industries listed by name before 'Autres'.")
    icp_naf_codes: tuple[str, ...] = setting(
        (),
        "The ICP's NAF codes, stated by a person (exact codes such as '62.01Z' or prefixes "
        "such as '49.4'); empty = derived from the best customers.",
    )
    icp_employees: tuple[int, int | None] | None = setting(
        None,
        "The ICP's headcount range, stated by a person ('10-49', '250-'); empty = derived "
        "from the best customers.",
    )
    stage_status: dict[str, str] = setting(
        {},
        "Importers: CRM deal stage (as written in the export) -> won, lost or open, for "
        "stages whose names mislead (e.g. 'Closed: parked' = 'open').",
    )
    market_file: str = setting(
        "",
        "INSEE SIRENE StockUniteLegale (CSV, zipped CSV or Parquet) counted for the TAM; "
        "empty = the data folder's market table, if any.",
    )


@dataclass(frozen=True)
class Setting:
    """A setting as the docs and the TOML skeleton show it."""

    name: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()


def _registry() -> tuple[Setting, ...]:
    out = []
    for f in fields(Settings):
        default = f.default if f.default_factory is MISSING else f.default_factory()
        out.append(Setting(f.name, default, f.metadata["help"], f.metadata["choices"]))
    return tuple(out)


SETTINGS: tuple[Setting, ...] = _registry()
_BY_NAME = {s.name: s for s in SETTINGS}


# ---------------------------------------------------------------- reading


def _bad(file: str, name: str, value: Any, expected: str, hint: str | None = None) -> ConfigError:
    return ConfigError(
        f"{file}: invalid setting {name!r}",
        [Problem(file, f"setting {name!r} must be {expected}", value=repr(value), hint=hint)],
    )


_RULE_KEYS = {f.name for f in fields(SegmentRule)}


def _segment_rule(raw: Any, k: int, file: str) -> SegmentRule:
    where = f"segment_rules[{k}]"
    if not isinstance(raw, Mapping):
        raise _bad(file, where, raw, "a table {name = …, employees_min = …, …}")
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise ConfigError(
            f"{file}: unknown key in {where}",
            [
                Problem(
                    file,
                    f"{where}: unknown key {key!r}",
                    hint=f"known keys: {', '.join(sorted(_RULE_KEYS))}",
                )
                for key in unknown
            ],
        )
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise _bad(file, f"{where}.name", raw.get("name"), "a non-empty text")

    def whole(key: str) -> int | None:
        v = raw.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
            raise _bad(file, f"{where}.{key}", v, "a whole number")
        return v

    def texts(key: str) -> tuple[str, ...]:
        v = raw.get(key, [])
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise _bad(file, f"{where}.{key}", v, "a list of texts")
        return tuple(v)

    kind = raw.get("kind")
    if kind is not None and str(kind).upper() not in ("B2B", "B2C"):
        raise _bad(file, f"{where}.kind", kind, "'B2B' or 'B2C'")
    return SegmentRule(
        name=raw["name"].strip(),
        employees_min=whole("employees_min"),
        employees_max=whole("employees_max"),
        countries=texts("countries"),
        industries=texts("industries"),
        kind=kind,
    )


def parse_employees(text: str) -> tuple[int, int | None] | None:
    """A headcount range: ``10-49`` → (10, 49), ``250-`` or ``250+`` → (250, None)."""
    m = re.fullmatch(r"\s*(\d+)\s*(?:-|–|à)\s*(\d*)\s*(?:employés|salariés)?\s*", text)
    if m is None:
        m = re.fullmatch(r"\s*(\d+)\s*\+\s*", text)
        return None if m is None else (int(m.group(1)), None)
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else None
    if hi is not None and hi < lo:
        return None
    return lo, hi


# Settings whose text is parsed (from the file and from overrides alike).
_PARSED = ("icp_naf_codes", "icp_employees")


def _coerce(name: str, value: Any, file: str) -> Any:
    s = _BY_NAME[name]
    default = s.default
    if name == "icp_naf_codes":
        if isinstance(value, str):
            value = value.replace(";", ",").split(",")
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise _bad(file, name, value, "a list of NAF codes such as ['62.01Z', '49.4']")
        return tuple(v.strip().upper() for v in value if v.strip())
    if name == "stage_status":
        if not isinstance(value, dict) or not all(
            str(v).lower() in ("won", "lost", "open") for v in value.values()
        ):
            raise _bad(
                file,
                name,
                value,
                "a table mapping each stage to won, lost or open",
                hint='write e.g. [personae.stage_status] "Closed: parked" = "open"',
            )
        return {str(k): str(v).lower() for k, v in value.items()}
    if name == "icp_employees":
        if value in ("", None):
            return None
        if isinstance(value, tuple):
            return value
        parsed = parse_employees(str(value))
        if parsed is None:
            raise _bad(file, name, value, "a headcount range such as '10-49' or '250-'")
        return parsed
    if name == "as_of":
        if value in ("", None) or isinstance(value, date):
            return value or None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise _bad(file, name, value, "a date YYYY-MM-DD") from None
    if name == "segment_rules":
        if not isinstance(value, list):
            raise _bad(file, name, value, "a list of tables [[personae.segment_rules]]")
        return tuple(_segment_rule(r, k, file) for k, r in enumerate(value))
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise _bad(file, name, value, "a table of texts")
        return {str(k).lower(): str(v) for k, v in value.items()}
    if isinstance(default, str):
        if not isinstance(value, str):
            raise _bad(file, name, value, "a text")
        if s.choices and value not in s.choices:
            raise _bad(file, name, value, "one of " + ", ".join(repr(c) for c in s.choices))
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise _bad(file, name, value, "true or false")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(file, name, value, "a whole number")
        if abs(value) > 10**15:
            raise _bad(file, name, value, "a whole number of a plausible size")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _bad(file, name, value, "a number")
        if not math.isfinite(value) or abs(value) > 1e15:
            raise _bad(file, name, value, "a finite number of a plausible size")
        return float(value)
    return value


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read ``personae.toml`` (its ``[personae]`` table) into a frozen :class:`Settings`."""
    values: dict[str, Any] = {}
    if path is not None:
        file = str(path)
        text = read_user_text(
            path, ConfigError, "settings file", "give the path of personae.toml (personae init)"
        )
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"{file}: invalid TOML", [Problem(file, str(exc), hint="fix the TOML syntax")]
            ) from None
        except RecursionError:
            raise ConfigError(
                f"{file}: invalid settings",
                [Problem(file, "values nested too deep", hint="settings are flat: remove it")],
            ) from None
        except (ValueError, OverflowError) as exc:  # e.g. an integer of millions of digits
            raise ConfigError(
                f"{file}: invalid settings",
                [
                    Problem(
                        file,
                        f"a value cannot be read: {str(exc)[:200]}",
                        hint="write numbers of a reasonable size",
                    )
                ],
            ) from None
        table = raw.get("personae", raw)
        if not isinstance(table, dict):
            raise _bad(file, "personae", table, "a table [personae]")
        unknown = sorted(set(table) - set(_BY_NAME))
        if unknown:
            from personae.sources.problems import cap_kinds  # on failure only: it is heavy

            raise ConfigError(
                f"{file}: unknown settings",
                cap_kinds(
                    Problem(file, f"unknown setting {k!r}", hint=f"known: {', '.join(_BY_NAME)}")
                    for k in unknown
                ),
            )
        values = {k: _coerce(k, v, file) for k, v in table.items()}
    for k, v in overrides.items():
        if v is not None:
            values[k] = _coerce(k, v, "overrides") if k in _PARSED else v
    return Settings(**values)


# ---------------------------------------------------------------- the skeleton


def settings_toml(**values: Any) -> str:
    """The text of a ``personae.toml``: every setting, its default (or the value given) and
    help."""
    lines = [
        "# personae settings: every setting with its default and what it does.",
        "",
        "[personae]",
    ]
    tables = []
    for s in SETTINGS:
        if isinstance(s.default, dict) or s.name == "segment_rules":
            tables.append(s)
            continue
        lines.append(f"# {s.help}")
        lines.append(f"{s.name} = {_toml_value(values.get(s.name, s.default))}")
        lines.append("")
    for s in tables:
        lines.append(f"# {s.help}")
        if isinstance(s.default, dict):
            lines.append(f"[personae.{s.name}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in s.default.items())
        elif s.name == "segment_rules":
            lines.extend(
                [
                    "# Example:",
                    "# [[personae.segment_rules]]",
                    '# name = "PME France"',
                    "# employees_min = 11",
                    "# employees_max = 250",
                    '# countries = ["FR"]',
                ]
            )
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if value is None:
        return '""'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def settings_markdown() -> str:
    """``docs/settings.md``: every setting with its default, choices and help."""
    lines = [
        "# Settings",
        "",
        "Generated from `personae/settings.py` (`make docs`); `personae init` writes the same",
        "settings into `personae.toml`, under `[personae]`.",
        "",
        "| setting | default | what it does |",
        "|---|---|---|",
    ]
    for s in SETTINGS:
        table = isinstance(s.default, dict) or s.name == "segment_rules"
        default = "see below" if table else _toml_value(s.default)
        text = s.help + (f" Choices: {', '.join(s.choices)}." if s.choices else "")
        lines.append(f"| `{s.name}` | `{default}` | {text.replace('|', '/')} |")
    lines += ["", "Tables (`segment_rules`, `journey_phases`) as the skeleton shows them:", ""]
    lines += ["```toml", settings_toml().rstrip(), "```", ""]
    return "\n".join(lines)
