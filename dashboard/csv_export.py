"""Every CSV the product writes goes through here, so a cell can never run as a spreadsheet formula.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets strip before evaluating) gets a leading apostrophe, as OWASP's CSV-injection guidance
advises. Numbers stay numbers: a negative amount is data, not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell as it is safe to write: text starting like a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    """Write ``rows`` (dicts) with a header of ``columns`` to ``out``; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([neutralise(row.get(c)) for c in columns])
        count += 1
    return count


def csv_bytes(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """The CSV as UTF-8 bytes with a byte-order mark, so Excel shows accented names correctly."""
    buffer = io.StringIO()
    write_csv(rows, columns, buffer)
    return buffer.getvalue().encode("utf-8-sig")


def dataframe_csv_bytes(frame) -> bytes:
    """A pandas DataFrame as safe CSV bytes (for ``st.download_button``)."""
    columns = [str(c) for c in frame.columns]
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return csv_bytes(({str(k): v for k, v in r.items()} for r in records), columns)
