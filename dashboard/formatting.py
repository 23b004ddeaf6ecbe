"""Number and date formatting shared by pages, charts and the report: one look everywhere."""

from __future__ import annotations

import datetime as dt
import math


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_count(value) -> str:
    return "—" if _missing(value) else f"{int(value):,}"


def fmt_currency(value, symbol: str | None = None) -> str:
    """$1.2M, R$340K, €950: compact, for headline numbers, in the organisation's currency."""
    from metrics.money import money

    if symbol is None:
        return money(value)
    text = money(value)
    from metrics.money import symbol as current

    return text.replace(current(), symbol, 1)


def fmt_percent(value, digits: int = 0) -> str:
    """A fraction 0..1 shown as a percentage."""
    return "—" if _missing(value) else f"{float(value) * 100:.{digits}f}%"


def fmt_date(value) -> str:
    if _missing(value):
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value:%-d %b %Y}"


def fmt_change(change, unit: str) -> str:
    """A change of a symptom's value in its unit: +4.0 pts (shares), +6 (eNPS points), +0.10, +0.2."""
    if _missing(change):
        return "—"
    if unit == "share":
        return f"{change * 100:+.1f} pts"
    if unit == "points":
        return f"{change:+.0f}"
    if unit == "per_deal":
        return f"{change:+.2f}"
    return f"{change:+.1f}"


def fmt_trend(value, previous, trend: str | None) -> str:
    """Where a value went against the previous period, as the scorecard shows it: an arrow (▲ up,
    ▼ down, ► steady) and whether that is better or worse; "— no previous value" without one, and
    a dash when the figure is not compared (too few to score)."""
    if _missing(previous):
        return "— no previous value"
    if trend is None or _missing(value):
        return "—"
    arrow = "▲" if value > previous else "▼" if value < previous else "►"
    return f"{'►' if trend == 'steady' else arrow} {trend}"
