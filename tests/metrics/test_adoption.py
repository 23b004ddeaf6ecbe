"""Before and after the NSP launch: the windows, the per-team comparison and the monthly series,
on small hand-built organisations (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.scope import Period, Scope
from metrics.analyses.adoption import (
    ALL_TEAMS,
    adopting_teams,
    before_after,
    series_by_team,
    trend_period,
    windows,
)
from metrics.parameters import MetricSettings
from tests.metrics.builders import Org, any_sample, filters

LAUNCH = dt.date(2025, 1, 1)
Q1 = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
SETTINGS = any_sample()


def test_after_is_the_period_from_launch_and_before_has_as_many_days():
    span = windows(LAUNCH, Q1)
    assert span.after == Q1
    assert span.before == Period(dt.date(2024, 10, 3), dt.date(2024, 12, 31))
    assert span.before.days == span.after.days == 90


def test_a_period_that_starts_before_the_launch_is_cut_at_it():
    span = windows(dt.date(2025, 2, 1), Q1)
    assert span.after == Period(dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    assert span.before == Period(dt.date(2024, 12, 4), dt.date(2025, 1, 31))


def test_a_period_that_ends_before_the_launch_has_nothing_to_compare():
    span = windows(dt.date(2025, 6, 1), Q1)
    assert span.before is None and span.after is None


@pytest.fixture
def org(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    beacon = org.team("Beacon", nsp_adopted_on=dt.date(2025, 2, 1))
    # Atlas around the launch (1 Jan): 2 of 3 won deals discounted before, 1 of 2 after.
    org.deal(atlas, amount=800, list_amount=1000, close=dt.date(2024, 11, 5))
    org.deal(atlas, amount=800, list_amount=1000, close=dt.date(2024, 12, 20))
    org.deal(atlas, amount=1000, list_amount=1000, close=dt.date(2024, 12, 21))
    org.deal(atlas, amount=900, list_amount=1000, close=dt.date(2025, 2, 10))
    org.deal(atlas, amount=1000, list_amount=1000, close=dt.date(2025, 2, 11))
    # Beacon around its own date (1 Feb): 1 of 1 discounted on 15 Jan is before it, 1 of 2 in March after it.
    org.deal(beacon, amount=700, list_amount=1000, close=dt.date(2025, 1, 15))
    org.deal(beacon, amount=950, list_amount=1000, close=dt.date(2025, 3, 1))
    org.deal(beacon, amount=1000, list_amount=1000, close=dt.date(2025, 3, 2))
    return {"atlas": atlas, "beacon": beacon}


def _row(frame, group, measure):
    rows = frame.loc[(frame["group"] == group) & (frame["measure"] == measure)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_each_team_is_compared_around_its_own_adoption_date(conn, org):
    frame = before_after(conn, Scope.everything(), filters(Q1), LAUNCH, SETTINGS, measures=("discounting",))
    assert list(frame["group"]) == [ALL_TEAMS, "Atlas", "Beacon"]
    atlas = _row(frame, "Atlas", "discounting")
    assert atlas["before"] == pytest.approx(2 / 3) and atlas["after"] == pytest.approx(1 / 2)
    assert (atlas["before_n"], atlas["after_n"]) == (3, 2)
    assert atlas["change"] == pytest.approx(1 / 2 - 2 / 3) and atlas["trend"] == "improving"
    assert not atlas["own_date"] and atlas["adopted_on"] == LAUNCH
    beacon = _row(frame, "Beacon", "discounting")
    assert beacon["own_date"] and beacon["adopted_on"] == dt.date(2025, 2, 1)
    assert beacon["before"] == pytest.approx(1.0) and beacon["after"] == pytest.approx(1 / 2)
    assert beacon["after_start"] == dt.date(2025, 2, 1)
    # All teams around the organisation's launch: before, Atlas's three deals (Beacon's January deal is
    # after 1 Jan) -> 2 of 3; after: Atlas 1 of 2, Beacon 2 of 3 -> 3 of 5.
    everyone = _row(frame, ALL_TEAMS, "discounting")
    assert everyone["before"] == pytest.approx(2 / 3) and everyone["after"] == pytest.approx(3 / 5)


def test_a_side_with_too_few_is_not_compared(conn, org):
    frame = before_after(
        conn, Scope.everything(), filters(Q1), LAUNCH, MetricSettings.defaults(), measures=("discounting",)
    )
    atlas = _row(frame, "Atlas", "discounting")
    # Three and two won deals are under the minimum sample of ten: no change is claimed.
    assert atlas["before"] is None and atlas["after"] is None and atlas["change"] is None
    assert (atlas["before_n"], atlas["after_n"]) == (3, 2)
    assert atlas["before_status"] == "too_few" and "too few to score: 3 won deals" in atlas["before_needs"]


def test_missing_data_says_what_it_needs_instead_of_a_number(conn, org):
    frame = before_after(conn, Scope.everything(), filters(Q1), LAUNCH, SETTINGS, measures=("morale",))
    atlas = _row(frame, "Atlas", "morale")
    assert atlas["before"] is None or atlas["before"] != atlas["before"]
    assert atlas["after_status"] == "needs" and "survey" in atlas["after_needs"]


def test_scope_and_team_filter_only_narrow(conn, org):
    scope = Scope.teams([org["atlas"]])
    frame = before_after(conn, scope, filters(Q1), LAUNCH, SETTINGS, measures=("discounting",))
    assert list(frame["group"]) == [ALL_TEAMS, "Atlas"]
    assert _row(frame, ALL_TEAMS, "discounting")["after"] == pytest.approx(1 / 2)
    asked = before_after(
        conn, scope, filters(Q1, teams=[org["beacon"]]), LAUNCH, SETTINGS, measures=("discounting",)
    )
    assert list(asked["group"]) == [ALL_TEAMS]
    assert adopting_teams(conn, scope, filters(Q1, teams=[org["beacon"]])) == []


def test_monthly_series_per_team_and_the_span_that_holds_every_launch(conn, org):
    teams = adopting_teams(conn, Scope.everything(), filters(Q1))
    span = trend_period(LAUNCH, teams, Q1)
    assert span == Period(dt.date(2024, 10, 3), dt.date(2025, 3, 31))
    frame = series_by_team(conn, Scope.everything(), filters(Q1), span, "discounting", SETTINGS)
    atlas = frame.loc[frame["team"] == "Atlas"].set_index("start")["value"]
    assert atlas[dt.date(2024, 11, 1)] == pytest.approx(1.0)
    assert atlas[dt.date(2025, 2, 1)] == pytest.approx(1 / 2)
    assert atlas[dt.date(2025, 1, 1)] is None or atlas[dt.date(2025, 1, 1)] != atlas[dt.date(2025, 1, 1)]
    assert sorted(frame["team"].unique()) == ["Atlas", "Beacon"]
