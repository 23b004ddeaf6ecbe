"""Subscriptions: every won New Business deal starts a 12-month term; each term renews or churns.

``end_date`` is always the contractual end of the term (start + 12 months - 1 day), also when it
lies after the demo's last day: such a term is simply running, with no successor yet. A term that
ended on or before the last day with no row renewing it is churn.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from data_access.demo import profiles as pf
from data_access.demo.deals import DemoDeal
from data_access.demo.ids import Ids
from data_access.demo.random_tools import chance
from data_access.demo.timeline import Timeline, add_months
from data_access.demo.vocabulary import CANCEL_REASONS, COMPETITORS, PLAN_TIERS

CENT = Decimal("0.01")


def _mrr(arr: int) -> Decimal:
    return (Decimal(arr) / 12).quantize(CENT)


def _churn_factor(deal: DemoDeal) -> float:
    """How the deal was sold changes the odds it churns (the seeds' claim, planted to be testable)."""
    factor = 1.45 if deal.customer_outcome is None else 0.75
    if deal.discount > 0.15:
        factor *= 1.3
    if deal.pulled_to_quarter_end:
        factor *= 1.25
    return factor / 1.15


def build_subscriptions(
    rng: random.Random, timeline: Timeline, deals: list[DemoDeal], ids: Ids
) -> list[dict]:
    health = pf.Health(timeline)
    rows: list[dict] = []
    for deal in deals:
        if not deal.is_won or deal.type != "New Business" or deal.close > timeline.end:
            continue
        prof = deal.team.profile
        assert prof is not None
        plan = f"{deal.product} {PLAN_TIERS[deal.account.segment]}"
        start, arr, previous_id, concession = deal.close, deal.amount, None, None
        while True:
            term_end = add_months(start, 12) - dt.timedelta(days=1)
            row = {
                "id": ids.next("subscriptions"),
                "external_key": "",
                "account_id": deal.account.id,
                "opportunity_id": deal.id if previous_id is None else None,
                "team_id": deal.team.id,
                "plan": plan,
                "start_date": start,
                "end_date": term_end,
                "mrr": _mrr(arr),
                "arr": arr,
                "renewed_from_id": previous_id,
                "concession_amount": concession,
                "cancel_reason": None,
            }
            row["external_key"] = f"demo-sub-{row['id']:06d}"
            rows.append(row)
            if term_end >= timeline.end:
                break
            h = health.of(prof, term_end)
            if chance(rng, pf.churn_chance(h) * _churn_factor(deal)):
                kind = "small" if chance(rng, pf.lerp(0.6, 0.1, h)) else "other"
                row["cancel_reason"] = rng.choice(CANCEL_REASONS[kind]).format(
                    pct=rng.randint(2, 5),
                    amount=f"{max(100, round(arr * rng.uniform(0.01, 0.04), -2)):,}",
                    competitor=rng.choice(COMPETITORS),
                )
                break
            concession = None
            if chance(rng, pf.concession_chance(h)):
                # Kept the customer by giving away a little: credits or services worth 1-4.5% of ARR.
                concession = Decimal(round(arr * rng.uniform(0.01, 0.045))).quantize(CENT)
            elif chance(rng, pf.lerp(0.3, 0.08, h)):
                cut = rng.uniform(0.01, 0.045) if chance(rng, 0.6) else rng.uniform(0.08, 0.3)
                arr = int(round(arr * (1 - cut), -1))
            elif chance(rng, pf.lerp(0.15, 0.38, h)):
                arr = int(round(arr * (1 + rng.uniform(0.05, 0.3)), -1))
            previous_id = row["id"]
            start = term_end + dt.timedelta(days=1)
    return rows
