"""Chart builders: pure functions ``DataFrame -> plotly Figure``, no streamlit, tested on their data.

Each builder documents the columns it expects. Percent values are fractions 0..1 and shown as %.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import (
    ACCENT,
    BAND_SCALE,
    BANDS,
    STATUS_COLORS,
    TALK_COLORS,
    TALK_LABELS,
    band_code,
    style,
)


def talk_mix_bars(df: pd.DataFrame, group: str, *, title: str | None = None) -> go.Figure:
    """Stacked 100% bars of talk by label per group.

    ``df`` columns: ``group``, ``customer_impact``, ``revenue``, ``other`` (utterance counts).
    """
    labels = ["customer_impact", "revenue", "other"]
    totals = df[labels].sum(axis=1).replace(0, pd.NA)
    fig = go.Figure()
    for label in labels:
        share = (df[label] / totals).astype("Float64").fillna(0.0)
        fig.add_bar(
            y=df[group].astype(str),
            x=share,
            orientation="h",
            name=TALK_LABELS[label],
            marker_color=TALK_COLORS[label],
            text=[f"{v:.0%}" if v >= 0.06 else "" for v in share],
            textposition="inside",
            customdata=df[label],
            hovertemplate="%{y}: %{x:.0%} (%{customdata:,} utterances)",
        )
    fig.update_layout(
        barmode="stack", yaxis={"autorange": "reversed"}, xaxis={"tickformat": ".0%", "range": [0, 1]}
    )
    return style(fig, title=title, height=max(220, 48 * len(df) + 90))


def trend_lines(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    series: str | None = None,
    percent: bool = True,
    title: str | None = None,
    marker_date: dt.date | None = None,
    marker_label: str = "NSP launch",
    band: tuple[float, float] | None = None,
    colors: dict[str, str] | None = None,
) -> go.Figure:
    """Lines of ``y`` over ``x`` (one per ``series`` value), with an optional dated marker
    (e.g. the NSP launch) and a shaded green band between the two thresholds."""
    fig = go.Figure()
    groups = [(None, df)] if series is None else list(df.groupby(series, sort=False))
    for name, part in groups:
        color = (colors or {}).get(str(name)) if name is not None else ACCENT
        fig.add_scatter(
            x=part[x],
            y=part[y],
            mode="lines+markers",
            name=str(name) if name is not None else y,
            line={"width": 3, "color": color},
            marker={"size": 7},
            connectgaps=False,
            hovertemplate=f"%{{x}}: %{{y:{'.0%' if percent else ',.1f'}}}<extra>{name or ''}</extra>",
        )
    if band is not None:
        low, high = sorted(band)
        fig.add_hrect(y0=low, y1=high, fillcolor=STATUS_COLORS["green"], opacity=0.08, line_width=0)
    if marker_date is not None:
        fig.add_vline(x=pd.Timestamp(marker_date).timestamp() * 1000, line_dash="dash", line_color="#444")
        fig.add_annotation(
            x=pd.Timestamp(marker_date),
            y=1,
            yref="paper",
            text=marker_label,
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": 13},
        )
    fig.update_yaxes(tickformat=".0%" if percent else ",")
    fig.update_layout(showlegend=series is not None)
    return style(fig, title=title)


def score_heatmap(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Team x symptom grid of 0-100 scores, each cell in its band's colour; empty cells for needs/hidden.

    ``df`` columns: ``team``, ``symptom`` (label), ``score`` (0-100 or NA), ``display`` (cell text).
    """
    grid = df.pivot(index="team", columns="symptom", values="score")
    text = df.pivot(index="team", columns="symptom", values="display").reindex_like(grid)
    fig = go.Figure(
        go.Heatmap(
            z=grid.map(band_code).to_numpy(dtype=float),
            x=list(grid.columns),
            y=list(grid.index),
            text=text.to_numpy(),
            texttemplate="%{text}",
            colorscale=BAND_SCALE,
            zmin=0,
            zmax=len(BANDS),
            xgap=2,
            ygap=2,
            showscale=False,
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(side="top", tickangle=-35)
    fig.update_yaxes(autorange="reversed")
    return style(fig, title=title, height=max(320, 44 * len(grid.index) + 220))


def waterfall(steps: list[tuple[str, float]], *, title: str | None = None, money: bool = True) -> go.Figure:
    """A movement waterfall: the first and last steps are totals, the ones between are changes."""
    measures = ["absolute"] + ["relative"] * (len(steps) - 2) + ["total"]
    fig = go.Figure(
        go.Waterfall(
            x=[name for name, _ in steps],
            y=[value for _, value in steps],
            measure=measures,
            text=[_money(v) if money else f"{v:,.0f}" for _, v in steps],
            textposition="outside",
            increasing={"marker": {"color": STATUS_COLORS["green"]}},
            decreasing={"marker": {"color": STATUS_COLORS["red"]}},
            totals={"marker": {"color": ACCENT}},
            connector={"line": {"color": "#999"}},
        )
    )
    fig.update_yaxes(tickprefix=_symbol() if money else "", exponentformat="B")  # 5B, not 5G
    return style(fig, title=title)


def _symbol() -> str:
    from metrics.money import symbol

    return symbol()


def _money(value: float) -> str:
    from dashboard.formatting import fmt_currency

    return fmt_currency(value)
