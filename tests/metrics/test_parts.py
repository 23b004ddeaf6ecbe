"""A measurement's details read through typed classes: what each class finds in a measurement's
parts, what it makes of a detail that was not recorded, and that every detail it names is one its
metric really records (on the demo organisation)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from data_access.scope import Filters, Scope, last_full_quarter
from metrics.parts import (
    CloseDateParts,
    DiscountParts,
    MoraleParts,
    PriceLossParts,
    RetentionParts,
    ReviewParts,
)
from metrics.registry import evaluate
from tests.metrics.conftest import DEMO_END

KINDS = {
    "discounting": DiscountParts,
    "price_loss_share": PriceLossParts,
    "comp_plan_gaming": CloseDateParts,
    "customer_churn": RetentionParts,
    "morale": MoraleParts,
    "deal_reviews_with_customer_questions": ReviewParts,
}
# Details a measurement records only sometimes.
SOMETIMES = {"voluntary_attrition_needs"}


def test_details_are_read_by_name_and_unknown_ones_ignored():
    parts = DiscountParts.of(
        {"median_discount": 0.08, "p90_discount": 0.21, "discount_by_week_of_quarter": {"1": 0.05}, "n": 12}
    )
    assert parts.median_discount == 0.08 and parts.p90_discount == 0.21
    assert parts.discount_by_week_of_quarter == {"1": 0.05}
    assert parts.share_discounted is None and parts.win_rate_by_discount_band == {}


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=lambda k: k.__name__)
def test_a_measurement_without_details_reads_as_unknown(kind):
    for parts in (None, {}):
        found = kind.of(parts)
        for f in dataclasses.fields(kind):
            assert getattr(found, f.name) in (None, {}), (kind.__name__, f.name)


def test_a_detail_stored_as_none_is_unknown_and_a_breakdown_stays_a_mapping():
    assert PriceLossParts.of({"loss_reasons": None, "lost": 0}).loss_reasons == {}
    assert PriceLossParts.of({"lost": 0}).lost == 0
    assert MoraleParts.of({"voluntary_attrition": None, "leavers": 3}) == MoraleParts(leavers=3)


@pytest.mark.slow
@pytest.mark.parametrize("metric_id", list(KINDS))
def test_every_detail_named_is_one_the_metric_records(demo_engine, metric_id):
    kind = KINDS[metric_id]
    quarter = last_full_quarter(DEMO_END + dt.timedelta(days=1))
    with demo_engine.connect() as conn:
        result = evaluate(conn, metric_id, Scope.everything(), Filters(quarter))
    assert result.value is not None, (metric_id, result.reason, result.needs)
    named = {f.name for f in dataclasses.fields(kind)} - SOMETIMES
    assert named <= set(result.parts), sorted(named - set(result.parts))
    typed = kind.of(result.parts)
    assert all(getattr(typed, name) == result.parts[name] for name in named)
