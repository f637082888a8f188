"""answers.yaml read safely: every failure is one :class:`~personae.errors.AnswersError`
with its line and column, in bounded time and memory.

What YAML allows and a hand-edited answers file never needs is refused before it costs
anything: a file of more than :data:`MAX_BYTES`, values nested deeper than
:data:`MAX_DEPTH`, aliases expanding to more than :data:`MAX_NODES` values (the "billion
laughs" bomb: ruamel shares aliased objects, so the bomb loads fast but explodes when
walked), integers too long for Python (``ValueError``), and nesting deep enough to
exhaust the parser's recursion. A tab where YAML wants spaces says to use spaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from personae.errors import AnswersError, Problem

MAX_BYTES = 2_000_000
"""answers.yaml for the whole questionnaire with long texts is a few dozen kB."""
MAX_DEPTH = 20
"""A table's rows are three levels deep (id → rows → cells)."""
MAX_NODES = 200_000
"""Values in the whole file, aliases counted each time they are used."""


def load_yaml(text: str, file: str, yaml: YAML | None = None) -> CommentedMap | None:
    """The round-trip document of ``text`` (None when empty), or AnswersError.

    ``yaml``: the round-trip loader to use (the web page keeps quotes as written).
    """
    if len(text) > MAX_BYTES:
        raise _error(
            file,
            f"the file is too large for answers ({len(text):,} characters, at most "
            f"{MAX_BYTES:,})".replace(",", "\u202f"),
            None,
            "answers.yaml holds short answers: check that this is the right file",
        )
    _check_nesting(text, file)
    yaml = yaml or YAML(typ="rt")
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        raise _marked(exc, file) from None
    except YAMLError as exc:
        raise _error(file, f"invalid YAML: {_first(exc)}", None, "fix the YAML syntax") from None
    except RecursionError:
        raise _error(
            file,
            "invalid answers: values nested too deep",
            None,
            "an answer is a text, a number or a list of rows: remove the nesting",
        ) from None
    except (ValueError, OverflowError) as exc:  # e.g. an integer of millions of digits
        raise _error(
            file,
            f"a value cannot be read: {_first(exc)}",
            None,
            "write numbers of a reasonable size; quote long texts",
        ) from None
    if doc is None:
        return None
    _check_size(doc, file)
    return doc if isinstance(doc, CommentedMap) else _not_a_mapping(file)


def _check_nesting(text: str, file: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before the parser recurses into it: brackets
    of flow style (outside quotes), leading spaces and dashes of block style."""
    depth = deepest = 0
    quote = ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
        elif char == "\n":
            quote = ""  # a stray quote does not hide the rest of the file
    block = max((len(line) - len(line.lstrip(" -")) for line in text.splitlines()), default=0)
    if deepest > MAX_DEPTH or block > 4 * MAX_DEPTH:
        line = next(
            (
                k
                for k, text_line in enumerate(text.splitlines(), start=1)
                if text_line.count("[") + text_line.count("{") > MAX_DEPTH
                or len(text_line) - len(text_line.lstrip(" -")) > 4 * MAX_DEPTH
            ),
            None,
        )
        raise _error(
            file,
            f"values nested more than {MAX_DEPTH} levels deep",
            line,
            "an answer is a text, a number or a list of rows: remove the nesting",
        )


def _not_a_mapping(file: str) -> CommentedMap:
    raise AnswersError(
        f"{file}: expected a mapping of ids to answers",
        [Problem(file, "the file is not a mapping of ids to answers", line=1)],
    )


def _check_size(doc: Any, file: str) -> None:
    """Walk the document once, aliases included, within MAX_NODES values and MAX_DEPTH."""
    count = 0
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise _error(
                file,
                f"the answers hold more than {MAX_NODES:,} values once aliases are expanded".replace(
                    ",", "\u202f"
                ),
                None,
                "remove the anchors (&) and aliases (*): write each answer out",
            )
        if depth > MAX_DEPTH:
            raise _error(
                file,
                f"values nested more than {MAX_DEPTH} levels deep",
                None,
                "an answer is a text, a number or a list of rows: remove the nesting",
            )
        if isinstance(value, Mapping):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _marked(exc: MarkedYAMLError, file: str) -> AnswersError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    problem = exc.problem or _first(exc)
    tab = "\\t" in problem or "'\t'" in problem or "tab" in problem.lower()
    if tab:
        message = f"invalid YAML at line {line}, column {column}: a tab character"
        hint = "YAML indents with spaces only: replace the tab with spaces"
    else:
        where = f" at line {line}, column {column}" if line is not None else ""
        message = f"invalid YAML{where}: {problem}"
        hint = (
            "write each id once: keep one of the two answers"
            if "duplicate key" in problem
            else "fix the YAML syntax (quote texts holding « : » or « # »)"
        )
    return _error(file, message, line, hint)


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _error(file: str, message: str, line: int | None, hint: str) -> AnswersError:
    head = "invalid YAML" if message.startswith("invalid YAML") else "unreadable answers"
    return AnswersError(f"{file}: {head}", [Problem(file, message, line=line, hint=hint)])
