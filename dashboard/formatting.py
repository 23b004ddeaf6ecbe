"""Number and date formatting shared by pages, charts and the report: one look everywhere."""

from __future__ import annotations

import datetime as dt
import math


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_count(value) -> str:
    return "—" if _missing(value) else f"{int(value):,}"


def fmt_currency(value, symbol: str = "$") -> str:
    """$1.2M, $340K, $950: compact, for headline numbers."""
    if _missing(value):
        return "—"
    amount = float(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= 1_000_000_000:
        return f"{sign}{symbol}{amount / 1_000_000_000:.1f}B"
    if amount >= 1_000_000:
        return f"{sign}{symbol}{amount / 1_000_000:.1f}M"
    if amount >= 10_000:
        return f"{sign}{symbol}{amount / 1_000:.0f}K"
    return f"{sign}{symbol}{amount:,.0f}"


def fmt_percent(value, digits: int = 0) -> str:
    """A fraction 0..1 shown as a percentage."""
    return "—" if _missing(value) else f"{float(value) * 100:.{digits}f}%"


def fmt_date(value) -> str:
    if _missing(value):
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value:%-d %b %Y}"
