"""Job titles → department and seniority (``personae.models.titles``).

Three kinds of evidence:

* unit tests: each abbreviation, gender and inclusive forms, accents, compound titles,
  noise, the ``rule`` field, extra rules;
* the labelled acceptance set ``data/titles_labelled.csv`` (CRM-style titles written and
  labelled before the rules, see ``data/README.md``): department precision and coverage,
  seniority accuracy, noise never classified;
* regression on public reference lists read in place from ``../shared/titles`` (France
  Travail ROME v460, ESCO v1.0; see their README): robustness and speed on every title,
  agreement with labels derived from ROME codes and ISCO groups, and a snapshot of counts
  so that a change of rules shows up here and is made on purpose.

``python tests/models/test_titles.py`` prints the figures quoted in ``docs/titles.md``.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from dataclasses import FrozenInstanceError
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personae.errors import ConfigError
from personae.models import Title, normalize_title
from personae.models.title_rules import DEPARTMENT_RULES, SENIORITY_RULES
from personae.models.titles import TitleNormalizer, normalise

ROOT = Path(__file__).resolve().parents[2]
LABELLED = Path(__file__).parent / "data" / "titles_labelled.csv"
# The shared folder sits beside the checkout (/work/main → /work/shared) or beside the
# folder of worktrees (/work/wt/<name> → /work/shared).
SHARED_TITLES = next(
    (
        p
        for p in (ROOT.parent / "shared" / "titles", ROOT.parent.parent / "shared" / "titles")
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "titles",
)
needs_shared = pytest.mark.skipif(
    not SHARED_TITLES.is_dir(), reason="shared/titles (ROME, ESCO) is not beside the checkout"
)


def read(text: str | None) -> tuple[str | None, str | None]:
    t = normalize_title(text)
    return t.department, t.seniority


# --- unit tests -------------------------------------------------------------------------

ABBREVIATIONS = [
    ("DAF", "finance", "Senior"),
    ("RAF", "finance", "Senior"),
    ("DG", "direction", "C-level"),
    ("PDG", "direction", "C-level"),
    ("DGA", "direction", "C-level"),
    ("DSI", "it", "Senior"),
    ("DRH", "hr", "Senior"),
    ("RRH", "hr", "Senior"),
    ("RSSI", "it", "Senior"),
    ("CEO", "direction", "C-level"),
    ("CFO", "finance", "C-level"),
    ("COO", "operations", "C-level"),
    ("CTO", "it", "C-level"),
    ("CMO", "marketing", "C-level"),
    ("CRO", "sales", "C-level"),
    ("CIO", "it", "C-level"),
    ("CHRO", "hr", "C-level"),
    ("CISO", "it", "C-level"),
    ("CPO", None, "C-level"),  # product, procurement or people: not guessed
    ("Chief Product Officer", "it", "C-level"),
    ("Chief Procurement Officer", "purchasing", "C-level"),
    ("Chief People Officer", "hr", "C-level"),
    ("VP Sales", "sales", "Senior"),
    ("SVP Marketing", "marketing", "Senior"),
    ("EVP Finance", "finance", "Senior"),
    ("SDR", "sales", "Junior"),
    ("BDR", "sales", "Junior"),
    ("AE", "sales", "Mid"),
    ("KAM", "sales", "Mid"),
    ("CSM", "customer", "Mid"),
    ("RevOps", "sales", "Mid"),
    ("ADV", "sales", "Mid"),
    ("DPO", "legal", "Mid"),
    ("HRBP", "hr", "Mid"),
    ("Head of Finance", "finance", "Senior"),
    ("Lead Developer", "it", "Senior"),
    ("Founder", "direction", "C-level"),
    ("Co-fondateur", "direction", "C-level"),
    ("Gérant", "direction", "C-level"),
    ("Président", "direction", "C-level"),
    ("Directeur général", "direction", "C-level"),
    ("Associé", "direction", "C-level"),
    ("Partner", "direction", "C-level"),
    ("Office manager", "operations", "Mid"),
    ("Comptable", "finance", "Mid"),
    ("Contrôleur de gestion", "finance", "Mid"),
    ("Juriste", "legal", "Mid"),
    ("Acheteur", "purchasing", "Mid"),
    ("Resp. achats", "purchasing", "Senior"),
    ("Dir. Marketing", "marketing", "Senior"),
    ("Sr. Developer", "it", "Senior"),
    ("Jr Accountant", "finance", "Junior"),
]


@pytest.mark.parametrize(("title", "department", "seniority"), ABBREVIATIONS)
def test_abbreviations_and_common_titles(
    title: str, department: str | None, seniority: str | None
) -> None:
    assert read(title) == (department, seniority)


@pytest.mark.parametrize(
    "forms",
    [
        (
            "Directeur commercial",
            "Directrice commerciale",
            "Directeur(trice) commercial(e)",
            "Directeur·rice commercial·e",
            "Directeur.rice commercial.e",
            "Directeur/trice commercial(e)",
        ),
        (
            "Chargé de communication",
            "Chargée de communication",
            "Chargé(e) de communication",
            "Chargé·e de communication",
            "Chargé.e de communication",
        ),
        ("Chef de produit", "Cheffe de produit", "Chef·fe de produit", "Chef(fe) de produit"),
        ("Acheteur", "Acheteuse", "Acheteur(euse)", "Acheteur·euse"),
        ("Contrôleur de gestion", "Contrôleuse de gestion"),
        (
            "Directeur administratif et financier",
            "Directrice administrative et financière",
            "Directeur(trice) administratif(ve) et financier(ère) -DAF-",
        ),
        ("Technicien informatique", "Technicienne informatique"),
        ("Ingénieur logiciel", "Ingénieure logiciel"),
        ("Co-fondateur", "Co-fondatrice", "Cofondateur"),
        ("Gérant", "Gérante"),
        ("Avocat", "Avocate"),
        ("Assistant de direction", "Assistante de direction", "Assistant(e) de direction"),
    ],
)
def test_gender_and_inclusive_forms_read_alike(forms: tuple[str, ...]) -> None:
    readings = {form: read(form) for form in forms}
    assert len(set(readings.values())) == 1, readings
    assert readings[forms[0]][0] is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Directeur Général", "DIRECTEUR GENERAL"),
        ("Développeur", "developpeur"),
        ("Responsable Sécurité Informatique", "responsable securite informatique"),
        ("Trésorière", "TRESORIERE"),
        ("Chargé d’affaires", "charge d'affaires"),
        ("C.E.O.", "ceo"),
        ("  Responsable   Marketing ", "Responsable Marketing"),
    ],
)
def test_case_accents_and_spacing_do_not_matter(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)
    assert read(a) == read(b) != (None, None)


@pytest.mark.parametrize(
    ("title", "department", "seniority"),
    [
        ("CEO & Co-fondateur", "direction", "C-level"),
        ("Fondateur & CTO", "direction", "C-level"),  # the leading function decides
        ("CTO & co-founder", "it", "C-level"),
        ("Directeur Commercial et Marketing", "sales", "Senior"),
        ("Directeur Marketing et Commercial", "marketing", "Senior"),
        ("CFO / COO", "finance", "C-level"),
        ("Directeur commercial - Associé", "sales", "C-level"),  # highest seniority
        ("Responsable RH & Office Manager", "hr", "Senior"),
        ("Directeur Administratif, Financier et RH", "finance", "Senior"),
        ("FP&A Manager", "finance", "Senior"),
        ("IT Recruiter", "hr", "Mid"),  # the role noun beats its qualifier
        ("Acheteur IT", "purchasing", "Mid"),
        ("Avocate associée", "legal", "C-level"),
        ("Assistante du PDG", "operations", "Junior"),
    ],
)
def test_compound_titles(title: str, department: str | None, seniority: str | None) -> None:
    assert read(title) == (department, seniority)


NOISE = [
    None,
    "",
    " ",
    "-",
    "--",
    "N/A",
    "n/a",
    "#N/A",
    "?",
    "x",
    ".",
    "0",
    "123",
    "Autre",
    "Other",
    "Freelance",
    "Consultant",
    "consultante",
    "TBD",
    "inconnu",
    "Non renseigné",
    "null",
    "Lead",
    "contact",
    "Ingénieur",
    "Chef cuisinier",
    "jean.dupont@acme.fr",
    "sales@acme.com",
    "https://acme.fr/sales",
    "+33 6 12 34 56 78",
]


@pytest.mark.parametrize("title", NOISE)
def test_noise_stays_unclassified(title: str | None) -> None:
    assert read(title) == (None, None)


def test_rule_names_the_rule_that_matched() -> None:
    ids = {r.id for r in DEPARTMENT_RULES + SENIORITY_RULES}
    t = normalize_title("Directrice Administrative et Financière")
    assert t == Title(
        text="directeur administrative et financier",
        department="finance",
        seniority="Senior",
        rule="finance.roles",
        seniority_rule="senior.director",
    )
    assert normalize_title("Comptable").seniority_rule == "default.mid"
    assert normalize_title("CPO").rule is None
    assert normalize_title("CPO").seniority_rule == "c-level.cxo"
    assert normalize_title("x@y.fr").rule == "noise"
    assert normalize_title("").rule is None
    for title, *_ in ABBREVIATIONS:
        t = normalize_title(title)
        assert t.rule is None or t.rule in ids
        assert t.seniority_rule in ids | {"default.mid"}


def test_rule_ids_are_unique_and_every_rule_says_something() -> None:
    for table in (DEPARTMENT_RULES, SENIORITY_RULES):
        assert len({r.id for r in table}) == len(table)
    assert all(r.department and not r.seniority for r in DEPARTMENT_RULES)
    assert all(r.seniority and not r.department for r in SENIORITY_RULES)


@given(st.text(max_size=80))
def test_any_text_reads_to_known_values(text: str) -> None:
    t = normalize_title(text)
    assert t.department in {None, *(r.department for r in DEPARTMENT_RULES)}
    assert t.seniority in {None, "Junior", "Mid", "Senior", "C-level"}
    assert (t.department is None) == (t.rule in {None, "noise"})
    assert normalise(t.text) == t.text  # normalising is idempotent


def test_title_is_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        normalize_title("CEO").department = "sales"  # type: ignore[misc]


def test_extra_rules_come_first() -> None:
    extra = [
        {"pattern": "chief happiness officer", "department": "hr", "seniority": "Mid"},
        {"id": "quickfund.gardener", "pattern": "jardinier", "department": "operations"},
        {"pattern": "consultant", "seniority": "Senior"},
    ]
    assert read("Chief Happiness Officer") == (None, "C-level")
    assert read("Jardinier") == (None, None)
    assert normalize_title("Chief Happiness Officer", extra_rules=extra) == Title(
        "chief happiness officer", "hr", "Mid", "extra.1", "extra.1"
    )
    normalizer = TitleNormalizer(extra)
    assert normalizer("Jardinière").rule == "quickfund.gardener"
    assert normalizer("Jardinier").seniority == "Mid"  # the default for a classified title
    assert (normalizer("Consultant").department, normalizer("Consultant").seniority) == (
        None,
        "Senior",
    )
    assert normalizer("CFO") == normalize_title("CFO")  # the shipped tables still apply


def test_invalid_extra_rules_are_all_reported() -> None:
    bad = [
        {"pattern": "(unclosed", "department": "sales"},
        {"pattern": "x", "department": "engineering"},
        {"pattern": "y", "seniority": "Intern"},
        {"pattern": "z"},
        {"department": "sales"},
    ]
    with pytest.raises(ConfigError) as err:
        TitleNormalizer(bad, source="personae.toml")
    problems = err.value.problems
    assert [p.line for p in problems] == [1, 2, 3, 4, 5]
    assert all(p.file == "personae.toml" for p in problems)
    assert "engineering" in str(err.value) and "Intern" in str(err.value)


def test_a_hundred_thousand_crm_titles_read_fast() -> None:
    titles = [row["title"] for row in labelled_rows()] * 200  # 100k+ with CRM repetition
    normalizer = TitleNormalizer()
    start = time.perf_counter()
    for title in titles:
        normalizer(title)
    assert time.perf_counter() - start < 2.0


# --- the labelled acceptance set --------------------------------------------------------


@cache
def labelled_rows() -> tuple[dict[str, str], ...]:
    with LABELLED.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def labelled_figures() -> dict[str, float]:
    """Precision, coverage and seniority accuracy on the labelled set.

    Precision counts every title given a department, including those labelled
    unclassified (a department given to an ambiguous title is a wrong one); coverage is
    the share of the titles labelled with a department that get one.
    """
    classifiable = covered = classified = correct = with_seniority = seniority_ok = 0
    for row in labelled_rows():
        t = normalize_title(row["title"])
        if t.department is not None:
            classified += 1
            correct += t.department == row["department"]
        if row["department"]:
            classifiable += 1
            covered += t.department is not None
        if row["seniority"]:
            with_seniority += 1
            seniority_ok += t.seniority == row["seniority"]
    return {
        "titles": len(labelled_rows()),
        "classifiable": classifiable,
        "department_precision": correct / classified,
        "department_coverage": covered / classifiable,
        "seniority_accuracy": seniority_ok / with_seniority,
    }


def test_the_labelled_set_is_big_and_varied() -> None:
    rows = labelled_rows()
    assert len(rows) >= 300
    assert sum(1 for r in rows if not r["department"]) >= 60
    assert len({r["title"] for r in rows}) == len(rows)
    assert {r["department"] for r in rows} == {"", *(r.department for r in DEPARTMENT_RULES)}


def test_labelled_set_precision_coverage_and_seniority() -> None:
    figures = labelled_figures()
    assert figures["department_precision"] >= 0.90
    assert figures["department_coverage"] >= 0.85
    assert figures["seniority_accuracy"] >= 0.85


def test_labelled_noise_stays_unclassified() -> None:
    noise = [r["title"] for r in labelled_rows() if not r["department"] and not r["seniority"]]
    assert len(noise) >= 60
    for title in noise:
        assert read(title) == (None, None), title


# --- ROME v460 (France Travail) ---------------------------------------------------------

# Department derived from the ROME code (README of shared/titles): by three-character
# family, with M17 split by code.
ROME_FAMILIES = {
    "M11": "purchasing",
    "M12": "finance",
    "M13": "direction",
    "M15": "hr",
    "M18": "it",
    "D14": "sales",
    "K19": "legal",
    "N13": "operations",
}
ROME_M17 = {"M1701": "sales", "M1707": "sales", "M1715": "sales", "M1704": "customer"}


def rome_expected(code: str) -> str | None:
    if code.startswith("M17"):
        return ROME_M17.get(code, "marketing")
    return ROME_FAMILIES.get(code[:3])


@cache
def rome_rows() -> tuple[dict[str, str], ...]:
    path = SHARED_TITLES / "rome" / "unix_referentiel_appellation_v460_utf8.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


# Head word of a long ROME label → the seniority it implies (README: "the title's head
# word is the signal"); titles with another head word are not scored on seniority.
ROME_HEAD_WORDS = {
    "Directeur / Directrice": "Senior",
    "Responsable": "Senior",
    "Chef / Cheffe de projet": "Mid",
    "Assistant / Assistante": "Junior",
    "Apprenti / Apprentie": "Junior",
    "Comptable": "Mid",
    "Acheteur / Acheteuse": "Mid",
    "Juriste": "Mid",
    "Développeur / Développeuse": "Mid",
}


@cache
def rome_figures() -> dict[str, object]:
    rows = rome_rows()
    start = time.perf_counter()
    normalizer = TitleNormalizer()
    long_ = [normalizer(r["libelle_appellation_long"]) for r in rows]
    short = [normalizer(r["libelle_appellation_court"]) for r in rows]
    seconds = time.perf_counter() - start
    scored = classified = agree = 0
    head_scored = head_agree = 0
    for row, t in zip(rows, long_, strict=True):
        expected = rome_expected(row["code_rome"])
        if expected is None:
            continue
        scored += 1
        if t.department is not None:
            classified += 1
            agree += t.department == expected
        label = row["libelle_appellation_long"]
        head = next((h for h in ROME_HEAD_WORDS if label.startswith(h + " ")), None)
        if head and "général" not in label:
            head_scored += 1
            head_agree += t.seniority == ROME_HEAD_WORDS[head]
    same = sum(
        (a.department, a.seniority) == (b.department, b.seniority)
        for a, b in zip(long_, short, strict=True)
    )
    return {
        "titles": len(rows),
        "seconds_long_and_short": seconds,
        "b2b_titles": scored,
        "b2b_coverage": classified / scored,
        "b2b_department_agreement": agree / classified,
        "head_word_titles": head_scored,
        "head_word_seniority_agreement": head_agree / head_scored,
        "long_short_agreement": same / len(rows),
        "departments": dict(Counter(t.department for t in long_).most_common()),
        "seniorities": dict(Counter(t.seniority for t in long_).most_common()),
    }


# Snapshot: department and seniority of the 13,120 long ROME labels. A change of rules
# that moves these counts must update them here, on purpose.
ROME_SNAPSHOT_DEPARTMENTS: dict[str | None, int] = {
    None: 10081,
    "operations": 1151,
    "it": 575,
    "sales": 484,
    "marketing": 203,
    "finance": 175,
    "hr": 167,
    "legal": 93,
    "direction": 71,
    "customer": 64,
    "purchasing": 56,
}
ROME_SNAPSHOT_SENIORITIES: dict[str | None, int] = {
    None: 8769,
    "Mid": 2285,
    "Senior": 1582,
    "Junior": 407,
    "C-level": 77,
}


@needs_shared
@pytest.mark.slow
def test_rome_every_title_reads_fast_and_long_and_short_forms_agree() -> None:
    figures = rome_figures()
    assert figures["titles"] == 13_120
    assert figures["seconds_long_and_short"] < 10  # 26,240 distinct titles, no cache hit
    assert figures["long_short_agreement"] >= 0.98


@needs_shared
@pytest.mark.slow
def test_rome_departments_agree_with_the_codes() -> None:
    figures = rome_figures()
    assert figures["b2b_titles"] == 1_388
    assert figures["b2b_department_agreement"] >= 0.90
    assert figures["b2b_coverage"] >= 0.70
    assert figures["head_word_seniority_agreement"] >= 0.85


@needs_shared
@pytest.mark.slow
def test_rome_snapshot() -> None:
    figures = rome_figures()
    assert figures["departments"] == ROME_SNAPSHOT_DEPARTMENTS
    assert figures["seniorities"] == ROME_SNAPSHOT_SENIORITIES


# --- ESCO v1.0 (European Commission) ----------------------------------------------------

# Department derived from the ISCO-08 unit group of the occupation (README of
# shared/titles): only the groups that are one business function.
ISCO_DEPARTMENTS = {
    "1211": "finance",
    "1212": "hr",
    "1222": "marketing",
    "1330": "it",
    "2411": "finance",
    "2423": "hr",
    "2431": "marketing",
    "2432": "marketing",
    "2433": "sales",
    "2434": "sales",
    "2511": "it",
    "2512": "it",
    "2513": "it",
    "2514": "it",
    "2519": "it",
    "2521": "it",
    "2522": "it",
    "2523": "it",
    "2529": "it",
    "2611": "legal",
    "2619": "legal",
    "3313": "finance",
    "3322": "sales",
    "3323": "purchasing",
    "3512": "it",
    "3513": "it",
    "3514": "it",
}


@cache
def esco_rows(language: str) -> dict[str, dict[str, str]]:
    path = SHARED_TITLES / "esco" / f"occupations_{language}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return {r["conceptUri"]: r for r in csv.DictReader(f)}


def esco_labels(row: dict[str, str]) -> list[str]:
    return [row["preferredLabel"], *(a for a in row["altLabels"].split("\n") if a.strip())]


@cache
def esco_figures() -> dict[str, object]:
    fr, en = esco_rows("fr"), esco_rows("en")
    normalizer = TitleNormalizer()
    start = time.perf_counter()
    labels = scored = classified = agree = both = consistent = 0
    ceo_scored = ceo_ok = 0
    preferred: Counter[str | None] = Counter()
    for uri, row_fr in fr.items():
        row_en = en[uri]
        readings = [normalizer(x) for x in esco_labels(row_fr) + esco_labels(row_en)]
        labels += len(readings)
        expected = ISCO_DEPARTMENTS.get(row_fr["iscoGroup"])
        if expected:
            for t in readings:
                scored += 1
                if t.department is not None:
                    classified += 1
                    agree += t.department == expected
        if row_fr["iscoGroup"] == "1120":  # chief executives: C-level, or Senior managers
            for t in readings:
                ceo_scored += t.seniority is not None
                ceo_ok += t.seniority == "C-level"
        a = normalizer(row_fr["preferredLabel"].split("/")[0]).department
        b = normalizer(row_en["preferredLabel"]).department
        preferred[b] += 1
        if a is not None and b is not None:
            both += 1
            consistent += a == b
    return {
        "occupations": len(fr),
        "labels": labels,
        "seconds": time.perf_counter() - start,
        "isco_labels": scored,
        "isco_coverage": classified / scored,
        "isco_department_agreement": agree / classified,
        "fr_en_both_classified": both,
        "fr_en_agreement": consistent / both,
        "isco_1120_labels_with_seniority": ceo_scored,
        "isco_1120_c_level": ceo_ok / ceo_scored,
        "en_preferred_departments": dict(preferred.most_common()),
    }


# Snapshot: department of the 2,942 English preferred labels.
ESCO_SNAPSHOT_EN_PREFERRED: dict[str | None, int] = {
    None: 2441,
    "operations": 152,
    "it": 135,
    "sales": 103,
    "marketing": 46,
    "finance": 27,
    "legal": 13,
    "hr": 10,
    "purchasing": 8,
    "direction": 4,
    "customer": 3,
}


@needs_shared
@pytest.mark.slow
def test_esco_every_label_reads_fast() -> None:
    figures = esco_figures()
    assert figures["occupations"] == 2_942
    assert figures["labels"] == 47_499
    assert figures["seconds"] < 15


@needs_shared
@pytest.mark.slow
def test_esco_departments_agree_with_isco_groups_and_across_languages() -> None:
    figures = esco_figures()
    assert figures["isco_department_agreement"] >= 0.88
    assert figures["isco_coverage"] >= 0.60
    assert figures["fr_en_agreement"] >= 0.88
    # 1120 mixes chief executives with regional and branch directors (Senior here).
    assert figures["isco_1120_c_level"] >= 0.50


@needs_shared
@pytest.mark.slow
def test_esco_snapshot() -> None:
    assert esco_figures()["en_preferred_departments"] == ESCO_SNAPSHOT_EN_PREFERRED


if __name__ == "__main__":
    for name, figures in (
        ("labelled", labelled_figures()),
        ("rome", rome_figures()),
        ("esco", esco_figures()),
    ):
        print(f"{name}:")
        for key, value in figures.items():
            print(f"  {key}: {round(value, 4) if isinstance(value, float) else value}")
