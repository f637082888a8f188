"""Deal stages -> ``won``, ``lost`` or ``open``, the same way for every CRM, and said aloud.

A CRM says a deal's outcome in up to three ways: a status column (Pipedrive's ``Status``,
Salesforce's ``IsClosed``/``IsWon``), HubSpot's ``Is Deal Closed?`` with the stage's
probability, and the stage's own name. :class:`StageReader` takes them in this order:

1. the ``stage_status`` setting, for a portal whose stage names mislead;
2. a stage whose name says the deal was abandoned or ended without a decision
   (``Closed: abandoned``, ``No decision``, ``Sans suite``…) is **lost**, reason
   « Abandonné », whatever the CRM's flags (portals often keep such stages "open");
3. the CRM's own flags: won / lost / open when it gives them; closed with probability 1 is
   won, closed with probability 0 is lost;
4. the stage name: ``won``/``gagné``/``ganho``/``ganado`` is won, ``lost``/``perdu``… lost;
5. else open.

Every stage read is counted, and :meth:`StageReader.report` says how each was read, so a
user sees at once if a stage was misread and can map it in ``stage_status``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from personae.errors import Problem
from personae.importers._values import fold, snake_case

ABANDONED_REASON = "Abandonné"
#: Words (of the slugged stage name) saying a deal was abandoned or ended undecided.
ABANDONED = (
    "abandoned", "abandon", "abandonne", "abandonnee", "no_decision", "nodecision",
    "sans_suite", "sans_decision", "sem_decisao", "desistiu", "abandonado", "abandonada",
    "sin_decision", "dead",
)  # fmt: skip
WON = ("won", "closedwon", "gagne", "gagnee", "ganho", "ganha", "ganado", "ganada", "gewonnen")
LOST = ("lost", "closedlost", "perdu", "perdue", "perdido", "perdida", "verloren")
STATUSES = ("won", "lost", "open")


def _words(stage: str) -> tuple[str, set[str]]:
    slug = snake_case(stage)
    return slug, set(slug.split("_"))


def name_status(stage: str) -> str | None:
    """``won`` or ``lost`` when a stage's name says so, else None."""
    slug, words = _words(stage)
    if words & set(WON) or slug in ("closed_won", "fechado_ganho"):
        return "won"
    if words & set(LOST):
        return "lost"
    return None


def lost_reason(status: str, reason: str | None, gave_up: bool) -> str | None:
    """A deal's lost reason: the export's, else « Abandonné » for a stage the prospect gave
    up at; none unless the deal is lost."""
    if status != "lost":
        return None
    return reason or (ABANDONED_REASON if gave_up else None)


def deal_row(
    ident: str,
    account: str | None,
    created: datetime,
    outcome: tuple[str, bool],
    closed: datetime | None,
    amount: float | None,
    reason: str | None,
    source: str | None,
    **extra: object,
) -> dict[str, object]:
    """One row of the ``deals`` table, as every CRM importer writes it: ``outcome`` is
    :meth:`StageReader.status`'s (status, abandoned), the lost reason by :func:`lost_reason`;
    ``extra``: more canonical columns."""
    status, gave_up = outcome
    return {
        "deal_id": ident,
        "account_id": account,
        "created_at": created.date(),
        "status": status,
        "closed_at": closed.date() if closed else None,
        "amount": amount,
        "lost_reason": lost_reason(status, reason, gave_up),
        "source": source,
        **extra,
    }


def abandoned(stage: str) -> bool:
    slug, words = _words(stage)
    return bool(words & set(ABANDONED)) or any(a in slug for a in ABANDONED if "_" in a)


class StageReader:
    """Reads each deal's status, counting how each stage was read."""

    def __init__(self, stage_status: dict[str, str] | None = None) -> None:
        self.mapping = {fold(k): v for k, v in (stage_status or {}).items()}
        self.read: Counter[tuple[str, str, str]] = Counter()  # (stage, status, how)
        self._known: dict[tuple[str, str | None], tuple[str, str]] = {}

    def status(self, stage: str, flag: str | None = None) -> tuple[str, bool]:
        """(status, abandoned) of a deal at ``stage``; ``flag`` is the CRM's own status.

        Each (stage, flag) is read once: an export has a few stages and many deals."""
        read = self._known.get((stage, flag))
        if read is None:
            read = self._known[(stage, flag)] = self._read(stage, flag)
        found, how = read
        self.read[(stage or "(empty)", found, how)] += 1
        return found, how.startswith("abandoned")

    def _read(self, stage: str, flag: str | None) -> tuple[str, str]:
        if fold(stage) in self.mapping:
            return self.mapping[fold(stage)], "stage_status setting"
        if stage and abandoned(stage):
            return "lost", f"abandoned: reason « {ABANDONED_REASON} »"
        if flag in STATUSES:
            return flag, "the CRM's status"
        if (by_name := name_status(stage)) is not None:
            return by_name, "the stage name"
        return "open", "no closing word in the name" if stage else "no stage"

    def report(self, file: str) -> Problem | None:
        """An info line: every stage, its status, how it was read, and its deal count."""
        if not self.read:
            return None
        parts = [
            f"'{stage}' → {status} ({how}, {n})"
            for (stage, status, how), n in sorted(self.read.items(), key=lambda i: -i[1])
        ]
        return Problem(
            file,
            "deal stages read as: " + "; ".join(parts),
            hint="if a stage is read wrong, map it in personae.toml: [personae.stage_status] "
            '"<stage>" = "won", "lost" or "open", and import again with --config',
            severity="info",
        )
