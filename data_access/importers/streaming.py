"""Reading a delimited file in chunks of rows, so memory stays bounded however long the file is.

It reads exactly as :func:`data_access.importers.reading.read_table` does (same encodings, delimiters,
blank lines, footer, line numbers and the same sentences for a file that cannot be read), but never
holds the whole file: one pass over the bytes decides the encoding and checksum, and the rows are then
read as often as needed, one chunk at a time. Workbooks are read whole (a sheet is loaded at once by
the spreadsheet reader anyway) and handed out in the same chunks.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from data_access.importers.errors import UnreadableFile
from data_access.importers.reading import (
    _SIGNATURES,
    MAX_HEADER_BYTES,
    RawTable,
    _header,
    csv_lines,
    is_workbook,
    read_workbook,
    sniff_delimiter,
)

BLOCK = 1 << 20
# Unicode category Cc, less the tab and line ends: what decode() counts as binary noise.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

Line = tuple[int, list[str]]


class FileBytes:
    """A file to import, on disk or already in memory (an upload), opened afresh for every pass."""

    def __init__(self, data: bytes | Path | str) -> None:
        self._data = data if isinstance(data, bytes) else None
        self._path = None if isinstance(data, bytes) else Path(data)

    def open(self) -> BinaryIO:
        if self._data is not None:
            return io.BytesIO(self._data)
        return self._path.open("rb")  # type: ignore[union-attr]

    def read_all(self) -> bytes:
        if self._data is not None:
            return self._data
        return self._path.read_bytes()  # type: ignore[union-attr]


def _decoded_blocks(raw: FileBytes, encoding: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)()
    with raw.open() as fh:
        while block := fh.read(BLOCK):
            yield decoder.decode(block)
    yield decoder.decode(b"", final=True)


def _text_checks(raw: FileBytes, encoding: str, file_name: str) -> None:
    """Raise UnicodeDecodeError for text not in ``encoding``; refuse a text with binary noise in it."""
    length = controls = 0
    nul = False
    for text in _decoded_blocks(raw, encoding):
        length += len(text)
        controls += len(_CONTROLS.findall(text))
        nul = nul or "\x00" in text
    if nul or controls > max(2, length // 200):
        raise UnreadableFile(f"{file_name} is a binary file, not a CSV text file.")


def scan(raw: FileBytes, file_name: str) -> tuple[str, str]:
    """(sha256, encoding) of a text file, with the checks of ``reading.decode``, in blocks."""
    digest = hashlib.sha256()
    head = b""
    content = nul = False
    with raw.open() as fh:
        while block := fh.read(BLOCK):
            if not head:
                head = block[:16]
            digest.update(block)
            content = content or bool(block.strip())
            nul = nul or b"\x00" in block
    if not content:
        raise UnreadableFile(f"{file_name} is empty.")
    for signature, problem in _SIGNATURES:
        if head.startswith(signature):
            raise UnreadableFile(f"{file_name} {problem}.")
    if head.startswith(codecs.BOM_UTF8) or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-16"
        try:
            _text_checks(raw, encoding, file_name)
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"{file_name} starts with a {encoding} byte-order mark but is not {encoding} text."
            ) from None
        return digest.hexdigest(), encoding
    if nul:
        raise UnreadableFile(f"{file_name} is a binary file, not a CSV text file.")
    for encoding in ("utf-8", "cp1252"):
        try:
            _text_checks(raw, encoding, file_name)
        except UnicodeDecodeError:
            continue
        return digest.hexdigest(), "windows-1252" if encoding == "cp1252" else encoding
    raise UnreadableFile(f"{file_name} is neither UTF-8 nor Windows-1252 text; save it as CSV (UTF-8).")


# Rows per list when a file's rows are asked for one by one.
ROWS_PER_READ = 10_000


@dataclass
class RowStream:
    """A file's rows, readable as often as needed: ``meta`` is its header and facts (no rows),
    ``rows()`` yields (line number, cells) with blank lines and the footer left out.

    ``rows_read`` and the footer note in ``notes`` are known once the rows have been read through.
    """

    meta: RawTable
    _lines: Callable[[list[str]], Iterator] | None = None
    rows_read: int | None = None
    notes: list[str] = field(default_factory=list)
    # A file's rows in lists, read in one loop: ``(size, notes, counted) -> lists of rows``.
    _chunks: Callable[[int, list[str], list[int]], Iterator[list[Line]]] | None = None

    def rows(self) -> Iterator[Line]:
        if self._chunks is not None:
            for part in self.chunks(ROWS_PER_READ):
                yield from part
            return
        found: list[str] = []
        lines = self._lines(found)
        next(lines)  # the header
        count = 0
        for row in lines:
            count += 1
            yield row
        self.rows_read = count
        self.notes = [*self.meta.notes, *found]

    def chunks(self, size: int) -> Iterator[list[Line]]:
        """:meth:`rows` in lists of at most ``size`` rows."""
        if self._chunks is None:
            yield from chunked(self.rows(), size)
            return
        found: list[str] = []
        counted: list[int] = []
        for part in self._chunks(size, found, counted):
            if counted:  # the file is read through
                self.rows_read, self.notes = counted[0], [*self.meta.notes, *found]
            yield part
        self.rows_read, self.notes = counted[0], [*self.meta.notes, *found]


def _assembled_chunks(reader, file_name: str, size: int, notes: list[str], counted: list[int]) -> Iterator:
    """A file's data rows in lists of ``size``, in one loop over ``reader``: ``reading._assemble``'s
    rules (blank lines left out, a footer after a blank line held back until the file ends or something
    real follows it, its note added to ``notes``) and its sentences for a file that cannot be read. The
    number of rows is added to ``counted`` once the file is read through, before the last list."""
    headers = None
    width = end = count = 0
    blank = False
    pending: list[Line] = []
    part: list[Line] = []
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not (cells and cells[0].strip()) and not "".join(cells).strip():
                blank = blank or headers is not None
                continue
            if headers is None:
                headers = _header(cells, file_name)
                width = len(headers)
                continue
            if blank and sum(1 for c in cells if c.strip()) <= 1 < width:
                pending.append((start, cells))  # a footer, unless something real follows
                continue
            if pending:
                for row in pending:
                    count += 1
                    part.append(row)
                    if len(part) >= size:
                        yield part
                        part = []
                pending.clear()
            count += 1
            part.append((start, cells))
            if len(part) >= size:
                yield part
                part = []
    except csv.Error as exc:
        raise UnreadableFile(f"{file_name} cannot be read as CSV at line {reader.line_num}: {exc}.") from None
    if headers is None:
        raise UnreadableFile(f"{file_name} is empty.")
    if not count:
        raise UnreadableFile(f"{file_name} has a header but no data rows.")
    if pending:
        notes.append(
            f"Ignored {len(pending)} footer line(s) after the data (lines {pending[0][0]}-{pending[-1][0]})."
        )
    counted.append(count)
    if part:
        yield part


def open_rows(data: bytes | Path | str, file_name: str, sheet: str | None = None) -> RowStream:
    """Read a file's header, ready to hand out its rows in chunks (the first read through counts them).

    Raises :class:`UnreadableFile` with the sentences ``read_table`` uses.
    """
    raw = FileBytes(data)
    with raw.open() as fh:
        head = fh.read(8)
    if is_workbook(head):
        table = read_workbook(raw.read_all(), file_name, sheet)
        return table_rows(table)
    if sheet:
        raise UnreadableFile(f"{file_name} is not an Excel workbook, so it has no sheet '{sheet}'.")
    sha256, encoding = scan(raw, file_name)
    delimiter = _sniff(raw, encoding, file_name)

    with io.TextIOWrapper(raw.open(), encoding=encoding, newline="") as text:
        first = next(
            (
                cells
                for _, cells in csv_lines(csv.reader(text, delimiter=delimiter), file_name)
                if "".join(cells).strip()
            ),
            None,
        )
    if first is None:
        raise UnreadableFile(f"{file_name} is empty.")
    headers = _header(first, file_name)
    meta = RawTable(
        file_name=file_name,
        sha256=sha256,
        encoding=encoding,
        delimiter=delimiter,
        headers=headers,
        rows=[],
    )

    def chunks(size: int, notes: list[str], counted: list[int]) -> Iterator[list[Line]]:
        with io.TextIOWrapper(raw.open(), encoding=encoding, newline="") as text:
            yield from _assembled_chunks(
                csv.reader(text, delimiter=delimiter), file_name, size, notes, counted
            )

    return RowStream(meta, _chunks=chunks)


def table_rows(table: RawTable) -> RowStream:
    """A table already in memory (a workbook's sheet, an upload prepared for preview) as a stream."""

    def lines(_notes: list[str]) -> Iterator:
        yield table.headers
        yield from table.rows

    return RowStream(replace(table, rows=[]), lines, len(table.rows), list(table.notes))


def _sniff(raw: FileBytes, encoding: str, file_name: str) -> str:
    """The delimiter of the first non-blank line, refusing a header line too long for an export."""
    limit = MAX_HEADER_BYTES + 1
    with io.TextIOWrapper(raw.open(), encoding=encoding, newline="") as text:
        while line := text.readline(limit):
            first = next((part for part in line.splitlines() if part.strip()), "")
            if first or len(line) >= limit:
                if len(line) >= limit or len(first.encode("utf-8")) > MAX_HEADER_BYTES:
                    raise UnreadableFile(
                        f"{file_name} has a header line longer than {MAX_HEADER_BYTES // 1024} KiB, "
                        "so it is not a CSV export."
                    )
                return sniff_delimiter(first)
    return sniff_delimiter("")


def chunked(rows: Iterator[Line], size: int) -> Iterator[list[Line]]:
    """Lists of at most ``size`` rows."""
    part: list[Line] = []
    for row in rows:
        part.append(row)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part
