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
from dashboard.charts.theme import BAND_COLORS


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
    # Each score with its band's icon (✓ green, ! amber, ✕ red), so no one depends on the colour.
    assert [list(row) for row in trace.text] == [["✓80", "✓80", "hidden"], ["✕38", "✕20", "!55"]]
    assert math.isnan(trace.z[0][2])  # NaN: no colour, the text says why


def _cell_colour(trace, row: int, column: int) -> str:
    """The colour plotly paints a cell: the colour scale at the cell's z between zmin and zmax."""
    position = (trace.z[row][column] - trace.zmin) / (trace.zmax - trace.zmin)
    steps = [(float(at), colour) for at, colour in trace.colorscale]
    below = [colour for at, colour in steps if at <= position]
    above = [colour for at, colour in steps if at >= position]
    assert below[-1] == above[0], "a cell must sit inside one flat step of the scale, never between two"
    return below[-1]


def test_heatmap_cells_are_the_colour_of_their_band_at_the_band_edges():
    edges = [0, 49, 50, 50.5, 50.6, 51, 75, 75.4, 76, 100]  # 50.5 is shown as 50: red
    scores = pd.DataFrame({"discounting": edges}, index=[f"Team {i}" for i in range(len(edges))])
    statuses = pd.DataFrame({"discounting": ["green"] * len(edges)}, index=scores.index)
    trace = team_heatmap(scores, statuses, {"discounting": "9. Discounting"}).data[0]
    colours = [_cell_colour(trace, i, 0) for i in range(len(edges))]
    red, amber, green = BAND_COLORS["red"], BAND_COLORS["amber"], BAND_COLORS["green"]
    assert colours == [red, red, red, red, amber, amber, amber, amber, green, green]
    assert trace.showscale is False  # the bands are named in the caption, with their icons


def test_clicking_a_heatmap_cell_selects_a_point_that_names_the_team_and_symptom():
    fig = _heatmap()
    points = fig.data[1]
    assert points.type == "scatter" and points.marker.opacity == 0
    cells = list(zip(points.x, points.y, (tuple(c) for c in points.customdata), strict=True))
    assert ("15. Morale", "Beacon", ("Beacon", "morale")) in cells
    assert ("Health Index", "Atlas", ("Atlas", "health_index")) in cells
    assert len(cells) == 2 * 3
    assert fig.layout.clickmode == "event+select"


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
