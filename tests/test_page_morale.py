"""Signals › Morale and people on the demo organisation: eNPS, participation and attrition as the
metric layer computes them, with hidden groups saying why and no individual answer anywhere."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.formatting import fmt_percent
from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope
from metrics import registry
from metrics.parameters import load_metric_settings
from tests.apptest import Q3, open_page

Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
PAGE = "../pages/morale.py"


def _open(period: Period) -> AppTest:
    return open_page(PAGE, period)


@pytest.fixture(scope="module")
def expected(demo_database_url):
    engine = make_engine(demo_database_url)
    with engine.connect() as conn:
        settings = load_metric_settings(conn)
        found = {
            p: (
                registry.evaluate(conn, "morale", Scope.everything(), Filters(p), settings),
                registry.evaluate(conn, "top_performer_slide", Scope.everything(), Filters(p), settings),
            )
            for p in (Q2, Q3)
        }
    engine.dispose()
    return found


def test_headline_numbers_match_the_morale_symptom(demo_app_env, expected):
    at = _open(Q3)
    morale, slide = expected[Q3]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["eNPS"] == f"{morale.value:+.0f}"
    assert metrics["Participation"] == fmt_percent(morale.parts["participation"])
    assert metrics["Voluntary attrition"] == fmt_percent(morale.parts["voluntary_attrition"], 1)
    assert metrics["Top-performer slide"] == fmt_percent(slide.value)


def test_the_headline_cards_say_their_n_and_what_they_are_compared_with(demo_app_env, expected):
    at = _open(Q3)
    morale, slide = expected[Q3]
    captions = [c.value for c in at.caption]
    assert any(f"n = {morale.n:,}" in c and "against the previous" in c for c in captions)
    assert any(f"n = {slide.n:,}" in c and ("against the previous" in c or "no previous" in c) for c in captions)
    assert sum("not compared with the previous period" in c for c in captions) == 3


def test_changing_the_period_changes_the_numbers(demo_app_env, expected):
    at = _open(Q2)
    metrics = {m.label: m.value for m in at.metric}
    morale = expected[Q2][0]
    assert metrics["eNPS"] == f"{morale.value:+.0f}"
    assert metrics["Voluntary attrition"] == fmt_percent(morale.parts["voluntary_attrition"], 1)
    assert morale.parts["voluntary_attrition"] != expected[Q3][0].parts["voluntary_attrition"]


def test_hidden_teams_say_why_and_never_show_a_number(demo_app_env):
    at = _open(Q3)
    teams = at.dataframe[0].value.set_index("team")
    hidden = at.dataframe[1].value.set_index("team")
    # Hidden groups have a table of their own that says why; the figures table never holds them.
    assert hidden.loc["Harbor", "note"] == "hidden: fewer than 5 respondents"
    assert hidden.loc["Granite", "note"] == "hidden so a smaller group cannot be worked out by subtraction"
    assert "Harbor" not in teams.index and "Granite" not in teams.index
    assert teams[["respondents", "enps", "participation"]].notna().all().all()
    assert teams.loc["Beacon", "enps"] < 0 < teams.loc["Atlas", "enps"]
    gaps = " ".join(md.value for md in at.markdown)
    assert "Harbor" in gaps and "Gaps in the lines are hidden groups" in gaps
    # The charts hold no hidden team at all, so no point can be read off them.
    for chart in at.get("plotly_chart"):
        assert "Harbor" not in chart.proto.spec and "Granite" not in chart.proto.spec


def test_no_individual_survey_row_is_shown(demo_app_env):
    at = _open(Q3)
    for frame in (d.value for d in at.dataframe):
        assert "respondent_key" not in frame.columns and "score" not in frame.columns
        assert "comment" not in frame.columns


def test_top_performer_slide_names_the_sellers(demo_app_env, demo_database_url):
    at = _open(Q3)
    slide = next(frame.value for frame in at.dataframe if "seller" in frame.value.columns)
    engine = make_engine(demo_database_url)
    with engine.connect() as conn:
        want = registry.evidence(conn, "top_performer_slide", Scope.everything(), Filters(Q3))
    engine.dispose()
    # Each name is a link to the seller's one-on-one prep that shows the name.
    assert [unquote(url.split("#", 1)[1]) for url in slide["seller"]] == list(want["seller"])
    assert all(url.startswith("one-on-one?period=") and "&seller=" in url for url in slide["seller"])
    assert "middle quartiles" in set(slide["now"])


def test_with_many_teams_the_lines_are_the_lowest_teams_until_asked_for_all(demo_app_env, monkeypatch):
    import json

    from dashboard.components import lines

    monkeypatch.setattr(lines, "MAX_LINES", 2)
    at = _open(Q3)

    def enps_lines() -> list[str]:
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        return sorted({trace["name"] for trace in spec["data"] if trace.get("mode", "").startswith("lines")})

    lines = enps_lines()
    assert len(lines) == 2
    assert "Beacon" in lines and "Atlas" not in lines  # the planted worst in, the planted best out
    at.toggle(key="pp.morale.all.enps").set_value(True).run()
    assert len(enps_lines()) > 2 and "Atlas" in enps_lines()
