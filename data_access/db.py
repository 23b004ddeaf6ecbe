"""Engine creation and schema migrations.

The caller owns the Engine (the app caches one per URL); query helpers take a Connection.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an Engine for ``url``; on SQLite turn on WAL and foreign keys and create the folder."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return engine
    engine = create_engine(url, echo=echo, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_settings)
    return engine


def _postgres_settings(dbapi_connection, _record) -> None:
    # PostgreSQL's JIT compiles each of the dashboard's short aggregate queries anew: on one late-stage
    # query at 8,000 deals it spent 549 of 687 ms compiling. The queries here are many and brief, so
    # JIT costs more than it saves.
    cursor = dbapi_connection.cursor()
    cursor.execute("SET jit = off")
    cursor.close()
    dbapi_connection.commit()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the driver, open transactions, so SAVEPOINT and transactional DDL work
    # (the pysqlite recipe in SQLAlchemy's SQLite dialect documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def refresh_statistics(engine: Engine, *, full: bool = False) -> None:
    """Let the query planner see the data as it is after a bulk load.

    SQLite keeps no statistics until ``ANALYZE`` runs; without them it picks the index on a label
    over the one on a meeting's date and reads three million utterances instead of a quarter's. After
    a demo load (``full``) everything is analysed; after an import ``PRAGMA optimize`` re-analyses
    only the tables whose statistics went stale. PostgreSQL's autovacuum analyses on its own, but a
    fresh bulk load is analysed at once so the first page does not meet an empty-table plan.
    """
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE" if full else "PRAGMA optimize")
        elif full:
            analyze_own_tables(conn)


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> str:
    """Create or upgrade the schema to the newest revision; safe to run any number of times.

    Returns the revision the database is at afterwards.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() or ""


def schema_revisions(engine: Engine) -> tuple[str | None, str]:
    """(the revision the database is at, the newest revision this code knows)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head() or ""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision(), head


def schema_exists(engine: Engine) -> bool:
    """True when the database has been initialised (the Alembic version table exists)."""
    return inspect(engine).has_table("alembic_version")


def analyze_own_tables(conn) -> None:
    """``ANALYZE`` the app's tables by name (in the connection's schema), not the whole database: a
    bare ``ANALYZE`` also takes every other schema's tables and can deadlock with another one."""
    from data_access.models import Base

    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    conn.exec_driver_sql(f"ANALYZE {names}")
