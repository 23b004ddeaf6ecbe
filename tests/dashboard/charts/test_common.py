"""Chart builders are tested on the figure's data, the way a reader would see it."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.charts import common as charts
from dashboard.charts.theme import BAND_COLORS, TALK_COLORS, band_code


def test_talk_mix_is_shares_in_the_house_colours():
    df = pd.DataFrame(
        {"team": ["Atlas", "Beacon"], "customer_impact": [6, 1], "revenue": [3, 8], "other": [1, 1]}
    )
    fig = charts.talk_mix_bars(df, "team")
    bars = {trace.name: trace for trace in fig.data}
    assert list(bars["Customer impact"].x) == [0.6, 0.1]
    assert list(bars["Revenue"].x) == [0.3, 0.8]
    assert bars["Revenue"].marker.color == TALK_COLORS["revenue"]
    assert bars["Customer impact"].text[0] == "60%"


def test_talk_mix_with_no_talk_shows_zero_not_nan():
    df = pd.DataFrame({"team": ["Quiet"], "customer_impact": [0], "revenue": [0], "other": [0]})
    fig = charts.talk_mix_bars(df, "team")
    assert [list(t.x) for t in fig.data] == [[0.0], [0.0], [0.0]]


def test_trend_marks_the_launch_date_and_splits_series():
    df = pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-01-01", "2026-02-01"] * 2),
            "team": ["A", "A", "B", "B"],
            "share": [0.2, 0.3, 0.5, 0.6],
        }
    )
    fig = charts.trend_lines(df, "month", "share", series="team", marker_date=dt.date(2026, 1, 15))
    assert [t.name for t in fig.data] == ["A", "B"]
    assert list(fig.data[1].y) == [0.5, 0.6]
    assert any(a.text == "NSP launch" for a in fig.layout.annotations)
    assert fig.layout.yaxis.tickformat == ".0%"


def test_heatmap_keeps_missing_cells_empty_and_colours_each_cell_by_its_band():
    df = pd.DataFrame(
        {
            "team": ["Atlas", "Atlas", "Beacon", "Beacon"],
            "symptom": ["Talk", "Morale"] * 2,
            "score": [90, None, 20, 35],
            "display": ["90", "needs data", "20", "35"],
        }
    )
    fig = charts.score_heatmap(df)
    z = fig.data[0].z
    assert list(fig.data[0].y) == ["Atlas", "Beacon"]
    columns = list(fig.data[0].x)
    # z is the band: 90 green, 20 and 35 red; no score is a gap, never a colour.
    assert z[0][columns.index("Talk")] == band_code(90) == 2.5 and pd.isna(z[0][columns.index("Morale")])
    assert z[1][columns.index("Talk")] == z[1][columns.index("Morale")] == band_code(20) == 0.5
    assert [step[1] for step in fig.data[0].colorscale][::2] == [
        BAND_COLORS[b] for b in ("red", "amber", "green")
    ]
    assert fig.data[0].text[0][columns.index("Morale")] == "needs data"


def test_waterfall_ends_on_the_total():
    fig = charts.waterfall([("Start", 100.0), ("New", 40.0), ("Won", -30.0), ("End", 110.0)])
    assert list(fig.data[0].measure) == ["absolute", "relative", "relative", "total"]
    assert fig.data[0].text[1] == "$40"


def test_a_money_axis_reads_billions_as_b_like_the_labels_on_the_bars():
    """d3's SI suffixes would label $5,000,000,000 "$5G" beside a bar that says "$4.4B"."""
    fig = charts.waterfall([("Start", 4.4e9), ("New", 1.3e9), ("Won", -1.7e9), ("End", 4.0e9)])
    assert fig.data[0].text[0] == "$4.4B"
    assert fig.layout.yaxis.exponentformat == "B" and fig.layout.yaxis.tickformat is None
