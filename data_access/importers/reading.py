"""Reading a delimited text file the way exports really arrive.

Handles UTF-8 with or without a byte-order mark, UTF-16 with a BOM (Excel's "Unicode text"),
Windows-1252 (Excel on Windows), CRLF or LF line ends, comma, semicolon, tab or pipe delimiters, blank
lines, and the footer Salesforce appends to report exports. Binary files, spreadsheets and empty files
are refused with one sentence naming the file. Line numbers are the file's physical lines (header = 1),
so a user can find a rejected row in a text editor.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field

from data_access.importers.errors import UnreadableFile

DELIMITERS = (",", ";", "\t", "|")
_SIGNATURES = (
    (b"PK\x03\x04", "is an Excel workbook or another zip archive, not a CSV file; save it as CSV first"),
    (b"\xd0\xcf\x11\xe0", "is an old Excel (.xls) workbook, not a CSV file; save it as CSV first"),
    (b"%PDF", "is a PDF document, not a CSV file"),
    (b"\x1f\x8b", "is a gzip archive, not a CSV file; unpack it first"),
)


@dataclass(frozen=True)
class RawTable:
    """A file's header and rows as text, with where each row starts in the file."""

    file_name: str
    sha256: str
    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    rows: list[tuple[int, list[str]]]
    notes: list[str] = field(default_factory=list)

    def raw_record(self, cells: list[str]) -> dict[str, str]:
        """The row as header -> value, keeping extra cells under "extra 1", "extra 2", ..."""
        record = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(self.headers)}
        for extra, value in enumerate(cells[len(self.headers) :], start=1):
            record[f"extra {extra}"] = value
        return record


def decode(data: bytes, file_name: str) -> tuple[str, str]:
    """The text of a file and the encoding it was read with; refuses binary files."""
    if not data.strip():
        raise UnreadableFile(f"{file_name} is empty.")
    for signature, problem in _SIGNATURES:
        if data.startswith(signature):
            raise UnreadableFile(f"{file_name} {problem}.")
    if data.startswith(codecs.BOM_UTF8):
        encoding, text = "utf-8-sig", _strict(data, "utf-8-sig", file_name)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, text = "utf-16", _strict(data, "utf-16", file_name)
    elif b"\x00" in data:
        raise UnreadableFile(f"{file_name} is a binary file, not a CSV text file.")
    else:
        try:
            encoding, text = "utf-8", data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                encoding, text = "windows-1252", data.decode("cp1252")
            except UnicodeDecodeError:
                raise UnreadableFile(
                    f"{file_name} is neither UTF-8 nor Windows-1252 text; save it as CSV (UTF-8)."
                ) from None
    controls = sum(1 for ch in text if ch not in "\t\r\n" and unicodedata.category(ch) == "Cc")
    if "\x00" in text or controls > max(2, len(text) // 200):
        raise UnreadableFile(f"{file_name} is a binary file, not a CSV text file.")
    return text, encoding


def _strict(data: bytes, encoding: str, file_name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UnreadableFile(
            f"{file_name} starts with a {encoding} byte-order mark but is not {encoding} text."
        ) from None


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: the candidate that splits it into the most columns."""
    best, best_count = ",", 0
    for candidate in DELIMITERS:
        count = len(next(csv.reader([first_line], delimiter=candidate), []))
        if count > best_count:
            best, best_count = candidate, count
    return best


def read_table(data: bytes, file_name: str) -> RawTable:
    """Read a delimited text file into a :class:`RawTable`.

    Raises :class:`UnreadableFile` for binary, empty or header-only files, a file without a usable header,
    duplicate column names, or a quoting error that makes the rest of the file unreadable.
    """
    text, encoding = decode(data, file_name)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: tuple[str, ...] | None = None
    rows: list[tuple[int, list[str]]] = []
    blank_since: int | None = None
    pending_footer: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                if headers is not None and blank_since is None:
                    blank_since = len(rows)
                continue
            if headers is None:
                headers = _header(cells, file_name)
                continue
            if blank_since is not None and sum(1 for c in cells if c.strip()) <= 1 < len(headers):
                pending_footer.append((start, cells))
                continue
            # Something real after what looked like a footer: it was not a footer after all.
            rows.extend(pending_footer)
            pending_footer.clear()
            rows.append((start, cells))
    except csv.Error as exc:
        raise UnreadableFile(f"{file_name} cannot be read as CSV at line {reader.line_num}: {exc}.") from None
    if headers is None:
        raise UnreadableFile(f"{file_name} is empty.")
    if not rows:
        raise UnreadableFile(f"{file_name} has a header but no data rows.")
    notes = []
    if pending_footer:
        first, last = pending_footer[0][0], pending_footer[-1][0]
        notes.append(f"Ignored {len(pending_footer)} footer line(s) after the data (lines {first}-{last}).")
    return RawTable(
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        delimiter=delimiter,
        headers=headers,
        rows=rows,
        notes=notes,
    )


def _header(cells: list[str], file_name: str) -> tuple[str, ...]:
    names = [cell.strip().strip("\ufeff").strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    names = [name or f"column {i}" for i, name in enumerate(names, start=1)]
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise UnreadableFile(f"{file_name} has two columns named '{name}'; rename one of them.")
        seen.add(name.lower())
    return tuple(names)
