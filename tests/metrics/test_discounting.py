"""Discount distribution and per-seller / per-team percentiles, by hand (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from data_access import models as m
from data_access.scope import Scope
from metrics.analyses.discounting import discount_by_seller, discount_by_team, discount_histogram
from metrics.common import discount_expr, percentile
from tests.metrics.builders import Org, filters


@pytest.fixture
def book(conn):
    org = Org(conn)
    atlas, beacon = org.team("Atlas"), org.team("Beacon")
    kim, lee, max_ = org.person(atlas, "Kim"), org.person(atlas, "Lee"), org.person(beacon, "Max")
    for amount in (1000, 900, 800, 700):  # 0%, 10%, 20%, 30% off a list of 1,000
        org.deal(atlas, amount, dt.date(2025, 2, 1), True, owner=kim, list_amount=1000)
    org.deal(atlas, 950, dt.date(2025, 3, 1), True, owner=lee, discount=0.05)  # the explicit field
    org.deal(beacon, 500, dt.date(2025, 2, 2), True, owner=max_, list_amount=1000)  # 50%
    org.deal(atlas, 100, dt.date(2025, 2, 3), False, owner=kim, list_amount=1000)  # lost: not a discount
    org.deal(atlas, 100, dt.date(2024, 12, 3), True, owner=kim, list_amount=1000)  # before the period
    org.deal(atlas, 1000, dt.date(2025, 2, 5), True, owner=lee)  # no list amount: unknown discount
    return {"atlas": atlas, "beacon": beacon}


def test_per_seller_median_p90_and_share_discounted(conn, book):
    frame = discount_by_seller(conn, Scope.everything(), filters(), 0.01)
    rows = {r["name"]: r for r in frame.to_dict("records")}
    assert list(frame["name"]) == ["Max", "Kim", "Lee"]  # deepest median first
    assert rows["Kim"]["won_deals"] == 4 and rows["Kim"]["discounted"] == 3
    assert rows["Kim"]["share_discounted"] == pytest.approx(0.75)
    assert rows["Kim"]["median_discount"] == pytest.approx(0.15)  # between 10% and 20%
    assert rows["Kim"]["p90_discount"] == pytest.approx(0.27)  # 20% + 0.7 x 10%
    assert rows["Lee"]["median_discount"] == pytest.approx(0.05) and rows["Lee"]["won_deals"] == 1
    assert rows["Max"]["p90_discount"] == pytest.approx(0.5)


def test_per_team_matches_the_portable_percentile(conn, book):
    frame = discount_by_team(conn, Scope.everything(), filters(), 0.01)
    atlas = frame.loc[frame["name"] == "Atlas"].iloc[0]
    assert atlas["won_deals"] == 5 and atlas["discounted"] == 4
    assert atlas["median_discount"] == pytest.approx(0.10)
    assert atlas["p90_discount"] == pytest.approx(0.26)
    opp = m.Opportunity
    values = select(discount_expr()).where(
        opp.team_id == book["atlas"],
        opp.is_won.is_(True),
        opp.close_date.between(dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    )
    assert atlas["p90_discount"] == pytest.approx(percentile(conn, values, 0.9))


def test_sellers_of_other_teams_never_appear(conn, book):
    frame = discount_by_seller(conn, Scope.teams([book["atlas"]]), filters(), 0.01)
    assert set(frame["name"]) == {"Kim", "Lee"}
    assert discount_by_seller(conn, Scope.teams([book["atlas"]]), filters(teams=[book["beacon"]]), 0.01).empty


def test_histogram_bins_every_discount_once(conn, book):
    frame = discount_histogram(conn, Scope.everything(), filters())
    counts = dict(zip(frame["label"], frame["deals"], strict=True))
    assert frame["deals"].sum() == 6
    # 1 - 900/1000 is 0.0999...: it still falls in the 10% bin, not just under it.
    assert counts["0.0%–2.5%"] == 1 and counts["5.0%–7.5%"] == 1 and counts["10.0%–12.5%"] == 1
    assert counts["20.0%–22.5%"] == 1 and counts["30.0%–32.5%"] == 1 and counts["50%+"] == 1
    assert "above list" not in counts  # no deal was sold above its list price
    assert len(frame) == 21


def test_empty_period_gives_empty_groups(conn, book):
    from data_access.scope import Period

    quiet = filters(Period(dt.date(2023, 1, 1), dt.date(2023, 3, 31)))
    assert discount_by_team(conn, Scope.everything(), quiet, 0.01).empty
    assert discount_histogram(conn, Scope.everything(), quiet)["deals"].sum() == 0
