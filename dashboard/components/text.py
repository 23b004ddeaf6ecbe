"""Words for results: statuses, trends, changes and why a figure is not scored."""

from __future__ import annotations

from dashboard.formatting import fmt_change  # noqa: F401 - the one formatter, used by components
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
