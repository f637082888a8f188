"""Non-recurring revenue: BG/NBD + Gamma-Gamma (DESIGN §5, "LTV (transactional revenue)").

Each account with positive non-recurring revenue up to T is summarised in whole weeks from
its first such purchase: ``x`` the weeks with a purchase after the first one (repeat
purchases), ``t_x`` the week of the last one, ``T`` the weeks from the first purchase to T,
and ``m`` its mean spend per repeat week, rounded to the euro. The engine groups identical
(segment, x, t_x, T, m) rows and returns them with their counts; BG/NBD fits on
(x, t_x, T), Gamma-Gamma on the repeat buyers' (x, m). Each account's expected purchases
over the next 52 weeks (eq. (10) of Fader, Hardie & Lee 2005) times its expected spend
(Fader & Hardie 2013, eq. (5)) times the gross margin gives its expected value over 12
months, summarised overall and per segment. A fit that fails gives its reason instead.
"""

from __future__ import annotations

from typing import Any

import ibis
import numpy as np

from personae.metrics import MetricsSession
from personae.models._base import FitError
from personae.models.bgnbd import BGNBD
from personae.models.gamma_gamma import GammaGamma
from personae.models.lives import FAMILY

HORIZON_WEEKS = 52


def purchase_rows(session: MetricsSession) -> ibis.Table:
    """Grouped ``segment, x, t_x, T, m`` → ``accounts`` of non-recurring buyers."""
    t = session.ctx.cal.t
    r = session.ctx.tables["revenue"]
    r = r.filter(~r.recurring.fill_null(True) & (r.amount > 0) & (r.date <= t))
    first = r.group_by("account_id").aggregate(first=r.date.min())
    j = r.inner_join(first, "account_id")
    j = j.mutate(week=((j.date.epoch_days() - j.first.epoch_days()) // 7).cast("int64"))
    weeks = j.group_by(["account_id", "first", "week"]).aggregate(amount=j.amount.sum())
    per = weeks.group_by(["account_id", "first"]).aggregate(
        x=(weeks.count() - 1).cast("int64"),
        t_x=weeks.week.max(),
        repeat=weeks.amount.sum(where=weeks.week > 0),
    )
    t_days = ibis.literal(t).epoch_days()
    per = per.mutate(
        big_t=((t_days - per.first.epoch_days()) // 7).cast("int64"),
        m=ibis.ifelse(
            # the sum to the cent first: a parallel float sum varies in its last bits, which
            # must not tip the rounding to the euro from one run to the next
            per.x > 0,
            ibis.greatest((per.repeat.fill_null(0.0).round(2) / per.x).round(0), 1.0),
            0.0,
        ),
    )
    acc = session.accounts.select("account_id", "segment")
    per = per.inner_join(acc, "account_id")
    keys = ["segment", "x", "t_x", "big_t", "m"]
    # ordered, so that the fit sees the same rows in the same order on every run
    return per.group_by(keys).aggregate(accounts=per.count()).order_by(keys)


def transactional(session: MetricsSession, margin: float) -> dict[str, Any] | None:
    """``models.ltv.transactional``; None when there is no non-recurring revenue."""
    rows = session.ctx.run(FAMILY, purchase_rows(session))
    if not rows:
        return None
    x = np.array([r["x"] for r in rows], dtype=np.float64)
    t_x = np.array([r["t_x"] for r in rows], dtype=np.float64)
    big_t = np.array([r["big_t"] for r in rows], dtype=np.float64)
    m = np.array([r["m"] for r in rows], dtype=np.float64)
    w = np.array([r["accounts"] for r in rows], dtype=np.float64)
    seg = [str(r["segment"]) for r in rows]
    out: dict[str, Any] = {
        "method": "BG/NBD + Gamma-Gamma",
        "unit": "week",
        "horizon_weeks": HORIZON_WEEKS,
        "accounts": int(w.sum()),
        "repeat_buyers": int(w[x > 0].sum()),
    }
    try:
        bg = BGNBD().fit(x, t_x, big_t, w)
        gg = GammaGamma().fit(x, np.where(x > 0, m, 0.0), w)
        purchases = bg.conditional_expected_purchases(HORIZON_WEEKS, x, t_x, big_t)
        spend = gg.conditional_expected_average_profit(x, np.where(x > 0, m, 0.0))
    except (FitError, ValueError) as exc:
        out["reason"] = "modèle non ajusté"
        out["detail"] = str(exc)
        return out
    value = purchases * spend * margin
    total = float(w.sum())
    out.update(
        bgnbd={k: getattr(bg, f"{k}_") for k in ("r", "alpha", "a", "b")},
        bgnbd_ci={k: list(getattr(bg, f"{k}_ci_")) for k in ("r", "alpha", "a", "b")},
        gamma_gamma={k: getattr(gg, f"{k}_") for k in ("p", "q", "gamma")},
        gamma_gamma_ci={k: list(getattr(gg, f"{k}_ci_")) for k in ("p", "q", "gamma")},
        expected_purchases_12m=float(np.dot(w, purchases) / total),
        expected_value_12m=float(np.dot(w, value) / total),
        total_expected_value_12m=float(np.dot(w, value)),
    )
    by_segment = []
    names = np.array(seg)
    for name in sorted(set(seg)):
        k = names == name
        n = float(w[k].sum())
        by_segment.append(
            {
                "name": name,
                "accounts": int(n),
                "expected_purchases_12m": float(np.dot(w[k], purchases[k]) / n),
                "expected_value_12m": float(np.dot(w[k], value[k]) / n),
            }
        )
    out["by_segment"] = by_segment
    return out
