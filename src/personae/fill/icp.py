"""Section 6, « ICP »: the ideal customer, why, how many clients match, the TAM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from babel.dates import format_date

from personae.dossier.kinds import LOCALE, fmt_int, fmt_money, fmt_number, fmt_percent
from personae.fill._rule import Metrics, rule
from personae.fill._text import SMALL, french_list, pct
from personae.models.naf import label as naf_label

PROFILE_SLOTS = (
    "6.icp.taille",
    "6.icp.ca",
    "6.icp.industrie",
    "6.icp.geographie",
    "6.icp.stack_tech",
    "6.icp.maturite_digitale",
    "6.icp.budget_it_outil",
)
MATURITY = {"Faible", "Moyenne", "Haute"}
SMALL_SAMPLE = 30
BANDS = {
    "TPE": "une TPE (1 à 10 employés)",
    "PME": "une PME (11 à 250 employés)",
    "ETI": "une ETI (251 à 5 000 employés)",
    "Grand compte": "un grand compte (plus de 5 000 employés)",
}


def _icp(m: Metrics) -> Mapping[str, Any]:
    return (m.get("models") or {}).get("icp") or {}


def _small(n: int) -> str:
    return f", {SMALL}" if n < SMALL_SAMPLE else ""


def _lift(r: Mapping[str, Any]) -> str:
    if r.get("lift") is None:
        return f"seulement parmi les meilleurs, {fmt_int(r['n'])} clients"
    return f"× {fmt_number(r['lift'])}, {fmt_int(r['n'])} clients"


def _values(profile: Sequence[Mapping[str, Any]], attribute: str) -> list[Mapping[str, Any]]:
    return [r for r in profile if r["attribute"] == attribute]


def _top(desc: Mapping[str, Any], key: str, k: int) -> list[Mapping[str, Any]]:
    return list(desc.get(f"top_{key}") or [])[:k]


def _round(x: float) -> float:
    """Two significant digits: 54 448 500 → 54 000 000."""
    if x <= 0:
        return 0.0
    digits = len(str(int(x))) - 2
    return float(round(x, -digits)) if digits > 0 else float(round(x))


def _employees(emp: Sequence[Any]) -> str:
    lo, hi = emp
    return f"{fmt_int(lo)} à {fmt_int(hi)}" if hi is not None else f"{fmt_int(lo)} et plus"


def _codes(codes: Sequence[str], k: int = 3) -> str:
    named = [f"{c} ({naf_label(c)})" if naf_label(c) else c for c in codes[:k]]
    more = f" et {len(codes) - k} autres" if len(codes) > k else ""
    return ", ".join(named) + more


def _who(crit: Mapping[str, Any]) -> str:
    """« une ETI (251 à 5 000 employés) du secteur Santé », or the stated criteria."""
    if crit.get("source") == "settings":
        parts = []
        if crit.get("employees"):
            parts.append(f"de {_employees(crit['employees'])} employés")
        if crit.get("naf_codes"):
            parts.append("de code NAF " + _codes(crit["naf_codes"]))
        return "une entreprise " + " et ".join(parts)
    bands = crit.get("size_bands") or []
    who = BANDS.get(bands[0], "une entreprise") if bands else "une entreprise"
    if crit.get("industries"):
        who += " du secteur " + " / ".join(crit["industries"])
    return who


def _slots(icp: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    profile = icp.get("profile") or []
    crit = icp.get("criteria") or {}
    desc = icp.get("description") or {}
    emp = crit.get("employees")
    if emp and emp[1] is not None:
        out["6.icp.taille"] = (int(emp[0]), int(emp[1]))
    elif desc.get("employees_iqr"):
        lo, hi = desc["employees_iqr"]
        out["6.icp.taille"] = (int(lo), int(max(lo, hi)))
    iqr = desc.get("turnover_iqr")
    if iqr and all(v is not None for v in iqr):
        out["6.icp.ca"] = (_round(float(iqr[0])), _round(float(iqr[1])))
    if crit.get("industries"):
        codes = crit.get("naf_codes") or []
        naf = f" (NAF {', '.join(codes[:4])})" if codes else ""
        out["6.icp.industrie"] = " / ".join(crit["industries"]) + naf
    elif crit.get("naf_codes"):
        out["6.icp.industrie"] = _codes(crit["naf_codes"])
    if _top(desc, "region", 1):  # where the ICP's clients are
        r = _top(desc, "region", 1)[0]
        out["6.icp.geographie"] = f"{r['value']} ({fmt_percent(r['share'])} des clients ICP)"
    tools = _values(profile, "tool")[:3] or _top(desc, "tool", 3)
    if tools:
        out["6.icp.stack_tech"] = ", ".join(str(r["value"]) for r in tools)
    maturity = _values(profile, "digital_maturity")[:1] or _top(desc, "digital_maturity", 1)
    if maturity and maturity[0]["value"] in MATURITY:
        out["6.icp.maturite_digitale"] = maturity[0]["value"]
    if desc.get("yearly_spend_median") is not None and desc.get("clients"):
        out["6.icp.budget_it_outil"] = float(round(desc["yearly_spend_median"]))
    return out


def _lead_sentence(icp: Mapping[str, Any]) -> str:
    profile = icp.get("profile") or []
    if not profile:
        return ""
    lead = profile[0]
    best = fmt_int(icp.get("best_clients") or 0)
    if lead.get("lift") is None:
        return (
            f" C'est le profil le plus sur-représenté parmi les meilleurs clients : les "
            f"{fmt_int(lead['n'])} clients « {lead['value']} » de 6 mois et plus sont tous "
            f"dans le meilleur quart ({best} clients)."
        )
    return (
        f" C'est le profil le plus sur-représenté parmi les meilleurs clients : "
        f"« {lead['value']} » est × {fmt_number(lead['lift'])} plus fréquent dans le "
        f"meilleur quart ({best} clients) que chez les autres ({fmt_int(lead['n'])} clients)."
    )


@rule(("icp",), ("6.1", *PROFILE_SLOTS), needs=("revenue", "accounts"))
def icp_profile(m: Metrics) -> dict[str, Any]:
    icp = _icp(m)
    if not icp:
        return {}
    crit = icp.get("criteria")
    if not crit:
        if icp.get("status") == "too_small":
            return {
                "6.1": f"Base de clients trop petite pour dégager un profil idéal : "
                f"{icp['reason']}. Un ICP peut être déclaré dans les réglages icp_naf_codes "
                "et icp_employees."
            }
        return {
            "6.1": "Aucune valeur firmographique ne distingue les meilleurs clients (aucune "
            "n'y est 1,5 fois plus fréquente chez au moins 10 clients)."
        }
    out = _slots(icp)
    desc = icp.get("description") or {}
    n_icp = int(desc.get("clients") or 0)
    text = _who(crit)
    text = text[0].upper() + text[1:]
    if out.get("6.icp.geographie"):
        text += f", surtout en {out['6.icp.geographie']}"
    if out.get("6.icp.stack_tech"):
        text += f", équipée de {french_list(out['6.icp.stack_tech'].split(', '))}"
    text += "."
    if crit.get("source") == "settings":
        text += " ICP déclaré dans les réglages (icp_naf_codes, icp_employees)."
    else:
        text += _lead_sentence(icp)
    text += f" {fmt_int(n_icp)} clients actuels y correspondent{_small(n_icp)}"
    if desc.get("employees_iqr") and n_icp:
        lo, hi = desc["employees_iqr"]
        text += f" ; la moitié d'entre eux compte de {fmt_int(lo)} à {fmt_int(hi)} employés"
    text += "."
    stated = {"cell"}  # what the first sentence already says
    if crit.get("industries"):
        stated.add("industry")
    if crit.get("size_bands"):
        stated |= {"size_band", "employees"}
    skip = 0 if crit.get("source") == "settings" else 1  # the lead is said above
    profile = (icp.get("profile") or [])[skip:]
    others = [r for r in profile if r["attribute"] not in stated][:3]
    if others:
        traits = [
            f"{r['label'][0].lower()}{r['label'][1:]} {r['value']} ({_lift(r)})" for r in others
        ]
        text += " Autres traits des meilleurs clients : " + " ; ".join(traits) + "."
    if icp.get("status") == "ok":
        text += f" (Meilleurs clients : {icp['best_definition']}.)"
    out["6.1"] = text
    return out


def _vs(icp: Mapping[str, Any], rest: Mapping[str, Any], key: str, fmt: Any) -> str | None:
    a, b = icp.get(key), rest.get(key)
    if isinstance(a, Mapping):
        a, b = a.get("value"), (b or {}).get("value")
    if a is None or b is None:
        return None
    return f"{fmt(a)} contre {fmt(b)}"


def _interval(r: Mapping[str, Any]) -> str:
    return f"[{pct(r['ci_low'])} – {pct(r['ci_high'])}]"


@rule(("icp",), ("6.2", "6.pourquoi_ideal"), needs=("revenue", "accounts"))
def icp_why(m: Metrics) -> dict[str, Any]:
    comp = _icp(m).get("comparison")
    if not comp or not comp.get("icp", {}).get("clients"):
        return {}
    icp, rest = comp["icp"], comp.get("rest") or {}
    long, short = [], []
    ltv = _vs(icp, rest, "ltv", fmt_money)
    if ltv:
        times = f" (× {fmt_number(icp['ltv'] / rest['ltv'])})" if rest.get("ltv") else ""
        n = int(icp["clients"])
        long.append(f"LTV moyenne {ltv}{times}, sur {fmt_int(n)} clients ICP{_small(n)}")
        short.append(f"LTV {ltv}{times}")
    churn = icp.get("annual_churn")
    c = _vs(icp, rest, "annual_churn", fmt_percent)
    if churn and churn.get("denominator") and c:
        n = int(churn["denominator"])
        first, second = c.split(" contre ")
        long.append(
            f"churn annuel {first} {_interval(churn)} contre {second}, sur {fmt_int(n)} "
            f"comptes ICP payants il y a un an{_small(n)}"
        )
        short.append(f"churn annuel {c}")
    cycle = _vs(icp, rest, "sales_cycle_days", lambda d: f"{fmt_int(d)} jours")
    if cycle:
        n = int(icp.get("won_deals") or 0)
        long.append(f"cycle de vente médian {cycle}, sur {fmt_int(n)} affaires gagnées{_small(n)}")
        short.append(f"cycle {cycle}")
    win = icp.get("win_rate")
    w = _vs(icp, rest, "win_rate", fmt_percent)
    if win and win.get("denominator") and w:
        n = int(win["denominator"])
        long.append(
            f"taux de gain {w}, {fmt_int(win['numerator'])} affaires gagnées sur "
            f"{fmt_int(n)}{_small(n)}"
        )
        short.append(f"taux de gain {w}")
    if not long:
        return {}
    return {
        "6.2": "Clients ICP comparés aux autres clients : " + " ; ".join(long) + ".",
        "6.pourquoi_ideal": " ; ".join(short),
    }


@rule(("icp",), ("6.3", "6.pct_clients_actuels_icp"), needs=("revenue", "accounts"))
def icp_share(m: Metrics) -> dict[str, Any]:
    icp = _icp(m)
    share = icp.get("share_of_clients")
    if not share or share.get("value") is None:
        return {}
    text = (
        f"{pct(share)} {_interval(share)} : {fmt_int(share['numerator'])} clients actuels sur "
        f"{fmt_int(share['denominator'])} correspondent à l'ICP"
    )
    tiers = icp.get("tiers") or {}
    if tiers.get("A"):
        a = tiers["A"]
        text += (
            f". Au score d'adéquation (0 à 100), {fmt_int(a['clients'])} clients et "
            f"{fmt_int(a['prospects'])} prospects sont en tier A, au niveau du meilleur quart "
            f"des clients (score ≥ {fmt_number(icp['tier_cutoffs']['A'])}) ; score, tier et "
            "trois raisons par compte dans accounts.csv, chacune avec son poids dans le score "
            "(positif : un trait des meilleurs clients ; négatif : un trait des autres)"
        )
    return {"6.3": text + ".", "6.pct_clients_actuels_icp": float(share["value"])}


@rule(("tam",), ("6.4", "6.tam_icp"), needs=("market",))
def tam(m: Metrics) -> dict[str, Any]:
    t = (m.get("models") or {}).get("tam") or {}
    if t.get("count") is None:  # no market: the missing table says it; else why not
        return (
            {}
            if t.get("missing") or not t.get("reason")
            else {"6.4": f"TAM non calculé : {t['reason']}."}
        )
    f, src = t["filters"], t["source"]
    what = []
    if f.get("naf_codes"):
        what.append("code NAF " + _codes(f["naf_codes"]))
    if f.get("employees"):
        what.append(
            f"effectif de {_employees(f['employees'])} salariés "
            f"(tranches INSEE {', '.join(f['tranches'])})"
        )
    where = (
        f"fichier {src['file']} (réglage market_file)"
        if src.get("setting")
        else "table market des données"
    )
    dated = ""
    if src.get("date"):
        day = date.fromisoformat(src["date"])
        dated = f", à jour au {format_date(day, format='long', locale=LOCALE)}"
    return {
        "6.4": f"{fmt_int(t['count'])} entreprises actives (SIRENE) correspondent à l'ICP : "
        f"{' et '.join(what)} ; source : {where}{dated} ({fmt_int(src['rows'])} unités "
        "légales).",
        "6.tam_icp": int(t["count"]),
    }
