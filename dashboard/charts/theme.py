"""One palette and one figure style for every chart: readable on a projector.

Revenue talk and customer-impact talk keep their colours on every page.
"""

from __future__ import annotations

import plotly.graph_objects as go

TALK_COLORS = {"customer_impact": "#1B7F79", "revenue": "#E07A1F", "other": "#A7AFB8"}
TALK_LABELS = {"customer_impact": "Customer impact", "revenue": "Revenue", "other": "Other"}
STATUS_COLORS = {
    "green": "#2E9E5B",
    "amber": "#E3A21A",
    "red": "#D1453B",
    "needs": "#B0B7C3",
    "suppressed": "#7A8699",
}
STATUS_LABELS = {
    "green": "Green",
    "amber": "Amber",
    "red": "Red",
    "needs": "Needs data",
    "suppressed": "Hidden",
    "too_few": "Too few",
    "incomplete": "To date",
}
ACCENT = "#1f6f8b"
MUTED = "#6B7280"
SEQUENCE = ["#1f6f8b", "#E07A1F", "#6A4C93", "#2E9E5B", "#D1453B", "#8C6D31", "#3F88C5", "#B5838D"]
# Red (bad) to green (good) for 0-100 scores.
SCORE_SCALE = [[0.0, "#D1453B"], [0.5, "#E3A21A"], [0.75, "#F2D27A"], [1.0, "#2E9E5B"]]
FONT_SIZE = 15


def style(fig: go.Figure, *, title: str | None = None, height: int = 380) -> go.Figure:
    """Apply the house style: white background, large type, legend on top, tight margins."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        font={"size": FONT_SIZE, "family": "Inter, Segoe UI, Helvetica, Arial, sans-serif"},
        # The title sits at the top of the figure and the legend in its own band below it, so the
        # two never overlap however long the title is.
        title={
            "text": title,
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 0.98,
            "yanchor": "top",
            "font": {"size": FONT_SIZE + 3},
        }
        if title
        else None,
        margin={"l": 10, "r": 10, "t": 90 if title else 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        colorway=SEQUENCE,
        hoverlabel={"font_size": FONT_SIZE},
    )
    return fig


PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "responsive": True}
