"""Recurring themes of the notes, per persona (DESIGN §5 "Personas": objectives, challenges,
objections, sources, criteria).

Which notes feed which field (kind of note, then what a sentence says):

==============  ===========================================================================
field           notes
==============  ===========================================================================
objections      ``lost`` notes (whole text); ``nps`` answers scored 0–6 (the comment);
                sentences of ``interview``/``call`` notes that name an objection, a price
                concern or a doubt
criteres        sentences of ``interview``/``call`` notes naming a criterion, a must-have
sources         sentences of ``interview``/``call`` notes saying how they heard of us
                (recommended by, met at, found on…)
defis           sentences of ``interview``/``call`` notes naming a challenge, a difficulty,
                manual or slow work
objectifs       sentences of ``interview``/``call`` notes naming a goal, a wish, a need
aide            ``nps`` answers scored 9–10 (the comment): how the product helps them
==============  ===========================================================================

A sentence goes to the first field of that order whose cue it carries (``Objection : le
prix`` is an objection, not a goal); ``support`` notes are about the product, not the
persona, and feed nothing. Sentences that carry no cue are left out.

Within a field, the texts are grouped into themes: TF-IDF (scikit-learn, French stop words of
the Snowball project shipped in ``data/stopwords_fr.txt``, accents stripped, words and word
pairs) and agglomerative clustering (average linkage on cosine distance): texts whose
average similarity reaches :data:`SIMILAR` share a theme, so the number of themes comes from
the texts, deterministically (the two ways of saying "prix trop élevé" are one theme, "pas de
budget" another). The :data:`MAX_DOCS` most frequent distinct texts of a field are clustered. A theme
is kept when it recurs (``min_count`` notes or more); it carries its count, its most
representative verbatim (the text closest to the cluster's centre; on a tie the most
frequent, then the shortest) and its leading words. Nothing is downloaded.

Notes are tied to a persona through their account: an account's lead persona is the one of
its contacts' groups, among the personas, that holds the strongest role there (decision
maker, economic buyer, champion, influencer, user), the better-ranked persona on a tie.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import ibis
import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from personae.metrics.context import Context
from personae.metrics.stats import count

FAMILY = "personas"
FIELDS = ("objectifs", "defis", "objections", "sources", "criteres", "aide")
_DIALOGUE = ("interview", "call")
# (field, cue) in the order a sentence is tried; cues are matched on accent-free lower case.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "objections",
        re.compile(r"\b(objection|trop cher|prix|cout|hesit|reticen|crainte|inquiet|doute|peur)"),
    ),
    (
        "criteres",
        re.compile(r"\b(critere|decisif|determinant|indispensable|exige|must|condition)"),
    ),
    (
        "sources",
        re.compile(
            r"\b(connu|decouvert|recommand|entendu parler|bouche a oreille|via|grace a un"
            r"|salon|webinaire?|linkedin)"
        ),
    ),
    (
        "defis",
        re.compile(
            r"\b(defi|difficult|probleme|perd|chronophage|manuel|a la main|trop long"
            r"|prend \w+ (jours|heures)|frein|douleur|aucune vision)"
        ),
    ),
    (
        "objectifs",
        re.compile(r"\b(objectif|souhait|veut|voudr|ambition|cherche a|besoin de|vise)"),
    ),
)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_NPS = re.compile(r"\b(\d{1,2})\s*/\s*10\b")
_NPS_COMMENT = re.compile(r"^\s*nps[^:]*:\s*", re.IGNORECASE)
ROLE_SCORE = {"decision_maker": 4, "economic_buyer": 3, "champion": 2, "influencer": 1}
MAX_NOTES = 20_000  # distinct texts pulled at most (the most frequent first)
MAX_DOCS = 2_000  # distinct texts clustered per field at most (the most frequent first)
SIMILAR = 0.15  # average cosine similarity (TF-IDF) at which texts share a theme


def fold(text: str) -> str:
    """Lower case without accents (what the cues and the vectoriser read)."""
    t = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in t if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def french_stop_words() -> frozenset[str]:
    """The Snowball French stop words, with and without accents."""
    text = resources.files("personae.models").joinpath("data/stopwords_fr.txt").read_text("utf-8")
    words = {w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")}
    return frozenset(words | {fold(w) for w in words})


def route(kind: str, text: str) -> list[tuple[str, str]]:
    """The (field, passage) pairs a note feeds (see the module docstring)."""
    kind = kind.strip().lower()
    if kind == "lost":
        return [("objections", text.strip())]
    if kind == "nps":
        m = _NPS.search(text)
        comment = _NPS_COMMENT.sub("", text).strip()
        if m is None or not comment:
            return []
        score = int(m.group(1))
        if score <= 6:
            return [("objections", comment)]
        return [("aide", comment)] if score >= 9 else []
    if kind not in _DIALOGUE:
        return []
    out = []
    for sentence in _SENTENCE.split(text.strip()):
        folded = fold(sentence)
        for name, cue in _CUES:
            if cue.search(folded):
                out.append((name, sentence.strip()))
                break
    return out


@dataclass(frozen=True)
class Theme:
    verbatim: str
    count: int
    terms: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"verbatim": self.verbatim, "count": self.count, "terms": list(self.terms)}


def extract_themes(
    texts: Sequence[tuple[str, int]],
    max_themes: int = 3,
    min_count: int = 2,
) -> list[Theme]:
    """Recurring themes of ``(text, count)`` pairs, the most frequent first."""
    weights: dict[str, int] = {}
    for text, n in texts:
        t = " ".join(text.split())
        if t:
            weights[t] = weights.get(t, 0) + int(n)
    docs = sorted(weights, key=lambda t: (-weights[t], t))[:MAX_DOCS]
    if not docs or sum(weights.values()) < min_count:
        return []
    w = np.array([weights[d] for d in docs], dtype=np.float64)
    vec = TfidfVectorizer(
        preprocessor=fold,
        stop_words=sorted(french_stop_words()),
        ngram_range=(1, 2),
        sublinear_tf=True,
    )
    try:
        x = vec.fit_transform(docs)
    except ValueError:  # nothing but stop words
        return []
    keep = np.flatnonzero(x.getnnz(axis=1) > 0)  # texts of stop words only say nothing
    docs, w, x = [docs[i] for i in keep], w[keep], x[keep]
    if not docs:
        return []
    if len(docs) == 1:
        labels = np.zeros(1, dtype=np.int64)
    else:
        labels = AgglomerativeClustering(
            n_clusters=None,
            metric="cosine",
            linkage="average",
            distance_threshold=1 - SIMILAR,
        ).fit_predict(x.toarray())
    centers = np.vstack(
        [np.asarray(x[labels == c].T @ w[labels == c]).ravel() for c in range(labels.max() + 1)]
    )
    terms = vec.get_feature_names_out()
    themes = []
    for c in range(centers.shape[0]):
        members = np.flatnonzero(labels == c)
        if members.size == 0:
            continue
        total = int(w[members].sum())
        if total < min_count:
            continue
        center = np.asarray(centers[c]).ravel()
        sims = np.asarray(x[members] @ (center / (np.linalg.norm(center) or 1.0))).ravel()
        order = sorted(
            range(members.size),
            key=lambda j: (-round(float(sims[j]), 9), -w[members[j]], len(docs[members[j]])),
        )
        best = int(members[order[0]])
        top = [terms[i] for i in np.argsort(-center)[:3] if center[i] > 0]
        themes.append(Theme(docs[best], total, tuple(top)))
    themes.sort(key=lambda t: (-t.count, t.verbatim))
    return themes[:max_themes]


def persona_notes(ctx: Context, contacts: ibis.Table, keys: Sequence[str]) -> ibis.Table:
    """Notes with the rank (0, 1, …) of their account's lead persona among ``keys``."""
    c = contacts.filter(contacts.grp.isin(list(keys)))
    rank = ibis.cases(*((c.grp == k, i) for i, k in enumerate(keys)), else_=len(keys))
    score = ibis.cases(*((c.role == r, v) for r, v in ROLE_SCORE.items()), else_=0)
    c = c.mutate(key=score * 100 + (99 - rank))
    lead = c.group_by("account_id").aggregate(best=c.key.max())
    lead = lead.select("account_id", persona=99 - lead.best % 100)
    notes = ctx.tables["notes"]
    j = notes.join(lead, "account_id")
    j = j.filter(j.text.notnull())
    agg = j.group_by(["persona", "kind", "text"]).aggregate(n=j.count())
    return agg.order_by([ibis.desc("n"), "persona", "kind", "text"]).limit(MAX_NOTES)


class Themes:
    """Recurring themes of the notes, per persona and field (see the module docstring)."""

    def __init__(self, max_themes: int = 3, min_count: int = 2) -> None:
        self.max_themes = max_themes
        self.min_count = min_count

    def fit(self, ctx: Context, contacts: ibis.Table, keys: Sequence[str]) -> Themes:
        texts: dict[int, dict[str, list[tuple[str, int]]]] = {i: {} for i in range(len(keys))}
        self.notes_: dict[int, int] = dict.fromkeys(range(len(keys)), 0)
        for r in ctx.run(FAMILY, persona_notes(ctx, contacts, keys)):
            p, n = int(r["persona"]), count(r["n"])
            self.notes_[p] += n
            for name, passage in route(str(r["kind"] or ""), str(r["text"])):
                texts[p].setdefault(name, []).append((passage, n))
        self.themes_: dict[int, dict[str, list[Theme]]] = {
            p: {
                name: extract_themes(by_field.get(name, []), self.max_themes, self.min_count)
                for name in FIELDS
            }
            for p, by_field in texts.items()
        }
        return self

    def summary(self, p: int) -> dict[str, Any]:
        """Persona ``p``'s themes by field, and the notes they were read from."""
        return {
            "notes": self.notes_.get(p, 0),
            **{name: [t.as_dict() for t in ts] for name, ts in self.themes_.get(p, {}).items()},
        }
