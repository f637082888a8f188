"""The dossier: the questionnaire with its answers, ready to be written out.

Answers flow one way (DESIGN §8): computed answers (``data``) are overlaid with manual
ones (``manual`` always wins), then the executive summary and the counters are
``derived`` from them. :meth:`Dossier.assemble` does that; the renderers in
:mod:`personae.render` write it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from personae.dossier.answers import Answer, merge
from personae.dossier.links import link
from personae.dossier.questionnaire import Questionnaire
from personae.dossier.summary import derive
from personae.errors import Problem

if TYPE_CHECKING:
    import pandas as pd

STATUS_TODO = "🔄 À compléter"
STATUS_DOING = "🟡 En cours"
STATUS_DONE = "✅ Complété"


def status_label(answered: int, total: int) -> str:
    """The header's ``Statut``: nothing answered, some, or all."""
    if answered == 0:
        return STATUS_TODO
    return STATUS_DONE if answered >= total else STATUS_DOING


@dataclass
class Dossier:
    questionnaire: Questionnaire
    answers: dict[str, Answer]
    generated: date
    as_of: date | None = None
    company: str | None = None  # replaces the template's company name (setting company_name)
    metrics: dict[str, Any] | None = None
    models: dict[str, Any] | None = None  # DESIGN §5's models, by name
    accounts: pd.DataFrame | None = None  # one row per account; None when the numbers are reused
    accounts_csv: bytes | None = None  # accounts.csv as written, once rendered
    missing: dict[str, str] = field(default_factory=dict)  # question id -> what is missing
    warnings: list[Problem] = field(default_factory=list)  # the input data's warnings
    reused: str | None = None  # the numbers were computed by an earlier run, then (cache)

    @classmethod
    def assemble(
        cls,
        q: Questionnaire,
        *,
        manual: Mapping[str, Answer] | None = None,
        computed: Mapping[str, Answer] | None = None,
        metrics: dict[str, Any] | None = None,
        models: dict[str, Any] | None = None,
        accounts: pd.DataFrame | None = None,
        accounts_csv: bytes | None = None,
        missing: Mapping[str, str] | None = None,
        warnings: list[Problem] | None = None,
        as_of: date | None = None,
        company: str | None = None,
        generated: date | None = None,
        reused: str | None = None,
    ) -> Dossier:
        """Computed answers overlaid with manual ones, then the summary derived."""
        answers = derive(q, link(q, merge(computed or {}, manual or {})))
        return cls(
            q,
            answers,
            generated or date.today(),
            as_of=as_of,
            company=company,
            metrics=metrics,
            models=models,
            accounts=accounts,
            accounts_csv=accounts_csv,
            missing=dict(missing or {}),
            warnings=list(warnings or []),
            reused=reused,
        )

    def with_manual(self, manual: Mapping[str, Answer]) -> Dossier:
        """This dossier's computed answers overlaid with ``manual`` ones, the summary derived
        again; the metrics are kept, not recomputed (``personae serve`` on every page)."""
        computed = {k: a for k, a in self.answers.items() if a.source == "data"}
        return Dossier.assemble(
            self.questionnaire,
            manual=manual,
            computed=computed,
            metrics=self.metrics,
            models=self.models,
            accounts=self.accounts,
            accounts_csv=self.accounts_csv,
            missing=self.missing,
            warnings=self.warnings,
            as_of=self.as_of,
            company=self.company,
            generated=self.generated,
            reused=self.reused,
        )

    @property
    def answered(self) -> int:
        return sum(1 for x in self.questionnaire.questions if x.id in self.answers)

    @property
    def total(self) -> int:
        return len(self.questionnaire.questions)

    @property
    def status(self) -> str:
        return status_label(self.answered, self.total)
