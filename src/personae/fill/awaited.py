"""Questions that a model of DESIGN §5 will answer; until it exists they need a person."""

from __future__ import annotations

from personae.fill._rule import Awaited

AWAITED: tuple[Awaited, ...] = (
    Awaited("9.2", "l'analyse des points communs du top 10"),
    Awaited("10.5", "le modèle de signaux de churn"),
    Awaited("11.4", "l'analyse des déclencheurs d'expansion"),
    *(Awaited(f"7.{k}", "le modèle de personas") for k in range(1, 11)),
)
