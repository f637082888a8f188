"""Section 6, « ICP »: the ideal customer, why, how many clients match, the TAM."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personae.dossier.kinds import fmt_int, fmt_money, fmt_number, fmt_percent
from personae.fill._rule import Metrics, rule
from personae.fill._text import SMALL, french_list, pct

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


def _icp(m: Metrics) -> Mapping[str, Any]:
    return (m.get("models") or {}).get("icp") or {}


def _small(n: int, m: Metrics) -> str:
    return f" ({SMALL})" if n < int(m.get("small_sample", 30)) else ""


def _lift(r: Mapping[str, Any]) -> str:
    if r.get("lift") is None:
        return f"seulement chez les meilleurs clients, {fmt_int(r['n'])} clients"
    return f"× {fmt_number(r['lift'])}, {fmt_int(r['n'])} clients"


def _values(profile: list[Mapping[str, Any]], attribute: str) -> list[Mapping[str, Any]]:
    return [r for r in profile if r["attribute"] == attribute]


def _top(desc: Mapping[str, Any], key: str, k: int = 3) -> list[Mapping[str, Any]]:
    return list(desc.get(f"top_{key}") or [])[:k]


def _criteria_text(c: Mapping[str, Any]) -> str:
    parts = []
    if c.get("source") == "settings":
        if c.get("naf_codes"):
            parts.append("codes NAF " + ", ".join(c["naf_codes"]))
        emp = c.get("employees")
        if emp:
            parts.append(
                f"{fmt_int(emp[0])} à {fmt_int(emp[1])} employés"
                if emp[1] is not None
                else f"{fmt_int(emp[0])} employés et plus"
            )
        return " et ".join(parts) + " (ICP déclaré dans les réglages)"
    if c.get("industries"):
        parts.append("secteur " + " / ".join(c["industries"]))
    if c.get("size_bands"):
        parts.append("taille " + " / ".join(c["size_bands"]))
    return ", ".join(parts)


@rule(("icp",), ("6.1", *PROFILE_SLOTS), needs=("revenue", "accounts"))
def icp_profile(m: Metrics) -> dict[str, Any]:
    icp = _icp(m)
    if not icp:
        return {}
    out: dict[str, Any] = {}
    profile = list(icp.get("profile") or [])
    crit = icp.get("criteria")
    desc = icp.get("description") or {}
    if icp.get("status") == "too_small" and not crit:
        out["6.1"] = (
            f"Base de clients trop petite pour dégager un profil idéal : {icp['reason']}. "
            "Déclarez l'ICP dans les réglages icp_naf_codes et icp_employees."
        )
        return out
    n_icp = int(desc.get("clients") or 0)
    if desc.get("employees_iqr"):
        lo, hi = desc["employees_iqr"]
        out["6.icp.taille"] = (lo, hi) if lo < hi else (lo, lo)
    if desc.get("turnover_iqr") and all(v is not None for v in desc["turnover_iqr"]):
        out["6.icp.ca"] = tuple(float(v) for v in desc["turnover_iqr"])
    industries = _values(profile, "industry")[:3]
    if industries:
        out["6.icp.industrie"] = "; ".join(f"{r['value']} ({_lift(r)})" for r in industries)
    elif crit and crit.get("industries"):
        out["6.icp.industrie"] = ", ".join(crit["industries"])
    regions = _values(profile, "region")[:2] or _top(desc, "region", 1)
    if regions:
        out["6.icp.geographie"] = "; ".join(
            f"{r['value']} ({_lift(r)})"
            if "lift" in r
            else f"{r['value']} ({fmt_percent(r['share'])} des clients ICP)"
            for r in regions
        )
    tools = _values(profile, "tool")[:3] or _top(desc, "tool", 3)
    if tools:
        out["6.icp.stack_tech"] = "; ".join(
            f"{r['value']} ({_lift(r)})"
            if "lift" in r
            else f"{r['value']} ({fmt_percent(r['share'])} des clients ICP)"
            for r in tools
        )
    maturity = _values(profile, "digital_maturity")[:1] or _top(desc, "digital_maturity", 1)
    if maturity and maturity[0]["value"] in MATURITY:
        out["6.icp.maturite_digitale"] = maturity[0]["value"]
    if desc.get("yearly_spend_median") is not None and n_icp:
        out["6.icp.budget_it_outil"] = float(desc["yearly_spend_median"])
    if crit:
        best = icp.get("best_clients")
        lead = profile[0] if profile else None
        text = f"Entreprises {_criteria_text(crit)}"
        if desc.get("employees_iqr"):
            lo, hi = desc["employees_iqr"]
            text += f", de {fmt_int(lo)} à {fmt_int(hi)} employés pour la moitié centrale"
        if regions:
            text += f", surtout {regions[0]['value']}"
        if tools:
            text += f", équipées de {french_list([str(r['value']) for r in tools])}"
        text += f" : {fmt_int(n_icp)} clients actuels{_small(n_icp, m)}."
        if lead and best:
            text += (
                f" Parmi les {fmt_int(best)} meilleurs clients ({icp['best_definition']}), "
                f"le profil le plus sur-représenté est {lead['label'].lower()} "
                f"« {lead['value']} » ({_lift(lead)})."
            )
        if profile[1:]:
            others = [f"{r['label'].lower()} {r['value']} ({_lift(r)})" for r in profile[1:4]]
            text += " Autres traits distinctifs : " + " ; ".join(others) + "."
        out["6.1"] = text
    return out


def _vs(side: Mapping[str, Any], other: Mapping[str, Any], key: str, fmt: Any) -> str | None:
    a, b = side.get(key), other.get(key)
    if isinstance(a, Mapping):
        a, b = a.get("value"), (b or {}).get("value")
    if a is None or b is None:
        return None
    return f"{fmt(a)} contre {fmt(b)}"


@rule(("icp",), ("6.2", "6.pourquoi_ideal"), needs=("revenue", "accounts"))
def icp_why(m: Metrics) -> dict[str, Any]:
    comp = _icp(m).get("comparison")
    if not comp or not comp.get("icp", {}).get("clients"):
        return {}
    icp, rest = comp["icp"], comp.get("rest") or {}
    parts = []
    ltv = _vs(icp, rest, "ltv", fmt_money)
    if ltv:
        ratio = icp["ltv"] / rest["ltv"] if rest.get("ltv") else None
        times = f" (× {fmt_number(ratio)})" if ratio else ""
        parts.append(f"LTV moyenne {ltv}{times}")
    churn = icp.get("annual_churn")
    if churn and churn.get("denominator"):
        c = _vs(icp, rest, "annual_churn", fmt_percent)
        parts.append(
            f"churn annuel {c} (sur {fmt_int(churn['denominator'])} comptes ICP"
            f"{_small(churn['denominator'], m)}, IC 95 % {pct(churn['ci_low'])}"
            f" – {pct(churn['ci_high'])})"
        )
    cycle = _vs(icp, rest, "sales_cycle_days", lambda d: f"{fmt_int(d)} jours")
    if cycle:
        n = int(icp.get("won_deals") or 0)
        parts.append(f"cycle de vente médian {cycle} ({fmt_int(n)} affaires gagnées{_small(n, m)})")
    win = icp.get("win_rate")
    if win and win.get("denominator"):
        w = _vs(icp, rest, "win_rate", fmt_percent)
        parts.append(
            f"taux de gain {w} ({fmt_int(win['numerator'])} sur {fmt_int(win['denominator'])}"
            f" affaires{_small(win['denominator'], m)})"
        )
    if not parts:
        return {}
    text = "Clients ICP face aux autres clients : " + " ; ".join(parts) + "."
    short = " ; ".join(p.split(" (")[0] for p in parts)
    return {"6.2": text, "6.pourquoi_ideal": short}


@rule(("icp",), ("6.3", "6.pct_clients_actuels_icp"), needs=("revenue", "accounts"))
def icp_share(m: Metrics) -> dict[str, Any]:
    icp = _icp(m)
    share = icp.get("share_of_clients")
    if not share or share.get("value") is None:
        return {}
    text = (
        f"{pct(share)} des clients actuels correspondent à l'ICP "
        f"({fmt_int(share['numerator'])} sur {fmt_int(share['denominator'])}, "
        f"IC 95 % {pct(share['ci_low'])} – {pct(share['ci_high'])})"
    )
    tiers = icp.get("tiers") or {}
    if tiers.get("A"):
        a = tiers["A"]
        text += (
            f" ; au score d'adéquation, {fmt_int(a['clients'])} clients et "
            f"{fmt_int(a['prospects'])} prospects sont en tier A (score ≥ "
            f"{fmt_number(icp['tier_cutoffs']['A'])}/100, le niveau du meilleur quart des "
            "clients) — score, tier et raisons par compte dans accounts.csv"
        )
    return {"6.3": text + ".", "6.pct_clients_actuels_icp": float(share["value"])}


@rule(("tam",), ("6.4", "6.tam_icp"), needs=("market",))
def tam(m: Metrics) -> dict[str, Any]:
    t = (m.get("models") or {}).get("tam") or {}
    if t.get("count") is None:
        return {}
    f, src = t["filters"], t["source"]
    what = []
    if f.get("naf_codes"):
        what.append("code NAF " + ", ".join(f["naf_codes"]))
    if f.get("employees"):
        lo, hi = f["employees"]
        rng = f"{fmt_int(lo)} à {fmt_int(hi)}" if hi is not None else f"{fmt_int(lo)} et plus"
        what.append(f"effectif de {rng} salariés (tranches INSEE {', '.join(f['tranches'])})")
    dated = f" à jour au {src['date']}" if src.get("date") else ""
    text = (
        f"{fmt_int(t['count'])} entreprises actives dans le fichier SIRENE {src['file']}"
        f"{dated} ({fmt_int(src['rows'])} unités légales) : {' ; '.join(what)}."
    )
    return {"6.4": text, "6.tam_icp": int(t["count"])}
