"""The Overview's first screen and its links, from plain data: the teams table (worst first, band
with icon, change, six-period line), the evidence's figure line and the links a table makes."""

from __future__ import annotations

import pandas as pd

from dashboard.components.evidence import evidence_display, figure_words
from dashboard.components.scorecard import index_change_text, scorecard_frame, teams_frame
from dashboard.links import Links
from metrics.analyses.coaching import Seller
from metrics.metric import MetricResult
from metrics.parameters import MetricSettings
from metrics.scorecard import Scorecard, lines_of
from tests.dashboard.components.results import result as base_result

SETTINGS = MetricSettings.defaults()


def result(score: float | None, previous_score: float | None = None, **changes) -> MetricResult:
    given = {
        "score": score,
        "status": "red" if score is not None and score <= 50 else "amber",
        "weight": 1.0,
        "n": 40,
        "previous_score": previous_score,
    }
    return base_result(**(given | changes))


def card(name: str, team_id: int, score: float | None, previous: float | None = None) -> Scorecard:
    return Scorecard(name, team_id, [] if score is None else [result(score, previous)])


def test_the_teams_table_lists_every_team_worst_first_with_band_change_and_six_periods():
    periods = [
        [card("Atlas", 1, 80), card("Beacon", 2, 40)],
        [card("Atlas", 1, 82), card("Beacon", 2, 35)],
        [card("Atlas", 1, 78), card("Beacon", 2, None), card("Cedar", 3, 60)],
        [card("Atlas", 1, 86, previous=78), card("Beacon", 2, 24, previous=30), card("Cedar", 3, None)],
    ]
    frame = teams_frame(lines_of(periods), SETTINGS)
    assert frame["team"].tolist() == ["Beacon", "Atlas", "Cedar"]  # no index last
    assert frame["index"].tolist() == ["24", "86", "—"]
    assert frame["band"].tolist() == ["✕ Red", "✓ Green", "No band"]
    assert frame["change"].tolist() == ["▼ −6", "▲ +8", "— no previous value"]
    # Oldest first; a period where the team had no index (or did not exist) is a gap, not a zero.
    assert frame["trend"].tolist()[0] == [40.0, 35.0, None, 24.0]
    assert frame["trend"].tolist()[2] == [None, None, 60.0, None]
    assert "None" not in frame.drop(columns=["trend", "_band"]).astype(str).to_string()


def test_the_index_change_says_its_direction_in_an_arrow_and_a_signed_whole_number():
    assert index_change_text(65.4, 69.2) == "▼ −4"
    assert index_change_text(70, 69.6) == "► 0"
    assert index_change_text(70, None) == "— no previous value"


def test_the_scorecard_table_shows_the_previous_value_and_the_band_with_its_icon():
    frame = scorecard_frame([result(40), result(None, status="needs", value=None, previous=None)], SETTINGS)
    assert frame["status"].tolist() == ["✕ Red", "Needs data"]
    assert frame["previous"].tolist() == ["25%", "—"]


def test_the_evidence_line_gives_the_figure_its_n_band_and_previous_value():
    assert figure_words(result(40)) == "**30%** (n = 40) · ✕ Red · was 25%"
    assert (
        figure_words(result(None, status="needs", value=None, previous=None, n=None)) == "**—** · Needs data"
    )


def test_a_sellers_name_in_the_evidence_opens_their_prep_and_keeps_the_period_and_teams():
    links = Links.of(
        {"period": "custom", "from": "2026-07-01", "to": "2026-09-30", "teams": "Beacon", "seller": "x"},
        [
            Seller(26, "Jin Ortega", 2, "Beacon"),
            Seller(27, "Kim Lee", 1, "Atlas"),
            Seller(28, "Kim Lee", 2, "Beacon"),
        ],
    )
    frame = pd.DataFrame(
        {
            "opportunity": ["006A", "006B", "006C"],
            "team": ["Beacon", "Beacon", "Delta"],
            "owner": ["Jin Ortega", "Kim Lee", "Someone Gone"],
            "amount": [1000.0, 2000.0, None],
        }
    )
    shown, config = evidence_display(frame, links)
    assert shown["owner"].tolist() == [
        "one-on-one?period=custom&from=2026-07-01&to=2026-09-30&teams=Beacon&seller=26#Jin%20Ortega",
        "one-on-one?period=custom&from=2026-07-01&to=2026-09-30&teams=Beacon&seller=28#Kim%20Lee",
        "Someone Gone",  # not a seller in view: no link to a prep
    ]
    assert config["owner"]["type_config"]["type"] == "link"
    # Without a CRM address the deal's key stays text, titled as what it is.
    assert shown["opportunity"].tolist() == ["006A", "006B", "006C"]
    assert config["opportunity"]["label"] == "CRM id"


def test_a_deal_opens_its_crm_record_when_the_address_is_configured():
    links = Links.of({}, [], "https://example.my.salesforce.com/{crm_id}")
    shown, config = evidence_display(
        pd.DataFrame({"opportunity": ["006A", None], "owner": ["A", "B"]}), links
    )
    assert shown["opportunity"].iloc[0] == "https://example.my.salesforce.com/006A"
    assert pd.isna(shown["opportunity"].iloc[1])  # no key: an empty cell, never a link to nothing
    assert config["opportunity"]["type_config"]["type"] == "link"
    assert config["opportunity"]["label"] == "CRM record"
