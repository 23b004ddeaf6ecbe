"""The leadership chart builders, checked on the data their figures hold."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from dashboard.charts.leadership import (
    adoption_trend,
    before_after_bars,
    team_colors,
    team_heatmap,
    team_lines,
)


def _heatmap():
    scores = pd.DataFrame(
        {"customer_talk_share": [80, 20], "morale": [None, 55], "health_index": [80.4, 37.5]},
        index=["Atlas", "Beacon"],
    )
    statuses = pd.DataFrame(
        {"customer_talk_share": ["green", "red"], "morale": ["suppressed", "amber"]},
        index=["Atlas", "Beacon"],
    )
    labels = {
        "health_index": "Health Index",
        "customer_talk_share": "1. Customer talk share",
        "morale": "15. Morale",
    }
    return team_heatmap(scores, statuses, labels)


def test_heatmap_puts_the_index_first_and_says_why_a_cell_is_empty():
    trace = _heatmap().data[0]
    assert list(trace.x) == ["Health Index", "1. Customer talk share", "15. Morale"]
    assert list(trace.y) == ["Atlas", "Beacon"]
    assert [list(row) for row in trace.text] == [["80", "80", "hidden"], ["38", "20", "55"]]
    assert math.isnan(trace.z[0][2]) and trace.z[1][0] == 37.5  # NaN: no colour, the text says why
    assert (trace.zmin, trace.zmax) == (0, 100)


def test_before_after_bars_show_both_windows_per_team_as_percent():
    frame = pd.DataFrame({"group": ["Atlas", "Beacon"], "before": [0.2, None], "after": [0.1, 0.3]})
    fig = before_after_bars(frame)
    before, after = fig.data
    assert before.name == "Before launch" and after.name == "After launch"
    assert list(after.y) == [0.1, 0.3] and math.isnan(before.y[1])
    assert list(before.text) == ["20%", ""]
    assert fig.layout.yaxis.tickformat == ".0%"
    assert before_after_bars(frame, percent=False).layout.yaxis.tickformat == ","


def test_adoption_trend_marks_the_launch_and_every_own_date():
    frame = pd.DataFrame(
        {
            "start": [dt.date(2025, 1, 1), dt.date(2025, 2, 1)] * 2,
            "value": [0.2, 0.3, 0.5, None],
            "team": ["Atlas", "Atlas", "Beacon", "Beacon"],
        }
    )
    launch = dt.date(2025, 1, 15)
    fig = adoption_trend(frame, launch, own_dates={"Beacon": dt.date(2025, 2, 10), "Atlas": launch})
    assert [trace.name for trace in fig.data] == ["Atlas", "Beacon"]
    assert math.isnan(fig.data[1].y[1])  # a missing month is a gap, not a zero
    texts = [a.text for a in fig.layout.annotations]
    assert "NSP launch" in texts and "Beacon adopts" in texts and "Atlas adopts" not in texts
    assert len(fig.layout.shapes) == 2


def test_team_lines_keep_hidden_points_as_gaps_and_teams_keep_their_colours():
    frame = pd.DataFrame(
        {
            "team": ["Atlas", "Atlas"],
            "start": [dt.date(2025, 1, 1), dt.date(2025, 2, 1)],
            "enps": [20.0, None],
        }
    )
    colors = team_colors(["Atlas", "Beacon"])
    fig = team_lines(frame, "enps", y_range=(-100, 100), colors=colors)
    assert fig.data[0].line.color == colors["Atlas"] != colors["Beacon"]
    assert fig.data[0].y[0] == 20.0 and math.isnan(fig.data[0].y[1])
    assert fig.data[0].connectgaps is False
    assert list(fig.layout.yaxis.range) == [-100, 100]
