"""eNPS and drivers per team over time with the confidentiality rules applied per point."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access.scope import Filters, Period, Scope
from metrics import registry
from metrics.analyses.morale import BY_SUBTRACTION, morale_by_team, twelve_months_to
from metrics.parameters import MetricSettings
from tests.metrics.builders import Org

JAN = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
Q1 = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
SETTINGS = MetricSettings.defaults()


@pytest.fixture
def org(conn):
    org = Org(conn)
    region = org.team("Region")
    a, b, c = org.team("Alder", region), org.team("Birch", region), org.team("Cedar", region)
    when = dt.datetime(2025, 1, 14, 9)
    org.answers(a, "enps", [10, 9, 9, 9, 5, 5], when, prefix="a")
    # Birch: 3 promoters (10, 10, 9), 2 detractors (3, 0) of 7 -> eNPS 100 * (3 - 2) / 7.
    org.answers(b, "enps", [10, 10, 9, 8, 7, 3, 0], when, prefix="b")
    org.answers(b, "peer_relationships", [4, 2, 3], when, prefix="b")
    org.answers(c, "enps", [10, 10, 10], when, prefix="c")
    # February: only Birch answers, 5 people, all passives -> eNPS 0.
    org.answers(b, "enps", [7, 8, 7, 8, 7], dt.datetime(2025, 2, 10, 9), prefix="b2")
    return {"region": region, "a": a, "b": b, "c": c}


def test_small_groups_and_their_subtraction_partner_are_hidden_with_the_reason(conn, org):
    frame = morale_by_team(conn, Scope.everything(), Filters(JAN), SETTINGS)
    rows = frame.set_index("team")
    assert rows.loc["Birch", "enps"] == pytest.approx(100 * (3 - 2) / 7)
    assert rows.loc["Birch", "respondents"] == 7
    # Three people answered the peer-relationships driver: too few for that item, whatever the eNPS.
    assert pd.isna(rows.loc["Birch", "peer_relationships"])
    assert bool(rows.loc["Birch", "shown"])
    # Cedar has 3 respondents; Alder (6) is the next smallest sibling, so the region minus Birch
    # cannot give Cedar away.
    assert rows.loc["Cedar", "reason"] == "hidden: fewer than 5 respondents"
    assert rows.loc["Alder", "reason"] == BY_SUBTRACTION
    for team in ("Alder", "Cedar"):
        assert rows.loc[team, "enps"] != rows.loc[team, "enps"]  # NaN: no number leaks
        assert rows.loc[team, "respondents"] != rows.loc[team, "respondents"]


def test_a_point_equals_the_morale_symptom_for_that_team_and_month(conn, org):
    frame = morale_by_team(conn, Scope.everything(), Filters(Q1), SETTINGS, "month")
    birch = frame.loc[frame["team"] == "Birch"].set_index("start")
    for start, end in (
        (dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
        (dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
    ):
        result = registry.evaluate(
            conn, "morale", Scope.everything(), Filters(Period(start, end), frozenset({org["b"]}))
        )
        assert birch.loc[start, "enps"] == pytest.approx(result.value)
    assert birch.loc[dt.date(2025, 2, 1), "enps"] == pytest.approx(0.0)
    assert dt.date(2025, 3, 1) not in birch.index  # no answers, no row (never a made-up zero)
    alder = registry.evaluate(conn, "morale", Scope.everything(), Filters(JAN, frozenset({org["a"]})))
    assert alder.status == "suppressed"


def test_the_viewer_sees_only_their_teams_and_the_rule_does_not_depend_on_them(conn, org):
    frame = morale_by_team(conn, Scope.teams([org["a"]]), Filters(JAN), SETTINGS)
    assert list(frame["team"]) == ["Alder"]
    assert frame.iloc[0]["reason"] == BY_SUBTRACTION


def test_the_whole_period_as_one_bucket(conn, org):
    frame = morale_by_team(conn, Scope.everything(), Filters(Q1, frozenset({org["b"]})), SETTINGS, None)
    assert len(frame) == 1
    # 12 distinct respondents over the quarter; 3 promoters and 2 detractors of 12 answers.
    assert frame.iloc[0]["respondents"] == 12
    assert frame.iloc[0]["enps"] == pytest.approx(100 * (3 - 2) / 12)


def test_twelve_months_to_the_end_of_the_period():
    assert twelve_months_to(Q1) == Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    long = Period(dt.date(2023, 1, 1), dt.date(2025, 3, 31))
    assert twelve_months_to(long) == long
