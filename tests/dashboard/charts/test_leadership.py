"""The leadership chart builders, checked on the data their figures hold."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from dashboard.charts.leadership import (
    adoption_trend,
    before_after_bars,
    team_colors,
    team_lines,
)


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
