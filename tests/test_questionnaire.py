"""Parsing templates into questionnaires: Quickfund's and one of our own."""

from __future__ import annotations

import pytest

from personae.dossier.questionnaire import Questionnaire, parse_template, slug
from personae.errors import TemplateError


def test_quickfund_counts(questionnaire: Questionnaire) -> None:
    q = questionnaire
    assert q.title == "Segments Clients & Personas - Quickfund"
    assert len(q.questions) == 63  # the template's own footer says 58: stale
    per_section = {s.id: len(s.questions) for s in q.sections}
    assert per_section == {
        "1": 6, "2": 6, "3": 3, "4": 5, "5": 5, "6": 4, "7": 10,
        "8": 5, "9": 6, "10": 5, "11": 4, "12": 4, "resume": 0,
    }  # fmt: skip


def test_question_text_note_and_items(questionnaire: Questionnaire) -> None:
    q = {x.id: x for x in questionnaire.questions}
    assert q["1.1"].text == "Combien de clients avez-vous au total ?"
    assert q["1.3"].note == "(Critères)"
    assert q["3.1"].items == [
        "TPE (1-10 employés)",
        "PME (11-250 employés)",
        "ETI (251-5000 employés)",
        "Grand compte (5000+ employés)",
    ]
    assert len(q["6.1"].items) == 8
    assert q["12.3"].text == "Où vont les prospects perdus ?"


def test_slot_ids_and_kinds(questionnaire: Questionnaire) -> None:
    slots = questionnaire.slots
    kinds = {sid: s.kind.name for sid, s in slots.items()}
    assert kinds["1.clients_total"] == "integer"
    assert kinds["1.repartition_b2b_b2c"] == "percent_pair"
    assert kinds["1.concentration_top_10"] == "percent"
    assert kinds["1.definition_actif"] == "text"
    assert kinds["6.icp.taille"] == "range"
    assert slots["6.icp.taille"].kind.unit == "employés"
    assert kinds["6.icp.ca"] == "money_range"
    assert kinds["6.icp.budget_it_outil"] == "money"
    assert slots["6.icp.maturite_digitale"].kind.choices == ("Faible", "Moyenne", "Haute")
    assert kinds["6.tam_icp"] == "integer"
    assert kinds["7.persona1.objectifs"] == "list"
    assert kinds["7.persona3.seniorite"] == "choice"  # expanded from "(Même structure)"
    assert kinds["10.signaux_de_churn_identifies"] == "list"
    assert set(s for s in slots if s.startswith("resume.")) == {
        "resume.clients_totaux",
        "resume.segment_principal",
        "resume.icp",
        "resume.persona_principal",
        "resume.churn_global",
    }
    assert questionnaire.repeat_counts == {"persona": 3}
    extra = questionnaire.repeat_slot("7.persona5.age")
    assert extra is not None and extra.kind.name == "range"


def test_tables(questionnaire: Questionnaire) -> None:
    t = questionnaire.tables
    assert list(t) == [
        "2.segments_identifies",
        "3.repartition_par_taille",
        "4.repartition_par_industrie",
        "5.repartition_geographique",
        "8.parcours_detaille",
        "9.top_10_clients",
        "10.churn_par_segment",
        "11.expansion_par_segment",
        "12.analyse_prospects_perdus",
    ]
    seg = t["2.segments_identifies"]
    assert [c.id for c in seg.columns] == [
        "segment", "nb_clients", "pct_ca", "ltv_moyen", "churn", "croissance",
    ]  # fmt: skip
    assert [c.kind.name for c in seg.columns] == [
        "text", "integer", "percent", "money", "percent", "percent",
    ]  # fmt: skip
    assert len(seg.example_rows) == 4
    assert [r.key for r in t["3.repartition_par_taille"].rows] == [
        "tpe_1_10", "pme_11_250", "eti_251_5000", "grand_compte_5000",
    ]  # fmt: skip
    assert [r.key for r in t["5.repartition_geographique"].rows][-1] == "autres"
    assert len(t["5.repartition_geographique"].example_rows) == 6  # [France] … [US/Canada]
    assert len(t["12.analyse_prospects_perdus"].example_rows) == 5  # [Prix trop élevé] …
    assert len(t["9.top_10_clients"].example_rows) == 4  # 1, 2, 3, ...
    assert t["8.parcours_detaille"].columns[1].kind.name == "days"


OWN = """\
# Audit commercial - Acme

> **Statut :** 🔄 À compléter
> **Dernière mise à jour :** Janvier 2026

## 1. Équipe

- [ ] **Combien de commerciaux ?**
- [ ] **Quel quota ?** (par an)
  - Nouveaux clients
  - Renouvellements

### Réponses
```
Commerciaux : [X]
Quota : [€/an]
Taux d'atteinte : [X%]
```

## 2. Marchés

- [ ] **Quels marchés ?**

### Marchés prioritaires
| Marché | Part | Prioritaire |
|--------|------|-------------|
| [Marché 1] | [X%] | [Oui/Non] |
| Reste | [X%] | Non |

### Profil 1 : [Nom]
```
Rôle : [À compléter]
Priorités :
1. [À compléter]
2. [À compléter]
```

### Profil 2 : [Nom]
*(Même structure)*

**Total questions : 1**
**Répondues : 0/1**
"""


def test_another_template_in_the_same_conventions() -> None:
    q = parse_template(OWN)
    assert q.title == "Audit commercial - Acme"
    assert [x.id for x in q.questions] == ["1.1", "1.2", "2.1"]
    assert q.questions[1].items == ["Nouveaux clients", "Renouvellements"]
    assert {sid: s.kind.name for sid, s in q.slots.items()} == {
        "1.commerciaux": "integer",
        "1.quota": "money",
        "1.taux_d_atteinte": "percent",
        "2.profil1.nom": "text",
        "2.profil1.role": "text",
        "2.profil1.priorites": "list",
        "2.profil2.nom": "text",
        "2.profil2.role": "text",
        "2.profil2.priorites": "list",
    }
    table = q.tables["2.marches_prioritaires"]
    assert [r.key for r in table.rows] == [None, "reste"]
    assert table.columns[2].kind.name == "yesno"


def test_unclosed_block_is_a_template_error() -> None:
    with pytest.raises(TemplateError) as err:
        parse_template("# T\n\n## 1. A\n\n```\nClé : [X]\n")
    assert err.value.problems[0].line is not None


def test_ragged_table_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match="cells"):
        parse_template("# T\n\n## 1. A\n\n| a | b |\n|---|---|\n| 1 |\n")


def test_slug() -> None:
    assert slug("Cœur de cible") == "coeur_de_cible"
    assert slug("% CA") == "pct_ca"
    assert slug("Pays/Région") == "pays_region"
    assert slug("Grand compte (5000+)") == "grand_compte_5000"
