"""Computed results kept in the database, so a large organisation's scorecard is computed once per
change of the data, not once per viewer, session, process or replica.

A page's heavy reads (a scorecard for 200 teams, a year of trends) take a minute on a million deals.
:func:`remember` keys each result by what was computed and with which arguments (the teams in scope
and the filters, never who asked), and stamps it with :func:`data_version`: the import batches, the
recorded changes (relabelled talk, a new NSP, changed settings). A result whose stamp differs from the
current version is recomputed, so nothing computed before an import is ever shown after it.

Results are stored as JSON with tables inside as Arrow (:mod:`data_access.result_codec`), never as
pickles: reading a row back only ever builds data, whoever wrote it. A row that does not decode is
treated as missing and computed again. Writing a result is best effort: a read-only database still
serves the computed value, and a value the codec cannot hold is simply not stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, delete, func, insert, select, text

from data_access import models as m
from data_access.result_codec import UnreadableResult, decode, encode

T = TypeVar("T")
log = logging.getLogger(__name__)


def note_change(conn: Connection, what: str) -> None:
    """Record a change that is not an import (the caller's transaction), moving the data version."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute(insert(m.DataChange).values(changed_at=now, what=what[:200]))


def data_version(conn: Connection) -> str:
    """A fingerprint of the state of the data: it changes with every import batch that starts or
    finishes and every recorded change. Two cheap aggregate queries."""
    batch = m.ImportBatch
    batches = conn.execute(select(func.count(), func.max(batch.id), func.max(batch.finished_at))).one()
    changes = conn.execute(select(func.count(), func.max(m.DataChange.id))).one()
    return hashlib.sha256(repr((tuple(batches), tuple(changes))).encode()).hexdigest()


def canonical(value: Any) -> Any:
    """``value`` as plain, ordered Python data, so equal arguments give equal keys in any process:
    dataclasses by field, sets sorted, dates as text. A Scope's ``viewer`` is left out on purpose:
    two viewers with the same teams read the same result."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.name != "viewer"}
        return (type(value).__name__, tuple((name, canonical(v)) for name, v in sorted(fields.items())))
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted((canonical(v) for v in value), key=repr)))
    if isinstance(value, list | tuple):
        return tuple(canonical(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted(((canonical(k), canonical(v)) for k, v in value.items()), key=repr))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def key_of(name: str, args: tuple) -> str:
    return hashlib.sha256(repr((name, canonical(args))).encode()).hexdigest()


def remember(engine: Engine, name: str, args: tuple, compute: Callable[[], T]) -> T:
    """The stored result of ``name(*args)`` for the current data, or ``compute()`` stored for the
    next caller. ``args`` must hold everything the result depends on besides the data.

    One computation per key at a time, across processes and replicas (:func:`_computing`): whoever
    asks while it runs waits and reads what it stored. The version is read before computing: if an
    import lands meanwhile, the result carries the older stamp and is simply never read again.
    """
    key = key_of(name, args)
    with engine.connect() as conn:
        version = data_version(conn)
    found = _read(engine, key, version, name)
    if found is not _MISSING:
        return found
    with _computing(engine, key):
        # Another process may have computed it while this one waited for the lock.
        found = _read(engine, key, version, name)
        if found is not _MISSING:
            return found
        started = time.perf_counter()
        result = compute()
        _store(engine, key, name, version, time.perf_counter() - started, result)
    return result


_MISSING = object()


def _read(engine: Engine, key: str, version: str, name: str) -> Any:
    with engine.connect() as conn:
        row = conn.execute(
            select(m.StoredResult.payload).where(m.StoredResult.key == key, m.StoredResult.version == version)
        ).first()
    if row is None:
        return _MISSING
    try:
        return decode(row[0])
    except UnreadableResult as error:
        log.warning("Stored result %s could not be read, computing it again: %s", name, error)
        return _MISSING


@contextmanager
def _computing(engine: Engine, key: str) -> Iterator[None]:
    """Held while one process computes ``key``.

    PostgreSQL: a session advisory lock on the key, shared by every replica of the database. SQLite
    (one machine): an exclusive lock on a file beside the database, one of 64 by key, so a write
    lock on the database itself never blocks imports while a result computes. An in-memory database
    has one process and needs none.
    """
    if engine.dialect.name == "postgresql":
        lock = int(key[:15], 16)  # 60 bits: a positive bigint
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:lock)"), {"lock": lock})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:lock)"), {"lock": lock})
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    from filelock import FileLock

    with FileLock(f"{database}.results-{int(key[:2], 16) % 64:02d}.lock"):
        yield


def _store(engine: Engine, key: str, name: str, version: str, seconds: float, result: Any) -> None:
    table = m.StoredResult.__table__
    try:
        row = {
            "key": key,
            "name": name[:80],
            "version": version,
            "computed_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "seconds": seconds,
            "payload": encode(result),
        }
        with engine.begin() as conn:
            # Results of older data are never read again: drop them with the one being replaced.
            conn.execute(delete(table).where((table.c.key == key) | (table.c.version != version)))
            conn.execute(insert(table).values(**row))
    except (
        Exception
    ) as error:  # another replica stored it first, a read-only database, a value JSON cannot hold
        log.info("Result %s not stored: %s", name, error)


def forget_all(conn: Connection) -> int:
    """Drop every stored result (the caller's transaction); returns how many there were."""
    return conn.execute(delete(m.StoredResult)).rowcount or 0


def stored_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(m.StoredResult)).scalar_one())
