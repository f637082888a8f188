"""Themes from notes: routing by kind and cue, and TF-IDF grouping on a hand-written corpus."""

from __future__ import annotations

from personae.models.themes import extract_themes, fold, french_stop_words, route

# A small French corpus as notes say it: two ways of saying the price is too high, two of a
# missing ERP connector, one lone remark about support.
OBJECTIONS = [
    ("Le prix est trop élevé pour notre budget.", 3),
    ("Prix trop élevé par rapport à Excel.", 2),
    ("Pas de connecteur avec notre ERP.", 2),
    ("Il manque le connecteur ERP Sage.", 1),
    ("Le support répond lentement.", 1),
]


def test_recurring_themes_with_their_verbatim_and_count() -> None:
    themes = extract_themes(OBJECTIONS)
    got = [(t.verbatim, t.count) for t in themes]
    # the lone support remark does not recur (1 note < min_count 2)
    assert got == [
        ("Le prix est trop élevé pour notre budget.", 5),
        ("Pas de connecteur avec notre ERP.", 3),
    ]
    assert {"prix", "trop", "eleve"} & set(themes[0].terms)
    assert any("connecteur" in term or "erp" in term for term in themes[1].terms)


def test_max_themes_and_min_count() -> None:
    assert len(extract_themes(OBJECTIONS, max_themes=1)) == 1
    assert [t.count for t in extract_themes(OBJECTIONS, min_count=1)] == [5, 3, 1]


def test_same_text_counts_once_with_its_weight() -> None:
    themes = extract_themes(
        [("Objectif : lever des fonds.", 2), ("Objectif : lever des fonds.", 3)]
    )
    assert [(t.verbatim, t.count) for t in themes] == [("Objectif : lever des fonds.", 5)]


def test_empty_or_stop_words_only() -> None:
    assert extract_themes([]) == []
    assert extract_themes([("le la les de des", 5)]) == []


def test_stop_words_are_the_snowball_list_with_and_without_accents() -> None:
    words = french_stop_words()
    assert {"les", "nous", "été", "ete", "même", "meme", "avec"} <= words
    assert "prix" not in words and "trésorerie" not in words
    assert fold("Trésorerie ÉLEVÉE") == "tresorerie elevee"


def test_routing_by_kind_and_cue() -> None:
    assert route("lost", "Perdu : prix trop élevé.") == [("objections", "Perdu : prix trop élevé.")]
    assert route("nps", "NPS 3/10 : support lent à répondre.") == [
        ("objections", "support lent à répondre.")
    ]
    assert route("nps", "NPS 10/10 : indispensable au quotidien.") == [
        ("aide", "indispensable au quotidien.")
    ]
    assert route("nps", "NPS 8/10 : correct.") == []  # passives say neither
    assert route("support", "Export FEC refusé : défi technique.") == []
    text = (
        "Entretien client. Objectif : fiabiliser le prévisionnel. Défi : consolider les banques "
        "à la main. Critère de décision : intégration avec l'ERP. A connu Quickfund par "
        "l'expert-comptable. Objection initiale : le prix."
    )
    assert route("Interview", text) == [
        ("objectifs", "Objectif : fiabiliser le prévisionnel."),
        ("defis", "Défi : consolider les banques à la main."),
        ("criteres", "Critère de décision : intégration avec l'ERP."),
        ("sources", "A connu Quickfund par l'expert-comptable."),
        ("objections", "Objection initiale : le prix."),
    ]


def test_themes_are_deterministic() -> None:
    assert extract_themes(OBJECTIONS) == extract_themes(list(reversed(OBJECTIONS)))
