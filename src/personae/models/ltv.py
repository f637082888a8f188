"""The ``ltv`` step: model LTV per segment by sBG, and by BG/NBD + Gamma-Gamma for
non-recurring revenue (DESIGN §5 "LTV", §6 ``models.ltv``).

Per segment, the sBG is fitted on the grouped lives of :mod:`personae.models.lives`
separately for each plan period (month, quarter, year) that has at least ``small_sample``
accounts: annual and quarterly plans churn only at renewals, so each is fitted in its own
period. The segment then reports the **mix of its period fits**, weighted by the accounts
on each plan (the periods fitted):

- retention after m months ``S(m) = Σ_k s_k S_k(⌊m / n_k⌋)`` (``n_k`` months per period),
  at 12 and 24 months and as a curve for months 0…36, with a 95 % interval from 4 000
  draws of each fit's (log α, log β) around its estimate (seeded, so reproducible);
- DERL of a new account in months ``Σ_k s_k n_k derl_new_k(d_k)``, ``d_k`` the yearly
  ``ltv_discount_rate`` turned into the period's rate: the expected discounted number of
  months paid, the first one included;
- LTV = ARPA (mean MRR at T of its paying accounts) × ``gross_margin`` × DERL;
- the value of the current base: Σ over the accounts paying at T of MRR × n_k × margin ×
  DERL of its age (renewals survived in its current spell), the periods already paid
  left out;
- ``alpha``, ``beta`` and their intervals are those of the plan period with the most
  accounts (``period``); every period's fit is under ``periods``.

A segment under ``small_sample`` paying accounts, or whose fitted periods cover less than
half of its accounts (the other periods too small, or their fit raised :class:`FitError`),
falls back to the first version (``metrics.segments[*].ltv``: ARPA × margin / monthly
churn) with ``reason`` (short, French, for the dossier) and ``detail``.

Per account (``accounts.csv`` column ``ltv``): the residual value of each account paying
at T — its own MRR × n × margin × the DERL of its age under its plan period's fit; where
its period has no fit, its MRR × margin / the segment's monthly churn (the first version).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import betaln

from personae.metrics import MetricsSession
from personae.models._base import FitError
from personae.models.lives import (
    FAMILY,
    PERIOD_MONTHS,
    account_lives,
    grouped_base,
    grouped_lives,
)
from personae.models.output import ModelOutput
from personae.models.sbg import SBG, per_period_rate
from personae.models.transactional import transactional

METHOD = "sBG"
V1 = "v1"
CURVE_MONTHS = 36
_DRAWS = 4000
SMALL = "échantillon faible"
NO_CHURN = "aucun départ observé"
NO_FIT = "modèle non ajusté"
FEW_CHURNS = "trop peu de départs observés"
FEW_PLANS = "trop peu de comptes par type d'abonnement"


@dataclass
class PeriodFit:
    period: int  # months per period: 1, 3 or 12
    accounts: int
    churned: int
    model: SBG | None = None
    reason: str | None = None
    detail: str | None = None
    active: list[tuple[int, float]] = field(default_factory=list)  # (renewals, MRR sum)


def _fit_period(
    period: int, rows: list[Mapping[str, Any]], base: list[Mapping[str, Any]], small: int
) -> PeriodFit:
    accounts = sum(int(r["accounts"]) for r in rows)
    churned = sum(int(r["accounts"]) for r in rows if r["churned"])
    fit = PeriodFit(period, accounts, churned)
    fit.active = [(int(r["age"]), float(r["mrr"] or 0.0)) for r in base]
    if accounts < small:
        fit.reason, fit.detail = SMALL, f"{accounts} comptes sur ce type d'abonnement (< {small})"
        return fit
    try:
        fit.model = SBG().fit(
            [int(r["t"]) for r in rows],
            [bool(r["churned"]) for r in rows],
            [int(r["accounts"]) for r in rows],
        )
    except FitError as exc:
        fit.reason = NO_CHURN if churned == 0 else FEW_CHURNS if churned < small else NO_FIT
        fit.detail = str(exc)
    return fit


def _survival(fits: list[tuple[float, int, Any, Any]], months: np.ndarray) -> np.ndarray:
    """Mixed retention S(m) for (share, n, α, β) fits (B2: S(t) = B(α, β+t)/B(α, β));
    α and β may be column vectors of draws, giving one curve per row."""
    total: np.ndarray = np.zeros(months.shape)
    for share, n, a, b in fits:
        t = np.floor(months / n)
        total = total + share * np.exp(betaln(a, b + t) - betaln(a, b))
    return total


def _retention(fits: list[tuple[float, PeriodFit]]) -> dict[str, Any]:
    months = np.arange(CURVE_MONTHS + 1, dtype=np.float64)
    models = [(s, f.period, f.model) for s, f in fits if f.model is not None]
    curve = _survival([(s, n, m.alpha_, m.beta_) for s, n, m in models], months)
    rng = np.random.default_rng(0)
    sampled = []
    for s, n, m in models:  # each period's (log α, log β) drawn from its fit's normal
        logs = rng.multivariate_normal(np.log([m.alpha_, m.beta_]), m.covariance_log_, _DRAWS)
        sampled.append((s, n, np.exp(logs[:, :1]), np.exp(logs[:, 1:])))
    band = np.percentile(_survival(sampled, months), [2.5, 97.5], axis=0)
    return {
        "retention_12m": float(curve[12]),
        "retention_12m_ci": [float(band[0, 12]), float(band[1, 12])],
        "retention_24m": float(curve[24]),
        "retention_24m_ci": [float(band[0, 24]), float(band[1, 24])],
        "retention_curve": [
            {"month": int(m), "retention": float(v), "low": float(lo), "high": float(hi)}
            for m, v, lo, hi in zip(months, curve, band[0], band[1], strict=True)
        ],
    }


def _period_row(f: PeriodFit, share: float | None, d_year: float) -> dict[str, Any]:
    row: dict[str, Any] = {
        "period": PERIOD_MONTHS[f.period],
        "months": f.period,
        "accounts": f.accounts,
        "churned": f.churned,
        "share": share,
    }
    if f.model is None:
        row.update(reason=f.reason, detail=f.detail)
        return row
    m = f.model
    d = per_period_rate(d_year, PERIOD_MONTHS[f.period])  # type: ignore[arg-type]
    row.update(
        alpha=m.alpha_,
        beta=m.beta_,
        alpha_ci=list(m.alpha_ci_),
        beta_ci=list(m.beta_ci_),
        log_likelihood=m.log_likelihood_,
        derl_new_periods=m.derl_new(d),
    )
    return row


def _fallback(seg: Mapping[str, Any] | None, reason: str, detail: str) -> dict[str, Any]:
    ltv = None if seg is None else seg.get("ltv")
    out: dict[str, Any] = {"method": V1, "ltv": ltv, "base_value": None, "reason": reason}
    out["detail"] = detail if ltv is not None else f"{detail} ; {(seg or {}).get('ltv_note', '')}"
    return out


def segment_ltv(
    name: str,
    rows: list[Mapping[str, Any]],
    base: list[Mapping[str, Any]],
    seg: Mapping[str, Any] | None,
    *,
    small: int,
    margin: float,
    d_year: float,
) -> tuple[dict[str, Any], dict[int, PeriodFit]]:
    """One segment's entry of ``models.ltv.by_segment`` and its period fits."""
    by_period: dict[int, list[Mapping[str, Any]]] = {}
    for r in rows:
        by_period.setdefault(int(r["period"]), []).append(r)
    fits = {
        p: _fit_period(p, rs, [b for b in base if int(b["period"]) == p], small)
        for p, rs in sorted(by_period.items())
    }
    accounts = sum(f.accounts for f in fits.values())
    churned = sum(f.churned for f in fits.values())
    fitted = {p: f for p, f in fits.items() if f.model is not None}
    covered = sum(f.accounts for f in fitted.values())
    out: dict[str, Any] = {"name": name, "accounts": accounts, "churned": churned}
    out["small_sample"] = accounts < small
    shares = {p: f.accounts / covered for p, f in fitted.items()} if covered else {}
    out["periods"] = [_period_row(f, shares.get(p), d_year) for p, f in fits.items()]
    if accounts < small:
        out.update(_fallback(seg, SMALL, f"{accounts} comptes payants (< {small})"))
        return out, fits
    if covered * 2 < accounts:
        left = [f for f in fits.values() if f.model is None]
        reasons = sorted({f.reason or NO_FIT for f in left})
        reason = reasons[0] if len(reasons) == 1 else NO_FIT
        if all(f.reason == SMALL for f in left) and len(left) > 1:
            reason = FEW_PLANS
        detail = " ; ".join(f"{PERIOD_MONTHS[f.period]} : {f.detail}" for f in left)
        out.update(_fallback(seg, reason, detail))
        return out, fits
    main = max(fitted.values(), key=lambda f: (f.accounts, -f.period))
    assert main.model is not None
    pairs = [(shares[p], f) for p, f in fitted.items()]
    derl_months = 0.0
    base_total = 0.0
    for share, f in pairs:
        assert f.model is not None
        d = per_period_rate(d_year, PERIOD_MONTHS[f.period])  # type: ignore[arg-type]
        derl_months += share * f.period * f.model.derl_new(d)
        if f.active:
            ages = np.array([a for a, _ in f.active], dtype=np.float64)
            mrr = np.array([v for _, v in f.active])
            base_total += float(np.dot(mrr * f.period, f.model.derl(d, ages)))
    arpa = None if seg is None else seg.get("arpa")
    out.update(
        method=METHOD,
        period=PERIOD_MONTHS[main.period],
        alpha=main.model.alpha_,
        beta=main.model.beta_,
        alpha_ci=list(main.model.alpha_ci_),
        beta_ci=list(main.model.beta_ci_),
        **_retention(pairs),
        derl_months=derl_months,
        arpa=arpa,
        ltv=None if arpa is None else arpa * margin * derl_months,
        base_value=base_total * margin,
    )
    if arpa is None:
        out["reason"] = "aucun compte payant à la date d'arrêté"
    return out, fits


def _account_values(
    session: MetricsSession,
    lives: Any,
    fits: Mapping[str, Mapping[int, PeriodFit]],
    churn: Mapping[str, float | None],
    margin: float,
    d_year: float,
) -> pd.DataFrame:
    paying = lives.filter(lives.paying & (lives.mrr > 0)).select(
        "account_id", "segment", "period", "age", "mrr"
    )
    frame: pd.DataFrame = session.ctx.fetch(FAMILY, paying).to_pandas()  # its SQL recorded
    values = np.full(len(frame), np.nan)
    seg_col = frame["segment"].astype(str).to_numpy()
    per_col = frame["period"].to_numpy(dtype=np.int64)
    ages = frame["age"].to_numpy(dtype=np.float64)
    mrr = frame["mrr"].to_numpy(dtype=np.float64)
    for segment, period in sorted(set(zip(seg_col, per_col.tolist(), strict=True))):
        rows = (seg_col == segment) & (per_col == period)
        fit = fits.get(segment, {}).get(period)
        if fit is not None and fit.model is not None:
            d = per_period_rate(d_year, PERIOD_MONTHS[period])  # type: ignore[arg-type]
            values[rows] = mrr[rows] * period * margin * fit.model.derl(d, ages[rows])
        elif rate := churn.get(segment):
            values[rows] = mrr[rows] * margin / rate
    return pd.DataFrame({"account_id": frame["account_id"], "ltv": np.round(values, 2)})


def ltv(
    session: MetricsSession, metrics: Mapping[str, Any], models: Mapping[str, Any]
) -> ModelOutput | None:
    """``models.ltv`` (DESIGN §6) and each paying account's residual value."""
    settings = session.settings
    margin, d_year, small = settings.gross_margin, settings.ltv_discount_rate, settings.small_sample
    lives = account_lives(session)
    rows = grouped_lives(session, lives)
    base = grouped_base(session, lives)
    segs = {r["name"]: r for r in metrics.get("segments") or []}
    churn = {
        r["name"]: (r.get("monthly") or {}).get("value")
        for r in (metrics.get("churn") or {}).get("by_segment") or []
    }
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        by_name.setdefault(str(r["segment"]), []).append(r)
    order = [n for n in segs if n in by_name] + sorted(n for n in by_name if n not in segs)
    by_segment, fits = [], {}
    for name in order:
        entry, fits[name] = segment_ltv(
            name,
            by_name[name],
            [b for b in base if str(b["segment"]) == name],
            segs.get(name),
            small=small,
            margin=margin,
            d_year=d_year,
        )
        by_segment.append(entry)
    summary: dict[str, Any] = {
        "method": f"{METHOD}, actualisé à {_pct(d_year)}/an",
        "discount_rate": d_year,
        "gross_margin": margin,
        "small_sample": small,
        "by_segment": by_segment,
    }
    trans = transactional(session, margin)
    if trans is not None:
        summary["transactional"] = trans
    summary["provenance"] = session.ctx.provenance_map().get("models.ltv")
    if not by_segment:
        summary["reason"] = "aucun compte avec un abonnement (revenu récurrent)"
        return ModelOutput(summary)
    accounts = _account_values(session, lives, fits, churn, margin, d_year)
    return ModelOutput(summary, accounts)


def _pct(x: float) -> str:
    v = 100 * x
    text = f"{v:.0f}" if math.isclose(v, round(v)) else f"{v:.1f}".replace(".", ",")
    return f"{text} %"
