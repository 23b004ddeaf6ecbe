"""Reading a delimited text file the way exports really arrive.

Handles UTF-8 with or without a byte-order mark, UTF-16 with a BOM (Excel's "Unicode text"),
Windows-1252 (Excel on Windows), CRLF or LF line ends, comma, semicolon, tab or pipe delimiters, blank
lines, and the footer Salesforce appends to report exports. Excel workbooks (.xlsx, .xls) and
OpenDocument sheets are read directly (:func:`read_workbook`). Binary files and empty files are refused
with one sentence naming the file. Line numbers are the file's physical lines (header = 1),
so a user can find a rejected row in a text editor.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from data_access.importers.errors import UnreadableFile

DELIMITERS = (",", ";", "\t", "|")
_SIGNATURES = (
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
    # Columns the importer added after the file's own (constants from --map field="value").
    added: int = 0

    def raw_record(self, cells: list[str], only: Iterable[str] | None = None) -> dict[str, str]:
        """The row as header -> value; with ``only``, just those headers (what a rejected row keeps)."""
        wanted = None if only is None else set(only)
        return {
            name: (cells[i] if i < len(cells) else "")
            for i, name in enumerate(self.headers)
            if wanted is None or name in wanted
        }


def csv_lines(reader, file_name: str):
    """``(first physical line number, cells)`` of each record a ``csv.reader`` reads (a quoted line
    break spans lines); a malformed file is refused in one sentence naming the line."""
    previous_end = 0
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            yield start, cells
    except csv.Error as exc:
        raise UnreadableFile(f"{file_name} cannot be read as CSV at line {reader.line_num}: {exc}.") from None


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


MAX_HEADER_BYTES = 128 * 1024


def is_workbook(data: bytes) -> bool:
    """Whether ``data`` starts like a workbook: a zip (xlsx, ods) or an OLE document (xls)."""
    return data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


def workbook_sheets(data: bytes) -> list[str]:
    """The sheet names of a workbook (empty for a text file or a workbook that cannot be read)."""
    if not is_workbook(data):
        return []
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except Exception:  # the reader says why when the file is read
        return []


def read_table(data: bytes, file_name: str, sheet: str | None = None) -> RawTable:
    """Read a delimited text file or an Excel workbook's sheet into a :class:`RawTable`.

    Raises :class:`UnreadableFile` for binary, empty or header-only files, a file without a usable header,
    duplicate column names, or a quoting error that makes the rest of the file unreadable.
    """
    if is_workbook(data):
        return read_workbook(data, file_name, sheet)
    if sheet:
        raise UnreadableFile(f"{file_name} is not an Excel workbook, so it has no sheet '{sheet}'.")
    text, encoding = decode(data, file_name)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if len(first_line.encode("utf-8")) > MAX_HEADER_BYTES:
        raise UnreadableFile(
            f"{file_name} has a header line longer than {MAX_HEADER_BYTES // 1024} KiB, so it is not a CSV export."
        )
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def lines():
        return csv_lines(reader, file_name)

    headers, rows, notes = _assemble(lines(), file_name)
    return RawTable(
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        delimiter=delimiter,
        headers=headers,
        rows=rows,
        notes=notes,
    )


def _assemble(lines, file_name: str) -> tuple[tuple[str, ...], list[tuple[int, list[str]]], list[str]]:
    """Header, data rows and notes from (line number, cells) pairs: blank lines and a footer dropped."""
    headers: tuple[str, ...] | None = None
    rows: list[tuple[int, list[str]]] = []
    blank_since: int | None = None
    pending_footer: list[tuple[int, list[str]]] = []
    for start, cells in lines:
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
    if headers is None:
        raise UnreadableFile(f"{file_name} is empty.")
    if not rows:
        raise UnreadableFile(f"{file_name} has a header but no data rows.")
    notes = []
    if pending_footer:
        first, last = pending_footer[0][0], pending_footer[-1][0]
        notes.append(f"Ignored {len(pending_footer)} footer line(s) after the data (lines {first}-{last}).")
    return headers, rows, notes


def cell_text(value) -> str:
    """A workbook cell as the text a CSV export would hold: dates in ISO form, 3.0 as 3, booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _fit(cells: list[str], width: int) -> list[str]:
    """A sheet row as wide as the header: the used area's empty cells past it are padding, not data."""
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        return cells
    return cells[:width] + [""] * (width - len(cells))


def read_workbook(data: bytes, file_name: str, sheet: str | None = None) -> RawTable:
    """The first sheet (or ``sheet``) of an Excel workbook (.xlsx, .xls) or OpenDocument sheet, read with
    python-calamine. Dates come as dates; line numbers are the sheet's row numbers (header = 1)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        if not names:
            raise UnreadableFile(f"{file_name} is a workbook without sheets.")
        if sheet is not None and sheet not in names:
            raise UnreadableFile(f"{file_name} has no sheet '{sheet}' (its sheets: {', '.join(names)}).")
        values = workbook.get_sheet_by_name(sheet or names[0]).to_python(skip_empty_area=False)
    except UnreadableFile:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged or protected files
        raise UnreadableFile(
            f"{file_name} cannot be read as an Excel workbook ({type(exc).__name__}: {str(exc)[:120]})."
        ) from None
    text_rows = [[cell_text(v) for v in row] for row in values]
    if text_rows and len("\t".join(text_rows[0]).encode("utf-8")) > MAX_HEADER_BYTES:
        raise UnreadableFile(f"{file_name} has a header row longer than {MAX_HEADER_BYTES // 1024} KiB.")
    headers, rows, notes = _assemble(((n, cells) for n, cells in enumerate(text_rows, start=1)), file_name)
    width = len(headers)
    # A sheet's rows are as wide as its used area: cells past the header are empty padding.
    rows = [(n, _fit(cells, width)) for n, cells in rows]
    name = sheet or names[0]
    if len(names) > 1:
        notes.insert(0, f"Read sheet '{name}' of {len(names)} (use --sheet NAME for another).")
    return RawTable(
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="xlsx" if data.startswith(b"PK") else "xls",
        delimiter="",
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
