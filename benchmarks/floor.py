"""The floor: the SQL an operation issued, replayed bare on the database with no Python around it.

:func:`recording` captures every SELECT any engine in this process runs (statement and parameters)
while an operation runs; :func:`replay` runs the same statements again on one raw DB-API cursor and
fetches every row. The replay's time is what the database alone needs for those aggregates, so
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
    statements: list[tuple[str, object]] = field(default_factory=list)

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

    def before(_conn, _cursor, statement, parameters, _context, executemany) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            found.statements.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield found
    finally:
        event.remove(Engine, "before_cursor_execute", before)


def replay(url: str, recorded: Recorded) -> float:
    """Seconds to run ``recorded``'s statements again, bare, fetching every row."""
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        for statement, parameters in recorded.statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        seconds = time.perf_counter() - started
        cursor.close()
        return seconds
    finally:
        raw.close()
        engine.dispose()
