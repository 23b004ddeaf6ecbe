"""Survey confidentiality by construction: each item (eNPS, every driver) is its own group, custom
periods snap to whole months, the floors hold whatever the settings say, and no pair of views the
metric layer returns lets anyone work out one person's answer. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from data_access import models as m
from data_access.scope import Filters, Period, Scope
from metrics.analyses.morale import morale_by_team
from metrics.parameters import MetricSettings
from metrics.privacy import MIN_RESPONDENTS_FLOOR, survey_period
from metrics.registry import evaluate, evaluate_by_team
from metrics.symptoms.people import morale_evidence
from tests.metrics.builders import Org

EVERYONE = Scope.everything()
MARCH = dt.datetime(2025, 3, 10, 9)


def _answer(conn, team, who, item, score, when=MARCH, driver=None):
    conn.execute(
        insert(m.SurveyResponse).values(
            respondent_key=who,
            team_id=team,
            submitted_at=when,
            question_code=item,
            driver=driver,
            score=score,
            scale=10 if item == "enps" else 5,
        )
    )


def _march(start_day=1, end_day=31, teams=None) -> Filters:
    return Filters(Period(dt.date(2025, 3, start_day), dt.date(2025, 3, end_day)), teams)


def test_one_persons_driver_answer_is_never_shown_beside_a_visible_enps(conn):
    team = Org(conn).team("Atlas")
    for i in range(6):
        _answer(conn, team, f"p{i}", "enps", 9)
    _answer(conn, team, "p0", "workload", 1)
    result = evaluate(conn, "morale", EVERYONE, _march())
    assert result.value == pytest.approx(100.0)
    assert result.parts["drivers"]["workload"] is None
    row = (
        morale_by_team(conn, EVERYONE, _march(), MetricSettings.defaults(), None)
        .set_index("team")
        .loc["Atlas"]
    )
    assert row["enps"] == pytest.approx(100.0) and pd.isna(row["workload"])


@pytest.mark.parametrize("lowered", ["1", "0", "-3"])
def test_no_setting_lowers_the_floor(conn, lowered):
    team = Org(conn).team("Atlas")
    for i in range(MIN_RESPONDENTS_FLOOR - 1):
        _answer(conn, team, f"p{i}", "enps", 10)
    loose = MetricSettings.defaults().with_overrides(
        {"privacy.min_respondents": lowered, "privacy.min_comments": lowered}
    )
    result = evaluate(conn, "morale", EVERYONE, _march(), loose)
    assert result.value is None and result.status == "suppressed"
    frame = morale_by_team(conn, EVERYONE, _march(), loose, None)
    assert not frame["shown"].any()


def test_two_custom_periods_a_day_apart_show_the_same_survey_figures(conn):
    team = Org(conn).team("Atlas")
    for i in range(5):
        _answer(conn, team, f"p{i}", "enps", 10)
    _answer(conn, team, "late", "enps", 0, when=dt.datetime(2025, 3, 31, 16))
    to_30th = evaluate(conn, "morale", EVERYONE, _march(1, 30))
    to_31st = evaluate(conn, "morale", EVERYONE, _march(1, 31))
    assert to_30th.value == to_31st.value == pytest.approx(100 * (5 - 1) / 6)
    assert survey_period(Period(dt.date(2025, 3, 1), dt.date(2025, 3, 30))) == Period(
        dt.date(2025, 3, 1), dt.date(2025, 3, 31)
    )


def test_driver_means_show_without_an_enps_question(conn):
    team = Org(conn).team("Atlas")
    for i, score in enumerate([4, 4, 3, 5, 4]):
        _answer(conn, team, f"p{i}", "recognition", score)
    result = evaluate(conn, "morale", EVERYONE, _march())
    assert result.status == "needs" and result.value is None
    assert result.parts["drivers"]["recognition"] == pytest.approx(4.0)


def test_peer_collaboration_reads_the_driver_column(conn):
    team = Org(conn).team("Atlas")
    for i, score in enumerate([4, 4, 3, 5, 4]):
        _answer(conn, team, f"p{i}", "q17", score, driver="peer_relationships")
    assert evaluate(conn, "peer_competition", EVERYONE, _march()).value == pytest.approx(4.0)


def test_voluntary_attrition_is_unknown_without_the_flag(conn):
    org = Org(conn)
    team = org.team("Atlas")
    for _ in range(8):
        org.person(team)
    org.person(team, left=dt.date(2025, 3, 5))  # nobody said whether they chose to leave
    parts = evaluate(conn, "morale", EVERYONE, _march()).parts
    assert (
        parts["voluntary_attrition"] is None and "termination_voluntary" in parts["voluntary_attrition_needs"]
    )
    assert parts["attrition"] == pytest.approx(1 / 8.5)


# --- Property: nothing the metric layer returns gives away one answer ----------------------------

ITEMS = ("enps", "workload")
answers_strategy = st.lists(
    st.tuples(
        st.integers(0, 2),  # team
        st.integers(1, 3),  # month of 2025
        st.integers(1, 28),  # day
        st.sampled_from(ITEMS),
        st.integers(0, 11),  # respondent within the team
        st.integers(0, 10),  # score (workload answers are folded onto 1-5)
    ),
    min_size=1,
    max_size=60,
)
day = st.dates(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
view_strategy = st.tuples(day, day, st.one_of(st.none(), st.frozensets(st.integers(0, 2), min_size=1)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=answers_strategy, views=st.lists(view_strategy, min_size=2, max_size=3))
def test_no_two_views_differ_by_fewer_people_than_the_minimum(conn, answers, views):
    savepoint = conn.begin_nested()
    try:
        org = Org(conn)
        region = org.team("Region")
        teams = [org.team(name, region) for name in ("Alder", "Birch", "Cedar")]
        rows = {}
        for team, month, day_of, item, who, score in answers:
            key = (team, item, who, month)  # one answer per person, item and month
            rows[key] = (dt.datetime(2025, month, day_of, 9), score if item == "enps" else 1 + score % 5)
        for (team, item, who, _), (when, score) in rows.items():
            _answer(conn, teams[team], f"{team}-{who}", item, score, when=when)
        shown = []  # (item, the answers a shown figure is computed from)
        for start, end, picked in views:
            period = Period(min(start, end), max(start, end))
            window = survey_period(period)
            chosen = None if picked is None else frozenset(teams[i] for i in picked)
            filters = Filters(period, chosen)
            morale = evaluate(conn, "morale", EVERYONE, filters)
            figures = {"enps": morale.value, "workload": (morale.parts.get("drivers") or {}).get("workload")}
            for item, figure in figures.items():
                if figure is not None:
                    shown.append((item, _answers(rows, item, window, picked)))
            evidence = morale_evidence(conn, EVERYONE, filters, MetricSettings.defaults(), 10)
            for record in evidence.itertuples():
                if not pd.isna(record.mean_score):
                    index = ("Alder", "Birch", "Cedar").index(record.team)
                    if picked is None or index in picked:
                        shown.append(("enps", _answers(rows, "enps", window, {index})))
            trend = morale_by_team(conn, EVERYONE, filters, MetricSettings.defaults(), None)
            for record in trend.itertuples():
                index = teams.index(record.team_id)
                for item in ITEMS:
                    if not pd.isna(getattr(record, item)):
                        shown.append((item, _answers(rows, item, window, {index})))
        for _item, answered in shown:
            assert len({who for who, _ in answered}) >= MIN_RESPONDENTS_FLOOR
        for (item_a, a), (item_b, b) in itertools.combinations(shown, 2):
            if item_a == item_b and a != b:
                differing = {who for who, _ in a ^ b}
                assert len(differing) >= MIN_RESPONDENTS_FLOOR, (item_a, sorted(differing))
    finally:
        savepoint.rollback()


def _answers(rows, item, window: Period, picked) -> frozenset:
    return frozenset(
        ((team, who), month)
        for (team, answered, who, month), (when, _) in rows.items()
        if answered == item
        and window.start <= when.date() <= window.end
        and (picked is None or team in picked)
    )


def test_the_morale_page_says_a_custom_period_was_widened_to_whole_months(demo_app_env):

    from tests.apptest import open_page

    at = open_page("../pages/morale.py", Period(dt.date(2026, 7, 3), dt.date(2026, 9, 28)), timeout=180)
    notes = " ".join(i.value for i in at.info)
    assert "Survey figures cover whole months: 1 Jul 2026 – 30 Sep 2026." in notes


def test_a_longer_view_never_exposes_one_months_few_answers(conn):
    team = Org(conn).team("Atlas")
    for month in (1, 2):
        for i in range(6):
            _answer(conn, team, f"p{i}", "enps", 9, when=dt.datetime(2025, month, 10, 9))
    _answer(conn, team, "p0", "enps", 0, when=dt.datetime(2025, 3, 10, 9))  # March: one answer
    jan_feb = Filters(Period(dt.date(2025, 1, 1), dt.date(2025, 2, 28)))
    quarter = Filters(Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31)))
    assert evaluate(conn, "morale", EVERYONE, jan_feb).value == pytest.approx(100.0)
    assert evaluate(conn, "morale", EVERYONE, quarter).value is None  # else quarter minus Jan-Feb = March
    # The same rule when every team is measured at once (the Overview's team scorecards).
    by_team = {f: evaluate_by_team(conn, "morale", EVERYONE, f, (team,))[team] for f in (jan_feb, quarter)}
    assert by_team[jan_feb].value == pytest.approx(100.0)
    assert (by_team[quarter].value, by_team[quarter].state) == (None, "suppressed")
    defaults = MetricSettings.defaults()
    assert morale_evidence(conn, EVERYONE, jan_feb, defaults, 10)["mean_score"].notna().all()
    assert morale_evidence(conn, EVERYONE, quarter, defaults, 10)["mean_score"].isna().all()
    trend = morale_by_team(conn, EVERYONE, quarter, defaults, None)
    assert not trend["shown"].any()
