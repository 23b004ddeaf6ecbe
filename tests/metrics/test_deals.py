"""Symptoms read from the pipeline: hand-built deals with the expected numbers written down."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.scope import Period, Scope
from metrics.registry import evaluate
from metrics.symptoms import deals
from tests.metrics.builders import Q4, Org, any_sample, filters

EVERYONE = Scope.everything()
D = dt.date


def value(conn, metric_id, scope=EVERYONE, **kw):
    return evaluate(conn, metric_id, scope, filters(**kw), any_sample())


def test_quarter_end_close_share_counts_amount_in_last_14_days(conn):
    org = Org(conn)
    atlas, beacon = org.team("Atlas"), org.team("Beacon")
    org.deal(atlas, 1000, D(2025, 3, 18))  # first of the last 14 days of Q1
    org.deal(atlas, 3000, D(2025, 2, 1))
    org.deal(atlas, 5000, D(2025, 3, 30), won=False)  # lost: not won amount
    org.deal(beacon, 4000, D(2025, 3, 31))
    assert value(conn, "quarter_end_close_share").value == pytest.approx(5000 / 8000)
    one = value(conn, "quarter_end_close_share", Scope.teams([atlas]))
    assert one.value == pytest.approx(0.25)
    assert one.parts["quarter_end_deals"] == 1
    # 25% is above the green edge (20%: an even spread puts about 15% in the last two weeks).
    assert one.status == "amber"


def test_quarter_end_and_weeks_of_quarter_over_two_quarters(conn):
    """Over a half year the last 14 days of each quarter count, and the weeks of each quarter add up
    by their number: 1 Jan and 1 Apr are both week 1; 7 Jan is week 1, 8 Jan week 2; 30 Jun, the 91st
    and last day of Q2, is week 13."""
    org = Org(conn)
    atlas = org.team("Atlas")
    org.deal(atlas, 900, D(2025, 1, 1), list_amount=1000)  # 10%, Q1 week 1
    org.deal(atlas, 700, D(2025, 4, 1), list_amount=1000)  # 30%, Q2 week 1
    org.deal(atlas, 1000, D(2025, 1, 7), list_amount=1000)  # 0%, Q1 week 1 (its 7th day)
    org.deal(atlas, 800, D(2025, 1, 8), list_amount=1000)  # 20%, Q1 week 2
    org.deal(atlas, 600, D(2025, 3, 18), list_amount=1000)  # 40%, Q1 week 11, in the last 14 days
    org.deal(atlas, 500, D(2025, 6, 30), list_amount=1000)  # 50%, Q2 week 13, last day
    org.deal(atlas, 2000, D(2025, 6, 16))  # Q2, one day before its last 14: no list amount
    half = Period(D(2025, 1, 1), D(2025, 6, 30))
    discounting = value(conn, "discounting", period=half)
    weeks = discounting.parts["discount_by_week_of_quarter"]
    assert weeks == {
        1: pytest.approx((0.1 + 0.3 + 0.0) / 3),
        2: pytest.approx(0.2),
        11: pytest.approx(0.4),
        13: pytest.approx(0.5),
    }
    closing = value(conn, "quarter_end_close_share", period=half)
    assert closing.parts["won_amount"] == pytest.approx(6500)
    assert closing.parts["quarter_end_amount"] == pytest.approx(600 + 500)
    assert closing.parts["quarter_end_deals"] == 2
    assert closing.value == pytest.approx(1100 / 6500)


def test_quarter_end_close_share_needs_won_deals(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.deal(atlas, 1000, D(2025, 3, 30), won=False)
    result = value(conn, "quarter_end_close_share")
    # Nothing won is not 0%: the figure is unknown, with nothing counted.
    assert (result.value, result.state, result.n) == (None, "too_few", 0)
    assert result.reason == "no won deals with an amount in the period"
    assert result.score is None


def test_pipeline_with_customer_outcome_weights_by_amount(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.deal(atlas, 1000, D(2025, 4, 30), won=None, outcome="Cut their onboarding from 6 weeks to 2")
    org.deal(atlas, 3000, D(2025, 5, 30), won=None, outcome="   ")  # blank is not documented
    org.deal(atlas, 2000, D(2024, 12, 1), won=True, outcome="closed before the quarter: not in its pipeline")
    org.deal(atlas, 2000, D(2025, 6, 1), won=None, created=D(2025, 4, 2), outcome="created after it")
    result = value(conn, "pipeline_with_customer_outcome")
    assert result.value == pytest.approx(0.25)
    assert result.n == 2 and result.parts["deals_documented"] == 1


def test_pipeline_outcome_needs_the_field_when_no_deal_has_it(conn):
    org = Org(conn)
    org.deal(org.team("Atlas"), 1000, D(2025, 4, 30), won=None)
    result = value(conn, "pipeline_with_customer_outcome")
    assert result.status == "needs" and "customer outcome" in result.needs


def test_late_stage_outcome_and_sponsor(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.deal(
        atlas, 1000, D(2025, 4, 30), won=None, late=True, outcome="Faster month-end close", sponsor="CFO"
    )
    org.deal(atlas, 2000, D(2025, 4, 30), won=None, late=True)
    org.deal(atlas, 500, D(2025, 4, 30), won=None, late=True)
    org.deal(atlas, 700, D(2025, 4, 30), won=None, late=True)
    org.deal(atlas, 9000, D(2025, 4, 30), won=None, late=False)  # not late stage
    missing = value(conn, "late_stage_without_outcome")
    assert missing.value == pytest.approx(3 / 4)
    assert missing.parts["without_outcome"] == 3
    assert missing.parts["amount"] == pytest.approx(3200)
    assert missing.status == "red"
    sponsor = value(conn, "late_stage_with_exec_sponsor")
    assert sponsor.value == pytest.approx(0.25)
    assert sponsor.status == "red"


def test_late_stage_needs_late_stage_deals(conn):
    org = Org(conn)
    org.deal(org.team("Atlas"), 1000, D(2025, 4, 30), won=None, outcome="x", sponsor="CEO")
    for metric_id in ("late_stage_without_outcome", "late_stage_with_exec_sponsor"):
        result = value(conn, metric_id)
        assert (result.value, result.state, result.n) == (None, "too_few", 0)
        assert result.reason == "no late-stage deals in the period"


def test_discounting_median_p90_bands_and_weeks(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.deal(atlas, 1000, D(2025, 1, 2), list_amount=1000)  # 0%, week 1
    org.deal(atlas, 900, D(2025, 1, 3), list_amount=1000)  # 10%, week 1
    org.deal(atlas, 800, D(2025, 3, 28), list_amount=1000)  # 20%, week 13
    org.deal(atlas, 700, D(2025, 3, 29), list_amount=1000)  # 30%, week 13
    org.deal(atlas, 950, D(2025, 2, 3), won=False, list_amount=1000)  # lost at 5%
    org.deal(atlas, 1000, D(2025, 2, 3))  # no list amount: not in the discount figures
    org.deal(atlas, 500, D(2025, 2, 3), list_amount=1000, discount=0.19)  # explicit field wins
    result = value(conn, "discounting")
    parts = result.parts
    # discounts 0, .1, .19, .2, .3: four of five at 1% or more
    assert result.value == pytest.approx(4 / 5)
    assert parts["median_discount"] == pytest.approx(0.19)
    assert parts["p90_discount"] == pytest.approx(0.2 + 0.6 * 0.1)
    assert parts["share_discounted"] == pytest.approx(4 / 5)
    assert parts["won_deals_with_discount"] == 5
    assert parts["discount_by_week_of_quarter"][1] == pytest.approx(0.05)
    assert parts["discount_by_week_of_quarter"][13] == pytest.approx(0.25)
    assert parts["win_rate_by_discount_band"] == {
        "0%-5%": 1.0,
        "5%-15%": pytest.approx(0.5),
        "15%-25%": 1.0,
        "25%+": 1.0,
    }
    assert parts["just_under_approval_limit"] == pytest.approx(1 / 5)  # only the explicit 19%
    assert result.status == "red"


def test_discounting_needs(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    nothing = value(conn, "discounting")
    assert (nothing.state, nothing.n, nothing.reason) == ("too_few", 0, "no won deals in the period")
    org.deal(atlas, 1000, D(2025, 2, 3))
    assert value(conn, "discounting").needs == "needs list amounts or discounts on won deals"


def test_price_losses_and_walk_aways(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    for loss in ("price", "price", "competition", "disqualified", None):
        org.deal(atlas, 1000, D(2025, 2, 3), won=False, loss=loss)
    org.deal(atlas, 1000, D(2025, 2, 3))
    org.deal(atlas, 1000, D(2024, 11, 3), won=False, loss="price")  # previous quarter
    price = value(conn, "price_loss_share")
    assert price.value == pytest.approx(2 / 4)
    assert price.parts["win_rate"] == pytest.approx(1 / 6)
    assert price.previous == pytest.approx(1.0)
    assert price.trend == "improving"
    walk = value(conn, "walk_away_rate")
    assert walk.value == pytest.approx(1 / 4)
    assert walk.status == "green"


def test_price_loss_needs_loss_reasons(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    nothing = value(conn, "price_loss_share")
    assert (nothing.state, nothing.reason) == ("too_few", "no lost deals in the period")
    org.deal(atlas, 1000, D(2025, 2, 3), won=False)
    assert value(conn, "price_loss_share").needs == "needs loss reasons on lost deals"
    assert value(conn, "walk_away_rate").needs == "needs loss reasons on lost deals"


def test_comp_plan_gaming_counts_pushes_from_history(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    pushed = org.deal(atlas, 1000, D(2025, 3, 10))
    org.history(pushed, D(2025, 1, 10), D(2025, 2, 10), D(2025, 3, 10))
    pulled = org.deal(atlas, 1000, D(2025, 2, 1), won=False)
    org.history(pulled, D(2025, 3, 1), D(2025, 2, 1))
    org.deal(atlas, 1000, D(2025, 2, 1))  # no changes
    org.deal(atlas, 1000, D(2025, 5, 1), won=None)  # open: not in the denominator
    result = value(conn, "comp_plan_gaming")
    assert result.value == pytest.approx(2 / 3)
    assert result.parts["pull_ins"] == 1
    assert result.parts["deals_pushed_share"] == pytest.approx(1 / 3)
    assert result.status == "green"  # under one push per deal


@pytest.mark.parametrize("listed", [100, 0], ids=["sellers-by-id", "every-seller"])
def test_comp_plan_first_days_closes_by_sellers_over_quota(conn, monkeypatch, listed):
    """The same share whether the sellers' last quarter is looked up by id (a few) or read for every
    seller (many: every team at once). A seller of another team over quota changes nothing."""
    monkeypatch.setattr(deals, "MAX_LISTED_SELLERS", listed)
    org = Org(conn)
    atlas, beacon = org.team("Atlas"), org.team("Beacon")
    elsewhere = org.person(beacon)
    org.quota(elsewhere, Q4, 100)
    org.deal(beacon, 5000, D(2024, 11, 15), owner=elsewhere)
    over, under = org.person(atlas), org.person(atlas)
    org.history(org.deal(atlas, 10, D(2025, 2, 1)), D(2025, 2, 1))
    for seller, last_quarter in ((over, 1500), (under, 500)):
        org.quota(seller, Q4, 1000)
        org.deal(atlas, last_quarter, D(2024, 11, 15), owner=seller)
    org.deal(atlas, 500, D(2025, 1, 3), owner=over)
    org.deal(atlas, 1500, D(2025, 1, 2), owner=under)
    org.deal(atlas, 9000, D(2025, 1, 20), owner=over)  # after the first 7 days
    result = value(conn, "comp_plan_gaming", Scope.teams([atlas]))
    assert result.parts["first_days_closes_by_sellers_over_quota"] == pytest.approx(0.25)


def test_comp_plan_needs_history(conn):
    org = Org(conn)
    org.deal(org.team("Atlas"), 1000, D(2025, 2, 1))
    assert value(conn, "comp_plan_gaming").needs == "needs opportunity history (close-date changes)"


def test_segment_filter_and_team_scope(conn):
    org = Org(conn)
    atlas, beacon = org.team("Atlas"), org.team("Beacon")
    org.deal(atlas, 1000, D(2025, 2, 1), won=False, loss="price", segment="SMB")
    org.deal(atlas, 1000, D(2025, 2, 1), won=False, loss="competition", segment="Enterprise")
    org.deal(beacon, 1000, D(2025, 2, 1), won=False, loss="price", segment="SMB")
    assert value(conn, "price_loss_share").value == pytest.approx(2 / 3)
    assert value(conn, "price_loss_share", segment="Enterprise").value == 0.0
    assert value(conn, "price_loss_share", teams=[atlas], segment="SMB").value == 1.0
    # A filter for a team outside the viewer's scope shows nothing, never that team's rows.
    outside = value(conn, "price_loss_share", Scope.teams([atlas]), teams=[beacon])
    assert (outside.value, outside.n, outside.state) == (None, 0, "too_few")


def test_late_stage_in_a_past_period_comes_from_the_history(conn):
    from data_access import models as m
    from data_access.history_rollup import rebuild_deal_history

    org = Org(conn)
    atlas = org.team("Atlas")
    org.deal(atlas, 100, D(2025, 9, 1), won=None, late=True)  # today's flag names the late stage
    won_since = org.deal(atlas, 1000, D(2025, 4, 20), outcome="Faster claims")
    early_then = org.deal(atlas, 2000, D(2025, 4, 20))
    for deal, stages in ((won_since, ("Discovery", "Negotiation")), (early_then, ("Discovery",))):
        for step, stage in enumerate(stages):
            conn.execute(
                m.OpportunityHistory.__table__.insert().values(
                    opportunity_id=deal, changed_at=dt.datetime(2025, 1, 10 + step), stage=stage
                )
            )
        rebuild_deal_history(conn, [deal])
    # Open in Q1 2025 and in Negotiation by its end: the deal won since counts, the early one not.
    result = value(conn, "late_stage_without_outcome")
    assert result.n == 1 + 1  # plus the deal flagged today, without history
    assert result.parts["without_outcome"] == 1
