"""Who an account is: size band, region, industry (with the NAF fallback) and segment.

Each function takes the accounts table and returns an ibis string expression, so the
groupings are computed by the engine. Labels are the template's (DESIGN §4).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from personae.metrics.labels import B2C_BAND as B2C_BAND  # re-exported: the groupings' labels
from personae.metrics.labels import NOT_GIVEN as NOT_GIVEN
from personae.metrics.labels import OTHERS as OTHERS
from personae.metrics.labels import SIZE_BANDS as SIZE_BANDS
from personae.metrics.query import scalar
from personae.settings import SegmentRule, Settings

REGIONS = ("France", "Benelux", "DACH", "UK", "Autres Europe", "US/Canada", OTHERS)

_REGION_OF = {
    "FR": "France",
    "BE": "Benelux",
    "NL": "Benelux",
    "LU": "Benelux",
    "DE": "DACH",
    "AT": "DACH",
    "CH": "DACH",
    "GB": "UK",
    "UK": "UK",
    "US": "US/Canada",
    "CA": "US/Canada",
}
# Other European countries (ISO 3166-1 alpha-2), Turkey and the Caucasus excluded.
_EUROPE = [
    "AD",
    "AL",
    "AX",
    "BA",
    "BG",
    "BY",
    "CY",
    "CZ",
    "DK",
    "EE",
    "ES",
    "FI",
    "FO",
    "GG",
    "GI",
    "GR",
    "HR",
    "HU",
    "IE",
    "IM",
    "IS",
    "IT",
    "JE",
    "LI",
    "LT",
    "LV",
    "MC",
    "MD",
    "ME",
    "MK",
    "MT",
    "NO",
    "PL",
    "PT",
    "RO",
    "RS",
    "RU",
    "SE",
    "SI",
    "SJ",
    "SK",
    "SM",
    "UA",
    "VA",
    "XK",
]

# NAF rév. 2 sections (INSEE): division ranges → French label.
NAF_SECTIONS: tuple[tuple[str, int, int, str], ...] = (
    ("A", 1, 3, "Agriculture, sylviculture et pêche"),
    ("B", 5, 9, "Industries extractives"),
    ("C", 10, 33, "Industrie manufacturière"),
    (
        "D",
        35,
        35,
        "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
    ),
    (
        "E",
        36,
        39,
        "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
    ),
    ("F", 41, 43, "Construction"),
    ("G", 45, 47, "Commerce ; réparation d'automobiles et de motocycles"),
    ("H", 49, 53, "Transports et entreposage"),
    ("I", 55, 56, "Hébergement et restauration"),
    ("J", 58, 63, "Information et communication"),
    ("K", 64, 66, "Activités financières et d'assurance"),
    ("L", 68, 68, "Activités immobilières"),
    ("M", 69, 75, "Activités spécialisées, scientifiques et techniques"),
    ("N", 77, 82, "Activités de services administratifs et de soutien"),
    ("O", 84, 84, "Administration publique"),
    ("P", 85, 85, "Enseignement"),
    ("Q", 86, 88, "Santé humaine et action sociale"),
    ("R", 90, 93, "Arts, spectacles et activités récréatives"),
    ("S", 94, 96, "Autres activités de services"),
    (
        "T",
        97,
        98,
        "Activités des ménages en tant qu'employeurs ; activités indifférenciées des "
        "ménages en tant que producteurs de biens et services pour usage propre",
    ),
    ("U", 99, 99, "Activités extra-territoriales"),
)


def naf_section_label(division: int) -> str | None:
    """The French label of the NAF section holding a 2-digit division, or None."""
    for _, lo, hi, label in NAF_SECTIONS:
        if lo <= division <= hi:
            return label
    return None


_DIVISION_LABELS = {
    f"{d:02d}": label for d in range(1, 100) if (label := naf_section_label(d)) is not None
}


def _clean(col: ir.StringValue) -> ir.StringValue:
    return col.strip().nullif("")


def _null_string() -> ir.StringValue:
    return ibis.literal(None, type="string")


def size_band(accounts: ibis.Table) -> ir.StringValue:
    """TPE 1–10, PME 11–250, ETI 251–5000, Grand compte 5001+; B2C → Particuliers."""
    e = accounts.employees
    return ibis.cases(
        (accounts.kind.upper() == "B2C", B2C_BAND),
        (e.isnull() | (e < 0), NOT_GIVEN),
        (e <= 10, "TPE"),
        (e <= 250, "PME"),
        (e <= 5000, "ETI"),
        else_="Grand compte",
    )


def country_code(accounts: ibis.Table) -> ir.StringValue:
    return _clean(accounts.country.upper())


def region(accounts: ibis.Table) -> ir.StringValue:
    """France, Benelux, DACH, UK, Autres Europe, US/Canada, Autres; unknown → Non renseigné."""
    c = country_code(accounts)
    mapping: dict[str, str] = {**dict.fromkeys(_EUROPE, "Autres Europe"), **_REGION_OF}
    return ibis.cases((c.isnull(), NOT_GIVEN), else_=c.substitute(mapping, else_=OTHERS))


def industry(accounts: ibis.Table) -> ir.StringValue:
    """The industry label, else the NAF section of naf_code's division, else Particuliers
    for a B2C account (a person has no industry), else Non renseigné."""
    division = _clean(accounts.naf_code).substr(0, 2)
    naf = division.substitute(_DIVISION_LABELS, else_=_null_string())
    unknown = ibis.cases((accounts.kind.upper() == "B2C", B2C_BAND), else_=NOT_GIVEN)
    return ibis.coalesce(_clean(accounts.industry), naf, unknown)


def _rule_condition(accounts: ibis.Table, rule: SegmentRule) -> ir.BooleanValue:
    cond: ir.BooleanValue = ibis.literal(True)
    if rule.employees_min is not None:
        cond = cond & (accounts.employees >= rule.employees_min)
    if rule.employees_max is not None:
        cond = cond & (accounts.employees <= rule.employees_max)
    if rule.countries:
        codes = [c.strip().upper() for c in rule.countries]
        cond = cond & country_code(accounts).isin(codes)
    if rule.industries:
        names = [i.strip().lower() for i in rule.industries]
        cond = cond & industry(accounts).lower().isin(names)
    if rule.kind:
        cond = cond & (accounts.kind.upper() == rule.kind.strip().upper())
    return cond.fill_null(False)


def rules_segment(accounts: ibis.Table, rules: tuple[SegmentRule, ...]) -> ir.StringValue:
    """The name of the first rule an account matches, else Autres."""
    if not rules:
        return ibis.literal(OTHERS)
    branches = [(_rule_condition(accounts, r), r.name) for r in rules]
    return ibis.cases(*branches, else_=OTHERS)


SEGMENT_BASES = {
    "column": "la colonne « segment » des comptes",
    "rules": "les règles de segmentation des réglages",
    "size": "la taille d'entreprise",
    "industry": "le secteur",
    "region": "la région",
}


def segment_basis(accounts: ibis.Table, settings: Settings) -> str:
    """Which segmentation is in use: 'auto' resolves to column, else rules, else size."""
    if settings.segment_by != "auto":
        return settings.segment_by
    has_column = int(scalar(_clean(accounts.segment).count()) or 0) > 0
    if has_column:
        return "column"
    return "rules" if settings.segment_rules else "size"


def segment(accounts: ibis.Table, basis: str, settings: Settings) -> ir.StringValue:
    if basis == "column":
        return _clean(accounts.segment).fill_null(NOT_GIVEN)
    if basis == "rules":
        return rules_segment(accounts, settings.segment_rules)
    if basis == "industry":
        return industry(accounts)
    if basis == "region":
        return region(accounts)
    return size_band(accounts)
