"""Money as the organisation counts it: one currency (ISO 4217), one formatter for pages, exports,
charts and reports.

The organisation's currency is set once per process from the database (:func:`set_currency`, called
when the app or a command opens the database and when Settings saves it); every money format reads
it. Symbols come from Babel's CLDR data in English ("R$" for BRL, "€" for EUR, "CA$" for CAD); a
currency without a symbol of its own shows its code ("CHF 950").
"""

from __future__ import annotations

import functools
import math

DEFAULT_CURRENCY = "USD"
# The symbols of the common currencies, used when Babel is not installed (and checked against it).
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "BRL": "R$", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$"}
_current = [DEFAULT_CURRENCY]


def normalise(code: str) -> str:
    """An ISO 4217 code in capitals; ValueError with one sentence for anything else."""
    from data_access.currency import normalise_code

    return normalise_code(code)


def set_currency(code: str | None) -> None:
    """Make ``code`` the currency every money format uses (None or unknown: the default)."""
    try:
        _current[0] = normalise(code) if code else DEFAULT_CURRENCY
    except ValueError:
        _current[0] = DEFAULT_CURRENCY


def currency() -> str:
    return _current[0]


def symbol(code: str | None = None) -> str:
    """The prefix amounts in ``code`` (default: the organisation's currency) are written with."""
    return _symbol_of(code or currency())


@functools.lru_cache(maxsize=64)
def _symbol_of(code: str) -> str:
    """Babel parses its locale on every lookup: a scorecard's evidence lines write thousands of
    amounts, in one or two currencies."""
    try:
        from babel.numbers import get_currency_symbol

        found = get_currency_symbol(code, locale="en_US")
    except ImportError:  # pragma: no cover
        found = SYMBOLS.get(code, code)
    return f"{found} " if found == code else found


def money(amount, code: str | None = None, *, thousands_from: float = 10_000) -> str:
    """A compact amount for headlines and one-line evidence: $4.3M, R$86K, €950; "—" when missing."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "—"
    value = float(amount)
    sign = "-" if value < 0 else ""
    value = abs(value)
    prefix = symbol(code)
    if value >= 1_000_000_000:
        return f"{sign}{prefix}{value / 1_000_000_000:.1f}B"
    if value >= 1_000_000:
        return f"{sign}{prefix}{value / 1_000_000:.1f}M"
    if value >= thousands_from:
        return f"{sign}{prefix}{value / 1_000:.0f}K"
    return f"{sign}{prefix}{value:,.0f}"


def money_exact(amount, code: str | None = None) -> str:
    """A whole amount with thousands separators: $48,000, R$125,000."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "—"
    value = float(amount)
    return f"{'-' if value < 0 else ''}{symbol(code)}{abs(value):,.0f}"


def column_format(code: str | None = None) -> str:
    """The printf format of a money column in a Streamlit table ("R$%,.0f")."""
    return symbol(code).replace("%", "%%") + "%,.0f"


def hover(path: str = "y", code: str | None = None) -> str:
    """A plotly hover-template amount: "R$%{y:,.0f}"."""
    return symbol(code) + "%{" + path + ":,.0f}"
