"""Top-performer slide, morale and peer collaboration on hand-built teams and surveys."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.scope import Period, Scope
from metrics.registry import evaluate
from tests.metrics.builders import Org, any_sample, filters

EVERYONE = Scope.everything()
D = dt.date


def value(conn, metric_id, scope=EVERYONE, **kw):
    return evaluate(conn, metric_id, scope, filters(**kw), any_sample())


def eight_sellers(org: Org, team: int, second_leaves: bool = False) -> list[int]:
    sellers = [org.person(team, f"S{i}") for i in range(1, 9)]
    last_quarter = [800, 700, 600, 500, 400, 300, 200, 100]
    this_quarter = [1000, 500, 900, 800, 400, 300, 200, 100]
    for seller, before, now in zip(sellers, last_quarter, this_quarter, strict=True):
        org.deal(team, before, D(2024, 11, 10), owner=seller)
        org.deal(team, now, D(2025, 2, 10), owner=seller)
    if second_leaves:
        from sqlalchemy import update

        from data_access import models as m

        org.conn.execute(
            update(m.Person)
            .where(m.Person.id == sellers[1])
            .values(termination_date=D(2025, 2, 20), termination_voluntary=True)
        )
    return sellers


def test_top_performer_slides_to_the_middle(conn):
    org = Org(conn)
    eight_sellers(org, org.team("Atlas"))
    result = value(conn, "top_performer_slide")
    # Top quartile last quarter: S1, S2. Now S1, S3 are on top; S2 sits in the middle.
    assert result.value == pytest.approx(0.5)
    assert (result.parts["still_top"], result.parts["now_middle"], result.parts["left"]) == (1, 1, 0)


def test_top_performer_attrition(conn):
    org = Org(conn)
    eight_sellers(org, org.team("Atlas"), second_leaves=True)
    result = value(conn, "top_performer_slide")
    assert result.value == pytest.approx(0.5)
    assert result.parts["left"] == 1
    assert result.parts["top_performer_attrition"] == pytest.approx(0.5)


def test_top_performer_slide_is_too_few_under_eight_sellers_with_won_deals(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    sellers = [org.person(atlas) for _ in range(10)]
    # Seven sellers won last quarter, three won nothing: those three can never be "top".
    for rank, seller in enumerate(sellers[:7]):
        org.deal(atlas, 1000 * (rank + 1), D(2024, 11, 10), owner=seller)
    result = evaluate(conn, "top_performer_slide", EVERYONE, filters())
    assert (result.value, result.state, result.score) == (None, "too_few", None)
    assert "7 sellers won deals in the previous period" in result.reason
    # An eighth seller with a won deal makes a ranking: top quartile = ceil(8 / 4) = 2 sellers.
    org.deal(atlas, 500, D(2024, 11, 10), owner=sellers[7])
    org.deal(atlas, 100, D(2025, 2, 10), owner=sellers[6])  # the best seller stays on top
    result = evaluate(conn, "top_performer_slide", EVERYONE, filters())
    assert result.state == "scored" and result.n == 2
    assert result.value == pytest.approx(1 / 2)  # the second best won nothing this quarter


def test_top_performer_ties_share_the_quartile_and_nobody_who_won_nothing_is_top(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    sellers = [org.person(atlas) for _ in range(12)]
    # Eight winners last quarter; two tie for second place, so three sellers make the top quartile.
    for seller, amount in zip(sellers[:8], (900, 800, 800, 400, 300, 200, 100, 50), strict=True):
        org.deal(atlas, amount, D(2024, 11, 10), owner=seller)
    for seller in sellers[:3]:
        org.deal(atlas, 1000, D(2025, 2, 10), owner=seller)  # all three stay on top (a three-way tie)
    result = evaluate(conn, "top_performer_slide", EVERYONE, filters())
    assert result.n == 3
    assert result.value == pytest.approx(0.0)
    assert result.parts["still_top"] == 3


def test_morale_enps_drivers_participation_attrition(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    for _ in range(8):
        org.person(atlas)
    org.person(atlas, left=D(2025, 2, 1), voluntary=True)
    org.person(atlas, left=D(2025, 3, 1), voluntary=False)
    org.answers(atlas, "enps", [10, 9, 8, 7, 6, 0])
    org.answers(atlas, "meaning_purpose", [4, 2, 3, 3, 3])
    org.answers(atlas, "workload", [1], prefix="w")  # one answer: that person's score is never shown
    result = value(conn, "morale")
    assert result.value == pytest.approx(0.0)  # 2 promoters, 2 detractors of 6
    parts = result.parts
    assert parts["drivers"]["meaning_purpose"] == pytest.approx(3.0)
    assert parts["drivers"]["workload"] is None
    assert parts["participation"] == pytest.approx(6 / 10)  # 8 at the end and the 2 who left
    assert parts["attrition"] == pytest.approx(2 / 9)  # headcount 10 at the start, 8 at the end
    assert parts["voluntary_attrition"] == pytest.approx(1 / 9)
    assert result.status == "amber"  # between red (-5) and green (+20)


def test_morale_needs_survey_responses(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.answers(atlas, "enps", [10] * 6, when=dt.datetime(2024, 12, 1))  # previous quarter only
    result = value(conn, "morale")
    assert result.needs == "needs survey responses (eNPS question)"
    assert result.value is None and result.previous == pytest.approx(100.0)


def test_peer_competition_and_perception(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.answers(atlas, "peer_relationships", [4, 4, 3, 5, 4])
    org.answers(None, "sales_perception", [2, 3, 4, 3, 3], department="Finance")
    org.answers(None, "sales_perception", [1, 1], department="Legal")
    result = value(conn, "peer_competition")
    assert result.value == pytest.approx(4.0)
    perception = result.parts["sales_perception_org_wide"]
    assert perception["mean"] == pytest.approx(17 / 7)
    # Legal (2 people) is hidden and, as the only hidden department, takes Finance with it.
    assert perception["by_department"] == {"Finance": None, "Legal": None}


def test_perception_over_months_hides_what_one_month_would_expose(conn):
    """Over a quarter, a department with few answers in any one month is hidden, and the
    organisation-wide mean too when one month's whole is under the minimum: else the quarter minus
    January and February would give March's two answers."""
    org = Org(conn)
    org.answers(org.team("Atlas"), "peer_relationships", [4] * 5)
    org.answers(
        None, "sales_perception", [4] * 6, when=dt.datetime(2025, 1, 10), department="Finance", prefix="jan"
    )
    org.answers(
        None, "sales_perception", [2] * 6, when=dt.datetime(2025, 2, 10), department="Finance", prefix="feb"
    )
    two_months = value(conn, "peer_competition", period=Period(dt.date(2025, 1, 1), dt.date(2025, 2, 28)))
    assert two_months.parts["sales_perception_org_wide"]["by_department"] == {"Finance": pytest.approx(3.0)}
    org.answers(
        None, "sales_perception", [1] * 2, when=dt.datetime(2025, 3, 10), department="Finance", prefix="mar"
    )
    quarter = value(conn, "peer_competition").parts["sales_perception_org_wide"]
    assert quarter["by_department"] == {"Finance": None}
    assert (quarter["mean"], quarter["respondents"]) == (None, None)


def test_peer_competition_needs_survey_data(conn):
    org = Org(conn)
    org.answers(org.team("Atlas"), "enps", [9] * 5)
    assert value(conn, "peer_competition").needs == "needs survey responses (peer relationships driver)"


def test_a_quarter_compares_with_the_previous_quarter(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    # A quarter compares with the previous calendar quarter (Q4 2024 has 92 days, Q1 2025 has 90):
    # the answers of 2 October count there, as they would on the Q4 scorecard itself.
    org.answers(atlas, "enps", [0] * 5, when=dt.datetime(2024, 9, 30), prefix="september")
    org.answers(atlas, "enps", [0] * 5, when=dt.datetime(2024, 10, 2), prefix="early")
    org.answers(atlas, "enps", [10] * 5, when=dt.datetime(2024, 10, 3))
    org.answers(atlas, "enps", [0] * 5, when=dt.datetime(2025, 1, 2))
    result = value(conn, "morale")
    assert (result.value, result.previous, result.trend) == (-100.0, 0.0, "worsening")
    assert result.comparison == "against the previous quarter"
