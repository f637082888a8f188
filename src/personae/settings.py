"""The one registry of settings: name, default and help text, read in one place.

``personae.toml`` holds them under a ``[personae]`` table (see ``personae init``).
:func:`load_settings` reads the file once and returns a frozen :class:`Settings`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from personae.errors import ConfigError, Problem

DEFAULT_JOURNEY_PHASES: dict[str, str] = {
    "lead": "Awareness",
    "mql": "Awareness",
    "sql": "Consideration",
    "demo": "Consideration",
    "proposal": "Decision",
    "negotiation": "Decision",
}


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("currency", "EUR", "Company currency of every amount (ISO 4217)."),
    Setting(
        "as_of",
        "",
        "As-of date T (YYYY-MM-DD); empty = last day of the month of the latest revenue date.",
    ),
    Setting("active_window_days", 90, "A client is active if it did something in this many days."),
    Setting(
        "active_basis",
        "auto",
        "What counts as activity: 'activity' (usage events), 'revenue' (MRR > 0 or revenue), "
        "or 'auto' (activity when the activity table has rows, else revenue).",
    ),
    Setting("gross_margin", 1.0, "Gross margin used by the first-version LTV (0 to 1)."),
    Setting(
        "small_sample", 30, "Groups with fewer accounts than this are flagged 'échantillon faible'."
    ),
    Setting("confidence", 0.95, "Confidence level of the Wilson intervals."),
    Setting(
        "segment_by",
        "auto",
        "How to segment: 'auto' (the accounts' segment column, else rules, else size band), "
        "'column', 'rules', 'size', 'industry' or 'region'.",
    ),
    Setting(
        "segment_rules",
        [],
        "Ordered rules [{name, employees_min, employees_max, countries, industries, kind}]; "
        "the first rule an account matches names its segment.",
    ),
    Setting(
        "journey_phases",
        DEFAULT_JOURNEY_PHASES,
        "Deal stage (lower case) -> template phase (Awareness, Consideration, Decision).",
    ),
    Setting("top_industries", 5, "Industries listed by name before 'Autres'."),
    Setting(
        "stage_status",
        {},
        "Importers: CRM deal stage (as written in the export) -> won, lost or open, for "
        "stages whose names mislead (e.g. 'Closed: parked' = 'open').",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    currency: str = "EUR"
    as_of: date | None = None
    active_window_days: int = 90
    active_basis: str = "auto"
    gross_margin: float = 1.0
    small_sample: int = 30
    confidence: float = 0.95
    segment_by: str = "auto"
    segment_rules: tuple[dict[str, Any], ...] = ()
    journey_phases: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_JOURNEY_PHASES))
    top_industries: int = 5
    stage_status: dict[str, str] = field(default_factory=dict)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


_CHOICES = {
    "active_basis": {"auto", "activity", "revenue"},
    "segment_by": {"auto", "column", "rules", "size", "industry", "region"},
}


def _coerce(name: str, value: Any, file: str) -> Any:
    default = _BY_NAME[name].default
    bad = ConfigError(
        f"{file}: invalid setting {name!r}",
        [Problem(file, f"setting {name!r} must be like {default!r}", value=repr(value))],
    )
    if name == "as_of":
        if value in ("", None):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise bad from None
    if name == "segment_rules":
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            raise bad
        return tuple(value)
    if name == "stage_status":
        if not isinstance(value, dict) or not all(
            str(v).lower() in ("won", "lost", "open") for v in value.values()
        ):
            raise ConfigError(
                f"{file}: invalid setting 'stage_status'",
                [
                    Problem(
                        file,
                        "stage_status maps each stage to won, lost or open",
                        value=repr(value),
                        hint='write e.g. [personae.stage_status] "Closed: parked" = "open"',
                    )
                ],
            )
        return {str(k): str(v).lower() for k, v in value.items()}
    if name == "journey_phases":
        if not isinstance(value, dict):
            raise bad
        return {str(k).lower(): str(v) for k, v in value.items()}
    if isinstance(default, bool | str):
        if not isinstance(value, type(default)):
            raise bad
        if name in _CHOICES and value not in _CHOICES[name]:
            raise bad
        return value
    if isinstance(default, int) and not isinstance(default, bool):
        if not isinstance(value, int):
            raise bad
        return value
    if isinstance(default, float):
        if not isinstance(value, int | float):
            raise bad
        return float(value)
    return value


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read ``personae.toml`` (its ``[personae]`` table) into a frozen :class:`Settings`."""
    values: dict[str, Any] = {}
    if path is not None:
        file = str(path)
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{file}: no such file", [Problem(file, "file not found")]) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"{file}: invalid TOML", [Problem(file, str(exc), hint="fix the TOML syntax")]
            ) from None
        table = raw.get("personae", raw)
        unknown = sorted(set(table) - set(_BY_NAME))
        if unknown:
            raise ConfigError(
                f"{file}: unknown settings",
                [
                    Problem(file, f"unknown setting {k!r}", hint=f"known: {', '.join(_BY_NAME)}")
                    for k in unknown
                ],
            )
        values = {k: _coerce(k, v, file) for k, v in table.items()}
    values.update({k: v for k, v in overrides.items() if v is not None})
    names = {f.name for f in fields(Settings)}
    assert names == set(_BY_NAME), "SETTINGS and Settings must list the same names"
    return Settings(**values)


def settings_toml() -> str:
    """The text of a default ``personae.toml``: every setting, its default and help."""
    lines = [
        "# personae settings: every setting with its default and what it does.",
        "",
        "[personae]",
    ]
    for s in SETTINGS:
        if s.name in ("segment_rules", "journey_phases", "stage_status"):
            continue
        lines.append(f"# {s.help}")
        lines.append(f"{s.name} = {_toml_value(s.default)}")
        lines.append("")
    rules = _BY_NAME["segment_rules"]
    lines.append(f"# {rules.help}")
    lines.append("# Example:")
    lines.append("# [[personae.segment_rules]]")
    lines.append('# name = "PME France"')
    lines.append("# employees_min = 11")
    lines.append("# employees_max = 250")
    lines.append('# countries = ["FR"]')
    lines.append("")
    phases = _BY_NAME["journey_phases"]
    lines.append(f"# {phases.help}")
    lines.append("[personae.journey_phases]")
    for k, v in DEFAULT_JOURNEY_PHASES.items():
        lines.append(f'{k} = "{v}"')
    lines.append("")
    lines.append(f"# {_BY_NAME['stage_status'].help}")
    lines.append("# [personae.stage_status]")
    lines.append('# "Closed: parked" = "open"')
    lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
