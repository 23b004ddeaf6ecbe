"""The band colours: one discrete definition that follows the band edges exactly."""

from __future__ import annotations

import pytest

from dashboard.charts.printed import text_on
from dashboard.charts.theme import (
    BAND_COLORS,
    BAND_TEXT,
    STATUS_COLORS,
    band_code,
    band_color,
    band_label,
)

RED, AMBER, GREEN = BAND_COLORS["red"], BAND_COLORS["amber"], BAND_COLORS["green"]


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        (0, RED),
        (49, RED),
        (50, RED),
        # A score is banded on the whole number it is shown as (Python rounds halves to even, like
        # the "50" the page prints for 50.5).
        (50.49, RED),
        (50.5, RED),
        (50.6, AMBER),
        (51, AMBER),
        (75, AMBER),
        (75.4, AMBER),
        (75.5, GREEN),
        (76, GREEN),
        (100, GREEN),
    ],
)
def test_a_score_takes_the_colour_of_the_band_its_edges_put_it_in(score, colour):
    assert band_color(score) == colour


def test_no_score_has_no_band_colour():
    assert band_color(None) is None and band_color(float("nan")) is None
    assert band_code(None) is None and band_label(None) == "No band"


def test_the_three_bands_are_three_different_colours_each_with_an_icon_and_a_name():
    assert len({RED, AMBER, GREEN}) == 3
    assert [band_label(b) for b in ("red", "amber", "green")] == ["✕ Red", "! Amber", "✓ Green"]
    assert [band_code(s) for s in (50, 51, 76)] == [0.5, 1.5, 2.5]


def test_every_chart_and_the_pdf_share_the_band_colours():
    assert {band: STATUS_COLORS[band] for band in BAND_COLORS} == BAND_COLORS


def _lightness(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_red_and_amber_differ_in_lightness_so_they_read_apart_without_hue():
    # Red and amber are the pair red-green colour blindness confuses most: far apart in lightness.
    assert _lightness(AMBER) - _lightness(RED) > 0.3
    # The text on each band is the more readable of white and ink.
    assert all(text_on(BAND_COLORS[band]) == BAND_TEXT[band] for band in BAND_COLORS)
