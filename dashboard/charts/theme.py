"""One palette and one figure style for every chart: readable on a projector.

Revenue talk and customer-impact talk keep their colours on every page.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from metrics.scorecard import band_of

TALK_COLORS = {"customer_impact": "#1B7F79", "revenue": "#E07A1F", "other": "#A7AFB8"}
TALK_LABELS = {"customer_impact": "Customer impact", "revenue": "Revenue", "other": "Other"}
# The bands of a 0-100 score, defined once: every chart, table and the PDF brief colours a score
# by the band :func:`metrics.scorecard.band_of` gives it (red 0-50, amber 51-75, green 76-100), never
# by a continuous scale. Colour-blind safe: the three differ in lightness (dark red, light amber)
# and on the blue-yellow axis (a bluish green), and a band is always shown with its icon or name.
BANDS = ("red", "amber", "green")
BAND_COLORS = {"red": "#C0362C", "amber": "#F0B429", "green": "#00875A"}
BAND_ICONS = {"red": "✕", "amber": "!", "green": "✓"}
BAND_NAMES = {"red": "Red", "amber": "Amber", "green": "Green"}
BAND_RANGES = {"red": "0–50", "amber": "51–75", "green": "76–100"}
# The text drawn on a band's colour: white on the dark red and green, ink on the light amber.
BAND_TEXT = {"red": "#FFFFFF", "amber": "#1F2937", "green": "#FFFFFF"}

STATUS_COLORS = {
    **BAND_COLORS,
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
# A heatmap's colour scale for band codes (:func:`band_code`): three flat steps, one per band,
# so a cell's colour is its band's and nothing in between.
BAND_SCALE = [
    [0.0, BAND_COLORS["red"]],
    [1 / 3, BAND_COLORS["red"]],
    [1 / 3, BAND_COLORS["amber"]],
    [2 / 3, BAND_COLORS["amber"]],
    [2 / 3, BAND_COLORS["green"]],
    [1.0, BAND_COLORS["green"]],
]
# Retention is a share, not a score with bands: one hue, light (low) to dark (high).
RETENTION_SCALE = [[0.0, "#F1F5F9"], [1.0, ACCENT]]
FONT_SIZE = 15


def _band(score: float | None) -> str | None:
    """The band of a score; None for no score (None or NaN)."""
    return None if score is None or score != score else band_of(score)


def band_color(score: float | None) -> str | None:
    """The colour of the band a 0-100 score is in (None without a score)."""
    band = _band(score)
    return None if band is None else BAND_COLORS[band]


def band_label(band: str | None) -> str:
    """A band as it is always shown next to its colour: icon and name ("✕ Red"); "No band" for None."""
    return f"{BAND_ICONS[band]} {BAND_NAMES[band]}" if band in BAND_COLORS else "No band"


def band_code(score: float | None) -> float | None:
    """Where a score sits on :data:`BAND_SCALE` (0.5 red, 1.5 amber, 2.5 green; None without a
    score), for a heatmap drawn with ``zmin=0, zmax=3``."""
    band = _band(score)
    return None if band is None else BANDS.index(band) + 0.5


def _house_template() -> go.layout.Template:
    """Plotly's "plotly_white" cut to what these charts use (the page layout, bars and heatmaps): the
    same look, but a figure takes it in a fifth of the time, which every rerun of a page pays."""
    white = pio.templates["plotly_white"]
    kept = ("autotypenumbers", "font", "hovermode", "hoverlabel", "paper_bgcolor", "plot_bgcolor", "xaxis",
            "yaxis", "shapedefaults", "annotationdefaults", "title")  # fmt: skip
    layout = {key: value for key, value in white.layout.to_plotly_json().items() if key in kept}
    return go.layout.Template(
        layout=layout,
        data={
            "bar": white.data.bar,
            "heatmap": [{"type": "heatmap", "colorbar": {"outlinewidth": 0, "ticks": ""}}],
        },
    )


TEMPLATE = "purpose_pulse"
pio.templates[TEMPLATE] = _house_template()


def style(fig: go.Figure, *, title: str | None = None, height: int = 380) -> go.Figure:
    """Apply the house style: white background, large type, legend on top, tight margins."""
    fig.update_layout(
        template=TEMPLATE,
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
