"""Job titles → department and seniority, by the ordered rule tables of :mod:`title_rules`.

``normalize_title("Directrice Administrative et Financière")`` gives
``Title(text="directeur administrative et financier", department="finance",
seniority="Senior", rule="finance.roles", seniority_rule="senior.director")``. A title
no rule covers stays unclassified (``None``) rather than guessed; noise (``-``, ``N/A``,
e-mails, numbers) is never classified. :class:`TitleNormalizer` takes extra rules, as
plain data, ahead of the shipped tables; how the tables are read is documented in
:mod:`personae.models.title_rules` and ``docs/titles.md``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from personae.errors import ConfigError, Problem
from personae.models.title_rules import (
    DEPARTMENT_RULES,
    DEPARTMENTS,
    SENIORITIES,
    SENIORITY_RULES,
    Rule,
)

__all__ = ["Title", "TitleNormalizer", "normalise", "normalize_title"]


@dataclass(frozen=True)
class Title:
    """What a job title says: ``None`` where no rule speaks.

    ``rule`` is the id of the department rule that matched (``"noise"`` for e-mails,
    numbers and punctuation); ``seniority_rule`` that of the seniority rule, or
    ``"default.mid"`` for a classified title with no seniority word.
    """

    text: str
    department: str | None
    seniority: str | None
    rule: str | None
    seniority_rule: str | None = None


# --- normalisation ----------------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": " ", "'": " ", "`": " "})
_DOTTED_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}[a-z]?\.?")
_GENDER_NOTE = re.compile(r"\(?\b[hf] ?/ ?[hf]\b\)?")  # job-ad "(H/F)"
_SPACED_GENDER_NOTE = re.compile(r"(?:\( )?(?<= )[hf] / [hf](?= )(?: \))?")
# Inclusive endings: chargé(e), directeur·rice, chargé.e, commercial(e), chef·fe, -trice.
_INCLUSIVE = re.compile(
    r"(?<=[a-z])(?:\s?\((?:e|es|s|fe|ve|ere|trice|rice|ice|euse|se|ne|te|le|lle)\)"
    r"|[.·•/-](?:e|es|fe|ve|ere|trice|rice|ice|euse|se|ne|te|lle)(?![a-z]))"
)
# Feminine → masculine, on word endings (patterns are written on the masculine form).
_FEMININE = (
    (re.compile(r"(?<=[a-z]{2})ee+\b"), "e"),
    (re.compile(r"trice\b"), "teur"),
    (re.compile(r"euse\b"), "eur"),
    (re.compile(r"(?<=[a-z]{2})eure\b"), "eur"),
    (re.compile(r"(?<=[a-z]{3})ere\b"), "er"),
    (re.compile(r"(?<=[a-z]{2})(ant|ent|oint)e\b"), r"\1"),
    (re.compile(r"ienne\b"), "ien"),
    (re.compile(r"(?<=[a-z])elle\b"), "el"),
    (re.compile(r"(?<=[a-z]{3})([irnt])ale\b"), r"\1al"),
    (re.compile(r"\bcheffe\b"), "chef"),
)
_ABBREVIATIONS = {
    "resp": "responsable",
    "dir": "directeur",
    "mgr": "manager",
    "sr": "senior",
    "jr": "junior",
    "asst": "assistant",
    "mktg": "marketing",
    "mkt": "marketing",
    "ing": "ingenieur",
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\b\.?")
# Separators are kept as tokens (they cut segments); other punctuation becomes a space.
_SEPARATOR = re.compile(r"\s+[-–—]\s+|[/&,;|+()\[\]]")
_PUNCTUATION = re.compile(r"[^a-z0-9/&,;|+()\s]")
_SPACES = re.compile(r"\s+")
_SEGMENT_CUT = re.compile(r" (?:[/&,;|+()]|et|and|-)(?= )")
_ADDRESS = re.compile(r"@|https?:|www\.")  # an e-mail or a web address, on the raw text
_NOISE = re.compile(r"^[\W\d_]*$")  # nothing but digits and punctuation, once normalised


def normalise(text: str | None) -> str:
    """The form rules read: lower case, no accents, masculine, separators spaced."""
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text).lower().translate(_LIGATURES)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), s)
    s = _GENDER_NOTE.sub(" ", s)
    s = _INCLUSIVE.sub("", s)
    s = _SEPARATOR.sub(lambda m: " - " if m.group(0).strip() in "-–—" else f" {m.group(0)} ", s)
    s = _SPACES.sub(" ", _PUNCTUATION.sub(" ", s))
    s = _SPACES.sub(" ", _SPACED_GENDER_NOTE.sub(" ", f" {s} ")).strip()
    for pattern, masculine in _FEMININE:
        s = pattern.sub(masculine, s)
    s = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1)], s)
    return s


def _segment_starts(text: str) -> list[int]:
    """Offsets where each segment after the first begins (at its separator)."""
    return [m.start() for m in _SEGMENT_CUT.finditer(f" {text} ")]


def _segment_of(position: int, starts: list[int]) -> int:
    return sum(1 for s in starts if s <= position)


# --- the engine -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    regex: re.Pattern[str]


def _compile(rule: Rule) -> _Compiled:
    return _Compiled(rule, re.compile(rf"(?<![a-z0-9])(?:{rule.pattern})(?![a-z0-9])"))


def _as_rule(item: Rule | Mapping[str, str | None], position: int) -> Rule:
    if isinstance(item, Rule):
        return item
    pattern = item.get("pattern")
    return Rule(
        id=item.get("id") or f"extra.{position}",
        pattern=pattern or "",
        department=item.get("department") or None,
        seniority=item.get("seniority") or None,
        note=item.get("note") or "",
    )


def _check(rules: list[Rule], source: str) -> None:
    problems: list[Problem] = []
    for line, rule in enumerate(rules, start=1):

        def bad(message: str, hint: str | None = None, rule: Rule = rule, line: int = line) -> None:
            problems.append(Problem(source, message, line=line, value=rule.pattern, hint=hint))

        if not rule.pattern:
            bad("a title rule needs a pattern")
        else:
            try:
                re.compile(rule.pattern)
            except re.error as err:
                bad(f"bad regular expression: {err}")
        if rule.department is None and rule.seniority is None:
            bad("a title rule needs a department or a seniority")
        if rule.department is not None and rule.department not in DEPARTMENTS:
            bad(f"unknown department {rule.department!r}", f"one of {', '.join(DEPARTMENTS)}")
        if rule.seniority is not None and rule.seniority not in SENIORITIES:
            bad(f"unknown seniority {rule.seniority!r}", f"one of {', '.join(SENIORITIES)}")
    if problems:
        raise ConfigError("invalid title rules", problems)


class TitleNormalizer:
    """Reads titles with the shipped rule tables, after ``extra_rules`` if any.

    ``extra_rules`` are :class:`Rule` objects or plain mappings ``{"pattern": …,
    "department": …, "seniority": …, "id": …}`` (department or seniority may be left
    out); each goes in front of the table(s) it gives a value for, in the order given, so
    a setting can override the shipped reading. Patterns are written on the normalised
    form (see :func:`normalise`). Invalid rules raise :class:`ConfigError` listing each.
    Results are cached per raw and per normalised text, so a repeated title costs a
    dictionary look-up.
    """

    def __init__(
        self,
        extra_rules: Iterable[Rule | Mapping[str, str | None]] = (),
        *,
        source: str = "title rules",
        cache_size: int = 65536,
    ) -> None:
        extra = [_as_rule(r, i) for i, r in enumerate(extra_rules, start=1)]
        _check(extra, source)
        self.department_rules: tuple[Rule, ...] = (
            *(r for r in extra if r.department is not None),
            *DEPARTMENT_RULES,
        )
        self.seniority_rules: tuple[Rule, ...] = (
            *(r for r in extra if r.seniority is not None),
            *SENIORITY_RULES,
        )
        self._departments = [_compile(r) for r in self.department_rules]
        self._seniorities = [_compile(r) for r in self.seniority_rules]
        self._read = lru_cache(maxsize=cache_size)(self._read_normalised)
        self._call = lru_cache(maxsize=cache_size)(self._normalise_and_read)

    def __call__(self, text: str | None) -> Title:
        return self._call(text)

    def _normalise_and_read(self, text: str | None) -> Title:
        return self._read(normalise(text), bool(text and _ADDRESS.search(text)))

    def _read_normalised(self, text: str, address: bool) -> Title:
        if address or _NOISE.search(text):
            return Title(text, None, None, "noise" if text else None)
        starts = _segment_starts(text)
        department, rule = self._department(text, starts)
        seniority, seniority_rule = self._seniority(text, starts)
        if seniority is None and department is not None:
            seniority, seniority_rule = "Mid", "default.mid"
        return Title(text, department, seniority, rule, seniority_rule)

    def _department(self, text: str, starts: list[int]) -> tuple[str | None, str | None]:
        """The first rule of the leading segment that any rule matches."""
        best: tuple[int, _Compiled] | None = None
        for compiled in self._departments:
            match = compiled.regex.search(text)
            if match is None:
                continue
            segment = _segment_of(match.start(), starts)
            if best is None or segment < best[0]:
                best = (segment, compiled)
                if segment == 0:
                    break
        if best is None:
            return None, None
        return best[1].rule.department, best[1].rule.id

    def _seniority(self, text: str, starts: list[int]) -> tuple[str | None, str | None]:
        """Per segment the first matching rule; the title takes the highest level."""
        bounds = [0, *starts, len(text)]
        found: tuple[int, str] | None = None
        for lo, hi in pairwise(bounds):
            segment = text[lo:hi]
            for compiled in self._seniorities:
                if compiled.regex.search(segment):
                    level = SENIORITIES.index(compiled.rule.seniority or "Mid")
                    if found is None or level > found[0]:
                        found = (level, compiled.rule.id)
                    break
        if found is None:
            return None, None
        return SENIORITIES[found[0]], found[1]


@lru_cache(maxsize=32)
def _normalizer(extra_rules: tuple[Rule, ...]) -> TitleNormalizer:
    return TitleNormalizer(extra_rules)


def normalize_title(
    text: str | None, extra_rules: Iterable[Rule | Mapping[str, str | None]] | None = None
) -> Title:
    """Department and seniority of one job title (``None`` where no rule speaks).

    ``extra_rules`` go in front of the shipped tables (see :class:`TitleNormalizer`,
    which is the faster choice for many titles with the same extra rules).
    """
    rules = tuple(_as_rule(r, i) for i, r in enumerate(extra_rules or (), start=1))
    return _normalizer(rules)(text)
