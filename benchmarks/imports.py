"""Import rates: the bulk store path for opportunities and history, and the Maven sample end to end.

The rows are one division of the large demo (about 40,000 deals and 200,000 history rows), written
into a freshly migrated scratch database. Each way of writing them runs in its own transaction that
is rolled back, so each starts from the same empty tables:

- ``store``: :func:`data_access.importers.store.bulk_insert`, the path every importer and the demo
  loader use (COPY on PostgreSQL, 20,000-row executemany batches on SQLite);
- ``floor``: the raw driver alone, rows already tuples (``executemany`` / ``COPY``);
- ``pandas``: ``DataFrame.to_sql``, what a typical app would write.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data_access import models as m
from data_access.db import make_engine, migrate
from data_access.demo import _sync_sequence, build_demo
from data_access.importers.store import bulk_insert

PARENTS = ("teams", "people", "accounts")
MEASURED = ("opportunities", "opportunity_history")
MAVEN = Path("/work/shared/data/maven-crm")


def scratch_url(engine: str, workdir: Path, postgres: str) -> str:
    if engine == "sqlite":
        path = workdir / "bench_import.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    target = make_url(postgres).set(database="purpose_pulse_bench_import")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "purpose_pulse_bench_import"'))
        conn.execute(text('CREATE DATABASE "purpose_pulse_bench_import"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


def _raw_write(conn, table, rows: list[dict]) -> None:
    names = [c.name for c in table.columns if c.name in rows[0]]
    tuples = [tuple(row.get(n) for n in names) for row in rows]
    cursor = conn.connection.driver_connection.cursor()
    if conn.dialect.name == "postgresql":
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for values in tuples:
                copy.write_row(values)
    else:
        marks = ", ".join("?" for _ in names)
        cursor.executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", tuples)


def _pandas_write(conn, table, rows: list[dict]) -> None:
    pd.DataFrame(rows).to_sql(table.name, conn, if_exists="append", index=False, chunksize=10_000)


def measure(url: str) -> dict:
    """Rows per second for each way of writing the measured tables, plus the Maven import."""
    tables = build_demo(7, dt.date(2026, 10, 31), deal_volume=5.0)
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        # The rows point at import batch 1.
        conn.execute(
            m.ImportBatch.__table__.insert(),
            [{"id": 1, "source": "demo", "started_at": dt.datetime(2026, 10, 31), "status": "done"}],
        )
        for name in PARENTS:
            bulk_insert(conn, m.Base.metadata.tables[name], tables[name])
        # The ids above were given explicitly; the Maven import below takes the next ones.
        for name in ("import_batches", *PARENTS):
            _sync_sequence(conn, m.Base.metadata.tables[name])
    out: dict = {}
    ways = {"store": lambda c, t, r: bulk_insert(c, t, r), "floor": _raw_write, "pandas": _pandas_write}
    for name in MEASURED:
        rows = tables[name]
        table = m.Base.metadata.tables[name]
        out[name] = {"rows": len(rows)}
        for way, write in ways.items():
            with engine.connect() as conn:
                trans = conn.begin()
                if name == "opportunity_history":
                    bulk_insert(conn, m.Opportunity.__table__, tables["opportunities"])
                started = time.perf_counter()
                write(conn, table, rows)
                seconds = time.perf_counter() - started
                trans.rollback()
            out[name][way] = len(rows) / seconds
    out["maven"] = _maven(engine)
    engine.dispose()
    return out


def _maven(engine) -> dict:
    from data_access.importers import ImportOptions, import_maven

    with engine.connect() as conn:
        trans = conn.begin()
        started = time.perf_counter()
        result = import_maven(conn, MAVEN, ImportOptions())
        seconds = time.perf_counter() - started
        trans.rollback()
    rows = result.rows_read
    return {"rows": rows, "rows_per_s": rows / seconds}
