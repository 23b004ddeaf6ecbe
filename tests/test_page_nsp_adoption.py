"""Leadership › NSP adoption on the demo organisation: before and after the launch, by team."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components.text import fmt_change
from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope
from data_access.status import current_nsp
from metrics.analyses.adoption import ALL_TEAMS, before_after, since_launch
from metrics.metric import format_value
from metrics.parameters import load_metric_settings
from tests.apptest import Q3, open_page

PAGE = "../pages/nsp_adoption.py"


def _open(period: Period, teams: str | None = None, span: str = "The period in the sidebar") -> AppTest:
    at = open_page(PAGE, period, query={"teams": teams} if teams else None)
    if span != "Since launch":
        at.radio(key="pp.nsp.span").set_value(span).run()
        assert not at.exception, at.exception
    return at


def test_the_page_compares_since_launch_by_default(demo_app_env, expected):
    at = _open(Q3, span="Since launch")
    assert at.radio(key="pp.nsp.span").value == "Since launch"
    launch = expected["launch"]
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        filters = since_launch(Filters(Q3), launch)
        frame = before_after(conn, Scope.everything(), filters, launch, load_metric_settings(conn))
    engine.dispose()
    talk = _row(frame, ALL_TEAMS, "customer_talk_share")
    assert filters.period.start == launch and filters.period.end == dt.date.today() - dt.timedelta(days=1)
    metrics = {m.label: m for m in at.metric}
    assert metrics["Customer talk share"].value == format_value(talk["after"], "share")
    captions = " ".join(c.value for c in at.caption)
    assert f"{launch.day} {launch:%b %Y} – " in captions


@pytest.fixture(scope="module")
def expected(demo_database_url):
    engine = make_engine(demo_database_url)
    with engine.connect() as conn:
        settings = load_metric_settings(conn)
        launch = current_nsp(conn)["launch_date"]
        frame = before_after(conn, Scope.everything(), Filters(Q3), launch, settings)
    engine.dispose()
    return {"frame": frame, "launch": launch}


def _row(frame, group, measure):
    return frame.loc[(frame["group"] == group) & (frame["measure"] == measure)].iloc[0]


def test_headline_is_each_measure_after_the_launch_with_its_change(demo_app_env, expected):
    at = _open(Q3)
    assert at.title[0].value == "NSP adoption"
    metrics = {m.label: m for m in at.metric}
    talk = _row(expected["frame"], ALL_TEAMS, "customer_talk_share")
    assert metrics["Customer talk share"].value == format_value(talk["after"], "share")
    assert (
        metrics["Customer talk share"].delta == f"{fmt_change(talk['change'], 'share')} since before launch"
    )
    morale = _row(expected["frame"], ALL_TEAMS, "morale")
    assert metrics["Morale (eNPS)"].value == format_value(morale["after"], "points")
    assert len(metrics) == 6
    captions = " ".join(c.value for c in at.caption)
    assert "1 Jul 2026 – 30 Sep 2026" in captions and "1 Jul 2025 – 30 Sep 2025" in captions


def test_by_team_table_marks_own_adoption_dates_and_hides_small_survey_groups(demo_app_env, expected):
    at = _open(Q3)
    table = at.dataframe[0].value.set_index("team")
    evergreen = _row(expected["frame"], "Evergreen", "customer_talk_share")
    assert table.loc["Evergreen", "after"] == (
        f"{format_value(evergreen['after'], 'share')} (n = {int(evergreen['after_n']):,})"
    )
    assert table.loc["Evergreen", "adopted"].startswith("own date")
    assert table.loc["Atlas", "adopted"].startswith("with the launch")
    at.selectbox(key="pp.nsp.measure").set_value("morale").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value.set_index("team")
    assert table.loc["Harbor", "after"] == "hidden" and table.loc["Harbor", "before"] == "hidden"
    beacon = _row(expected["frame"], "Beacon", "morale")
    assert table.loc["Beacon", "after"].startswith(format_value(beacon["after"], "points"))
    trend = at.get("plotly_chart")[1].proto.spec
    assert "NSP launch" in trend and "Beacon" in trend


def test_picking_a_team_narrows_the_comparison(demo_app_env, expected):
    at = _open(Q3, teams="Beacon")
    table = at.dataframe[0].value
    assert list(table["team"]) == ["Beacon"]
    talk = _row(expected["frame"], "Beacon", "customer_talk_share")
    assert {m.label: m.value for m in at.metric}["Customer talk share"] == format_value(
        talk["after"], "share"
    )


def test_a_period_before_the_launch_explains_itself(demo_app_env, expected):
    at = _open(Period(dt.date(2025, 4, 1), dt.date(2025, 6, 30)))
    assert "ends before the launch" in at.warning[0].value
