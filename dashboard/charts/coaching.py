"""Chart builders for the one-on-one prep page: pure ``DataFrame -> plotly Figure``, no streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import ACCENT, MUTED, STATUS_COLORS, TALK_COLORS, TALK_LABELS, style
from dashboard.formatting import fmt_currency
from metrics.money import hover, symbol


def attainment_chart(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Won amount per quarter as bars against quota as a dashed line, attainment written on each bar.

    ``df`` columns: ``quarter`` (label), ``won_amount``, ``quota`` (NA when there is none) and
    ``attainment`` (fraction, NA without quota). Bars at or over quota are green, under it the accent.
    """
    attainment = df["attainment"].astype("Float64")
    colors = [STATUS_COLORS["green"] if pd.notna(a) and a >= 1 else ACCENT for a in attainment]
    labels = [
        f"{fmt_currency(won)} · {a:.0%}" if pd.notna(a) else fmt_currency(won)
        for won, a in zip(df["won_amount"], attainment, strict=True)
    ]
    fig = go.Figure()
    fig.add_bar(
        x=df["quarter"],
        y=df["won_amount"],
        name="Won",
        marker_color=colors,
        text=labels,
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}: won " + hover("y") + "<extra></extra>",
    )
    fig.add_scatter(
        x=df["quarter"],
        y=df["quota"].astype("Float64"),
        name="Quota",
        mode="lines+markers",
        line={"color": MUTED, "width": 3, "dash": "dash"},
        marker={"size": 9},
        connectgaps=False,
        hovertemplate="%{x}: quota " + hover("y") + "<extra></extra>",
    )
    top = pd.concat([df["won_amount"], df["quota"]]).astype("Float64").max()
    fig.update_yaxes(
        tickprefix=symbol(), exponentformat="B", range=[0, float(top) * 1.2 if pd.notna(top) and top else 1]
    )
    fig.update_xaxes(type="category")
    return style(fig, title=title)


def talk_split_bars(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Horizontal 100% bars of customer-impact against revenue talk, one bar per row of ``df``.

    ``df`` columns: ``group`` (bar label), ``customer_impact`` and ``revenue`` (utterance counts). A
    row with neither is drawn empty and labelled "no talk", never as 0% customer.
    """
    labels = ["customer_impact", "revenue"]
    totals = df[labels].sum(axis=1)
    fig = go.Figure()
    for label in labels:
        share = [(n / t if t else None) for n, t in zip(df[label], totals, strict=True)]
        fig.add_bar(
            y=df["group"].astype(str),
            x=share,
            orientation="h",
            name=TALK_LABELS[label],
            marker_color=TALK_COLORS[label],
            customdata=df[label],
            text=[f"{v:.0%}" if v is not None and v >= 0.06 else "" for v in share],
            textposition="inside",
            hovertemplate="%{y}: %{x:.0%} (%{customdata:,} utterances)<extra></extra>",
        )
    for group, total in zip(df["group"].astype(str), totals, strict=True):
        if not total:
            fig.add_annotation(
                x=0.5, y=group, text="no talk recorded", showarrow=False, font={"color": MUTED}
            )
    fig.update_layout(
        barmode="stack", yaxis={"autorange": "reversed"}, xaxis={"tickformat": ".0%", "range": [0, 1]}
    )
    fig = style(fig, title=title, height=max(220, 56 * len(df) + 100))
    # Stacked bars list their legend backwards by default; customer impact reads first, as it is drawn.
    fig.update_layout(legend={"traceorder": "normal"})
    return fig
