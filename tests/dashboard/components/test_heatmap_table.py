"""The Overview's team x symptom heatmap as a table: the words and band of every cell, worst team first."""

from __future__ import annotations

from dashboard.charts.theme import BAND_COLORS
from dashboard.components.scorecard import band_cell_style, heatmap_table
from metrics.metric import MetricResult
from metrics.scorecard import Scorecard


def _result(metric_id: str, score: float | None, status: str, state: str = "scored") -> MetricResult:
    return MetricResult(
        id=metric_id,
        label=metric_id,
        value=None,
        unit="share",
        previous=None,
        trend=None,
        score=score,
        status=status,
        threshold={},
        needs=None,
        weight=1.0,
        state=state,
    )


def _card(
    name: str, talk: float | None, morale_status: str = "green", morale: float | None = 80
) -> Scorecard:
    talk_result = _result(
        "customer_talk_share",
        talk,
        "green" if talk is not None else "needs",
        "scored" if talk is not None else "needs",
    )
    morale_state = "scored" if morale is not None else morale_status
    return Scorecard(
        name, hash(name) % 1000, [_result("morale", morale, morale_status, morale_state), talk_result]
    )


def test_teams_come_lowest_index_first_with_the_index_then_the_symptoms_by_number():
    cards = [_card("Atlas", 90), _card("Beacon", 20), _card("Cedar", None, "suppressed", None)]
    words, bands = heatmap_table(cards)
    # Beacon (20+80)/2 = 50, Atlas (90+80)/2 = 85; Cedar has no score at all: no index, last.
    assert list(words["team"]) == ["Beacon", "Atlas", "Cedar"]
    # The index first, then symptom 1 (customer talk share) before symptom 15 (morale).
    assert list(words.columns) == ["team", "health_index", "customer_talk_share", "morale"]
    assert words.loc[0].tolist() == ["Beacon", "✕50", "✕20", "✓80"]
    assert words.loc[1].tolist() == ["Atlas", "✓85", "✓90", "✓80"]
    # No score says why: missing data, a survey group too small to show; the index a dash.
    assert words.loc[2].tolist() == ["Cedar", "—", "needs", "hidden"]
    assert bands.loc[0].tolist() == [None, "red", "red", "green"]
    assert bands.loc[2].tolist() == [None, None, None, None]


def test_a_cell_takes_the_band_of_its_score_as_shown_at_the_band_edges():
    edges = [0, 49, 50, 50.4, 50.6, 51, 75, 75.4, 76, 100]  # 50.4 reads "50": red; 50.6 reads "51": amber
    cards = [_card(f"Team {i:02d}", score, morale=score) for i, score in enumerate(edges)]
    words, bands = heatmap_table(cards)
    assert list(bands["customer_talk_share"]) == ["red"] * 4 + ["amber"] * 4 + ["green"] * 2
    assert list(words["customer_talk_share"]) == [
        "✕0",
        "✕49",
        "✕50",
        "✕50",
        "!51",
        "!51",
        "!75",
        "!75",
        "✓76",
        "✓100",
    ]
    # The index of a team is the same band as the same score.
    assert list(bands["health_index"]) == list(bands["customer_talk_share"])


def test_a_band_cell_is_painted_in_the_bands_colour_and_a_cell_without_a_score_is_not():
    for band, colour in BAND_COLORS.items():
        assert f"background-color: {colour}" in band_cell_style(band)
    assert band_cell_style(None) == ""
