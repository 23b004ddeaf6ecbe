"""Imports in chunks: the file read a chunk of rows at a time, each chunk checked column by column and
written in bulk, so a million-row export imports in bounded memory at tens of thousands of rows a second.

What a user sees is the same as a row-by-row import: the same stored rows, the same rejected rows with
the same sentences and line numbers, the same conflict warnings and ``--strict`` behaviour.

- Checking: every column is parsed once per distinct value (a stage, a date, a yes/no repeat a lot)
  with the very parsers the row models use (:mod:`data_access.importers.values`), and the model's rules
  across fields are checked on whole columns (``Source.flag_rows``). A row that any of this doubts goes
  through the row model itself, which writes the reason, so every rejected row reads exactly as before.
- Writing: a source with a ``chunk_key`` (opportunities) is written chunk by chunk. Rows whose key the
  file repeats (a deal given twice, perhaps with two owners) are kept back and written last, together,
  so the first-row-wins and ``--strict`` rules see all of them. A chunk is written by a worker thread
  while the next one is read and checked (the writes stay in order, one at a time, on the caller's
  connection). Other sources are read and checked in chunks and written at the end, as one set,
  because their writers relate rows across the whole file.
- Everything happens inside one savepoint: a file refused half way (say, a second currency found in the
  last chunk) leaves nothing behind.
"""

from __future__ import annotations

import time
from collections import namedtuple
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from data_access.importers import values
from data_access.importers.errors import UnreadableFile
from data_access.importers.pipeline import (
    ImportOptions,
    ImportResult,
    Prepared,
    ProgressFn,
    WriteContext,
    _silent,
    prepare,
    write_part,
)
from data_access.importers.reading import RawTable
from data_access.importers.refs import Directory
from data_access.importers.spec import (
    Constant,
    Format,
    Source,
    constant_header,
    detect_format,
    fold_value,
    map_columns,
)
from data_access.importers.store import finish_batch, record_rejections, settle, start_batch, utc_now
from data_access.importers.streaming import Line, RowStream, chunked, open_rows, table_rows
from data_access.importers.validation import (
    DEFAULT_TEXT_LIMIT,
    ParseContext,
    Rejection,
    ValidRow,
    check_value_maps,
    validate_rows,
)

CHUNK_ROWS = 20_000
# A plain amount as exports write it (1234.5, 48,000.00): read directly, the same as parse_amount would.
_PLAIN_AMOUNT = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,12})\.[0-9]{1,2}"


@dataclass
class Planned:
    """A file read once (header, row count, the file-level conventions) and ready to import in chunks."""

    source: Source
    stream: RowStream
    format: Format
    mapping: dict[str, str]
    context: ParseContext
    constants: tuple[str, ...] = ()
    # Hashes of the chunk keys the file holds more than once (rows with them are written last).
    repeated: frozenset[int] = frozenset()

    @property
    def meta(self) -> RawTable:
        return self.stream.meta

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[list[Line]]:
        if not self.constants:
            return self.stream.chunks(size)
        rows = _with_constants(
            self.stream.rows(), len(self.meta.headers) - len(self.constants), list(self.constants)
        )
        return chunked(rows, size)


def _with_constants(rows: Iterator[Line], width: int, constants: list[str]) -> Iterator[Line]:
    """Each row with the ``--map field="value"`` constants appended, as ``pipeline.add_constants`` does."""
    for line, cells in rows:
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        yield line, ([*cells, *constants] if len(cells) == width else cells)


# Reading -------------------------------------------------------------------------------------------------


def plan(
    source: Source,
    data,
    file_name: str,
    options: ImportOptions,
    chunk_rows: int = CHUNK_ROWS,
    progress: ProgressFn = _silent,
) -> Planned:
    """Read ``data`` (bytes or a path) in chunks: header, format, mapping, the file's date order and
    decimal marks, the rows whose key repeats. Raises :class:`UnreadableFile` as ``prepare`` does."""
    if options.wide or options.questions:
        prepared = prepare(source, data if isinstance(data, bytes) else _read(data), file_name, options)
        return from_prepared(prepared)
    stream = open_rows(data, file_name, options.sheet)
    overrides = dict(options.mapping)
    constants = {k: v for k, v in overrides.items() if isinstance(v, Constant)}
    if constants:
        meta = stream.meta
        headers = (*meta.headers, *(constant_header(name) for name in constants))
        stream.meta = replace(meta, headers=headers, added=meta.added + len(constants))
    headers = stream.meta.headers
    if options.format:
        try:
            fmt = source.format_named(options.format)
        except ValueError as exc:
            raise UnreadableFile(f"--format: {exc}.") from None
    else:
        fmt = detect_format(source, headers)
    mapping = map_columns(source, fmt, headers, file_name, overrides)
    planned = Planned(source, stream, fmt, mapping, ParseContext(), tuple(constants.values()))
    planned.context, planned.repeated = _survey(planned, options, chunk_rows, progress)
    return planned


def _read(path) -> bytes:
    from pathlib import Path

    return Path(path).read_bytes()


def from_prepared(prepared: Prepared) -> Planned:
    """A file already read whole (the Data page's upload) as a :class:`Planned` import."""
    stream = table_rows(prepared.table)
    planned = Planned(prepared.source, stream, prepared.format, prepared.mapping, prepared.context)
    key = prepared.source.chunk_key
    if key in prepared.mapping:
        i = prepared.table.headers.index(prepared.mapping[key])
        table_of = prepared.context.value_maps.get(key)
        planned.repeated = _repeated(
            _key_hash(cells[i], table_of) for _, cells in prepared.table.rows if i < len(cells)
        )
    return planned


def _key_hash(cell: str, table_of: dict | None) -> int:
    if table_of is not None:
        cell = table_of.get(fold_value(cell), cell) or ""
    return hash(cell.strip())


def _repeated(hashes) -> frozenset[int]:
    found = np.fromiter(hashes, dtype=np.int64)
    if not len(found):
        return frozenset()
    unique, counts = np.unique(found, return_counts=True)
    return frozenset(unique[counts > 1].tolist())


def _survey(
    planned: Planned, options: ImportOptions, chunk_rows: int, progress: ProgressFn = _silent
) -> tuple[ParseContext, frozenset[int]]:
    """``validation.build_context`` in one pass over the chunks, plus the repeated keys."""
    source, mapping, meta = planned.source, planned.mapping, planned.meta
    ctx = ParseContext(labels=dict(mapping), value_maps=dict(options.value_maps or {}))
    check_value_maps(ctx, source, mapping, meta.file_name)
    index = {header: i for i, header in enumerate(meta.headers)}
    date_fields = [f.name for f in source.fields if f.kind in ("date", "datetime") and f.name in mapping]
    number_fields = [
        f.name
        for f in source.fields
        if f.kind in ("amount", "number", "integer", "ratio", "percent") and f.name in mapping
    ]
    if options.date_format:
        try:
            ctx.date_order, ctx.date_pattern = values.resolve_date_format(options.date_format)
        except ValueError as exc:
            raise UnreadableFile(f"--date-format: {exc}.") from None
        date_fields = []
    # What infer_date_order would see, column after column: the first value of each kind per field.
    first_of_kind: dict[str, dict[str, str]] = {name: {} for name in date_fields}
    undecided = set(number_fields)
    decimal_comma: dict[str, bool | None] = {}
    key = source.chunk_key if source.chunk_key in mapping else None
    hashes: list[np.ndarray] = []

    def column(chunk: list[Line], name: str) -> list[str]:
        i = index[mapping[name]]
        distinct = dict.fromkeys([cells[i] for _, cells in chunk if i < len(cells)])
        cells = [c for c in distinct if c.strip()]
        if name in ctx.value_maps:
            table_of = ctx.value_maps[name]
            return [v for v in dict.fromkeys(table_of.get(fold_value(c), c) for c in cells) if v]
        return list(cells)

    seen = 0
    for chunk in planned.chunks(chunk_rows):
        seen += len(chunk)
        progress(0.0, f"Reading {meta.file_name}: {seen:,} rows")
        for name in date_fields:
            kinds = first_of_kind[name]
            if len(kinds) < 3:
                for value in column(chunk, name):
                    kind = values.classify_date(value)
                    if kind in ("mdy", "dmy", "either"):
                        kinds.setdefault(kind, value)
        for name in list(undecided):
            found = values.looks_decimal_comma(column(chunk, name))
            if found is not None:
                decimal_comma[name] = found
                undecided.discard(name)
        if key is not None:
            i = index[mapping[key]]
            table_of = ctx.value_maps.get(key)
            hashes.append(
                np.fromiter(
                    (_key_hash(cells[i], table_of) for _, cells in chunk if i < len(cells)), dtype=np.int64
                )
            )
    if not options.date_format:
        ordered = [v for name in date_fields for v in first_of_kind[name].values()]
        either = next((kinds["either"] for kinds in first_of_kind.values() if "either" in kinds), None)
        # infer_date_order keeps the first ambiguous value as its example: put it first.
        ordered = ([either] if either else []) + [v for v in ordered if v != either]
        try:
            ctx.date_order = values.infer_date_order(ordered)
        except ValueError as exc:
            raise UnreadableFile(
                f"{meta.file_name} {exc}; rerun with --date-format %d/%m/%Y (day first) "
                f"or --date-format %m/%d/%Y (month first)."
            ) from None
    for name in number_fields:
        ctx.decimal_comma[name] = decimal_comma.get(name)
    repeated = _repeated(h for part in hashes for h in part.tolist()) if key else frozenset()
    return ctx, repeated


# Checking ------------------------------------------------------------------------------------------------


def _parser(kind: str, name: str, ctx: ParseContext) -> Callable[[str], object]:
    """The parse of one non-empty cell, exactly as the row model's field validator does it."""
    comma = ctx.decimal_comma.get(name)
    if kind == "date":
        return lambda s: values.parse_date(s, ctx.date_order, ctx.date_pattern)
    if kind == "datetime":
        return lambda s: values.parse_datetime(s, ctx.date_order, ctx.date_pattern)
    if kind == "amount":
        return lambda s: values.parse_amount(s, comma)
    if kind == "number":
        return lambda s: float(values.parse_amount(s, comma))
    if kind == "integer":

        def integer(s: str) -> int:
            amount = values.parse_amount(s, comma)
            if amount != amount.to_integral_value():
                raise ValueError(s)
            return int(amount)

        return integer
    if kind == "bool":
        return values.parse_bool
    if kind == "ratio":
        return lambda s: values.parse_ratio(s, decimal_comma=comma)
    if kind == "percent":
        return lambda s: values.parse_ratio(s, percent=True, decimal_comma=comma)
    raise ValueError(kind)


def parse_column(
    kind: str, name: str, cells: list[str], ctx: ParseContext, limit: int = DEFAULT_TEXT_LIMIT
) -> tuple[np.ndarray, np.ndarray]:
    """(values, doubtful) of a column: each distinct cell parsed once; empty cells are None; a text
    longer than ``limit`` characters is doubtful."""
    codes, uniques = pd.factorize(np.asarray(cells, dtype=object), use_na_sentinel=False)
    stripped = [u.strip() for u in uniques]
    parsed = np.empty(len(uniques), dtype=object)
    if kind == "text":
        parsed[:] = [s or None for s in stripped]
        doubtful = np.fromiter((len(s) > limit for s in stripped), dtype=bool, count=len(stripped))
        return parsed[codes], doubtful[codes]
    doubtful = np.zeros(len(uniques), dtype=bool)
    parse = _parser(kind, name, ctx)
    plain = (
        pd.Series(uniques, dtype=object).str.fullmatch(_PLAIN_AMOUNT).to_numpy(dtype=bool)
        if kind == "amount" and len(uniques) > 64
        else np.zeros(len(uniques), dtype=bool)
    )
    for j, (cell, text) in enumerate(zip(uniques, stripped, strict=True)):
        if not text:
            parsed[j] = None
        elif plain[j]:
            parsed[j] = Decimal(cell.replace(",", ""))
        else:
            try:
                parsed[j] = parse(cell)
            except (ValueError, ArithmeticError):
                parsed[j] = None  # the row is doubtful: the row model will say why
                doubtful[j] = True
    return parsed[codes], doubtful[codes]


def _row_type(source: Source):
    cached = _ROW_TYPES.get(source.name)
    if cached is None:
        cached = _ROW_TYPES[source.name] = namedtuple(
            f"{source.model.__name__}Values", source.model.model_fields
        )
    return cached


_ROW_TYPES: dict[str, type] = {}


def check_columns(
    source: Source, meta: RawTable, rows: list[Line], mapping: dict[str, str], ctx: ParseContext
) -> tuple[dict[str, np.ndarray], list[int], list[ValidRow], list[Rejection]]:
    """Check a chunk of rows column by column; doubtful rows go through the row model for their reason.

    Returns the valid rows the columns settled (field -> values, and their line numbers), the valid
    rows the row model settled, and the rejected rows, as :func:`validation.validate_rows` words them.
    """
    width = len(meta.headers)
    fast = [row for row in rows if len(row[1]) == width]
    slow = [row for row in rows if len(row[1]) != width]
    index = {header: i for i, header in enumerate(meta.headers)}
    n = len(fast)
    doubtful = np.zeros(n, dtype=bool)
    columns: dict[str, np.ndarray] = {}
    model_fields = source.model.model_fields
    limits = getattr(source.model, "TEXT_LIMITS", {})
    checked = getattr(source.model, "CHECKED_LIMITS", {})
    for spec in source.fields:
        if spec.name not in mapping:
            columns[spec.name] = np.full(n, None, dtype=object)
            if model_fields[spec.name].is_required():
                doubtful[:] = True
            continue
        i = index[mapping[spec.name]]
        limit = min(limits.get(spec.name, DEFAULT_TEXT_LIMIT), checked.get(spec.name, DEFAULT_TEXT_LIMIT))
        parsed, bad = parse_column(spec.kind, spec.name, [cells[i] for _, cells in fast], ctx, limit)
        doubtful |= bad
        if model_fields[spec.name].is_required():
            doubtful |= parsed == None  # noqa: E711 (element-wise on an object array)
        columns[spec.name] = parsed
    if n:
        doubtful |= source.flag_rows(columns, ctx)
    keep = ~doubtful
    kept = {name: values[keep] for name, values in columns.items()}
    lines = [fast[k][0] for k in np.flatnonzero(keep)]
    slow += [fast[k] for k in np.flatnonzero(doubtful)]
    if not slow:
        return kept, lines, [], []
    slow.sort(key=lambda row: row[0])
    checked, rejected = validate_rows(source, replace(meta, rows=slow), mapping, ctx)
    return kept, lines, checked, rejected


def check_chunk(
    source: Source, meta: RawTable, rows: list[Line], mapping: dict[str, str], ctx: ParseContext
) -> tuple[list[ValidRow], list[Rejection]]:
    """:func:`validation.validate_rows` of a chunk, column by column where the source allows it.

    Valid rows carry no raw values (only rejected rows keep them), in line order.
    """
    if source.flag_rows is None or ctx.value_maps:
        return validate_rows(source, replace(meta, rows=rows), mapping, ctx)
    columns, lines, checked, rejected = check_columns(source, meta, rows, mapping, ctx)
    valid = _as_rows(source, columns, lines)
    if checked:
        valid = sorted([*valid, *checked], key=lambda v: v.line_number)
    return valid, rejected


def _as_rows(source: Source, columns: dict[str, np.ndarray], lines: list[int]) -> list[ValidRow]:
    row_type = _row_type(source)
    picked = zip(*(columns[name].tolist() for name in row_type._fields), strict=True)
    return [ValidRow(line, row_type(*vals), {}) for line, vals in zip(lines, picked, strict=True)]


# Writing -------------------------------------------------------------------------------------------------


def run_planned(
    conn: Connection,
    planned: Planned,
    options: ImportOptions,
    progress: ProgressFn = _silent,
    chunk_rows: int = CHUNK_ROWS,
    started: float | None = None,
) -> ImportResult:
    """Check and write a planned file as one batch inside a savepoint of ``conn`` (the caller commits).

    ``started`` (a ``time.perf_counter()`` reading) is when reading the file began, so the seconds and
    rate reported include the first read through it; default: now.
    """
    started = time.perf_counter() if started is None else started
    source, meta = planned.source, planned.meta
    total = planned.stream.rows_read
    result = ImportResult(
        source=source.name,
        file_name=meta.file_name,
        format=planned.format.name,
        rows_read=total,
        notes=list(planned.stream.notes),
        dry_run=options.dry_run,
    )
    progress(0.0, f"Checking {meta.file_name}")
    cache = _larger_sqlite_cache(conn)
    savepoint = conn.begin_nested()
    try:
        directory = Directory(conn)
        if source.chunk_key is None:
            _whole(conn, planned, options, directory, result, progress, chunk_rows, started)
        else:
            _in_chunks(conn, planned, options, directory, result, progress, chunk_rows, started)
        result.created = {kind: names for kind, names in directory.created.items() if names}
    except BaseException:
        savepoint.rollback()
        raise
    finally:
        if cache is not None:
            conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
    return settle(savepoint, options.dry_run, result, started, progress)


# SQLite page cache while an import writes: index pages of a large table stay in memory (default 2 MiB).
SQLITE_IMPORT_CACHE_KIB = 32 * 1024


def _larger_sqlite_cache(conn: Connection) -> int | None:
    """Raise SQLite's page cache for the import; returns the setting to restore (None elsewhere)."""
    if conn.dialect.name != "sqlite":
        return None
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_IMPORT_CACHE_KIB}")
    return before


def _rate(done: int, total: int, started: float, verb: str) -> str:
    seconds = time.perf_counter() - started
    rate = f" ({done / seconds:,.0f} rows/s)" if seconds > 0 and done else ""
    return f"{verb} {done:,} of {total:,} rows{rate}"


def _whole(conn, planned: Planned, options, directory, result, progress, chunk_rows, started) -> None:
    """Check in chunks, then write every valid row at once (sources whose writer needs the whole file)."""
    source, meta, total = planned.source, planned.meta, planned.stream.rows_read
    valid: list[ValidRow] = []
    rejected: list[Rejection] = []
    done = 0
    for chunk in planned.chunks(chunk_rows):
        checked, set_aside = validate_rows(
            source, replace(meta, rows=chunk), planned.mapping, planned.context
        )
        valid += checked
        rejected += set_aside
        done += len(chunk)
        progress(0.5 * done / max(total, 1), _rate(done, total, started, "Checked"))
    if source.check is not None:
        source.check(valid, meta.file_name)
    write_part(
        conn,
        source,
        meta,
        planned.format.name,
        valid,
        rejected,
        directory,
        options,
        result,
        lambda f, msg: progress(0.5 + 0.5 * f, msg),
        rows_read=total,
    )


def _in_chunks(conn, planned: Planned, options, directory, result, progress, chunk_rows, started) -> None:
    """Check and write chunk after chunk; rows whose key repeats in the file are written last, together."""
    source, meta, total = planned.source, planned.meta, planned.stream.rows_read
    key = source.chunk_key
    batch_id = start_batch(
        conn,
        source=source.name,
        file_name=meta.file_name,
        sha256=meta.sha256,
        fmt=planned.format.name,
        imported_by=options.imported_by,
        rows_read=total,
    )
    ctx = WriteContext(
        conn, batch_id, utc_now(), directory, result.notes, options.changed_at, _silent, options.strict
    )
    kept = list(planned.mapping.values())
    held: list[ValidRow] = []
    currencies: dict[str, int] = {}
    done = 0
    refused = False
    found_currencies: list[tuple[int, str]] = []
    by_columns = (
        source.write_columns is not None and source.flag_rows is not None and not planned.context.value_maps
    )
    totals = [0, 0, 0, 0]  # inserted, updated, unchanged, rejected

    def write(columns: dict[str, np.ndarray], free: list[ValidRow], rejected: list[Rejection]) -> None:
        outcomes = []
        if columns and len(next(iter(columns.values()))):
            outcomes.append(source.write_columns(ctx, columns))
        if free or not by_columns:
            outcomes.append(source.write(ctx, free))
        set_aside = list(rejected)
        for outcome in outcomes:
            totals[0] += outcome.inserted
            totals[1] += outcome.updated
            totals[2] += outcome.unchanged
            set_aside += outcome.rejected
        set_aside.sort(key=lambda r: r.line_number)
        record_rejections(conn, batch_id, set_aside)
        totals[3] += len(set_aside)

    behind = _Behind(
        lambda rows: progress(rows / max(total, 1) * 0.98, _rate(rows, total, started, "Imported"))
    )
    try:
        for chunk in planned.chunks(chunk_rows):
            if by_columns:
                columns, lines, valid, rejected = check_columns(
                    source, meta, chunk, planned.mapping, planned.context
                )
            else:
                valid, rejected = check_chunk(source, meta, chunk, planned.mapping, planned.context)
                columns, lines = {}, []
            raw = _RawOf(meta, chunk, kept)

            if lines:
                for code, line in _first_lines(columns.get("currency"), lines):
                    found_currencies.append((line, code))
                repeats = np.fromiter(
                    (hash(k) in planned.repeated for k in columns[key]), dtype=bool, count=len(lines)
                )
                if repeats.any():
                    held_rows = _as_rows(
                        source,
                        {n: v[repeats] for n, v in columns.items()},
                        [lines[k] for k in np.flatnonzero(repeats)],
                    )
                    held_fast = [ValidRow(r.line_number, r.row, raw(r.line_number)) for r in held_rows]
                    columns = {n: v[~repeats] for n, v in columns.items()}
                else:
                    held_fast = []
            else:
                held_fast = []
            free: list[ValidRow] = []
            held_slow: list[ValidRow] = []
            for row in valid:
                currency = getattr(row.row, "currency", None)
                if currency:
                    found_currencies.append((row.line_number, currency.strip().upper()))
                if hash(getattr(row.row, key)) in planned.repeated:
                    held_slow.append(ValidRow(row.line_number, row.row, raw(row.line_number)))
                else:
                    free.append(row)
            held += sorted([*held_fast, *held_slow], key=lambda r: r.line_number)
            for line, code in sorted(found_currencies):
                currencies.setdefault(code, line)
            found_currencies.clear()
            refused = refused or (source.check is not None and len(currencies) > 1)
            done += len(chunk)
            if refused:  # the file will be refused: check the rest only to name every currency
                behind.wait()
                progress(done / max(total, 1), _rate(done, total, started, "Checked"))
                continue
            # Written in the background while the next chunk is read and checked.
            behind.submit(partial(write, columns, free, rejected), done)
        behind.wait()
    except BaseException:
        behind.wait()  # a write of an earlier chunk that failed failed first: its error is the one raised
        raise
    finally:
        behind.close()
    inserted, updated, unchanged, rejected_count = totals
    if refused:
        shown = [ValidRow(line, _Currency(code), {}) for code, line in currencies.items()]
        source.check(shown, meta.file_name)
    if held:
        progress(0.98, f"Writing {len(held):,} rows whose {key} the file repeats")
        outcome = source.write(ctx, held)
        inserted, updated, unchanged = (
            inserted + outcome.inserted,
            updated + outcome.updated,
            unchanged + outcome.unchanged,
        )
        set_aside = sorted(outcome.rejected, key=lambda r: r.line_number)
        record_rejections(conn, batch_id, set_aside)
        rejected_count += len(set_aside)
    result.batch_id = batch_id
    result.inserted, result.updated, result.unchanged, result.rejected = (
        inserted,
        updated,
        unchanged,
        rejected_count,
    )
    created = [f"{len(v)} {k}" for k, v in directory.created.items() if v]
    message = "; ".join([*result.notes, *([f"Created {', '.join(created)}."] if created else [])])
    finish_batch(
        conn,
        batch_id,
        inserted=inserted,
        updated=updated,
        unchanged=unchanged,
        rejected=rejected_count,
        message=message or None,
    )


class _Behind:
    """Runs one chunk's write at a time in a worker thread, while the caller reads and checks the next.

    The writes run in order, one after the other, on the caller's connection, which the caller does not
    use meanwhile; :meth:`submit` and :meth:`wait` first wait for the write before and raise its error.
    ``written(rows)`` is called (in the caller's thread) as each write is known done.
    """

    def __init__(self, written: Callable[[int], None]) -> None:
        self.written = written
        self.pool: ThreadPoolExecutor | None = None
        self.pending: tuple[Future, int] | None = None

    def submit(self, job: Callable[[], None], rows: int) -> None:
        self.wait()
        if self.pool is None:
            self.pool = ThreadPoolExecutor(1, thread_name_prefix="import-writer")
        self.pending = (self.pool.submit(job), rows)

    def wait(self) -> None:
        if self.pending is None:
            return
        (future, rows), self.pending = self.pending, None
        future.result()
        self.written(rows)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)


class _RawOf:
    """The raw values (mapped columns) of a chunk's row by line number, indexed only when first asked."""

    def __init__(self, meta: RawTable, chunk: list[Line], kept: list[str]) -> None:
        self.meta, self.chunk, self.kept = meta, chunk, kept
        self.cells: dict[int, list[str]] | None = None

    def __call__(self, line: int) -> dict[str, str]:
        if self.cells is None:
            self.cells = dict(self.chunk)
        return self.meta.raw_record(self.cells[line], self.kept)


def _first_lines(codes: np.ndarray | None, lines: list[int]) -> list[tuple[str, int]]:
    """(currency code as stored, line of its first row) for each code a column names."""
    if codes is None:
        return []
    found: dict[str, int] = {}
    for k in np.flatnonzero(codes != None).tolist():  # noqa: E711
        found.setdefault(codes[k].strip().upper(), lines[k])
    return list(found.items())


@dataclass(frozen=True)
class _Currency:
    currency: str


def import_file(
    conn: Connection,
    source: Source,
    data,
    file_name: str,
    options: ImportOptions,
    progress: ProgressFn = _silent,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportResult:
    """Read, check and write a file (bytes or a path) in chunks: what the command line runs."""
    started = time.perf_counter()
    planned = plan(source, data, file_name, options, chunk_rows, progress)
    return run_planned(conn, planned, options, progress, chunk_rows, started)
