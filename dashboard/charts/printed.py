"""Charts for print (the PDF brief): pure ``DataFrame -> matplotlib Figure``, saved as PNG.

The app draws with plotly in the browser; a PDF needs a picture, and turning a plotly figure into
one needs Chromium (Kaleido), seconds per chart. matplotlib draws the same few charts in a fraction
of a second on any machine. Colours are the app's (:mod:`dashboard.charts.theme`), and every bar
stands on a band drawn and named behind it, so no reader depends on telling colours apart.
Only the object-oriented API is used (no pyplot): safe from the download thread of a page.
"""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.figure import Figure

from dashboard.charts.theme import MUTED, STATUS_COLORS

# The bands of a 0-100 score (the index's and every symptom's): red 0-50, amber 51-75, green 76-100.
BANDS = (("red", 0, 50.5, "Red"), ("amber", 50.5, 75.5, "Amber"), ("green", 75.5, 100, "Green"))
INK = "#1F2937"
FONT_SIZE = 8
# Under a bar that has no score, the reason in one or two words.
NO_SCORE = {"too_few": "too few", "incomplete": "to date", "needs": "needs data", "suppressed": "hidden"}
MM = 1 / 25.4


def text_on(fill: str) -> str:
    """White or ink, whichever reads better on ``fill`` (the larger WCAG contrast ratio)."""

    def luminance(color: str) -> float:
        channels = (int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    on_white = 1.05 / (luminance(fill) + 0.05)
    on_ink = (luminance(fill) + 0.05) / (luminance(INK) + 0.05)
    return "#FFFFFF" if on_white >= on_ink else INK


def symptom_profile(frame: pd.DataFrame, *, width_mm: float = 180, height_mm: float = 48) -> Figure:
    """A team's (or the organisation's) symptoms as one bar each, by symptom number: this period's
    score in its band colour with the score written on it, the previous period's score as a black
    line across the bar, and where a symptom has no score, why ("too few", "needs data", "hidden",
    "to date").

    ``frame`` columns: ``number`` (the symptom's number), ``score`` and ``previous_score`` (None
    without one), ``status`` (green, amber, red, or the state of an unscored figure). The red,
    amber and green bands are shaded and named behind the bars.
    """
    frame = frame.sort_values("number")
    count = len(frame)
    fig = Figure(figsize=(width_mm * MM, height_mm * MM))
    # Fixed margins (no tight_layout: it draws the figure once more) leave room for the legend
    # above, the numbers below and the band names on the right.
    ax = fig.add_axes((0.045, 0.2, 0.88, 0.66))
    positions = list(range(count))
    for band, low, high, words in BANDS:
        ax.axhspan(low, high, color=STATUS_COLORS[band], alpha=0.12, linewidth=0)
        ax.text(count - 0.3, (low + high) / 2, words, ha="left", va="center", fontsize=FONT_SIZE, color=INK)
    scores = pd.to_numeric(frame["score"], errors="coerce")
    # Where there is no score this period there is nothing to compare: no previous mark either.
    previous = pd.to_numeric(frame["previous_score"], errors="coerce").where(scores.notna())
    colors = [STATUS_COLORS.get(status, STATUS_COLORS["needs"]) for status in frame["status"]]
    ax.bar(positions, scores.fillna(0), width=0.7, color=colors)
    if previous.notna().any():
        ax.scatter(
            positions,
            previous,
            marker="_",
            s=150,
            linewidths=1.8,
            color=INK,
            zorder=3,
            label="previous period",
        )
        ax.legend(
            loc="lower right", bbox_to_anchor=(1, 1.0), fontsize=FONT_SIZE, frameon=False, borderaxespad=0.2
        )
    ax.set_title(
        "Score of each symptom this period", loc="left", fontsize=FONT_SIZE + 1, color=INK, weight="bold"
    )
    for x, score, before, status, color in zip(
        positions, scores, previous, frame["status"], colors, strict=True
    ):
        if pd.isna(score):
            ax.text(
                x,
                3,
                NO_SCORE.get(status, "no score"),
                ha="center",
                va="bottom",
                rotation=90,
                fontsize=FONT_SIZE - 1,
                color=INK,
                style="italic",
            )
        elif score >= 14:
            # At the foot of the bar, clear of the previous period's mark near its top.
            ax.text(x, 3, f"{score:.0f}", ha="center", va="bottom", fontsize=FONT_SIZE, color=text_on(color))
        else:
            top = score if pd.isna(before) else max(score, before)
            ax.text(x, top + 2.5, f"{score:.0f}", ha="center", va="bottom", fontsize=FONT_SIZE, color=INK)
    ax.set_xticks(positions, [str(n) for n in frame["number"]], fontsize=FONT_SIZE, color=INK)
    ax.set_xlabel("Symptom number (as in the table below)", fontsize=FONT_SIZE, color=MUTED, labelpad=2)
    ax.set_yticks([0, 50, 75, 100], ["0", "50", "75", "100"], fontsize=FONT_SIZE, color=MUTED)
    ax.set_ylim(0, 100)
    ax.set_xlim(-0.6, count - 0.4)
    ax.tick_params(length=0, pad=2)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig


def png(fig: Figure, dpi: int = 220) -> bytes:
    """The figure as PNG bytes, sharp enough for print at ``dpi``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()
