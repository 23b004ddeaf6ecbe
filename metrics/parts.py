"""The details of a measurement, typed per kind of metric.

A :class:`~metrics.common.Measurement` (and the :class:`~metrics.metric.MetricResult` built from
it) carries its details as ``parts``: a plain dictionary, because that is what the result store
keeps as JSON. Pages, components and analyses read those details through these classes, never by
string key: ``DiscountParts.of(result.parts).median_discount``. A detail the measurement did not
record (a figure that needs data, a hidden survey group) is None, or an empty mapping for a
breakdown.

``of`` copies what it knows and ignores the rest, so the stored format stays as it is: a result
stored before a detail was added reads as that detail unknown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self


class _Parts:
    @classmethod
    def of(cls, parts: Mapping[str, Any] | None) -> Self:
        """The details named by this class's fields, from a measurement's ``parts``."""
        parts = parts or {}
        # A detail not recorded (or recorded as None) takes the field's default: None, or {}.
        found = {f.name: parts[f.name] for f in dataclasses.fields(cls) if parts.get(f.name) is not None}
        return cls(**found)


def _breakdown():
    return field(default_factory=dict)


@dataclass(frozen=True)
class DiscountParts(_Parts):
    """Discounting (symptom 4): how deep the won discounts go and where they fall."""

    median_discount: float | None = None
    p90_discount: float | None = None
    share_discounted: float | None = None
    just_under_approval_limit: float | None = None
    won_deals_with_discount: int | None = None
    # Week of the quarter (1..14; a string key once stored) -> mean discount.
    discount_by_week_of_quarter: Mapping[Any, float] = _breakdown()
    # Discount band label -> win rate (None where the band has no closed deals).
    win_rate_by_discount_band: Mapping[str, float | None] = _breakdown()
    # Discount band label -> closed deals in the band (what its win rate stands on).
    closed_deals_by_discount_band: Mapping[str, int] = _breakdown()


@dataclass(frozen=True)
class PriceLossParts(_Parts):
    """Losses on price: the win rate and why the lost deals were lost."""

    win_rate: float | None = None
    won: int | None = None
    lost: int | None = None
    lost_on_price: int | None = None
    # Loss reason category -> lost deals.
    loss_reasons: Mapping[str, int] = _breakdown()


@dataclass(frozen=True)
class CloseDateParts(_Parts):
    """Comp-plan gaming: close dates pushed and pulled, and who closes in the quarter's first days."""

    closed_deals: int | None = None
    pushes: int | None = None
    pushes_per_deal: float | None = None
    pull_ins: int | None = None
    deals_pushed_share: float | None = None
    first_days_closes_by_sellers_over_quota: float | None = None
    deep_discount_share_at_quarter_end: float | None = None


@dataclass(frozen=True)
class RetentionParts(_Parts):
    """Customer churn: the customers and ARR of the cohort at the period's start and what stayed."""

    customers_at_start: int | None = None
    customers_lost: int | None = None
    renewals_due: int | None = None
    starting_arr: float | None = None
    ending_arr: float | None = None
    churned_arr: float | None = None
    expansion_arr: float | None = None
    gross_revenue_retention: float | None = None
    net_revenue_retention: float | None = None
    # How the original deal was sold -> churn figures of the renewals due.
    churn_by_how_sold: Mapping[str, Any] = _breakdown()


@dataclass(frozen=True)
class MoraleParts(_Parts):
    """Morale: survey participation and drivers, and the team's attrition."""

    respondents: int | None = None
    participation: float | None = None
    low_confidence: bool | None = None
    headcount: int | None = None
    leavers: int | None = None
    attrition: float | None = None
    voluntary_attrition: float | None = None
    # Why voluntary attrition is unknown, when it is ("needs whether 2 of the 5 leavers chose...").
    voluntary_attrition_needs: str | None = None
    # Pulse driver -> mean answer (1..5).
    drivers: Mapping[str, Any] = _breakdown()


@dataclass(frozen=True)
class ReviewParts(_Parts):
    """Deal reviews with customer questions: how many reviews, and questions per review."""

    deal_reviews: int | None = None
    with_customer_question: int | None = None
    customer_questions_per_review: float | None = None
