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
