"""The PDF brief's chart, checked on the data its matplotlib figure holds, and its PNG."""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.colors import to_hex
from PIL import Image

from dashboard.charts.printed import png, symptom_profile, text_on
from dashboard.charts.theme import STATUS_COLORS


def _profile():
    frame = pd.DataFrame(
        {
            # Out of order on purpose: the chart reads by symptom number.
            "number": [9, 1, 15, 4],
            "score": [40, 82, None, 8],
            "previous_score": [55, 80, 70, 30],
            "status": ["red", "green", "suppressed", "red"],
        }
    )
    return symptom_profile(frame)


def test_bars_are_scores_in_their_band_colour_by_symptom_number():
    ax = _profile().axes[0]
    bars = ax.patches[-4:]  # the three shaded bands come first
    assert [b.get_height() for b in bars] == [82, 8, 40, 0]
    assert [to_hex(b.get_facecolor()).upper() for b in bars] == [
        STATUS_COLORS["green"],
        STATUS_COLORS["red"],
        STATUS_COLORS["red"],
        STATUS_COLORS["suppressed"],
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "4", "9", "15"]


def test_the_previous_score_is_marked_only_where_there_is_a_score_now():
    ax = _profile().axes[0]
    offsets = ax.collections[0].get_offsets()
    # A symptom with no mark is masked (None) or NaN, which is not equal to itself.
    marked = {int(x): y for x, y in offsets.tolist() if x is not None and y is not None and y == y}
    assert marked == {0: 80, 1: 30, 2: 55}


def test_every_band_is_named_and_a_bar_without_a_score_says_why():
    texts = [t.get_text() for t in _profile().axes[0].texts]
    assert {"Red", "Amber", "Green"} <= set(texts)
    assert "hidden" in texts
    # Each score is written on or above its bar; the low one above its previous mark.
    assert {"82", "8", "40"} <= set(texts)


def test_png_is_an_image_of_the_asked_size():
    image = Image.open(io.BytesIO(png(_profile(), dpi=100)))
    assert image.format == "PNG"
    assert image.size == (int(180 / 25.4 * 100), int(48 / 25.4 * 100))  # 180 x 48 mm, truncated


def test_text_on_a_band_colour_is_the_more_readable_of_white_and_ink():
    assert text_on(STATUS_COLORS["red"]) == "#FFFFFF"
    assert text_on(STATUS_COLORS["amber"]) != "#FFFFFF"
    assert text_on("#FFFFFF") != "#FFFFFF" and text_on("#000000") == "#FFFFFF"
