"""Shared fixtures.

``db_engine`` is a migrated database, once on SQLite and once on PostgreSQL (when
``TEST_DATABASE_URL`` is set; otherwise those tests skip and say why). Each xdist worker gets its
own SQLite file and its own PostgreSQL schema. ``conn`` is a connection inside a transaction that
is rolled back after the test, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text

from data_access.db import make_engine, migrate

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Tests that read the real public files (the Maven CRM sample, recorded meetings, real talk) skip,
# saying where the files go, in a checkout without the shared folder beside it.
needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(),
    reason=f"the real public files are not at {SHARED_DATA} (the shared folder beside the repository)",
)

PG_SKIP_REASON = "TEST_DATABASE_URL is not set: PostgreSQL tests need a server (see README)."


def postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def make_postgres_engine(schema_suffix: str = "") -> Engine:
    """An engine on a fresh PostgreSQL schema of its own, with search_path pointed at it."""
    from sqlalchemy import create_engine

    url = postgres_url()
    schema = f"pp_test_{_worker()}{schema_suffix}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    engine.info = {"schema": schema}  # type: ignore[attr-defined]
    return engine


def drop_postgres_schema(engine: Engine) -> None:
    schema = engine.info["schema"]  # type: ignore[attr-defined]
    engine.dispose()
    from sqlalchemy import create_engine

    admin = create_engine(postgres_url())
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_engine(request, tmp_path_factory) -> Engine:
    """A migrated, empty database; parametrized over SQLite and PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        yield engine
        engine.dispose()
    else:
        if not postgres_url():
            pytest.skip(PG_SKIP_REASON)
        engine = make_postgres_engine()
        migrate(engine)
        yield engine
        drop_postgres_schema(engine)


@pytest.fixture
def conn(db_engine):
    """A connection in a transaction that is rolled back at the end of the test.

    Code under test may open SAVEPOINTs (``conn.begin_nested()``) freely.
    """
    with db_engine.connect() as connection:
        trans = connection.begin()
        yield connection
        trans.rollback()


@pytest.fixture
def fresh_engine(request, tmp_path) -> Engine:
    """A new migrated SQLite database for tests that need real commits (CLI, app)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def count_statements(engine: Engine):
    """Record the SQL statements an engine runs: ``with count_statements(e) as log: ...``."""

    @contextmanager
    def recorder():
        log: list[str] = []

        def before(_conn, _cursor, statement, _params, _context, _many):
            log.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield log
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return recorder()


DEMO_END = "2026-10-31"


@contextmanager
def demo_engine(kind: str, folder: Path, name: str, *, relabel: bool = False) -> Iterator[Engine]:
    """The demo organisation (seed 7, ending ``DEMO_END``) in a database of its own: a SQLite file in
    ``folder`` or a PostgreSQL schema named after ``name`` (skipped without a server), dropped after.
    ``relabel``: its talk labelled by the classifier, as ``init --demo`` leaves it."""
    import datetime as dt

    from data_access.demo import load_demo

    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{folder / f'{name}.db'}")
    else:
        if not postgres_url():
            pytest.skip(PG_SKIP_REASON)
        engine = make_postgres_engine(f"_{name}")
    try:
        migrate(engine)
        with engine.begin() as connection:
            load_demo(connection, seed=7, end=dt.date.fromisoformat(DEMO_END))
            if relabel:
                from data_access.scope import Scope
                from metrics.talk.reclassify import reclassify

                reclassify(connection, Scope.everything())
        yield engine
    finally:
        if kind == "sqlite":
            engine.dispose()
        else:
            drop_postgres_schema(engine)


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory) -> str:
    """A SQLite database holding the demo organisation (seed 7, history ending 31 Oct 2026).

    Generated once per test run, whatever the number of xdist workers (the first worker to arrive
    builds it under a file lock, the others wait), then copied for each worker so that no two
    processes ever write to one file. Treat it as read-only."""
    import datetime as dt

    from filelock import FileLock

    from dashboard.config import Settings
    from dashboard.setup import initialise

    base = tmp_path_factory.getbasetemp()
    shared_root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    built = shared_root / "demo-shared.db"
    with FileLock(str(built) + ".lock"):
        if not built.exists():
            partial = shared_root / "demo-building.db"
            partial.unlink(missing_ok=True)
            initialise(
                Settings(database_url=f"sqlite:///{partial}"),
                demo=True,
                seed=7,
                end=dt.date.fromisoformat(DEMO_END),
            )
            partial.rename(built)
    return copy_database(f"sqlite:///{built}", tmp_path_factory.mktemp("demo") / "demo.db")


def copy_database(url: str, destination: Path) -> str:
    """A private copy of a SQLite database for a test that writes to it or serves it from another
    process, taken with SQLite's backup API: consistent whatever is in the WAL, and without opening
    the file outside SQLite (closing such a handle would drop this process's SQLite locks on it)."""
    import sqlite3

    source = sqlite3.connect(url.split("///", 1)[1])
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return f"sqlite:///{destination}"


@pytest.fixture
def demo_app_env(demo_database_url, monkeypatch) -> str:
    """Point the app (AppTest) at the demo database; returns its URL. Results an earlier test left
    in the result store are dropped, so every page test computes (and checks) its own figures."""
    from data_access.db import make_engine
    from data_access.result_store import forget_all

    engine = make_engine(demo_database_url)
    with engine.begin() as connection:
        forget_all(connection)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", demo_database_url)
    return demo_database_url


@pytest.fixture(scope="module")
def browser():
    """One Chromium per browser-test module; each test opens its own page (context) in it."""
    from tests.browser import chromium, require_browser

    require_browser()
    with chromium() as shared:
        yield shared


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, demo_database_url):
    """``streamlit run`` on a copy of the demo database (the server writes stored results); its URL."""
    from tests.browser import ROOT, require_browser, streamlit_server

    require_browser()
    folder = tmp_path_factory.mktemp("browser-demo")
    url = copy_database(demo_database_url, folder / "demo.db")
    with streamlit_server(ROOT, env={"DATABASE_URL": url}, log_path=folder / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="module")
def provider():
    """A local OpenID Connect provider for the sign-in tests; its URL."""
    from tests.browser import oidc_provider, require_browser

    require_browser()
    with oidc_provider() as url:
        yield url


@pytest.fixture
def downloads(monkeypatch):
    """The bytes of every file the page offers for download (Streamlit's own in-memory media store)."""
    files: dict[str, bytes] = {}
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[filename or file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return files
