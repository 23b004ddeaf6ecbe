"""Words for results: statuses, trends, changes and why a figure is not scored."""

from __future__ import annotations

import pandas as pd

from metrics.metric import MetricResult
from metrics.parameters import MetricSettings
from metrics.privacy import minimum_respondents

STATUS_TEXT = {
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "too_few": "Too few",
    "incomplete": "To date",
    "needs": "Needs data",
    "suppressed": "Hidden",
}


TREND_WORDS = {"improving": "improving", "worsening": "worsening", "steady": "steady"}


IMPORT_HINT = "Import it with `python -m dashboard import …` or on the Data › Imports page."


def fmt_change(change: float | None, unit: str) -> str:
    """A change of a value in its unit: +4.0 pts (shares), +6 (eNPS points), -0.10, +0.2."""
    if change is None or pd.isna(change):
        return "—"
    if unit == "share":
        return f"{change * 100:+.1f} pts"
    if unit == "points":
        return f"{change:+.0f}"
    if unit == "per_deal":
        return f"{change:+.2f}"
    return f"{change:+.1f}"


def trend_text(result: MetricResult) -> str:
    """An arrow for where the value went (▲ up, ▼ down) and whether that is better or worse."""
    if result.trend is None or result.value is None or result.previous is None:
        return "— no previous value"
    arrow = "▲" if result.value > result.previous else "▼" if result.value < result.previous else "►"
    if result.trend == "steady":
        arrow = "►"
    return f"{arrow} {TREND_WORDS.get(result.trend, result.trend)}"


def hidden_text(settings: MetricSettings) -> str:
    minimum = minimum_respondents(settings)
    return f"hidden: fewer than {minimum} respondents, or a smaller group could be worked out by subtraction"


def why_text(result: MetricResult, settings: MetricSettings) -> str:
    """The one-line reason behind a row: the evidence in a sentence, what data it needs, or why it is hidden."""
    if result.status == "needs":
        return result.needs or "needs data"
    if result.status == "suppressed":
        return hidden_text(settings)
    if not result.scored:
        return result.reason or result.detail
    return result.detail
