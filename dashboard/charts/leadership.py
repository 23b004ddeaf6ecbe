"""Chart builders for the leadership and people pages: pure ``DataFrame -> plotly Figure``.

No streamlit here; each builder says which columns it expects and is tested on its figure's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import trend_lines
from dashboard.charts.theme import (
    ACCENT,
    BAND_ICONS,
    MUTED,
    SEQUENCE,
    style,
)
from metrics.scorecard import band_of

INDEX_COLUMN = "health_index"
# Short enough for a cell at 1280 px (18 columns); the caption under the heatmap spells them out.
CELL_TEXT = {"needs": "needs", "suppressed": "hidden", "too_few": "few", "incomplete": "so far"}


def team_colors(names: Sequence[str]) -> dict[str, str]:
    """One colour per team, stable for a given list of names, so a team keeps its colour across charts."""
    return {name: SEQUENCE[i % len(SEQUENCE)] for i, name in enumerate(names)}


def cell_text(score: float | None, status: object) -> str:
    """A heatmap cell's words: the band's icon and the score ("✕42"), or why there is no score."""
    band = band_of(score) if score is not None and not pd.isna(score) else None
    if band is None:
        return CELL_TEXT.get(str(status), "—")
    return f"{BAND_ICONS[band]}{score:.0f}"


def before_after_bars(df: pd.DataFrame, *, percent: bool = True, title: str | None = None) -> go.Figure:
    """Grouped bars of a measure before and after the NSP launch, per team.

    ``df`` columns: ``group`` (team), ``before``, ``after`` (NA where there is no value).
    """
    fmt = ".0%" if percent else "+.0f"
    fig = go.Figure()
    for column, name, color in (("before", "Before launch", "#A7AFB8"), ("after", "After launch", ACCENT)):
        values = pd.to_numeric(df[column], errors="coerce")
        fig.add_bar(
            x=df["group"].astype(str),
            y=values,
            name=name,
            marker_color=color,
            text=[("" if pd.isna(v) else format(v, fmt)) for v in values],
            textposition="outside",
            hovertemplate=f"%{{x}}: %{{y:{fmt}}}<extra>{name}</extra>",
        )
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(tickformat=".0%" if percent else ",", zeroline=True, zerolinecolor=MUTED)
    return style(fig, title=title)


def adoption_trend(
    df: pd.DataFrame,
    launch: dt.date,
    *,
    own_dates: Mapping[str, dt.date] | None = None,
    percent: bool = True,
    title: str | None = None,
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Monthly lines per team with the NSP launch marked, and a dotted marker for each team that
    adopted on a date of its own.

    ``df`` columns: ``start`` (month), ``value``, ``team``.
    """
    frame = df.assign(value=pd.to_numeric(df["value"], errors="coerce"))
    fig = trend_lines(
        frame,
        "start",
        "value",
        series="team",
        percent=percent,
        title=title,
        marker_date=launch,
        colors=dict(colors or {}),
    )
    # The launch label sits on the top edge, so the legend goes under the chart.
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0}, height=440)
    for team, day in sorted((own_dates or {}).items()):
        if day == launch:
            continue
        color = (colors or {}).get(team, MUTED)
        fig.add_vline(x=pd.Timestamp(day).timestamp() * 1000, line_dash="dot", line_color=color)
        fig.add_annotation(
            x=pd.Timestamp(day),
            y=0.92,
            yref="paper",
            text=f"{team} adopts",
            showarrow=False,
            xanchor="left",
            font={"size": 12, "color": color},
        )
    return fig


def team_lines(
    df: pd.DataFrame,
    y: str,
    *,
    title: str | None = None,
    y_range: tuple[float, float] | None = None,
    colors: Mapping[str, str] | None = None,
    number_format: str = ",.1f",
) -> go.Figure:
    """One line per team of ``y`` over ``start`` (months); hidden points are gaps, never zeros.

    ``df`` columns: ``team``, ``start``, ``y``.
    """
    fig = go.Figure()
    for team, part in df.groupby("team", sort=False):
        values = pd.to_numeric(part[y], errors="coerce")
        fig.add_scatter(
            x=part["start"],
            y=values,
            mode="lines+markers",
            name=str(team),
            connectgaps=False,
            line={"width": 3, "color": (colors or {}).get(str(team))},
            marker={"size": 7},
            hovertemplate=f"%{{x|%b %Y}}: %{{y:{number_format}}}<extra>{team}</extra>",
        )
    if y_range is not None:
        fig.update_yaxes(range=list(y_range))
    return style(fig, title=title)
