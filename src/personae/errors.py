"""Every error personae raises on purpose.

The hierarchy::

    PersonaeError                 base class; the CLI turns it into a message
    ├── InputError                bad input from the user: exit code 2
    │   ├── TemplateError         the markdown template cannot be parsed
    │   ├── AnswersError          answers.yaml is invalid (file, line, id)
    │   ├── ConfigError           personae.toml is invalid
    │   ├── DataError             the input tables are invalid (file, row, column)
    │   ├── ImportFormatError     an export file is not what an importer expects
    │   └── OutputError           the output folder cannot receive the files
    ├── EngineError               a backend could not be reached or used: exit code 1
    ├── FitError                  a model's fit cannot be trusted (the dossier falls back)
    └── InternalError             a consistency check of our own failed: a bug, exit code 1

    KindError (ValueError)        a value is not of the kind its slot expects; the answers
                                  loader turns it into an AnswersError with file and line

Engine errors (DuckDB, PostgreSQL, Spark… and Ibis over them) are mapped once, at the
pipeline's seam, by :func:`engine_errors`, as httpx maps transport errors: no user ever
sees a backend's traceback.

Every ``InputError`` carries a list of :class:`Problem` so that one run reports every
problem at once, each with where it is and what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.column:
            parts.append(f"column {self.column!r}")
        head = ", ".join(parts)
        text = f"{head}: {self.message}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        if self.hint:
            text += f" — {self.hint}"
        return text


class PersonaeError(Exception):
    """Base class of every error personae raises on purpose."""

    exit_code = 1


class InputError(PersonaeError):
    """Bad input: the user can fix it. Exit code 2."""

    exit_code = 2

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems: list[Problem] = list(problems or [])
        super().__init__(message)

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class TemplateError(InputError):
    """The markdown template does not follow the conventions the parser knows."""


class AnswersError(InputError):
    """The answers file is invalid: bad YAML, unknown id, or a value of the wrong kind."""


class ConfigError(InputError):
    """The configuration file (personae.toml) is invalid."""


class DataError(InputError):
    """The input tables are invalid: missing columns, unparsable values, bad keys."""


class ImportFormatError(InputError):
    """An export file given to an importer is not in the format it expects."""


class OutputError(InputError):
    """The output folder (``--out``) cannot receive the files: checked before any work."""


class EngineError(PersonaeError):
    """A database backend could not be reached or failed."""


class FitError(PersonaeError):
    """A model's fit cannot be trusted: no churn, no repeat purchase, no convergence…

    The message says why; the dossier falls back to a simpler figure with that reason.
    """


class InternalError(PersonaeError):
    """A consistency check of personae's own failed (e.g. the MRR identity): a bug to report,
    with its context. Exit code 1."""


class KindError(ValueError):
    """A value is not of the kind its slot expects."""


# The packages whose exceptions are a backend's: DuckDB, Ibis, PostgreSQL drivers, Spark,
# BigQuery, Snowflake, pyarrow (reading files through the engine).
_ENGINE_MODULES = (
    "duckdb",
    "_duckdb",
    "ibis",
    "psycopg",
    "psycopg2",
    "pyspark",
    "py4j",
    "google",
    "snowflake",
    "sqlglot",
    "pyarrow",
)


def is_engine_error(exc: BaseException) -> bool:
    """True for an exception raised by a database engine or its client library."""
    module = type(exc).__module__ or ""
    return module.split(".")[0] in _ENGINE_MODULES


@contextmanager
def engine_errors(doing: str) -> Iterator[None]:
    """Map a backend's exception raised while ``doing`` something to an :class:`EngineError`."""
    try:
        yield
    except PersonaeError:
        raise
    except Exception as exc:
        if not is_engine_error(exc):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineError(f"the database engine failed while {doing}: {first}") from exc
