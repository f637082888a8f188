"""Firmographics of the accounts: names, country, industry, size, channel, tools.

Everything is drawn by segment and assembled with Arrow compute kernels, so a million
accounts cost no Python loop.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from personae.demo import company as qf
from personae.demo.draw import Ints, categorical, categorical_by, mix_table

NAF: dict[str, tuple[str, ...]] = {
    "Logiciels & SaaS": ("62.01Z", "62.02A", "58.29C"),
    "Industrie": ("25.62B", "28.29B", "22.29A", "10.71C"),
    "Commerce": ("46.90Z", "47.91B", "46.69B"),
    "Services financiers": ("64.19Z", "66.19B", "66.30Z"),
    "Santé": ("86.21Z", "86.90E", "21.20Z"),
    "BTP": ("41.20A", "43.21A", "43.99C"),
    "Conseil": ("70.22Z", "69.20Z", "73.11Z"),
    "Transport & logistique": ("49.41A", "52.29B", "52.10B"),
    "Immobilier": ("68.20B", "68.31Z"),
    "Hôtellerie & restauration": ("55.10Z", "56.10A"),
    "Éducation & formation": ("85.59A", "85.59B"),
}
INDUSTRIES: tuple[str, ...] = tuple(NAF)
_ACTIVITY_WORDS: dict[str, tuple[str, ...]] = {
    "Logiciels & SaaS": ("Software", "Digital", "Labs", "Tech", "Cloud"),
    "Industrie": ("Industrie", "Mécanique", "Plasturgie", "Usinage"),
    "Commerce": ("Distribution", "Négoce", "Commerce", "Boutique"),
    "Services financiers": ("Finance", "Capital", "Gestion", "Patrimoine"),
    "Santé": ("Santé", "Médical", "Pharma", "Clinique"),
    "BTP": ("Bâtiment", "Construction", "Rénovation", "Travaux"),
    "Conseil": ("Conseil", "Partners", "Consulting", "Associés"),
    "Transport & logistique": ("Transports", "Logistique", "Fret", "Express"),
    "Immobilier": ("Immobilier", "Habitat", "Foncière"),
    "Hôtellerie & restauration": ("Hôtels", "Restauration", "Traiteur"),
    "Éducation & formation": ("Formation", "Académie", "Campus"),
}
SURNAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre",
    "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier",
    "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine",
    "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis",
    "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Roy", "Noël", "Meyer",
    "Lucas", "Meunier", "Jean", "Perez", "Marchand", "Dufour", "Blanchard", "Barbier",
)  # fmt: skip
FIRST_NAMES: tuple[str, ...] = (
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Julie", "Sarah", "Inès", "Claire", "Sophie",
    "Lucas", "Hugo", "Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Pierre", "Louis",
    "Paul", "Mathilde", "Anne", "Marc", "Olivier", "Karim", "Sofiane", "Yasmine", "Élodie",
)  # fmt: skip
_ROOTS: tuple[str, ...] = (
    "Nova", "Alti", "Vela", "Orbi", "Kairo", "Lumi", "Syn", "Opti", "Ecla", "Hexa", "Nexa",
    "Terra", "Aqua", "Sora", "Vivo", "Astra", "Cobal", "Praxi", "Verti", "Arka", "Boréa",
    "Solva", "Ivo", "Quanta", "Méta", "Fluvi", "Azur", "Kéra", "Oxy", "Tempo",
)  # fmt: skip
_ENDINGS: tuple[str, ...] = (
    "tech",
    "lis",
    "ria",
    "éo",
    "sys",
    "lab",
    "via",
    "line",
    "gest",
    "nergie",
    "com",
    "ka",
)
_LEGAL: tuple[str, ...] = ("SAS", "SARL", "SA", "")
_LEGAL_MIX = np.array(
    [
        [0.55, 0.20, 0.05, 0.20],
        [0.45, 0.30, 0.10, 0.15],
        [0.45, 0.05, 0.45, 0.05],
        [0.0, 0.0, 0.0, 1.0],
    ]
)
TOOLS: tuple[str, ...] = (
    "Excel", "Sage", "Cegid", "Pennylane", "QuickBooks", "Salesforce", "HubSpot", "SAP",
    "Qonto", "Slack", "Notion", "Power BI",
)  # fmt: skip
_TOOL_PROBS = np.array(
    [
        # Startups, PME, ETI, Particuliers
        [0.60, 0.85, 0.90, 0.80],  # Excel
        [0.05, 0.35, 0.20, 0.00],  # Sage
        [0.02, 0.20, 0.30, 0.00],  # Cegid
        [0.45, 0.20, 0.05, 0.10],  # Pennylane
        [0.10, 0.08, 0.02, 0.10],  # QuickBooks
        [0.10, 0.15, 0.45, 0.00],  # Salesforce
        [0.45, 0.25, 0.15, 0.00],  # HubSpot
        [0.00, 0.03, 0.45, 0.00],  # SAP
        [0.55, 0.25, 0.05, 0.30],  # Qonto
        [0.70, 0.30, 0.40, 0.05],  # Slack
        [0.50, 0.10, 0.10, 0.20],  # Notion
        [0.05, 0.15, 0.50, 0.00],  # Power BI
    ]
).T
_STACKS = pa.array(
    [";".join(t for j, t in enumerate(TOOLS) if mask >> j & 1) for mask in range(1 << len(TOOLS))]
)

_SEG_NAMES = pa.array([s.name for s in qf.SEGMENTS])
_SEG_KIND = pa.array([s.kind for s in qf.SEGMENTS])
_INDUSTRY_MIX = mix_table([s.industries for s in qf.SEGMENTS], INDUSTRIES)
_CHANNELS: tuple[str, ...] = ("Outbound", "Inbound", "Partenaire", "SEO", "Événement")
_CHANNEL_MIX = mix_table([s.channels for s in qf.SEGMENTS], _CHANNELS)
_MATURITY: tuple[str, ...] = ("low", "medium", "high")
_MATURITY_MIX = mix_table([s.maturity for s in qf.SEGMENTS], _MATURITY)
_COUNTRIES = tuple(qf.COUNTRIES)
_COUNTRY_PROBS = np.array(list(qf.COUNTRIES.values()))
_B2C = np.array([s.kind == "B2C" for s in qf.SEGMENTS])
_EMPLOYEES = np.array([s.employees for s in qf.SEGMENTS])


def firmographics(rng: np.random.Generator, segment: Ints) -> dict[str, pa.Array]:
    """The accounts columns that depend only on the segment (not on billing)."""
    n = len(segment)
    b2c = _B2C[segment]
    idx = pa.array(segment)

    industry = categorical_by(rng, _INDUSTRY_MIX, segment)
    naf_pick = rng.integers(0, 1 << 30, n)
    naf_codes = [NAF[i] for i in INDUSTRIES]
    naf_flat = [c for codes in naf_codes for c in codes]
    naf_start = np.cumsum([0, *(len(c) for c in naf_codes[:-1])])
    naf_len = np.array([len(c) for c in naf_codes])
    naf = naf_start[industry] + naf_pick % naf_len[industry]

    median, sigma, lo, hi = (_EMPLOYEES[segment, j] for j in range(4))
    employees = np.clip(np.rint(median * np.exp(sigma * rng.standard_normal(n))), lo, hi)
    employees_missing = b2c | (rng.random(n) < qf.EMPLOYEES_MISSING)
    per_head = 110_000.0 * np.exp(0.5 * rng.standard_normal(n))
    turnover = np.round(employees * per_head, -3)
    turnover_missing = b2c | (rng.random(n) < 0.10)

    tools = rng.random((n, len(TOOLS))) < _TOOL_PROBS[segment]
    mask = (tools * (1 << np.arange(len(TOOLS)))).sum(axis=1)
    mask = np.where(mask == 0, 1, mask)

    country = pa.array(_COUNTRIES).take(pa.array(categorical(rng, _COUNTRY_PROBS, n)))
    industry_arr = pa.array(INDUSTRIES).take(pa.array(industry))
    return {
        "name": _names(rng, segment, industry),
        "kind": _SEG_KIND.take(idx),
        "country": country,
        "industry": pc.if_else(pa.array(b2c), pa.nulls(n, pa.string()), industry_arr),
        "naf_code": pc.if_else(
            pa.array(b2c), pa.nulls(n, pa.string()), pa.array(naf_flat).take(pa.array(naf))
        ),
        "employees": pa.array(employees.astype(np.int64), mask=employees_missing),
        "annual_turnover": pa.array(turnover, mask=turnover_missing),
        "acquisition_channel": pa.array(_CHANNELS).take(
            pa.array(categorical_by(rng, _CHANNEL_MIX, segment))
        ),
        "segment": _SEG_NAMES.take(idx),
        "tech_stack": _STACKS.take(pa.array(mask)),
        "digital_maturity": pa.array(_MATURITY).take(
            pa.array(categorical_by(rng, _MATURITY_MIX, segment))
        ),
    }


def _names(rng: np.random.Generator, segment: Ints, industry: Ints) -> pa.Array:
    """Plausible French company names; people's names for B2C accounts."""
    n = len(segment)
    surname = pa.array(SURNAMES).take(pa.array(rng.integers(0, len(SURNAMES), n)))
    words = [w for i in INDUSTRIES for w in _ACTIVITY_WORDS[i]]
    w_start = np.cumsum([0, *(len(_ACTIVITY_WORDS[i]) for i in INDUSTRIES[:-1])])
    w_len = np.array([len(_ACTIVITY_WORDS[i]) for i in INDUSTRIES])
    word = pa.array(words).take(
        pa.array(w_start[industry] + rng.integers(0, 1 << 30, n) % w_len[industry])
    )
    coined = pc.binary_join_element_wise(
        pa.array(_ROOTS).take(pa.array(rng.integers(0, len(_ROOTS), n))),
        pa.array(_ENDINGS).take(pa.array(rng.integers(0, len(_ENDINGS), n))),
        "",
    )
    legal = pa.array(_LEGAL).take(pa.array(categorical_by(rng, _LEGAL_MIX, segment)))
    pattern = rng.random(n)
    base = pc.if_else(
        pa.array(pattern < 0.5),
        pc.binary_join_element_wise(surname, word, " "),
        pc.if_else(
            pa.array(pattern < 0.85),
            coined,
            pc.binary_join_element_wise(pa.scalar("Groupe"), surname, " "),
        ),
    )
    company = pc.utf8_trim_whitespace(pc.binary_join_element_wise(base, legal, " "))
    person = pc.binary_join_element_wise(
        pa.array(FIRST_NAMES).take(pa.array(rng.integers(0, len(FIRST_NAMES), n))),
        surname,
        " ",
    )
    return pc.if_else(pa.array(_B2C[segment]), person, company)


def in_icp_cell(columns: dict[str, pa.Array]) -> np.ndarray:
    """The accounts of the planted ICP cell (industry × size band, company.ICP_*)."""
    lo, hi = qf.ICP_EMPLOYEES
    emp = columns["employees"].to_numpy(zero_copy_only=False)
    emp = np.nan_to_num(emp.astype(np.float64), nan=-1.0)
    industry = pc.fill_null(pc.equal(columns["industry"], qf.ICP_INDUSTRY), False)
    mask: np.ndarray = (
        np.asarray(industry.to_numpy(zero_copy_only=False)) & (emp >= lo) & (emp <= hi)
    )
    return mask
