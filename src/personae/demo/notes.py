"""Notes: lost-deal debriefs, support tickets, NPS answers, interviews and calls.

Support notes come :data:`company.SUPPORT_SURGE_FACTOR` times as often over the last
three service months before a churn (a planted churn signal); lost notes name the lost
reason, and the competitor when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from personae.demo import company as qf
from personae.demo.billing import Spells
from personae.demo.dates import AS_OF_DAY, Days
from personae.demo.deals import COMPETITORS, LOST_REASONS
from personae.demo.draw import Ints, categorical
from personae.demo.usage import before_churn

KINDS: tuple[str, ...] = ("interview", "call", "nps", "lost", "support")

_LOST_TEXTS: dict[str | None, tuple[str, ...]] = {
    "Prix trop élevé": (
        "Perdu : prix trop élevé pour leur budget actuel, l'abonnement paraît cher "
        "face à leurs besoins.",
        "Le prospect juge le prix trop élevé et demandait une remise que nous n'avons pas "
        "accordée.",
    ),
    "Feature manquante": (
        "Perdu : feature manquante, ils ont besoin de la consolidation multi-entités.",
        "Feature manquante : pas de connecteur avec leur ERP, bloquant pour la DAF.",
    ),
    "Concurrent choisi": (
        "Perdu : concurrent choisi, jugé plus simple à déployer.",
        "Concurrent choisi pour son intégration bancaire.",
    ),
    "Timing pas bon": (
        "Timing pas bon : projet repoussé après la clôture des comptes.",
        "Perdu pour l'instant, timing pas bon : réorganisation en cours, à relancer dans 6 mois.",
    ),
    "Pas de budget": (
        "Pas de budget cette année pour un outil de trésorerie.",
        "Perdu : pas de budget, gel des dépenses logicielles.",
    ),
    None: (
        "Plus de nouvelles du prospect après la proposition.",
        "Deal clos sans retour du prospect.",
    ),
}
_SUPPORT_TEXTS: tuple[str, ...] = (
    "Synchronisation bancaire en échec depuis hier, les soldes ne remontent plus.",
    "Export FEC refusé par le logiciel comptable : format de date à corriger.",
    "Question sur la facture du mois : montant différent du devis.",
    "Demande d'ajout d'un utilisateur pour la comptabilité.",
    "Le prévisionnel ne prend pas en compte les échéances de TVA.",
    "Rapprochement bancaire : doublons sur les virements groupés.",
    "Impossible de se connecter après le changement de mot de passe.",
    "Lenteurs à l'ouverture du tableau de bord de trésorerie.",
    "Demande d'aide pour paramétrer les catégories de dépenses.",
    "Le partage de rapport avec l'expert-comptable ne fonctionne pas.",
)
_NPS_COMMENTS: tuple[tuple[str, ...], ...] = (
    (  # detractors 0–6
        "outil trop cher pour l'usage que nous en avons",
        "trop de bugs sur la synchronisation bancaire",
        "support lent à répondre",
    ),
    (  # passives 7–8
        "bon outil, quelques fonctionnalités manquent",
        "pratique au quotidien mais la prise en main a été longue",
        "correct, les rapports pourraient être plus personnalisables",
    ),
    (  # promoters 9–10
        "indispensable pour piloter notre trésorerie",
        "le prévisionnel nous a fait gagner des heures chaque mois",
        "très utile pour préparer notre levée de fonds",
    ),
)
_NPS_WEIGHTS = np.array([1, 1, 1, 2, 2, 4, 6, 12, 20, 26, 25], dtype=np.float64)
_INTERVIEW_TEXTS: tuple[str, ...] = (
    "Entretien client. Objectif : fiabiliser le prévisionnel de trésorerie à 13 semaines. "
    "Défi : consolider cinq banques à la main chaque lundi.",
    "Entretien client. Objectif : préparer la levée de fonds avec des chiffres à jour. "
    "Défi : le reporting aux investisseurs prend trois jours par mois.",
    "Entretien client. Objectif : réduire le temps de clôture mensuelle. Défi : les "
    "exports comptables sont refaits dans Excel.",
    "Entretien client. Objectif : suivre le BFR par entité. Défi : aucune vision "
    "consolidée du groupe. Critère de décision : intégration avec l'ERP.",
    "Entretien client. Objectif : anticiper les tensions de trésorerie. Défi : équipe "
    "finance réduite. A connu Quickfund par l'expert-comptable.",
    "Entretien client. Objectif : convaincre la banque avec un plan de trésorerie "
    "crédible. Objection initiale : le prix, levée après la démo.",
)
_CALL_TEXTS: tuple[str, ...] = (
    "Appel de lancement : connexion des comptes bancaires et import du budget.",
    "Appel de lancement : formation de l'équipe comptable, prochaine étape le prévisionnel.",
    "Appel de suivi à 30 jours : bonne adoption, demande de modèles de rapports.",
    "Revue trimestrielle : usage stable, intérêt pour le module Prévisionnel.",
)
# The themes a buyer persona plants in its account's interviews and calls (the others get the
# texts above): what a finance director says is not what a founder says.
PERSONA_INTERVIEWS: dict[str, tuple[str, ...]] = {
    "daf": (
        "Entretien client. Objectif : fiabiliser le prévisionnel de trésorerie à 13 semaines. "
        "Défi : consolider cinq banques à la main chaque lundi. "
        "Critère de décision : des connecteurs bancaires fiables.",
        "Entretien client. Objectif : réduire le temps de clôture mensuelle. Défi : les "
        "exports comptables sont refaits dans Excel. Critère de décision : l'intégration "
        "avec l'ERP.",
        "Entretien client. Objectif : fiabiliser le prévisionnel présenté au comité de "
        "direction. Défi : le rapprochement bancaire manuel prend une journée par semaine. "
        "Recommandé par un confrère de la DFCG.",
        "Entretien client. Objectif : réduire le temps de clôture et fiabiliser les "
        "prévisions. Défi : consolider les banques à la main. A connu Quickfund par "
        "l'expert-comptable.",
    ),
    "dirigeant": (
        "Entretien client. Objectif : préparer la levée de fonds avec des chiffres à jour. "
        "Défi : pas de financier en interne, tout repose sur le fondateur. "
        "A découvert Quickfund sur LinkedIn.",
        "Entretien client. Objectif : convaincre la banque avec un plan de trésorerie "
        "crédible. Défi : pas de financier en interne. "
        "Objection initiale : la prise en main, levée après la démo.",
        "Entretien client. Objectif : préparer la levée de fonds. Défi : aucun temps pour "
        "tenir le tableau de trésorerie. Recommandé par un autre fondateur de l'incubateur.",
    ),
}
PERSONA_CALLS: dict[str, tuple[str, ...]] = {
    "daf": (
        "Appel de suivi : le DAF souhaite automatiser le rapprochement bancaire de toutes "
        "les entités.",
        "Appel de suivi : le DAF veut un prévisionnel à 13 semaines pour le comité de direction.",
    ),
    "dirigeant": (
        "Appel de suivi : le dirigeant souhaite un tableau de bord simple pour ses investisseurs.",
        "Appel de suivi : le fondateur veut préparer sa levée de fonds avec des chiffres fiables.",
    ),
}
_INTERVIEW_SHARE = 0.12
_CALL_SHARE = 0.40
_NPS_RATE = 0.4 / 12


def _lost_table() -> tuple[list[str], Ints, Ints]:
    """Flat texts and, per (reason + 1, competitor + 1), the first text and the count."""
    reasons: list[str | None] = [None, *LOST_REASONS]
    texts: list[str] = []
    first = np.zeros((len(reasons), len(COMPETITORS) + 1), dtype=np.int64)
    count = np.zeros_like(first)
    for r, reason in enumerate(reasons):
        for c, rival in enumerate([None, *COMPETITORS]):
            variants = list(_LOST_TEXTS[reason])
            if rival is not None:
                variants = [f"{v} Concurrent : {rival}." for v in variants]
                if reason == "Prix trop élevé":
                    variants = [
                        f"Prix trop élevé : {rival} est moins cher pour un usage équivalent."
                    ]
            first[r, c], count[r, c] = len(texts), len(variants)
            texts.extend(variants)
    return texts, first, count


_LOST, _LOST_FIRST, _LOST_COUNT = _lost_table()
_NPS_TEXTS = [
    f"NPS {score}/10 : {comment}."
    for score in range(11)
    for comment in _NPS_COMMENTS[0 if score <= 6 else 1 if score <= 8 else 2]
]
_PERSONA_KEYS = tuple(p.key for p in qf.PERSONAS)


def _dialogue_table(
    generic: tuple[str, ...], by_persona: dict[str, tuple[str, ...]]
) -> tuple[list[str], Ints, Ints]:
    """Flat texts and, per buyer persona (index + 1; 0 = none), the first text and the count."""
    texts: list[str] = []
    first = np.zeros(len(_PERSONA_KEYS) + 1, dtype=np.int64)
    count = np.zeros_like(first)
    for i, key in enumerate((None, *_PERSONA_KEYS)):
        if key is not None and key not in by_persona:
            first[i], count[i] = first[0], count[0]
            continue
        own = generic if key is None else by_persona[key]
        first[i], count[i] = len(texts), len(own)
        texts.extend(own)
    return texts, first, count


_INTERVIEWS, _INTERVIEW_FIRST, _INTERVIEW_COUNT = _dialogue_table(
    _INTERVIEW_TEXTS, PERSONA_INTERVIEWS
)
_CALLS, _CALL_FIRST, _CALL_COUNT = _dialogue_table(_CALL_TEXTS, PERSONA_CALLS)
TEXTS: tuple[str, ...] = (*_LOST, *_SUPPORT_TEXTS, *_NPS_TEXTS, *_INTERVIEWS, *_CALLS)
_SUPPORT0 = len(_LOST)
_NPS0 = _SUPPORT0 + len(_SUPPORT_TEXTS)
_INTERVIEW0 = _NPS0 + len(_NPS_TEXTS)
_CALL0 = _INTERVIEW0 + len(_INTERVIEWS)
_SEG_SUPPORT = np.array([s.support_rate for s in qf.SEGMENTS])
_SEG_B2B = np.array([s.kind == "B2B" for s in qf.SEGMENTS])


@dataclass(frozen=True)
class Notes:
    account: Ints
    date: Days
    kind: Ints
    """Index into KINDS."""
    text: Ints
    """Index into TEXTS."""


def notes(
    rng: np.random.Generator,
    spells: Spells,
    lost_account: Ints,
    lost_date: Days,
    lost_reason: Ints,
    lost_competitor: Ints,
    buyer: Ints,
) -> Notes:
    """Every note; ``buyer`` is each local account's buyer persona (index, -1 for none)."""
    parts: list[tuple[Ints, Days, int, Ints]] = []

    has_note = rng.random(len(lost_account)) < 0.7
    r, c = lost_reason[has_note] + 1, lost_competitor[has_note] + 1
    pick = _LOST_FIRST[r, c] + rng.integers(0, 1 << 30, len(r)) % _LOST_COUNT[r, c]
    parts.append((lost_account[has_note], lost_date[has_note], KINDS.index("lost"), pick))

    k = np.arange(qf.N_MONTHS)[None, :]
    active = k < spells.months[:, None]
    surge = np.where(before_churn(spells, 3), qf.SUPPORT_SURGE_FACTOR, 1.0)
    p = _SEG_SUPPORT[spells.segment][:, None] * surge
    rows, kk = np.nonzero(active & (rng.random(active.shape) < p))
    day = spells.period_start(kk, rows) + rng.integers(0, 28, len(rows))
    text = _SUPPORT0 + rng.integers(0, len(_SUPPORT_TEXTS), len(rows))
    parts.append((spells.account[rows], day, KINDS.index("support"), text))

    rows, kk = np.nonzero(active & (rng.random(active.shape) < _NPS_RATE))
    day = spells.period_start(kk, rows) + rng.integers(0, 28, len(rows))
    score = categorical(rng, _NPS_WEIGHTS / _NPS_WEIGHTS.sum(), len(rows))
    text = _NPS0 + 3 * score + rng.integers(0, 3, len(rows))
    parts.append((spells.account[rows], day, KINDS.index("nps"), text))

    b2b_first = spells.first & _SEG_B2B[spells.segment]
    start = spells.period_start(np.zeros(len(spells.start), np.int64), np.arange(len(spells.start)))
    rows = np.flatnonzero(b2b_first & (rng.random(len(start)) < _INTERVIEW_SHARE))
    who = buyer[spells.account[rows]] + 1
    pick = rng.integers(0, 1 << 30, len(rows))
    text = _INTERVIEW0 + _INTERVIEW_FIRST[who] + pick % _INTERVIEW_COUNT[who]
    parts.append((spells.account[rows], start[rows] + 90, KINDS.index("interview"), text))
    rows = np.flatnonzero(b2b_first & (rng.random(len(start)) < _CALL_SHARE))
    who = buyer[spells.account[rows]] + 1
    pick = rng.integers(0, 1 << 30, len(rows))
    text = _CALL0 + _CALL_FIRST[who] + pick % _CALL_COUNT[who]
    parts.append((spells.account[rows], start[rows] + 7, KINDS.index("call"), text))

    date = np.concatenate([p[1] for p in parts])
    keep = date <= AS_OF_DAY
    return Notes(
        account=np.concatenate([p[0] for p in parts])[keep],
        date=date[keep],
        kind=np.concatenate([np.full(len(p[0]), p[2]) for p in parts])[keep],
        text=np.concatenate([p[3] for p in parts])[keep],
    )
