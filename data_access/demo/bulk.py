"""Writing the demo's rows fast: plain tuples, one executemany per chunk on SQLite, COPY on PostgreSQL.

The values written are exactly what an ``insert(table)`` of the same dicts would write: each value
goes through the column type's own bind processor for the dialect (SQLite's date and datetime
strings, 0/1 booleans, floats for numerics), a column the rows lack is left out so the database
gives it its default (the demo's rows carry every column that has a Python-side default).

Around a large load the non-unique secondary indexes of tables that start empty are dropped and
rebuilt once at the end (one sort instead of millions of random B-tree insertions), and on SQLite the
connection runs with a rollback journal (when no other connection has the file open) and
``synchronous=OFF`` for the load only, with a bigger page cache; the settings it had are restored
afterwards.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Connection, Dialect, Table, func, insert, select, text

__all__ = ["TupleRows", "deferred_indexes", "sqlite_load_settings", "to_tuples", "write_tuples"]

# Rows per executemany / COPY call: bounded memory for the driver, few round trips.
CHUNK = 50_000


@dataclass
class TupleRows:
    """One table's rows as plain tuples, ready for the driver, in the column order of ``names``."""

    table: str
    names: tuple[str, ...]
    values: list[tuple]

    def __len__(self) -> int:
        return len(self.values)


def to_tuples(table: Table, rows: Sequence[dict], dialect: Dialect) -> TupleRows:
    """``rows`` (dicts with the same keys) as driver-ready tuples for ``dialect``."""
    if not rows:
        return TupleRows(table.name, (), [])
    present = rows[0].keys()
    columns = [c for c in table.columns if c.name in present]
    names = tuple(c.name for c in columns)
    processors = [_quick(c.type._cached_bind_processor(dialect)) for c in columns]
    if not any(processors):
        values = [tuple(row[n] for n in names) for row in rows]
    else:
        pairs = list(zip(names, processors, strict=True))
        values = [tuple(v if (v := row[n]) is None or p is None else p(v) for n, p in pairs) for row in rows]
    return TupleRows(table.name, names, values)


# The same strings and numbers the dialect's processors give, for the common plain values, without a
# dict and a %-format per value; used for a column only when they agree with its processor (below).
_FAST: tuple[tuple[type, Callable[[Any], Any], tuple], ...] = (
    (dt.datetime, lambda v: v.isoformat(" ", "microseconds"), (dt.datetime(2001, 2, 3, 4, 5, 6, 7),)),
    (dt.date, dt.date.isoformat, (dt.date(2001, 2, 3),)),
    (bool, int, (True, False)),
)


def _quick(processor: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """``processor``, with a faster path for the one value type whose conversion it shares."""
    if processor is None:
        return None
    for kind, fast, probes in _FAST:
        try:
            agrees = all(processor(p) == fast(p) and type(processor(p)) is type(fast(p)) for p in probes)
        except Exception:  # noqa: BLE001 - a processor that rejects the probe does not convert that type
            agrees = False
        if agrees:
            return lambda v, kind=kind, fast=fast: fast(v) if type(v) is kind else processor(v)
    return processor


def _has_json(table: Table) -> bool:
    return any(isinstance(c.type, JSON) for c in table.columns)


def write_tuples(conn: Connection, table: Table, rows: TupleRows) -> None:
    """Write ``rows`` into ``table`` on the caller's transaction (COPY on PostgreSQL)."""
    if not rows.values:
        return
    quoted = ", ".join(f'"{n}"' for n in rows.names)
    cursor = conn.connection.driver_connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for values in rows.values:
                    copy.write_row(values)
        else:
            marks = ", ".join("?" if conn.dialect.paramstyle == "qmark" else "%s" for _ in rows.names)
            sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'
            for start in range(0, len(rows.values), CHUNK):
                cursor.executemany(sql, rows.values[start : start + CHUNK])
    finally:
        cursor.close()


def write_rows(conn: Connection, table: Table, rows: Sequence[dict]) -> None:
    """Write dict ``rows``: as tuples through :func:`write_tuples`, or a plain insert for JSON tables."""
    if not rows:
        return
    if _has_json(table):
        # The one JSON table (the Noble Sales Purpose) has one row; the driver would need a dumper.
        conn.execute(insert(table), list(rows))
        return
    write_tuples(conn, table, to_tuples(table, rows, conn.dialect))


def _secondary_indexes(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of ``table``'s non-unique indexes that back no constraint."""
    if conn.dialect.name == "sqlite":
        found = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
            ),
            {"t": table},
        )
        return [(name, sql) for name, sql in found if not sql.upper().startswith("CREATE UNIQUE")]
    if conn.dialect.name == "postgresql":
        found = conn.execute(
            text(
                "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE n.nspname = current_schema() AND t.relname = :t "
                "AND NOT x.indisunique AND NOT x.indisprimary"
            ),
            {"t": table},
        )
        return [(name, sql) for name, sql in found]
    return []


@contextmanager
def deferred_indexes(conn: Connection, tables: Sequence[Table]) -> Iterator[None]:
    """Drop the secondary indexes of those ``tables`` that are empty, and create them again on exit.

    Tables already holding rows keep their indexes. On an error the transaction is rolled back by
    the caller, which restores the dropped indexes with everything else.
    """
    dropped: list[str] = []
    for table in tables:
        if conn.execute(select(func.count()).select_from(select(table.c.id).limit(1).subquery())).scalar():
            continue
        for name, create in _secondary_indexes(conn, table.name):
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
            dropped.append(create)
    yield
    for create in dropped:
        conn.exec_driver_sql(create)


@contextmanager
def sqlite_load_settings(conn: Connection) -> Iterator[None]:
    """SQLite: a rollback journal, no fsync and a 256 MiB page cache on ``conn`` while the block runs.

    Call it outside a transaction (SQLite changes its journal mode only then). Whatever the
    connection had before is put back afterwards, on success or error. Other databases: nothing.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    before: dict[str, Any] = {
        name: raw.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous", "cache_size", "busy_timeout")
    }
    # Leaving WAL needs the file to itself: when another connection has it open (the app's, say),
    # the load keeps WAL rather than wait for it.
    _pragma(raw, "busy_timeout=100")
    _pragma(raw, "journal_mode=DELETE")
    _pragma(raw, f"busy_timeout={int(before['busy_timeout'])}")
    _pragma(raw, "synchronous=OFF")
    _pragma(raw, "cache_size=-262144")
    try:
        yield
    finally:
        _pragma(raw, f"cache_size={int(before['cache_size'])}")
        _pragma(raw, f"synchronous={int(before['synchronous'])}")
        # Should this fail, every new connection turns WAL on again (see data_access.db).
        _pragma(raw, f"journal_mode={before['journal_mode']}")


def _pragma(raw, setting: str) -> None:
    with suppress(sqlite3.OperationalError):
        raw.execute(f"PRAGMA {setting}").fetchall()
