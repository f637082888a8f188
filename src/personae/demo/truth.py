"""``truth.json``: the planted parameters the analysis should recover, and the sizes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personae.demo import company as qf
from personae.demo import notes


def truth(
    size: str,
    seed: int,
    customers: int,
    rows: Mapping[str, int],
    sizes: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """Every planted truth as plain JSON data (fractions, not percentages)."""
    return {
        "company": "Quickfund",
        "size": size,
        "seed": seed,
        "customers": customers,
        "rows": dict(rows),
        "sizes": {k: dict(v) for k, v in sizes.items()},
        "history": {
            "first_month": str(qf.FIRST_MONTH),
            "last_month": str(qf.LAST_MONTH),
            "as_of": qf.AS_OF.isoformat(),
            "customer_growth_per_month": qf.CUSTOMER_GROWTH,
        },
        "segments": {
            s.name: {
                "kind": s.kind,
                "share_of_customers": s.share,
                "monthly_churn_hazard": s.churn_hazard,
                "churn_beta": {
                    str(n): dict(zip(("alpha", "beta"), qf.churn_beta(s, n), strict=True))
                    for n in s.billing
                },
                "upgrade_rate_monthly": s.upgrade_rate,
                "downgrade_rate_monthly": s.downgrade_rate,
                "start_plans": s.plans,
                "billing_intervals": {str(k): v for k, v in s.billing.items()},
                "addon_share": s.addon_share,
                "onboarding_share": s.onboarding_share,
                "onboarding_fee": s.onboarding_fee,
                "payments_share": s.payments_share,
                "transfers_per_month": s.transfers_per_month,
                "win_rate": s.win_rate if s.kind == "B2B" else None,
                "stage_mean_days": qf.stage_mean_days(s) if s.kind == "B2B" else None,
                "events_per_month": s.events_per_month,
                "support_notes_per_month": s.support_rate,
                "churn_reasons": s.churn_reasons,
                "personas": s.personas,
                "industries": s.industries,
                "acquisition_channels": s.channels,
                "digital_maturity": s.maturity,
            }
            for s in qf.SEGMENTS
        },
        "rules": {
            "churn": "each subscription draws its churn probability per billing period "
            "p ~ Beta(alpha, beta) of its segment and plan period (churn_beta, by months per "
            "period; mean 1 - (1 - monthly_churn_hazard)^n) and ends at each renewal with "
            "probability p; MRR at month ends equals the plan price (plus add-on) exactly",
            "plan_changes": "each service month after the first moves one plan up or down "
            "with the segment's rates, when such a plan exists in its ladder",
            "prices": "monthly equivalents; an invoice for n months costs price × n; a B2B "
            "customer also pays each user beyond the included ones (seats)",
            "lost_reasons": "shares of lost deals; the rest has no reason; the planted segment "
            "(lost_reason_plant) gives its reason a far larger share, the others a smaller one "
            "(lost_reason_mix), so that the overall shares stay these",
            "stages": "time in stage = next entered_at − entered_at; a closed deal enters "
            "closed_won / closed_lost at closed_at, which ends its last pipeline stage",
        },
        "plans": list(qf.PLANS),
        "prices": {p: {str(k): v for k, v in by.items()} for p, by in qf.PRICES.items()},
        "addon": {"product": qf.ADDON, "prices": {str(k): v for k, v in qf.ADDON_PRICES.items()}},
        "seats": {
            "product": qf.SEATS_PRODUCT,
            "prices": {str(k): v for k, v in qf.SEAT_PRICES.items()},
            "included": qf.SEATS_INCLUDED,
            "scale": qf.SEATS_SCALE,
            "elasticity": qf.SEATS_ELASTICITY,
            "sigma": qf.SEATS_SIGMA,
            "rule": "users = rint(scale × employees^elasticity × LogNormal(0, sigma)), fixed "
            "for the customer; each user beyond the included ones is billed at the seat price "
            "(a recurring line of its own, in MRR)",
        },
        "one_offs": {
            "onboarding": qf.ONBOARDING_PRODUCT,
            "training": {
                "product": qf.TRAINING_PRODUCT,
                "monthly_rate": qf.TRAINING_RATE,
                "fees": list(qf.TRAINING_FEES),
            },
            "goodwill_credit_notes": {
                "product": qf.GOODWILL_PRODUCT,
                "share_of_invoices": qf.GOODWILL_RATE,
            },
            "transfers": {"product": qf.PAYMENTS_PRODUCT, "fee": qf.TRANSFER_FEE},
        },
        "reactivation": {
            "probability": qf.REACTIVATION_PROBABILITY,
            "gap_months": list(qf.REACTIVATION_GAP),
            "at_most": 1,
        },
        "churn_signals": list(qf.CHURN_SIGNALS),
        "expansion_signals": list(qf.EXPANSION_SIGNALS),
        "decoys": list(qf.DECOYS),
        "churn_reason_missing": qf.CHURN_REASON_MISSING,
        "stages": {
            "order": list(qf.STAGES),
            "mean_days": qf.STAGE_MEAN_DAYS,
            "lost_at_stage": qf.LOST_AT_STAGE,
            "close_to_first_invoice_days": list(qf.DEAL_CLOSE_TO_INVOICE_DAYS),
        },
        "lost_reasons": {**qf.LOST_REASONS, "Non renseigné": qf.LOST_REASON_MISSING},
        "lost_reason_plant": {
            "segment": qf.LOST_PLANT_SEGMENT,
            "reason": qf.LOST_PLANT_REASON,
            "share_in_segment": qf.LOST_PLANT_SHARE,
        },
        "lost_reason_mix": {
            s.name: {k or "Non renseigné": v for k, v in qf.lost_reason_mix(s).items()}
            for s in qf.SEGMENTS
            if s.kind == "B2B"
        },
        "competitors": qf.COMPETITORS,
        "competitor_when_price": qf.COMPETITOR_WHEN_PRICE,
        "personas": {
            p.key: {
                "name": p.name,
                "titles": list(p.titles),
                "department": p.department,
                "seniority": p.seniority,
                "age": {"mean": p.age[0], "sd": p.age[1], "min": p.age[2], "max": p.age[3]},
                "roles": p.roles,
                "titles_by_seniority": {k: list(v) for k, v in p.levels.items()},
            }
            for p in qf.PERSONAS
        },
        "persona_plants": {
            "buyer": dict(qf.BUYER_PERSONA),
            "influencer": dict(qf.INFLUENCER_PERSONA),
            "rule": "contacts' department and seniority columns; the DAF decides or pays on "
            "most won deals, the founder or CEO mostly influences them; an account's "
            "interviews and follow-up calls carry the themes of its buyer persona (the "
            "contact deciding, the planted buyer first on a tie)",
            "interviews": {k: list(v) for k, v in notes.PERSONA_INTERVIEWS.items()},
            "calls": {k: list(v) for k, v in notes.PERSONA_CALLS.items()},
        },
        "icp": {
            "industry": qf.ICP_INDUSTRY,
            "size_band": qf.ICP_SIZE_BAND,
            "employees": list(qf.ICP_EMPLOYEES),
            "plan_steps_up": qf.ICP_PLAN_STEPS,
            "addon": True,
            "churn_hazard_factor": qf.ICP_CHURN_FACTOR,
            "rule": "customers of this industry with this headcount start the given number of "
            "plans higher on their segment's ladder (capped at its top), always take the "
            "add-on, and churn with the factor times the churn probability drawn for them "
            "from their segment's Beta; the segments' figures are those outside the cell",
        },
        "countries": {k or "": v for k, v in qf.COUNTRIES.items()},
        "events": qf.EVENTS,
    }
