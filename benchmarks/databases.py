"""The databases the benchmarks run on: only databases the benchmark created itself, under a prefix.

Every database is named ``<prefix><scale>`` (``<prefix>import`` for the import scratch database;
``--prefix``, default ``ppbench_``). SQLite files live in ``--workdir``; PostgreSQL databases are
created on the server given by ``--postgres``. The benchmark marks what it creates (a comment on the
PostgreSQL database, a ``benchmark_mark`` table in the SQLite file) and reuses or drops only
databases carrying that mark: a database of the same name without it is refused with one sentence
and left as it is.

Loading goes through the real command, ``python -m dashboard init --demo --scale ...``, in a child
process, so its peak memory is the command's own.
"""

from __future__ import annotations

import os
import re
import resource
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dashboard.config import REPO_ROOT

DEMO_END = "2026-10-31"
DEFAULT_PREFIX = "ppbench_"
MARK = "Created by the Purpose Pulse benchmark (python -m benchmarks); safe for it to drop."
MARK_TABLE = "benchmark_mark"
PREFIX_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")


class NotOurs(Exception):
    """A database the benchmark would use or drop exists without the benchmark's mark."""


@dataclass(frozen=True)
class BenchDatabase:
    engine: str  # "sqlite" or "postgresql"
    scale: str
    url: str

    @property
    def name(self) -> str:
        """The database's name: the SQLite file's path, or the PostgreSQL database's name."""
        return self.url.split("///", 1)[-1] if self.engine == "sqlite" else str(make_url(self.url).database)


def check_prefix(prefix: str) -> str:
    """``prefix`` if it is a safe database name prefix, else ValueError saying what a prefix may be."""
    if not PREFIX_PATTERN.fullmatch(prefix):
        raise ValueError(
            f"The prefix {prefix!r} is not usable: it must start with a lowercase letter and hold only "
            "lowercase letters, digits and underscores (at most 40)."
        )
    return prefix


def database_for(
    engine: str, scale: str, workdir: Path, postgres: str, prefix: str = DEFAULT_PREFIX
) -> BenchDatabase:
    name = f"{check_prefix(prefix)}{scale}"
    if engine == "sqlite":
        return BenchDatabase(engine, scale, f"sqlite:///{workdir / f'{name}.db'}")
    url = make_url(postgres).set(database=name)
    return BenchDatabase(engine, scale, url.render_as_string(hide_password=False))


def _admin(db: BenchDatabase):
    return create_engine(make_url(db.url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _state(db: BenchDatabase) -> str:
    """ "missing", "ours" (exists with the mark) or "foreign" (exists without it)."""
    if db.engine == "sqlite":
        path = Path(db.name)
        if not path.exists():
            return "missing"
        raw = sqlite3.connect(path)
        try:
            found = raw.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MARK_TABLE,)
            ).fetchone()
            marked = bool(found) and raw.execute(f"SELECT note FROM {MARK_TABLE}").fetchone() == (MARK,)
        except sqlite3.DatabaseError:  # not a database at all: certainly not ours
            marked = False
        finally:
            raw.close()
        return "ours" if marked else "foreign"
    admin = _admin(db)
    try:
        with admin.connect() as conn:
            row = conn.execute(
                text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :name"),
                {"name": db.name},
            ).first()
    finally:
        admin.dispose()
    if row is None:
        return "missing"
    return "ours" if row[0] == MARK else "foreign"


def _refuse(db: BenchDatabase, doing: str) -> NotOurs:
    kind = "SQLite file" if db.engine == "sqlite" else "PostgreSQL database"
    return NotOurs(
        f"The {kind} {db.name} exists but was not created by the benchmark (it has no benchmark mark), "
        f"so the benchmark will not {doing} it: pass another --prefix, or remove it yourself."
    )


def create_database(db: BenchDatabase) -> None:
    """Create ``db`` empty and mark it as the benchmark's; it must not exist yet."""
    if db.engine == "sqlite":
        Path(db.name).parent.mkdir(parents=True, exist_ok=True)
        raw = sqlite3.connect(db.name)
        try:
            with raw:
                raw.execute(f"CREATE TABLE {MARK_TABLE} (note TEXT NOT NULL)")
                raw.execute(f"INSERT INTO {MARK_TABLE} (note) VALUES (?)", (MARK,))
        finally:
            raw.close()
        return
    admin = _admin(db)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db.name}"'))
            conn.exec_driver_sql(f'COMMENT ON DATABASE "{db.name}" IS {_quote(MARK)}')
    finally:
        admin.dispose()


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def ensure_database(db: BenchDatabase) -> bool:
    """Make sure ``db`` exists and is the benchmark's: True when it was created now.

    Raises :class:`NotOurs` when a database of that name exists without the mark."""
    state = _state(db)
    if state == "foreign":
        raise _refuse(db, "use")
    if state == "missing":
        create_database(db)
        return True
    return False


def drop_database(db: BenchDatabase) -> None:
    """Drop ``db`` if it is there; only a database carrying the benchmark's mark is dropped."""
    state = _state(db)
    if state == "missing":
        return
    if state == "foreign":
        raise _refuse(db, "drop")
    if db.engine == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db.name}{suffix}").unlink(missing_ok=True)
        return
    admin = _admin(db)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{db.name}"'))
    finally:
        admin.dispose()


def scratch_database(
    engine: str, workdir: Path, postgres: str, prefix: str = DEFAULT_PREFIX, scale: str = "import"
) -> BenchDatabase:
    """An empty database of the benchmark's own for the import measurements (dropped and made anew)."""
    db = database_for(engine, scale, workdir, postgres, prefix)
    drop_database(db)
    create_database(db)
    return db


def _has_demo(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(text("SELECT 1 FROM import_batches WHERE format = 'demo' LIMIT 1")).first()
            )
    except Exception:  # a missing database or table both mean "not loaded yet"
        return False
    finally:
        engine.dispose()


def ensure_loaded(db: BenchDatabase) -> dict | None:
    """Load the demo at ``db.scale`` unless it is there; returns the load's figures when it loaded.

    The database is created (and marked) when missing; one without the benchmark's mark is refused
    (:class:`NotOurs`). A database loaded by an earlier version is brought to the current schema first.
    """
    ensure_database(db)
    if _has_demo(db.url):
        from data_access.db import make_engine, migrate, refresh_statistics

        engine = make_engine(db.url)
        migrate(engine)
        refresh_statistics(engine)
        engine.dispose()
        return None
    env = {**os.environ, "DATABASE_URL": db.url}
    command = [sys.executable, "-m", "dashboard", "init", "--demo", "--scale", db.scale, "--end", DEMO_END]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        command, cwd=REPO_ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_mib": max(peak_kib, before) / 1024}


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    tables = (
        "teams",
        "people",
        "accounts",
        "opportunities",
        "opportunity_history",
        "meetings",
        "utterances",
        "survey_responses",
    )
    try:
        with engine.connect() as conn:
            return {t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() or 0) for t in tables}
    finally:
        engine.dispose()
