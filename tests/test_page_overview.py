"""Leadership › Overview on the demo organisation: the index, the heatmap, the scorecard and its
evidence show what the metric layer computes for the same filters."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts.theme import BAND_ICONS, band_label
from dashboard.components.scorecard import escape_markdown, scorecard_frame
from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope
from metrics import registry, scorecard
from metrics.metric import format_value
from metrics.parameters import load_metric_settings
from metrics.registry import get_metric
from metrics.scorecard import band_of
from tests.apptest import Q3, period_query, start_app

# An earlier quarter whose index rounds differently from Q3's (the second quarter's rounds the same, 71).
Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def _open(period: Period) -> AppTest:
    """The app on its default page, the Overview."""
    at = start_app(period_query(period)).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def expected(demo_database_url):
    engine = make_engine(demo_database_url)
    with engine.connect() as conn:
        settings = load_metric_settings(conn)
        org = {p: scorecard.scorecard(conn, Scope.everything(), Filters(p), settings) for p in (Q1, Q3)}
        teams = scorecard.team_scorecards(conn, Scope.everything(), Filters(Q3), settings)
        beacon = next(card for card in teams if card.name == "Beacon")
        evidence = registry.evidence(
            conn,
            "discounting",
            Scope.everything(),
            Filters(Q3, frozenset({beacon.team_id})),
            settings=settings,
        )
    engine.dispose()
    return {
        "org": org,
        "teams": {card.name: card for card in teams},
        "settings": settings,
        "beacon_discounting": evidence,
    }


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_overview_is_the_default_page_and_shows_the_index_and_all_seventeen(demo_app_env, expected):
    at = _open(Q3)
    assert at.title[0].value == "Overview"
    assert any(
        "We help growing companies run their operations with confidence" in m.value for m in at.markdown
    )
    org = expected["org"][Q3]
    # The index with its band's icon and name, its change against the named previous quarter.
    index = at.metric[0]
    assert index.label == "Purpose Health Index"
    assert index.value == f"{org.health_index:.0f} · {band_label(org.band)}"
    assert index.delta.endswith("vs 1 Apr 2026 – 30 Jun 2026")
    # Every team, lowest index first, on the first screen.
    teams = at.dataframe[0].value
    ranked = sorted(expected["teams"].values(), key=lambda c: c.health_index)
    assert list(teams["team"]) == [c.name for c in ranked]
    assert list(teams["index"]) == [f"{c.health_index:.0f}" for c in ranked]
    assert all(len(line) == 6 for line in teams["trend"])
    assert list(teams["trend"])[0][-1] == round(ranked[0].health_index, 1)
    table = at.dataframe[2].value
    assert len(table) == 17
    want = scorecard_frame(org.symptoms, expected["settings"])
    assert list(table["symptom"]) == list(want["symptom"])
    assert list(table["value"]) == list(want["value"])
    # Worst news first.
    statuses = list(table["status"])
    rank = {"✕ Red": 0, "! Amber": 1, "✓ Green": 2, "Needs data": 3, "Hidden": 4}
    assert [rank[s] for s in statuses] == sorted(rank[s] for s in statuses)
    # The heatmap: every team, lowest index first, the index then the 17 symptoms by number; each
    # cell the band's icon and the score, or why there is none. No chart library on this page.
    heatmap = at.dataframe[1].value
    assert list(heatmap["team"]) == [c.name for c in ranked]
    assert list(heatmap.columns) == [
        "team",
        "health_index",
        *(r.id for r in sorted(org.symptoms, key=lambda r: get_metric(r.id).number)),
    ]
    beacon = expected["teams"]["Beacon"]
    row = heatmap.set_index("team").loc["Beacon"]
    assert row["health_index"] == f"{BAND_ICONS[band_of(beacon.health_index)]}{beacon.health_index:.0f}"
    discounting = beacon.symptom("discounting")
    assert discounting.score is not None
    assert row["discounting"] == f"{BAND_ICONS[band_of(discounting.score)]}{discounting.score:.0f}"
    assert not at.get("plotly_chart")


def test_changing_the_period_changes_the_index(demo_app_env, expected):
    at = _open(Q1)
    assert _metrics(at)["Purpose Health Index"].startswith(f"{expected['org'][Q1].health_index:.0f} · ")
    assert round(expected["org"][Q1].health_index) != round(expected["org"][Q3].health_index)


def test_picking_a_team_shows_its_scorecard_and_its_evidence(demo_app_env, expected):
    at = _open(Q3)
    at.selectbox(key="pp.overview.team").set_value("Beacon").run()
    assert not at.exception, at.exception
    beacon = expected["teams"]["Beacon"]
    assert _metrics(at)["Purpose Health Index · Beacon"] == f"{beacon.health_index:.0f}"
    shown = at.dataframe[2].value.set_index("id")
    assert shown.loc["discounting", "value"] == format_value(beacon.symptom("discounting").value, "share")
    at.selectbox(key="pp.overview.symptom").set_value("discounting").run()
    assert not at.exception, at.exception
    evidence = at.dataframe[3].value
    want = expected["beacon_discounting"]
    assert len(evidence) == len(want) > 0
    assert set(evidence["team"]) == {"Beacon"}
    assert list(evidence["opportunity"]) == list(want["opportunity"])
    # Each owner's name opens their one-on-one prep, for the same quarter.
    assert all(url.startswith("one-on-one?period=") and "&seller=" in url for url in evidence["owner"])
    labels = [button.label for button in at.get("download_button")]
    assert f"Download {len(want)} rows (CSV)" in labels


def test_a_hidden_survey_symptom_says_why_and_shows_no_number(demo_app_env, expected):
    at = _open(Q3)
    at.selectbox(key="pp.overview.team").set_value("Harbor").run()
    assert not at.exception, at.exception
    assert expected["teams"]["Harbor"].symptom("morale").status == "suppressed"
    row = at.dataframe[2].value.set_index("id").loc["morale"]
    assert row["value"] == "—" and row["status"] == "Hidden"
    assert row["why"].startswith("hidden: fewer than 5 respondents")


def test_values_are_formatted_in_their_unit():
    assert format_value(0.3031, "share") == "30%"
    assert format_value(0.0065, "share") == "0.7%"
    assert format_value(11.8, "points") == "+12"
    assert format_value(1.4792, "per_deal") == "1.48 per deal"
    assert format_value(3.16, "mean_1_5") == "3.2 of 5"
    assert format_value(None, "share") == "—"


def test_escape_markdown_keeps_imported_text_inert():
    text = "**Win** [click](http://x) :red[alarm] $x$ <b>#1</b>"
    escaped = escape_markdown(text)
    for raw in ("**", "[click]", ":red[", "$x$", "<b>"):
        assert raw not in escaped
    assert escaped.replace("\\", "").replace("\u2060", "") == text


def test_the_teams_filter_narrows_the_index_the_heatmap_and_the_team_list(demo_app_env, expected):
    at = start_app({**period_query(Q3), "teams": "Beacon"}).run()
    assert not at.exception, at.exception
    beacon = expected["teams"]["Beacon"]
    # The index is Beacon's own, labelled as the teams chosen, not "all teams in view".
    assert _metrics(at)["Purpose Health Index"].startswith(f"{beacon.health_index:.0f} · ")
    assert any(c.value.startswith("Teams chosen · n = ") for c in at.caption)
    assert at.selectbox(key="pp.overview.team").options == ["All teams in view", "Beacon"]
