"""One import from bytes to stored rows: read, detect the format, map columns, validate, write.

:func:`prepare` does everything up to validation and is what the Data page previews; :func:`run_import`
writes. The write happens inside a SAVEPOINT on the caller's connection, so an unexpected failure half
way leaves nothing behind, and a dry run is the same import rolled back to that savepoint.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from sqlalchemy import Connection

from data_access.importers.errors import UnreadableFile
from data_access.importers.reading import RawTable, read_table
from data_access.importers.refs import Directory
from data_access.importers.spec import Constant, Format, Source, constant_header, detect_format, map_columns
from data_access.importers.store import finish_batch, record_rejections, settle, start_batch, utc_now
from data_access.importers.validation import ParseContext, Rejection, ValidRow, build_context, validate_rows

ProgressFn = Callable[[float, str], None]


def _silent(_fraction: float, _message: str) -> None:
    return None


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file: a forced format, column mapping overrides, the date format, dry run."""

    format: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    dry_run: bool = False
    imported_by: str | None = None
    # When opportunity changes are dated (default: the import time).
    changed_at: dt.datetime | None = None
    # canonical field -> {source value (folded): stored value or None}, from --values.
    value_maps: dict[str, dict[str, str | None]] = field(default_factory=dict)
    # Conflicts inside the file (a team with two parents) reject rows instead of warning.
    strict: bool = False
    # The workbook sheet to read (default: the first).
    sheet: str | None = None
    # A wide survey file: one column per question (see data_access.importers.surveys.widen).
    questions: tuple = ()
    wide: bool = False
    submitted_at: dt.datetime | None = None


@dataclass
class ImportResult:
    """What an import did; ``inserted + updated + unchanged + rejected == rows_read``."""

    source: str
    file_name: str
    format: str
    batch_id: int | None = None
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    created: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0
    parts: list[ImportResult] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["parts"] = [part.to_dict() for part in self.parts]
        out["rows_per_second"] = round(self.rows_read / self.seconds) if self.seconds > 0 else None
        return out

    def summary_line(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        batch = f" as batch {self.batch_id}" if self.batch_id and not self.dry_run else ""
        return (
            f"{verb} {self.rows_read:,} rows of {self.file_name} ({self.format}){batch}: "
            f"{self.inserted:,} inserted, {self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{self.rejected:,} rejected."
        )


@dataclass
class WriteOutcome:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)


@dataclass
class WriteContext:
    """What a source's writer gets: the connection, its batch, the shared directory, the clock."""

    conn: Connection
    batch_id: int
    now: dt.datetime
    directory: Directory
    notes: list[str]
    changed_at: dt.datetime | None = None
    progress: ProgressFn = _silent
    strict: bool = False
    # For a source's ``write_columns``: whether its table held no rows when it was first called (None
    # until then). Its rows never share a key with each other, so while this holds none is stored yet.
    table_was_empty: bool | None = None


@dataclass
class Prepared:
    """A file read and understood, before validation: what the Data page previews."""

    source: Source
    table: RawTable
    format: Format
    mapping: dict[str, str]
    context: ParseContext

    @property
    def unmapped(self) -> list[str]:
        used = set(self.mapping.values())
        return [h for h in self.table.headers if h not in used]


def prepare(source: Source, data: bytes, file_name: str, options: ImportOptions) -> Prepared:
    """Read ``data``, pick the format (``options.format`` or detection) and map its columns.

    Raises :class:`UnreadableFile` for a file that cannot be imported at all.
    """
    table = read_table(data, file_name, options.sheet)
    overrides = dict(options.mapping)
    if options.wide or options.questions:
        from data_access.importers.surveys import widen

        if source.name != "surveys":
            raise UnreadableFile(f"--wide reads survey files only, not {source.name}.")
        table, overrides = widen(table, overrides, options.questions, options.submitted_at)
    table = add_constants(table, {k: v for k, v in overrides.items() if isinstance(v, Constant)})
    if options.format:
        try:
            fmt = source.format_named(options.format)
        except ValueError as exc:
            raise UnreadableFile(f"--format: {exc}.") from None
    else:
        fmt = detect_format(source, table.headers)
    mapping = map_columns(source, fmt, table.headers, file_name, overrides)
    context = build_context(source, table, mapping, options.date_format, options.value_maps)
    return Prepared(source, table, fmt, mapping, context)


def preview_rows(prepared: Prepared, limit: int = 10) -> list[dict]:
    """The first ``limit`` rows as they will be stored: each mapped field's parsed value, or the reason
    the row will be set aside. Nothing is written."""
    table = prepared.table
    head = replace(table, rows=table.rows[:limit])
    valid, rejected = validate_rows(prepared.source, head, prepared.mapping, prepared.context)
    out = [
        {"line": v.line_number, **{name: getattr(v.row, name, None) for name in prepared.mapping}}
        for v in valid
    ]
    out += [{"line": r.line_number, "set aside because": r.reason} for r in rejected]
    return sorted(out, key=lambda row: row["line"])


def add_constants(table: RawTable, constants: dict[str, str]) -> RawTable:
    """The table with one column per ``--map field="value"`` constant, holding the value on every row."""
    if not constants:
        return table
    headers = tuple(constant_header(name) for name in constants)
    values = list(constants.values())
    width = len(table.headers)
    rows = []
    for line, cells in table.rows:
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]  # empty trailing cells are not data
        # A row of another width stays as it is and is rejected as cut short (or too long).
        rows.append((line, [*cells, *values] if len(cells) == width else cells))
    return replace(table, headers=(*table.headers, *headers), rows=rows, added=table.added + len(headers))


def run_import(
    conn: Connection, prepared: Prepared, options: ImportOptions, progress: ProgressFn = _silent
) -> ImportResult:
    """Validate and write a prepared file as one :class:`ImportBatch` inside a savepoint of ``conn``.

    Valid rows are inserted or updated, invalid ones stored as rejected rows with their line number,
    raw values and reason. The caller commits (or not): nothing here commits. A source written in chunks
    (opportunities) goes through :mod:`data_access.importers.batched`, with the same outcome.
    """
    if prepared.source.chunk_key is not None:
        from data_access.importers.batched import from_prepared, run_planned

        return run_planned(conn, from_prepared(prepared), options, progress)
    started = time.perf_counter()
    table = prepared.table
    progress(0.0, f"Checking {table.file_name}")
    valid, rejected = validate_rows(
        prepared.source, table, prepared.mapping, prepared.context, lambda f, msg: progress(0.5 * f, msg)
    )
    if prepared.source.check is not None:
        prepared.source.check(valid, table.file_name)
    result = ImportResult(
        source=prepared.source.name,
        file_name=table.file_name,
        format=prepared.format.name,
        rows_read=len(table.rows),
        notes=list(table.notes),
        dry_run=options.dry_run,
    )
    savepoint = conn.begin_nested()
    try:
        directory = Directory(conn)
        write_part(
            conn,
            prepared.source,
            table,
            prepared.format.name,
            valid,
            rejected,
            directory,
            options,
            result,
            lambda f, msg: progress(0.5 + 0.5 * f, msg),
        )
        result.created = {kind: names for kind, names in directory.created.items() if names}
    except BaseException:
        savepoint.rollback()
        raise
    return settle(savepoint, options.dry_run, result, started, progress)


def write_part(
    conn: Connection,
    source: Source,
    table: RawTable,
    fmt: str,
    valid: list[ValidRow],
    rejected: list[Rejection],
    directory: Directory,
    options: ImportOptions,
    result: ImportResult,
    progress: ProgressFn = _silent,
    extra: dict | None = None,
    rows_read: int | None = None,
) -> None:
    """Write one file's valid rows as one batch and fill ``result``'s counts (used by every source).

    ``rows_read`` is the file's row count when ``table`` does not hold its rows (a file read in chunks).
    """
    batch_id = start_batch(
        conn,
        source=source.name,
        file_name=table.file_name,
        sha256=table.sha256,
        fmt=fmt,
        imported_by=options.imported_by,
        rows_read=len(table.rows) if rows_read is None else rows_read,
    )
    ctx = WriteContext(
        conn, batch_id, utc_now(), directory, result.notes, options.changed_at, progress, options.strict
    )
    outcome: WriteOutcome = source.write(ctx, valid, **(extra or {}))
    all_rejected = sorted([*rejected, *outcome.rejected], key=lambda r: r.line_number)
    record_rejections(conn, batch_id, all_rejected)
    result.batch_id = batch_id
    result.inserted, result.updated, result.unchanged = outcome.inserted, outcome.updated, outcome.unchanged
    result.rejected = len(all_rejected)
    created = [f"{len(v)} {k}" for k, v in directory.created.items() if v]
    message = "; ".join([*result.notes, *([f"Created {', '.join(created)}."] if created else [])])
    finish_batch(
        conn,
        batch_id,
        inserted=outcome.inserted,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        rejected=len(all_rejected),
        message=message or None,
    )
