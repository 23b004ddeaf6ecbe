"""The databases the benchmarks run on: one demo database per (engine, scale), loaded once and reused.

SQLite files live in ``--workdir``; PostgreSQL databases are created on the server given by
``--postgres`` (named ``purpose_pulse_bench_<scale>``). Loading goes through the real command,
``python -m dashboard init --demo --scale ...``, in a child process, so its peak memory is the
command's own.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dashboard.config import REPO_ROOT

DEMO_END = "2026-10-31"


@dataclass(frozen=True)
class BenchDatabase:
    engine: str  # "sqlite" or "postgresql"
    scale: str
    url: str


def database_for(engine: str, scale: str, workdir: Path, postgres: str) -> BenchDatabase:
    if engine == "sqlite":
        return BenchDatabase(engine, scale, f"sqlite:///{workdir / f'bench_{scale}.db'}")
    url = make_url(postgres).set(database=f"purpose_pulse_bench_{scale}")
    return BenchDatabase(engine, scale, url.render_as_string(hide_password=False))


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


def _create_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def ensure_loaded(db: BenchDatabase) -> dict | None:
    """Load the demo at ``db.scale`` unless it is there; returns the load's figures when it loaded.
    A database loaded by an earlier version is brought to the current schema first."""
    if _has_demo(db.url):
        from data_access.db import make_engine, migrate, refresh_statistics

        engine = make_engine(db.url)
        migrate(engine)
        refresh_statistics(engine)
        engine.dispose()
        return None
    if db.engine == "postgresql":
        _create_postgres_database(db.url)
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
