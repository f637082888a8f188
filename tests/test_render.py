"""Rendering dossier.md: the template back when nothing is answered, filled when all is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from personae.dossier.answers import Answer, load_answers
from personae.dossier.model import Dossier
from personae.dossier.questionnaire import (
    PLACEHOLDER,
    Questionnaire,
    load_questionnaire,
    parse_template,
)
from personae.render.markdown import french_month, render_markdown
from tests.test_questionnaire import OWN

DAY = date(2026, 3, 15)


def test_no_answers_reproduces_the_template(questionnaire: Questionnaire) -> None:
    out = render_markdown(Dossier(questionnaire, dict({}), DAY)).split("\n")
    src = questionnaire.text.split("\n")
    assert len(out) == len(src)
    diff = [(a, b) for a, b in zip(src, out, strict=True) if a != b]
    assert diff == [
        ("> **Dernière mise à jour :** Décembre 2025", "> **Dernière mise à jour :** Mars 2026"),
        ("**Total questions : 58**", "**Total questions : 63**"),
        ("**Répondues : 0/58**", "**Répondues : 0/63**"),
    ]  # the status line stays "🔄 À compléter", as in the template


def test_complete_answers_leave_no_placeholder(
    questionnaire: Questionnaire, complete_answers: Path
) -> None:
    manual = load_answers(complete_answers, questionnaire)
    d = Dossier.assemble(questionnaire, manual=manual, generated=DAY)
    md = render_markdown(d)
    assert [line for line in md.split("\n") if PLACEHOLDER.search(line)] == []
    assert "Même structure" not in md
    assert "> **Statut :** ✅ Complété" in md
    assert "**Répondues : 63/63**" in md
    assert md.count("- [x] **") == 63 and "- [ ] **" not in md
    # the executive summary is derived from the other answers
    assert "| Clients totaux | 120 |" in md
    assert "| Persona principal | Texte de réponse |" in md
    assert "| Churn global | 42,5\u00a0% par mois, 42,5\u00a0% par an |" in md
    assert d.answers["resume.clients_totaux"].source == "derived"
    assert md.count("### Persona ") == 3 and md.count("Objectifs :") == 3


def test_partial_answers_status_and_french_formats(questionnaire: Questionnaire) -> None:
    answers = {
        "1.1": Answer("1.1", "1 234 clients", "data"),
        "1.clients_total": Answer("1.clients_total", 12345, "data"),
        "1.concentration_top_10": Answer("1.concentration_top_10", 0.4234, "data"),
        "2.segments_identifies": Answer(
            "2.segments_identifies",
            [
                {"segment": f"S{k}", "nb_clients": k, "pct_ca": k / 15, "ltv_moyen": 1000.0 * k}
                for k in range(1, 6)
            ],
            "data",
        ),
        "4.repartition_par_industrie": Answer(
            "4.repartition_par_industrie",
            [{"industrie": "Autres", "nb_clients": 7, "pct_ca": 0.1}],
            "data",
        ),
    }
    md = render_markdown(Dossier(questionnaire, dict(answers), DAY))
    assert "> **Statut :** 🟡 En cours" in md
    assert "**Répondues : 1/63**" in md
    assert "- [x] **Combien de clients avez-vous au total ?** — 1 234 clients" in md
    assert "Clients total : 12\u202f345\n" in md
    assert "Concentration (Top 10) : 42,3\u00a0% du CA" in md
    # five segment rows replace the four example rows; a cell no answer fills says nothing
    assert "| S5 | 5 | 33,3\u00a0% | 5\u202f000\u00a0€ | — | — |" in md
    assert "| [Segment 1] | [X] |" not in md
    # a fixed row is filled in place; the example rows stay when no free row is given
    assert "| Autres | 7 | 10,0\u00a0% | - | Non |" in md
    assert "| [Industrie 1] | [X] | [X%] | [À compléter] | [Oui/Non] |" in md


def test_personas_grow_and_same_structure_expands(questionnaire: Questionnaire) -> None:
    answers = {
        "7.persona2.titre": Answer("7.persona2.titre", "DAF"),
        "7.persona4.nom": Answer("7.persona4.nom", "Paul, le CEO"),
        "7.persona4.objectifs": Answer("7.persona4.objectifs", ["Lever", "Recruter"]),
    }
    md = render_markdown(Dossier(questionnaire, dict(answers), DAY))
    assert md.count("*(Même structure)*") == 1  # persona 3 only
    assert "### Persona 2 : [Nom/Titre]\n```\nTitre : DAF\nDépartement : [À compléter]" in md
    assert "### Persona 4 : Paul, le CEO\n```\nTitre : [À compléter]" in md
    assert "Objectifs :\n1. Lever\n2. Recruter\n\nDéfis :" in md


def test_french_month() -> None:
    assert french_month(date(2025, 12, 1)) == "Décembre 2025"
    assert french_month(date(2026, 8, 31)) == "Août 2026"


# ---------------------------------------------------------------- structure is preserved


def structure(q: Questionnaire) -> tuple[object, ...]:
    return (
        [s.id for s in q.sections],
        [x.id for x in q.questions],
        {t.id: (len(t.columns), len(t.rows)) for t in q.tables.values()},
        sorted(q.slots),
    )


NASTY = (
    st.lists(
        st.sampled_from([*"ab |`*[]x#-\n\r:>_\\é€", "```", "[x]", "- [ ] **q**", "\n## 9. X"]),
        min_size=1,
        max_size=20,
    )
    .map("".join)
    .filter(lambda s: s.strip())
)


QUICKFUND = load_questionnaire()


@settings(max_examples=60, deadline=None)
@given(text=NASTY, cell=NASTY)
def test_arbitrary_answers_never_break_the_structure(text: str, cell: str) -> None:
    questionnaire = QUICKFUND
    answers = {
        "1.1": Answer("1.1", text),
        "1.definition_actif": Answer("1.definition_actif", text),
        "7.persona1.nom": Answer("7.persona1.nom", text),
        "7.persona1.objectifs": Answer("7.persona1.objectifs", [text, cell]),
        "12.analyse_prospects_perdus": Answer(
            "12.analyse_prospects_perdus",
            [{"raison_de_perte": cell, "segment_concerne": text}] * 5,
        ),
        "3.repartition_par_taille": Answer(
            "3.repartition_par_taille", [{"taille": "TPE (1-10)", "nb_clients": 3}]
        ),
    }
    md = render_markdown(Dossier(questionnaire, dict(answers), DAY))
    again = parse_template(md)
    before, after = structure(questionnaire), structure(again)
    assert before[:2] == after[:2]
    assert before[2] == after[2]
    fences = [line for line in md.split("\n") if line.startswith("```")]
    assert len(fences) == questionnaire.text.count("\n```")

    def headings(t: str) -> list[str]:
        return [line.split(" : ")[0] for line in t.split("\n") if line.startswith("#")]

    assert headings(md) == headings(questionnaire.text)


HEADINGS = (
    st.text(alphabet=st.sampled_from(list("abcdefgh éèà")), min_size=3, max_size=15)
    .map(lambda s: s.strip() or "titre")
    .filter(lambda s: len(s) >= 3)
)


@st.composite
def templates(draw: st.DrawFn) -> str:
    lines = [f"# {draw(HEADINGS)}", "", "> **Statut :** 🔄 À compléter", ""]
    for n in range(1, draw(st.integers(1, 4)) + 1):
        lines += [f"## {n}. {draw(HEADINGS)}", ""]
        for _ in range(draw(st.integers(0, 3))):
            lines.append(f"- [ ] **{draw(HEADINGS)} ?**" + draw(st.sampled_from(["", " (note)"])))
        if draw(st.booleans()):
            keys = draw(st.lists(HEADINGS, min_size=1, max_size=3))
            phs = st.sampled_from(["[X]", "[X%]", "[€]", "[À compléter]", "[Oui/Non]"])
            lines += ["", "### Réponses", "```"]
            lines += [f"{k.capitalize()} : {draw(phs)}" for k in keys] + ["```"]
        if draw(st.booleans()):
            ncols = draw(st.integers(2, 4))
            lines += [
                "",
                f"### {draw(HEADINGS)}",
                "| " + " | ".join(f"C{j}" for j in range(ncols)) + " |",
            ]
            lines.append("|" + "---|" * ncols)
            for r in range(draw(st.integers(1, 4))):
                first = draw(st.sampled_from([f"[Ligne {r}]", f"Fixe {r}", str(r + 1)]))
                lines.append("| " + " | ".join([first] + ["[X]"] * (ncols - 1)) + " |")
        lines += ["", "---", ""]
    lines += ["**Total questions : 0**", "**Répondues : 0/0**", ""]
    return "\n".join(lines)


@settings(max_examples=80, deadline=None)
@given(templates())
def test_generated_templates_round_trip(text: str) -> None:
    q = parse_template(text)
    total = len(q.questions)
    out = render_markdown(Dossier(q, dict({}), DAY))
    expected = text.replace("**Total questions : 0**", f"**Total questions : {total}**")
    expected = expected.replace("**Répondues : 0/0**", f"**Répondues : 0/{total}**")
    assert out == expected


def test_own_template_renders_answers() -> None:
    q = parse_template(OWN)
    answers = {
        "1.1": Answer("1.1", "Quatre"),
        "1.quota": Answer("1.quota", 250000.0),
        "2.profil2.role": Answer("2.profil2.role", "Acheteur"),
    }
    md = render_markdown(Dossier(q, answers, DAY))
    assert "- [x] **Combien de commerciaux ?** — Quatre" in md
    assert "Quota : 250\u202f000\u00a0€/an" in md
    assert "### Profil 2 : [Nom]\n```\nRôle : Acheteur\nPriorités :\n1. [À compléter]" in md
    assert "**Répondues : 1/3**" in md


def test_data_and_manual_rows_naming_one_fixed_row_merge(questionnaire: Questionnaire) -> None:
    from personae.dossier.answers import merge

    computed = {
        "3.repartition_par_taille": Answer(
            "3.repartition_par_taille", [{"taille": "TPE", "nb_clients": 12, "arpu": 900.0}], "data"
        )
    }
    manual = {
        "3.repartition_par_taille": Answer(
            "3.repartition_par_taille", [{"taille": "TPE (1-10)", "cycle_de_vente": 20}]
        )
    }
    md = render_markdown(Dossier(questionnaire, dict(merge(computed, manual)), DAY))
    assert "| TPE (1-10) | 12 | — | 900\u00a0€ | 20\u00a0jours |" in md


def test_title_names_the_company_and_the_header_the_data_date(questionnaire: Questionnaire) -> None:
    assert questionnaire.company == "Quickfund"
    d = Dossier(questionnaire, {}, DAY, as_of=date(2025, 6, 30), company="Acme & Fils")
    md = render_markdown(d).split("\n")
    assert md[0] == "# Segments Clients & Personas - Acme & Fils"
    assert any(line.endswith(f"{french_month(DAY)} (données au 30 juin 2025)") for line in md[:5])
    from personae.render import dossier_document

    doc = dossier_document(d)
    assert doc["company"] == "Acme & Fils"
    assert doc["title"] == "Segments Clients & Personas - Acme & Fils"
    plain = render_markdown(Dossier(questionnaire, {}, DAY)).split("\n")
    assert plain[0] == "# Segments Clients & Personas - Quickfund"


def test_a_list_is_written_as_french_writes_it() -> None:
    """« a ; b », a space before the semicolon, in the dossier's answers as in accounts.csv's
    reasons."""
    from personae.dossier.kinds import LIST, format_value
    from personae.render.markdown import short_answer

    assert format_value(LIST, ["Excel", "Sage"]) == "Excel ; Sage"
    assert short_answer(["Excel", "Sage", "Pennylane"]) == "Excel ; Sage ; Pennylane"
    assert short_answer([]) == ""
