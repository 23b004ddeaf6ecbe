"""The floor: the SQL an operation issued, replayed bare on the database with no Python around it.

:func:`recording` captures every SELECT any engine in this process runs (statement and parameters)
while an operation runs; :func:`replay` runs the same statements again on one raw DB-API cursor and
fetches every row: those run on the database on it, those run on the columnar copy
(:mod:`data_access.analytics`) on that copy. The replay's time is what the database alone needs for those aggregates, so
``operation time / floor`` is the overhead everything above the database adds.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, create_engine, event

TABLE_PATTERN = re.compile(r"\b(?:FROM|JOIN)\s+\"?([a-z_]+)\"?", re.IGNORECASE)


@dataclass
class Recorded:
    statements: list[tuple[str, object]] = field(default_factory=list)  # run on the database
    on_copy: list[tuple[str, str, object]] = field(default_factory=list)  # (copy file, statement, parameters)

    @property
    def count(self) -> int:
        return len(self.statements) + len(getattr(self, "on_copy", []))

    @property
    def tables(self) -> set[str]:
        """The application's tables the recorded statements read (not the catalogue a dialect
        consults, such as PostgreSQL's ``pg_catalog``)."""
        from data_access.models import Base

        ours = set(Base.metadata.tables)
        return {name.lower() for sql, _ in self.statements for name in TABLE_PATTERN.findall(sql)} & ours


@contextmanager
def recording() -> Iterator[Recorded]:
    """Record the SELECT statements every engine runs inside the block."""
    found = Recorded()

    def before(conn, _cursor, statement, parameters, _context, executemany) -> None:
        if executemany or not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            return
        if conn.dialect.name == "duckdb":
            found.on_copy.append((str(conn.engine.url.database), statement, parameters))
        else:
            found.statements.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield found
    finally:
        event.remove(Engine, "before_cursor_execute", before)


def replay(url: str, recorded: Recorded) -> float:
    """Seconds to run ``recorded``'s statements again, bare, fetching every row (on the database at
    ``url``, and on the copy those run on the copy ran on)."""
    return _replay_database(url, recorded.statements) + _replay_copies(getattr(recorded, "on_copy", []))


def _replay_copies(statements: list[tuple[str, str, object]]) -> float:
    import duckdb

    seconds = 0.0
    for path in dict.fromkeys(path for path, _, _ in statements):
        with duckdb.connect(path, read_only=True) as copy:
            started = time.perf_counter()
            for where, statement, parameters in statements:
                if where == path:
                    copy.execute(statement, parameters).fetchall()
            seconds += time.perf_counter() - started
    return seconds


def _replay_database(url: str, statements: list[tuple[str, object]]) -> float:
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        seconds = time.perf_counter() - started
        cursor.close()
        return seconds
    finally:
        raw.close()
        engine.dispose()
