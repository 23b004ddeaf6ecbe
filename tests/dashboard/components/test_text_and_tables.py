"""What the components write from plain data: changes, trends, clocks, evidence tables and the
morale tables, each on a small hand-made input (no Streamlit run needed)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.components.evidence import evidence_display
from dashboard.components.morale import hidden_summary, team_morale_frame
from dashboard.components.scorecard import worst_first
from dashboard.components.signals import deals_of, movement_frame
from dashboard.components.text import fmt_change, trend_text, why_text
from dashboard.components.transcript import fmt_clock, meeting_label
from metrics.parameters import MetricSettings
from metrics.scorecard import Scorecard
from tests.dashboard.components.results import result


@pytest.mark.parametrize(
    ("change", "unit", "text"),
    [(0.04, "share", "+4.0 pts"), (-6.0, "points", "-6"), (0.1, "per_deal", "+0.10"), (None, "share", "—")],
)
def test_a_change_is_written_in_its_unit(change, unit, text):
    assert fmt_change(change, unit) == text


def test_the_trend_says_where_the_value_went_and_whether_that_is_better():
    assert trend_text(result()) == "▲ worsening"
    assert trend_text(result(value=0.2, trend="improving")) == "▼ improving"
    assert trend_text(result(previous=None)) == "— no previous value"


def test_why_a_row_has_no_score_is_said_in_words():
    settings = MetricSettings.defaults()
    assert why_text(result(), settings) == "12 of 40 won deals discounted"
    assert why_text(result(status="needs", needs="needs list amounts"), settings) == "needs list amounts"
    assert why_text(result(status="suppressed"), settings).startswith("hidden: fewer than")


def test_clock_and_meeting_label():
    assert fmt_clock(75) == "1:15" and fmt_clock(3725) == "1:02:05" and fmt_clock(None) == ""
    meeting = {"held_at": dt.datetime(2026, 9, 14, 10), "team": "Atlas", "title": "Globex review"}
    assert meeting_label(pd.Series({**meeting, "customer_share": 0.25})).endswith(
        "Atlas · Globex review (25% customer)"
    )
    assert meeting_label(pd.Series({**meeting, "customer_share": None})).endswith(
        "(no revenue or customer talk)"
    )


def test_evidence_shows_fractions_as_percentages_and_titles_every_column():
    frame = pd.DataFrame(
        {"deal": ["A"], "discount": [0.125], "arr": [1000.0], "close_date": [dt.date(2026, 9, 1)]}
    )
    shown, config = evidence_display(frame)
    assert shown["discount"].tolist() == [12.5]
    assert frame["discount"].tolist() == [0.125]  # the read result is left as it was
    assert set(config) == {"deal", "discount", "arr", "close_date"}
    assert config["arr"]["label"] == "ARR"


def test_the_deals_of_one_owner_or_everyone():
    deals = pd.DataFrame({"owner": ["Ann", "Bob", "Ann"], "deal": ["A", "B", "C"]})
    assert deals_of(deals, "Ann")["deal"].tolist() == ["A", "C"]
    assert deals_of(deals, "Everyone in view") is deals and deals_of(deals, None) is deals


def test_the_movement_table_has_one_row_per_month_with_whole_deal_counts():
    table = pd.DataFrame(
        {
            "start_date": [dt.date(2026, 7, 1), dt.date(2026, 8, 1)],
            **{step: [3.0, 2.0] for step in ("start", "new", "pulled_in", "pushed", "won", "lost", "end")},
            "pushed_amount": [500.0, 0.0],
        }
    )
    shown = movement_frame(table)
    assert shown["Month"].tolist() == ["Jul 2026", "Aug 2026"]
    assert shown["Start"].dtype == "int64" and shown["Pushed amount"].tolist() == [500.0, 0.0]


def test_teams_are_listed_lowest_index_first_and_teams_without_one_last():
    def card(name, score):
        symptoms = [] if score is None else [result(score=score, weight=1.0, status="amber")]
        return Scorecard(name, 1, symptoms)

    cards = [card("Atlas", 80), card("Beacon", 30), card("Comet", None), card("Delta", 55)]
    assert [c.name for c in worst_first(cards)] == ["Beacon", "Delta", "Atlas", "Comet"]


def test_morale_per_team_hides_a_small_group_and_says_why():
    period_rows = pd.DataFrame(
        [
            {
                "team": "Atlas",
                "shown": True,
                "respondents": 9,
                "enps": 20.0,
                "reason": None,
                "meaning_purpose": 4.0,
                "recognition": 3.5,
                "peer_relationships": 4.2,
                "workload": 3.0,
            },
            {
                "team": "Beacon",
                "shown": False,
                "respondents": 3,
                "enps": None,
                "reason": "fewer than 5 respondents",
                "meaning_purpose": None,
                "recognition": None,
                "peer_relationships": None,
                "workload": None,
            },
        ]
    )
    people = {
        "Atlas": result(parts={"participation": 0.9, "voluntary_attrition": 0.05, "leavers": 1}),
        "Beacon": result(parts={"participation": 0.3, "voluntary_attrition": None, "leavers": 0}),
    }
    frame = team_morale_frame(period_rows, people).set_index("team")
    assert frame.loc["Atlas", "enps"] == 20.0 and frame.loc["Atlas", "participation"] == pytest.approx(90.0)
    assert pd.isna(frame.loc["Beacon", "respondents"]) and pd.isna(frame.loc["Beacon", "participation"])
    assert frame.loc["Beacon", "note"] == "fewer than 5 respondents" and frame.loc["Beacon", "leavers"] == 0


def test_hidden_months_are_counted_per_team_and_reason():
    trend = pd.DataFrame(
        {
            "team": ["Atlas", "Atlas", "Beacon"],
            "shown": [False, False, True],
            "reason": ["too few", "too few", None],
        }
    )
    assert hidden_summary(trend).to_dict("records") == [{"team": "Atlas", "reason": "too few", "months": 2}]
    assert hidden_summary(trend.assign(shown=True)).empty
