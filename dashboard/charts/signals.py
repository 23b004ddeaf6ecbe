"""Chart builders of the Signals pages: pure ``DataFrame -> plotly Figure``, no streamlit.

Shares are fractions 0..1 shown as %. Revenue stays orange and customer impact teal (the palette
of :mod:`dashboard.charts.theme`); red marks what the symptom is about (quarter-end weeks, price losses).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import (
    ACCENT,
    MUTED,
    RETENTION_SCALE,
    SEQUENCE,
    STATUS_COLORS,
    TALK_COLORS,
    TALK_LABELS,
    style,
)
from dashboard.formatting import fmt_currency
from metrics.money import hover, symbol


def movement_waterfall(steps: list[tuple[str, float]], *, title: str | None = None) -> go.Figure:
    """The pipeline movement waterfall (:func:`dashboard.charts.common.waterfall`), its labels never clipped."""
    from dashboard.charts.common import waterfall

    fig = waterfall(steps, title=title)
    fig.update_traces(textposition="auto", cliponaxis=False, insidetextfont={"color": "white"})
    return fig


def talk_share_trend(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Customer-impact and revenue share of purpose-relevant talk per week, as two lines.

    ``df`` columns: ``week`` (date), ``customer_share``, ``revenue_share`` (fractions or None).
    """
    fig = go.Figure()
    for column, label in (("customer_share", "customer_impact"), ("revenue_share", "revenue")):
        fig.add_scatter(
            x=df["week"],
            y=df[column].astype("Float64"),
            mode="lines+markers",
            name=TALK_LABELS[label],
            line={"width": 3, "color": TALK_COLORS[label]},
            marker={"size": 8},
            connectgaps=False,
            hovertemplate="Week of %{x|%d %b}: %{y:.0%}<extra>" + TALK_LABELS[label] + "</extra>",
        )
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    fig.update_xaxes(tickformat="%d %b")
    return style(fig, title=title)


def discount_histogram(
    df: pd.DataFrame, approval_limits: tuple[float, ...] = (), *, title: str | None = None
):
    """Won deals per discount bin, with the approval limits drawn as dashed lines.

    ``df`` columns: ``low``, ``high`` (bin edges, None at an open end), ``label``, ``deals``.
    """
    width = float((df["high"] - df["low"]).dropna().median()) if len(df) else 0.025
    middle = [
        (low + high) / 2
        if pd.notna(low) and pd.notna(high)
        else (high - width / 2 if pd.notna(high) else low + width / 2)
        for low, high in zip(df["low"], df["high"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=middle,
            y=df["deals"],
            width=width * 0.92,
            marker_color=ACCENT,
            customdata=df["label"],
            hovertemplate="%{customdata}: %{y:,} won deals<extra></extra>",
            name="Won deals",
        )
    )
    for limit in approval_limits:
        fig.add_vline(x=limit, line_dash="dash", line_color=STATUS_COLORS["red"], line_width=2)
        fig.add_annotation(
            x=limit,
            y=1,
            yref="paper",
            text=f"{limit:.0%} approval limit",
            showarrow=False,
            xanchor="right",
            yanchor="top",
            textangle=-90,
            font={"size": 13, "color": STATUS_COLORS["red"]},
        )
    fig.update_xaxes(tickformat=".0%", title="Discount")
    fig.update_yaxes(title="Won deals", tickformat=",d")
    fig.update_layout(showlegend=False, bargap=0.05)
    return style(fig, title=title)


def discount_by_group(df: pd.DataFrame, *, title: str | None = None, top: int = 15) -> go.Figure:
    """Median (bar) and P90 (diamond) discount per team or seller, deepest median on top.

    ``df`` columns: ``name``, ``median_discount``, ``p90_discount``, ``won_deals``.
    """
    shown = df.head(top)
    fig = go.Figure()
    fig.add_bar(
        y=shown["name"],
        x=shown["median_discount"],
        orientation="h",
        name="Median",
        marker_color=ACCENT,
        customdata=shown["won_deals"],
        hovertemplate="%{y}: median %{x:.1%} over %{customdata} won deals<extra></extra>",
    )
    fig.add_scatter(
        y=shown["name"],
        x=shown["p90_discount"],
        mode="markers",
        name="P90",
        marker={"symbol": "diamond", "size": 13, "color": SEQUENCE[2]},
        hovertemplate="%{y}: P90 %{x:.1%}<extra></extra>",
    )
    fig.update_layout(yaxis={"autorange": "reversed"})
    fig.update_xaxes(tickformat=".0%")
    return style(fig, title=title, height=max(260, 34 * len(shown) + 110))


def discount_by_week(weeks: dict, quarter_end_weeks: int = 2, *, title: str | None = None) -> go.Figure:
    """Mean discount of won deals per week of quarter; the last weeks (quarter end) in red.

    ``weeks`` maps the week of quarter (1..14) to the mean discount, as the ``discounting`` part.
    """
    ordered = sorted((int(k), float(v)) for k, v in weeks.items())
    last = max((w for w, _ in ordered), default=0)
    colors = [STATUS_COLORS["red"] if w > last - quarter_end_weeks else ACCENT for w, _ in ordered]
    fig = go.Figure(
        go.Bar(
            x=[w for w, _ in ordered],
            y=[v for _, v in ordered],
            marker_color=colors,
            text=[f"{v:.0%}" for _, v in ordered],
            textposition="outside",
            hovertemplate="Week %{x}: mean discount %{y:.1%}<extra></extra>",
        )
    )
    fig.update_xaxes(title="Week of quarter", dtick=1)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_layout(showlegend=False)
    return style(fig, title=title)


def share_bars(
    values: dict,
    *,
    title: str | None = None,
    highlight: str | None = None,
    x_title: str | None = None,
    counts: dict | None = None,
) -> go.Figure:
    """One bar per key of ``values`` (a share 0..1, or None drawn as an empty bar), in order, on an
    axis that never goes past 100%.

    ``highlight`` names the key drawn in red (e.g. the price loss reason). ``counts`` (key -> how
    many the share stands on) adds "n = 120" under each category, so a 100% on two deals reads as such.
    """
    keys = [str(k) for k in values]
    shares = [None if v is None else float(v) for v in values.values()]
    colors = [STATUS_COLORS["red"] if k == highlight else ACCENT for k in keys]
    n = None if counts is None else [int(counts.get(k, counts.get(str(k), 0)) or 0) for k in values]
    labels = keys if n is None else [f"{k}<br>n = {count:,}" for k, count in zip(keys, n, strict=True)]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=[0 if v is None else v for v in shares],
            marker_color=colors,
            text=["n/a" if v is None else f"{v:.0%}" for v in shares],
            textposition="outside",
            cliponaxis=False,
            customdata=n,
            hovertemplate="%{x}: %{y:.0%}<extra></extra>"
            if n is None
            else "%{x}: %{y:.0%} of %{customdata:,}<extra></extra>",
        )
    )
    top = max([v for v in shares if v is not None] + [0.1]) * 1.2
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", range=[0, min(1.0, top)])
    if x_title:
        fig.update_xaxes(title=x_title)
    fig.update_layout(showlegend=False)
    return style(fig, title=title)


def count_bars(values: dict, *, title: str | None = None, highlight: str | None = None) -> go.Figure:
    """One bar per key of ``values`` (counts), largest first; ``highlight`` in red."""
    ordered = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))
    keys = [str(k).replace("_", " ").capitalize() for k, _ in ordered]
    colors = [STATUS_COLORS["red"] if k == highlight else ACCENT for k, _ in ordered]
    fig = go.Figure(
        go.Bar(
            x=keys,
            y=[v for _, v in ordered],
            marker_color=colors,
            text=[f"{v:,}" for _, v in ordered],
            textposition="outside",
            hovertemplate="%{x}: %{y:,}<extra></extra>",
        )
    )
    fig.update_yaxes(tickformat=",d", rangemode="tozero", range=[0, max([v for _, v in ordered] + [1]) * 1.2])
    fig.update_layout(showlegend=False)
    return style(fig, title=title)


def won_by_week(df: pd.DataFrame, quarter_end_weeks: int = 2, *, title: str | None = None) -> go.Figure:
    """Won amount per week of quarter, the last weeks in red, with the even-spread level dashed.

    ``df`` columns: ``week``, ``won_amount``, ``won_deals``, ``share``.
    """
    last = int(df["week"].max()) if len(df) else 0
    colors = [STATUS_COLORS["red"] if w > last - quarter_end_weeks else ACCENT for w in df["week"]]
    fig = go.Figure(
        go.Bar(
            x=df["week"],
            y=df["won_amount"],
            marker_color=colors,
            customdata=df[["won_deals", "share"]],
            text=[fmt_currency(v) for v in df["won_amount"]],
            textposition="outside",
            hovertemplate="Week %{x}: "
            + hover("y")
            + " (%{customdata[0]} deals, %{customdata[1]:.0%})<extra></extra>",
        )
    )
    if len(df):
        even = float(df["won_amount"].sum()) / 13.0
        fig.add_scatter(
            x=[0.5, last + 0.5],
            y=[even, even],
            mode="lines",
            line={"dash": "dash", "color": MUTED, "width": 2},
            name="Even spread over 13 weeks",
            hoverinfo="skip",
        )
    fig.data[0].showlegend = False
    fig.update_xaxes(title="Week of quarter", dtick=1)
    fig.update_yaxes(tickprefix=symbol(), tickformat="~s", rangemode="tozero")
    fig.update_traces(cliponaxis=False, selector={"type": "bar"})
    return style(fig, title=title)


def retention_trend(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Gross and net revenue retention per month as lines, with 100% marked.

    ``df`` columns: ``month`` (date), ``gross_revenue_retention``, ``net_revenue_retention``.
    """
    fig = go.Figure()
    for column, name, color in (
        ("gross_revenue_retention", "Gross revenue retention", ACCENT),
        ("net_revenue_retention", "Net revenue retention", TALK_COLORS["customer_impact"]),
    ):
        fig.add_scatter(
            x=df["month"],
            y=df[column].astype("Float64"),
            mode="lines+markers",
            name=name,
            line={"width": 3, "color": color, "dash": "solid" if "gross" in column else "dot"},
            marker={"size": 8},
            hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>" + name + "</extra>",
        )
    fig.add_hline(y=1.0, line_color=MUTED, line_width=1)
    fig.update_yaxes(tickformat=".1%")
    fig.update_xaxes(tickformat="%b %Y")
    return style(fig, title=title)


def churn_bars(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Logo churn per month as bars. ``df`` columns: ``month``, ``logo_churn``, ``customers_lost``."""
    fig = go.Figure(
        go.Bar(
            x=df["month"],
            y=df["logo_churn"].astype("Float64"),
            marker_color=STATUS_COLORS["red"],
            customdata=df["customers_lost"],
            text=[f"{v:.1%}" if pd.notna(v) else "" for v in df["logo_churn"]],
            textposition="outside",
            hovertemplate="%{x|%b %Y}: %{y:.1%} (%{customdata} customers)<extra></extra>",
        )
    )
    fig.update_yaxes(tickformat=".1%", rangemode="tozero")
    fig.update_xaxes(tickformat="%b %Y")
    fig.update_layout(showlegend=False)
    fig.update_traces(cliponaxis=False)
    return style(fig, title=title)


def cohort_heatmap(df: pd.DataFrame, value: str = "retention", *, title: str | None = None) -> go.Figure:
    """Cohort (rows, oldest on top) x quarters since start (columns), the retention as % in each cell.

    ``df`` columns: ``cohort``, ``quarters_since``, ``cohort_size`` and ``value`` (a fraction).
    """
    grid = df.pivot(index="cohort", columns="quarters_since", values=value).sort_index()
    sizes = df.groupby("cohort")["cohort_size"].first().reindex(grid.index)
    z = grid.to_numpy(dtype=float)
    text = [[("" if pd.isna(v) else f"{v:.0%}") for v in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"+{q}Q" for q in grid.columns],
            y=[f"{c} ({int(n)})" for c, n in zip(grid.index, sizes, strict=True)],
            text=text,
            texttemplate="%{text}",
            colorscale=RETENTION_SCALE,
            zmin=0.5,
            zmax=1.0,
            xgap=2,
            ygap=2,
            colorbar={"title": "Retained", "tickformat": ".0%"},
            hovertemplate="%{y}, %{x}: %{z:.1%}<extra></extra>",
        )
    )
    fig.update_xaxes(side="top")
    fig.update_yaxes(autorange="reversed")
    return style(fig, title=title, height=max(300, 40 * len(grid.index) + 140))


def churn_by_how_sold(splits: dict, *, title: str | None = None) -> go.Figure:
    """Churn rate of renewals by how the deal was sold: for each split, "yes" against "no".

    ``splits`` is the ``customer_churn`` part: ``{split: {"yes": rate, "no": rate}}``.
    """
    names = {
        "quarter_end_close": "Closed at quarter end",
        "discounted": "Discounted",
        "customer_outcome_documented": "Customer outcome documented",
    }
    keys = [k for k in names if k in splits] + [k for k in splits if k not in names]
    labels = [names.get(k, k.replace("_", " ").capitalize()) for k in keys]
    fig = go.Figure()
    for side, color in (("yes", ACCENT), ("no", "#A7AFB8")):
        values = [splits[k].get(side) for k in keys]
        fig.add_bar(
            x=labels,
            y=[0 if v is None else v for v in values],
            name=side.capitalize(),
            marker_color=color,
            text=["n/a" if v is None else f"{v:.0%}" for v in values],
            textposition="outside",
            hovertemplate="%{x} – " + side + ": %{y:.1%} churned<extra></extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", title="Churned renewals")
    return style(fig, title=title)


def speaker_time(speakers: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Talk time per speaker as horizontal bars. ``speakers`` columns: ``speaker``, ``seconds``, ``share_of_time``."""
    shown = speakers.dropna(subset=["seconds"])
    fig = go.Figure(
        go.Bar(
            y=shown["speaker"].fillna("(unknown)"),
            x=shown["seconds"] / 60.0,
            orientation="h",
            marker_color=ACCENT,
            text=[f"{s:.0%}" for s in shown["share_of_time"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1f} min<extra></extra>",
        )
    )
    fig.update_xaxes(range=[0, float((shown["seconds"] / 60.0).max() or 1) * 1.18])
    fig.update_layout(yaxis={"autorange": "reversed"}, showlegend=False)
    fig.update_xaxes(title="Minutes spoken")
    return style(fig, title=title, height=max(200, 36 * len(shown) + 100))
