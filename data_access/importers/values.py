"""Parsing the values real exports contain: dates in three orders, amounts with currency symbols and
either decimal mark, booleans in every spelling, percentages.

Each parser takes the raw cell text and returns a Python value or raises :class:`ValueError` with a short
reason that the validation layer puts in front of the user ("'31/02/2024' is not a date").

Dates are parsed with explicit patterns rather than ``dateutil``'s guessing on purpose: a guesser silently
reads 03/04/2024 as either March or April per value, and that is exactly the ambiguity an import must
refuse. The order of a file's slashed dates is decided once for the whole file (:func:`infer_date_order`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

DATE_ORDERS = ("ymd", "mdy", "dmy")
DATE_ORDER_ALIASES = {
    "iso": "ymd",
    "ymd": "ymd",
    "us": "mdy",
    "mdy": "mdy",
    "eu": "dmy",
    "european": "dmy",
    "dmy": "dmy",
    "%m/%d/%Y": "mdy",
    "%d/%m/%Y": "dmy",
    "%d.%m.%Y": "dmy",
    "%Y-%m-%d": "ymd",
}

# re.ASCII: only 0-9 are digits; a cell in another script's digits is text, not a date or amount.
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](.*))?$", re.ASCII)
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?:,?\s+(.*))?$", re.ASCII)
_TIME = re.compile(
    r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp]\.?[Mm]\.?)?\s*(?:Z|UTC|GMT|[A-Z]{2,5})?$",
    re.ASCII,
)
# Dates outside these years are typing errors or damaged cells, not deals or hires.
FIRST_YEAR, LAST_YEAR = 1900, 2100
_TEXT_MONTH_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%d-%b-%y", "%b %d %Y")

TRUE_WORDS = frozenset({"1", "1.0", "true", "t", "yes", "y", "on", "x", "checked", "won", "closed"})
FALSE_WORDS = frozenset({"0", "0.0", "false", "f", "no", "n", "off", "unchecked", "open"})

_CURRENCY_CHARS = "$€£¥₹₩₽₺₪₫฿₱¢"
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_CODE = re.compile(r"^[A-Z]{3}|[A-Z]{3}$")
_GROUPED = re.compile(r"^\d{1,3}(?:X\d{3})+$")
# The largest amount a Numeric(14, 2) column holds.
MAX_AMOUNT = Decimal("999999999999.99")


def resolve_date_format(text: str) -> tuple[str, str | None]:
    """Turn a ``--date-format`` value into (order, strptime format or None).

    Accepts ``iso``/``us``/``eu`` (and ``ymd``/``mdy``/``dmy``) or any strptime format such as
    ``%d/%m/%Y``.
    """
    key = text.strip()
    if key.lower() in DATE_ORDER_ALIASES:
        return DATE_ORDER_ALIASES[key.lower()], None
    if key in DATE_ORDER_ALIASES:
        return DATE_ORDER_ALIASES[key], key
    if "%" not in key:
        raise ValueError(f"'{text}' is not a date format; use iso, us, eu or a pattern such as %d/%m/%Y")
    positions = {c: key.find(c) for c in "dmY" if key.find("%" + c) >= 0}
    order = "ymd"
    if "d" in positions and "m" in positions:
        order = "dmy" if key.find("%d") < key.find("%m") else "mdy"
        if key.find("%Y") >= 0 and key.find("%Y") < min(key.find("%d"), key.find("%m")):
            order = "ymd"
    return order, key


def classify_date(text: str) -> str | None:
    """Which orders a date string allows: 'ymd', 'mdy', 'dmy', 'either' (ambiguous) or None (not numeric)."""
    value = text.strip()
    if _ISO.match(value):
        return "ymd"
    found = _NUMERIC.match(value)
    if not found:
        return None
    first, sep, second = int(found.group(1)), found.group(2), int(found.group(3))
    if sep == ".":
        return "dmy"  # dotted dates are a day-first convention (de, fr, nl, pl, ...)
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    if first <= 12 and second <= 12:
        return "either"
    return None


def infer_date_order(values: Iterable[str]) -> str | None:
    """The order of a file's numeric day/month dates, decided once for the whole file.

    Returns 'mdy' or 'dmy' when the values show it, None when there are no such dates (ISO only or
    empty), and raises :class:`ValueError` when every slashed date could be read either way or when the
    file mixes both orders.
    """
    seen: set[str] = set()
    example = ""
    for value in values:
        kind = classify_date(value)
        if kind in ("mdy", "dmy"):
            seen.add(kind)
        elif kind == "either":
            seen.add("either")
            example = example or value.strip()
    if "mdy" in seen and "dmy" in seen:
        raise ValueError("mixes month-first and day-first dates")
    if "mdy" in seen:
        return "mdy"
    if "dmy" in seen:
        return "dmy"
    if "either" in seen:
        raise ValueError(f"has dates such as '{example}' that could be day/month or month/day")
    return None


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _time(text: str | None, original: str) -> dt.time:
    if not text:
        return dt.time()
    found = _TIME.match(text.strip())
    if not found:
        raise ValueError(f"'{original}' is not a date and time")
    hour, minute, second = int(found.group(1)), int(found.group(2)), int(found.group(3) or 0)
    meridiem = (found.group(4) or "").lower().replace(".", "")
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(f"'{original}' has an impossible hour")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        raise ValueError(f"'{original}' has an impossible time") from None


def parse_datetime(text: str, order: str | None = None, pattern: str | None = None) -> dt.datetime:
    """Parse a date or date-time in ISO, US (month first) or European (day first) form.

    ``order`` is the file's order for numeric dates ('mdy' or 'dmy'); ``pattern`` a strptime format the
    user gave with ``--date-format``. Time zones are converted to UTC and dropped (the database stores
    naive UTC). Years outside 1900-2100 and digits other than 0-9 are refused.
    """
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        raise ValueError(f"'{text.strip()[:60]}' is not a date (use the digits 0-9)")
    try:
        parsed = _parse_datetime(text, order, pattern)
    except OverflowError:
        raise ValueError(
            f"'{text.strip()[:60]}' is not a date between {FIRST_YEAR} and {LAST_YEAR}"
        ) from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise ValueError(f"'{text.strip()[:60]}' is not a date between {FIRST_YEAR} and {LAST_YEAR}")
    return parsed


def _parse_datetime(text: str, order: str | None, pattern: str | None) -> dt.datetime:
    value = text.strip()
    if pattern:
        for candidate in (value, value.split("T")[0].split(" ")[0]):
            try:
                return dt.datetime.strptime(candidate, pattern)
            except ValueError:
                continue
    iso = _ISO.match(value)
    if iso:
        try:
            parsed = dt.datetime.fromisoformat(value.replace("/", "-") if "/" in value[:10] else value)
        except ValueError:
            try:
                day = dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
            except ValueError:
                raise ValueError(f"'{text}' is not a date") from None
            return dt.datetime.combine(day, _time(iso.group(4), text))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
        return parsed
    numeric = _NUMERIC.match(value)
    if numeric:
        first, sep, second = int(numeric.group(1)), numeric.group(2), int(numeric.group(3))
        use = "dmy" if sep == "." else order
        if use is None:
            use = "dmy" if first > 12 else "mdy" if second > 12 else None
        if use is None:
            raise ValueError(f"'{text}' could be day/month or month/day")
        month, day = (first, second) if use == "mdy" else (second, first)
        try:
            return dt.datetime.combine(
                dt.date(_year(numeric.group(4)), month, day), _time(numeric.group(5), text)
            )
        except ValueError as exc:
            if "time" in str(exc) or "hour" in str(exc):
                raise
            expected = "month/day/year" if use == "mdy" else "day/month/year"
            raise ValueError(f"'{text}' is not a date (read as {expected})") from None
    for fmt in _TEXT_MONTH_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date")


def parse_date(text: str, order: str | None = None, pattern: str | None = None) -> dt.date:
    """Like :func:`parse_datetime`, keeping the date only."""
    return parse_datetime(text, order, pattern).date()


def looks_decimal_comma(values: Iterable[str]) -> bool | None:
    """Whether a column writes amounts with a decimal comma (1.234,50), as far as its values show.

    True when some value ends in a comma and one or two digits or has a comma after its last dot;
    False when some value shows a decimal dot the same way; None when nothing tells.
    """
    for value in values:
        digits = _strip_currency(value)
        if "," in digits and "." in digits:
            return digits.rfind(",") > digits.rfind(".")
        if re.search(r"\d,\d{1,2}$", digits) or re.search(r"\d,\d{4,}$", digits):
            return True
        if re.search(r"\d\.\d{1,2}$", digits) or re.search(r"\d\.\d{4,}$", digits):
            return False
    return None


def _strip_currency(text: str) -> str:
    value = _SPACES.sub("", text.strip())
    value = value.strip(_CURRENCY_CHARS)
    value = _CODE.sub("", value)
    return value.strip(_CURRENCY_CHARS)


def parse_amount(text: str, decimal_comma: bool | None = None) -> Decimal:
    """Parse an amount such as ``$1,234.50``, ``1.234,50 €``, ``USD 1234``, ``(250.00)`` or ``-3,5``.

    ``decimal_comma`` is the column's convention (see :func:`looks_decimal_comma`); a lone group such as
    ``1,234`` is read as thousands unless the column uses decimal commas.
    """
    raw = text.strip()
    if any(ch.isdigit() and not ch.isascii() for ch in raw):
        raise ValueError(f"'{raw[:60]}' is not an amount (use the digits 0-9)")
    value = _SPACES.sub("", raw)
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    value = value.strip(_CURRENCY_CHARS)
    value = _CODE.sub("", value).strip(_CURRENCY_CHARS)
    if value.startswith("-") or value.endswith("-"):
        negative, value = True, value.strip("-")
    elif value.startswith("+"):
        value = value[1:]
    value = value.strip(_CURRENCY_CHARS)
    if not value or not re.fullmatch(r"[\d.,]+", value) or not re.search(r"\d", value):
        raise ValueError(f"'{raw}' is not an amount")
    dots, commas = value.count("."), value.count(",")
    if dots and commas:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
    elif commas:
        tail = len(value) - value.rfind(",") - 1
        decimal_mark = "," if commas == 1 and (decimal_comma or tail != 3) else ""
    elif dots:
        tail = len(value) - value.rfind(".") - 1
        decimal_mark = "" if dots > 1 or (decimal_comma and tail == 3) else "."
    else:
        decimal_mark = ""
    if decimal_mark:
        whole, _, fraction = value.rpartition(decimal_mark)
    else:
        whole, fraction = value, ""
    # The thousands separator is the mark that is not the decimal one.
    thousands = {",": ".", ".": ","}.get(decimal_mark, "." if dots else ",")
    if thousands in whole:
        if not _GROUPED.match(whole.replace(thousands, "X")):
            raise ValueError(f"'{raw}' is not an amount (misplaced thousands separator)")
        whole = whole.replace(thousands, "")
    if not whole.isdigit() and whole != "" or (fraction and not fraction.isdigit()):
        raise ValueError(f"'{raw}' is not an amount")
    try:
        amount = Decimal(f"{whole or '0'}.{fraction or '0'}")
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not an amount") from None
    if amount > MAX_AMOUNT:
        raise ValueError(f"'{raw}' is too large to be an amount")
    return -amount if negative else amount


def parse_bool(text: str) -> bool:
    """Parse a yes/no cell: 1/0, TRUE/FALSE, Yes/No, Y/N, T/F, on/off, x, checked."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"'{text}' is not yes/no (use 1/0, true/false or yes/no)")


def parse_ratio(text: str, *, percent: bool = False, decimal_comma: bool | None = None) -> float:
    """A share as a fraction 0..1 from '15%', '15' (percent), '0.15' or, with ``percent``, always /100.

    Without ``percent``, a value above 1 is read as a percentage (a discount of 15 is 15%, not 1500%).
    """
    raw = text.strip()
    has_sign = raw.endswith("%")
    number = float(parse_amount(raw.rstrip("%").strip(), decimal_comma))
    if percent or has_sign or abs(number) > 1:
        number /= 100
    return number
