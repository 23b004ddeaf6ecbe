"""A columnar copy of the data in DuckDB, for the heavy first computations of a large organisation.

SQLite or PostgreSQL stays the system of record: every import, change and stored result goes there.
Beside it, once the organisation has ``min_deals`` deals or more, a DuckDB file holds a copy of every
table the metrics read, typed as :mod:`data_access.models` declares them. A page's stored reads
(:mod:`dashboard.reads.cached_read`) run their SQL on that copy when it was taken at the current
data version (:func:`data_access.result_store.data_version`), and on the database otherwise, so a
figure is never computed from older data than the database holds. At a million deals DuckDB answers
the Overview's SQL 6–7 times faster than PostgreSQL (docs/performance.md); below ``min_deals`` the
database itself is quicker and no copy is kept.

The copy is named by the database and the data version it was taken at (``<directory>/<key>.duckdb``), written
under a temporary name from one snapshot of the database and renamed into place when complete, so a
reader only ever opens a whole copy. Commands that change the data refresh it before they finish
(``import``, ``init --demo``, ``reclassify``, ``precompute``); a change made in the app (an upload,
a setting) is followed by a refresh in the background the next time a page reads, and the pages read
the database until it is done.

The copy holds the same rows as the database, so the folder is created readable by its owner only.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import JSON, Connection, Engine, create_engine, func, select, text
from sqlalchemy.dialects import registry
from sqlalchemy.engine import make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import BigInteger, Boolean, Date, DateTime, Float, Integer, LargeBinary, Numeric

from data_access import models as m

__all__ = [
    "DEFAULT_MIN_DEALS",
    "Analytics",
    "Refresh",
    "analytics_for",
    "computed",
    "copy_key",
    "copy_path",
    "duckdb_type",
    "reading",
    "refresh",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

# Below this many deals the database answers the pages' SQL faster than DuckDB does (docs/performance.md).
DEFAULT_MIN_DEALS = 100_000
# Tables never copied: computed results, and the first time each deal reached each stage, which only
# the history rollup's writer reads (3.6 million rows at a million deals).
NOT_COPIED = frozenset({"stored_results", "deal_stage_firsts"})
# Tables the copy keeps in the order of a date column. DuckDB skips a block of rows (a row group)
# whose smallest and largest values of a column miss a statement's filter; in the database's own
# order every block of deals spans every close date, so a quarter's statement read all of them. In
# close-date order a quarter's deals sit in one or two blocks: the seventeen symptoms measured over
# seven quarters for 200 teams at a million deals took 0.90x the time (quarter-end closing 0.51x,
# comp-plan gaming 0.70x). Subscriptions and survey answers in date order gained nothing measurable.
ORDERED_BY = {"opportunities": "close_date"}
ROWS_PER_CHUNK = 50_000
# How PostgreSQL's COPY writes CSV: unquoted empty fields are NULL, quoted ones ("") empty text.
CSV_OPTIONS = (
    "auto_detect = false, header = false, delim = ',', quote = '\"', escape = '\"', allow_quoted_nulls = false, "
    "max_line_size = 67108864"
)
SUFFIX = ".duckdb"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
COPY_MEMORY = "512MB"
COPY_THREADS = 2
# What the app's reads may hold (DuckDB's own default is 80% of the machine's memory).
READ_MEMORY = "1GB"


@compiles(Float, "duckdb")
def _double(element, compiler, **kw) -> str:
    # DuckDB reads FLOAT as four bytes; the metrics' casts mean a double, as on SQLite and PostgreSQL.
    return "DOUBLE"


# Loaded by SQLAlchemy on first use, with DuckDB itself (data_access/duckdb_dialect.py).
registry.register("duckdb.cached", "data_access.duckdb_dialect", "CachingDuckDBDialect")


@dataclass(frozen=True)
class Analytics:
    """Where the copy of one database lives, and from which size on it is kept (None: never)."""

    directory: Path | None
    min_deals: int = DEFAULT_MIN_DEALS

    @property
    def enabled(self) -> bool:
        return self.directory is not None


@dataclass(frozen=True)
class Refresh:
    """What :func:`refresh` did: ``built`` False when the copy was current or is not kept."""

    built: bool
    path: Path | None
    deals: int
    seconds: float = 0.0
    reason: str = ""
    failed: bool = False


def default_directory(url: str) -> Path | None:
    """The copy's folder for the database at ``url``: beside a SQLite file, or under ``data/analytics``
    for a server database (named by a digest of its address, never its password). None for an
    in-memory database."""
    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        database = target.database
        if not database or database == ":memory:":
            return None
        return Path(f"{database}.analytics")
    address = f"{target.get_backend_name()}://{target.host}:{target.port}/{target.database}"
    return DATA_DIR / "analytics" / hashlib.sha256(address.encode()).hexdigest()[:16]


def analytics_for(url: str, environ: dict | None = None) -> Analytics:
    """The copy settings for ``url``: ``ANALYTICS_DIR`` (a folder, or ``off``) and
    ``ANALYTICS_MIN_DEALS`` from the environment, else the defaults."""
    env = os.environ if environ is None else environ
    folder = (env.get("ANALYTICS_DIR") or "").strip()
    if folder.lower() in ("off", "none", "0"):
        return Analytics(None)
    directory = Path(folder) if folder else default_directory(url)
    minimum = (env.get("ANALYTICS_MIN_DEALS") or "").strip()
    try:
        min_deals = int(minimum) if minimum else DEFAULT_MIN_DEALS
    except ValueError:
        raise ValueError(f"ANALYTICS_MIN_DEALS must be a whole number of deals, not {minimum!r}.") from None
    return Analytics(directory, max(0, min_deals))


def copy_key(conn: Connection) -> str:
    """What a copy is named by: the database it is taken from and the version of its data
    (:func:`data_access.result_store.data_version`). Two databases can be at the same version (two
    demos, two empty ones), so a folder shared by both never serves one the other's copy."""
    from data_access.result_store import data_version

    url = conn.engine.url
    if conn.dialect.name == "sqlite":
        source = os.path.realpath(url.database or "")
    elif conn.dialect.name == "postgresql":
        database, schema = conn.execute(text("SELECT current_database(), current_schema()")).one()
        source = f"postgresql://{url.host}:{url.port}/{database}/{schema}"
    else:
        source = url.render_as_string(hide_password=True)
    return f"{_digest(source)}-{_digest(data_version(conn))}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def copy_path(analytics: Analytics, key: str) -> Path | None:
    """The file of the copy named by ``key`` (:func:`copy_key`), whether or not it exists."""
    if analytics.directory is None:
        return None
    return analytics.directory / f"{key}{SUFFIX}"


def copied_tables() -> list[str]:
    return [name for name in m.Base.metadata.tables if name not in NOT_COPIED]


def duckdb_type(column) -> str:
    """The DuckDB type a column of :mod:`data_access.models` is copied as."""
    kind = column.type
    if isinstance(kind, Boolean):
        return "BOOLEAN"
    if isinstance(kind, Integer | BigInteger):
        return "BIGINT"
    if isinstance(kind, Float):
        return "DOUBLE"
    if isinstance(kind, Numeric):
        return f"DECIMAL({kind.precision}, {kind.scale or 0})" if kind.precision else "DOUBLE"
    if isinstance(kind, DateTime):
        return "TIMESTAMP"
    if isinstance(kind, Date):
        return "DATE"
    if isinstance(kind, LargeBinary):
        return "BLOB"
    return "VARCHAR"  # text, and JSON kept as its text


# --- taking the copy ---------------------------------------------------------------------------


def refresh(
    engine: Engine,
    analytics: Analytics,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> Refresh:
    """Make the copy current: take it when the database has ``min_deals`` deals or more and no copy
    of its current data exists; remove copies of older data. ``progress(table, rows)`` is called as
    rows are copied."""
    if not analytics.enabled:
        return Refresh(False, None, 0, reason="the analytical copy is turned off")
    started = time.perf_counter()
    with _snapshot(engine) as conn:
        key = copy_key(conn)
        deals = int(conn.execute(select(func.count()).select_from(m.Opportunity)).scalar_one())
        path = copy_path(analytics, key)
        assert path is not None
        if deals < analytics.min_deals:
            _remove_copies(analytics.directory, key, keep=None)
            return Refresh(False, None, deals, reason=f"fewer than {analytics.min_deals:,} deals")
        if path.exists():
            return Refresh(False, path, deals, reason="the copy is current")
        _make_directory(analytics.directory)
        partial = path.with_name(f".{path.stem}-{os.getpid()}-{threading.get_ident()}.partial")
        partial.unlink(missing_ok=True)
        try:
            _copy_tables(conn, partial, progress)
            os.replace(partial, path)
        finally:  # a copy that failed half-way leaves nothing behind, its write-ahead log included
            partial.unlink(missing_ok=True)
            partial.with_name(f"{partial.name}.wal").unlink(missing_ok=True)
    _remove_copies(analytics.directory, key, keep=path)
    return Refresh(True, path, deals, time.perf_counter() - started)


@contextlib.contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction: the version and every table as of the same moment."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect() as conn:
        conn = conn.execution_options(**options)
        with conn.begin():
            yield conn


def _make_directory(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)


def _copy_tables(conn: Connection, target: Path, progress: Callable[[str, int], None] | None) -> None:
    import duckdb

    # Bounded like an import (DuckDB spills to disk beyond it), whatever the organisation's size.
    duck = duckdb.connect(
        str(target),
        config={"memory_limit": COPY_MEMORY, "threads": COPY_THREADS, "preserve_insertion_order": False},
    )
    try:
        for name in copied_tables():
            table = m.Base.metadata.tables[name]
            columns = list(table.columns)
            types = [duckdb_type(c) for c in columns]
            duck.execute(
                f'CREATE TABLE "{name}" ('
                + ", ".join(f'"{c.name}" {kind}' for c, kind in zip(columns, types, strict=True))
                + ")"
            )
            casts = ", ".join(f'CAST("c{i}" AS {kind})' for i, kind in enumerate(types))
            if conn.dialect.name == "postgresql":
                rows = _copy_as_csv(conn, duck, name, columns, casts, target.parent)
            else:
                rows = _copy_as_arrow(conn, duck, table, columns, casts, progress)
            if name in ORDERED_BY:
                _reorder(duck, name, ORDERED_BY[name])
            if progress:
                progress(name, rows)
        duck.execute("CHECKPOINT")
    finally:
        duck.close()


def _reorder(duck, name: str, column: str) -> None:
    """Rewrite the copied table ``name`` in the order of ``column`` (see :data:`ORDERED_BY`)."""
    duck.execute(f'CREATE TABLE "{name}__ordered" AS SELECT * FROM "{name}" ORDER BY "{column}"')
    duck.execute(f'DROP TABLE "{name}"')
    duck.execute(f'ALTER TABLE "{name}__ordered" RENAME TO "{name}"')


def _copy_as_csv(conn: Connection, duck, name: str, columns: list, casts: str, folder: Path) -> int:
    """PostgreSQL: the table written by the server as CSV (``COPY ... TO STDOUT``, in the snapshot's
    transaction) to a file beside the copy, which DuckDB then reads in parallel: about ten times
    quicker than fetching the rows through Python."""
    selected = ", ".join(f'"{c.name}"' for c in columns)
    scratch = folder / f".{name}-{os.getpid()}-{threading.get_ident()}.csv"
    try:
        command = f'COPY (SELECT {selected} FROM "{name}") TO STDOUT (FORMAT csv)'
        with (
            conn.connection.driver_connection.cursor() as cursor,
            scratch.open("wb") as out,
            cursor.copy(command) as stream,
        ):
            for block in stream:
                out.write(block)
        as_text = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(columns)))
        if scratch.stat().st_size == 0:
            return 0
        path = str(scratch).replace("'", "''")
        duck.execute(
            f"""INSERT INTO "{name}" SELECT {casts} FROM read_csv('{path}', columns = {{{as_text}}}, {CSV_OPTIONS})"""
        )
    finally:
        scratch.unlink(missing_ok=True)
    return int(duck.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])


def _copy_as_arrow(conn: Connection, duck, table, columns: list, casts: str, progress) -> int:
    """SQLite: the rows fetched in chunks and handed to DuckDB as Arrow tables."""
    import numpy as np
    import pyarrow as pa

    as_text = [i for i, c in enumerate(columns) if isinstance(c.type, JSON)]
    # Raw values, not the models' Python types: the driver's rows go straight into Arrow.
    statement = select(*(table.c[c.name].expression for c in columns)).select_from(table)
    # The driver's own cursor, in the snapshot's transaction: plain tuples, no row objects around them.
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(str(statement.compile(conn.engine)))
        rows = 0
        while chunk := cursor.fetchmany(ROWS_PER_CHUNK):
            # The rows as one two-dimensional array of Python objects, cut into columns: half the
            # time of building a list per column.
            grid = np.array(chunk, dtype=object).reshape(len(chunk), len(columns))
            data = {f"c{i}": pa.array(grid[:, i]) for i in range(len(columns)) if i not in as_text}
            for i in as_text:
                data[f"c{i}"] = pa.array([_json_text(v) for v in grid[:, i]], type=pa.string())
            duck.register("chunk", pa.table({f"c{i}": data[f"c{i}"] for i in range(len(columns))}))
            duck.execute(f'INSERT INTO "{table.name}" SELECT {casts} FROM chunk')
            duck.unregister("chunk")
            rows += len(chunk)
            if progress:
                progress(table.name, rows)
    finally:
        cursor.close()
    return rows


def _json_text(value):
    import json

    return value if value is None or isinstance(value, str) else json.dumps(value)


def _remove_copies(directory: Path | None, key: str, keep: Path | None) -> None:
    """Remove the copies of older data of the database ``key`` names (other databases' copies in a
    shared folder are theirs)."""
    if directory is None or not directory.exists():
        return
    source = key.split("-", 1)[0]
    for old in directory.glob(f"{source}-*{SUFFIX}"):
        if old != keep:
            with contextlib.suppress(OSError):  # a reader on Windows may hold it; removed next time
                old.unlink()


# --- reading from it ---------------------------------------------------------------------------

_engines: dict[Path, Engine] = {}
_engines_lock = threading.Lock()
_refreshing: set[tuple[Path, str]] = set()  # (folder, database) being copied now
# The key each database's copy was last looked for under, by folder and database: a missing copy is
# only asked for once per version.
_settled: dict[tuple[Path, str], str] = {}


def _deals(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(m.Opportunity)).scalar_one())


def _engine_of(path: Path) -> Engine:
    with _engines_lock:
        engine = _engines.get(path)
        if engine is None:
            source = path.name.split("-", 1)[0]
            for other in [p for p in _engines if p.parent == path.parent and p.name.startswith(f"{source}-")]:
                _engines.pop(other).dispose()  # a copy of this database's older data: never read again
            engine = create_engine(
                f"duckdb+cached:///{path}",
                connect_args={"read_only": True, "config": {"memory_limit": READ_MEMORY}},
            )
            _engines[path] = engine
        return engine


@contextlib.contextmanager
def reading(engine: Engine, analytics: Analytics, key: str) -> Iterator[Connection | None]:
    """A connection to the copy named ``key`` (:func:`copy_key`: this database at its current data
    version), or None when there is none: then the caller reads the database. A missing copy of a
    large enough database is taken in the background, one at a time per folder, for the reads that
    come after."""
    path = copy_path(analytics, key)
    if path is None:
        yield None
        return
    if not path.exists():
        source = (analytics.directory, key.split("-", 1)[0])
        if _settled.get(source) != key:
            _settled[source] = key
            if _deals(engine) >= analytics.min_deals:
                _refresh_in_background(engine, analytics, source)
        yield None
        return
    try:
        conn = _engine_of(path).connect()
    except Exception as error:  # removed by a newer refresh between the check and the open
        log.info("The analytical copy %s could not be opened: %s", path, error)
        yield None
        return
    with conn:
        yield conn


def computed(engine: Engine, compute: Callable[[Connection], T], what: str) -> T:
    """``compute(conn)`` on the copy of the current data when there is one (see :func:`reading`),
    else on the database. A statement the copy refuses is logged and the figure computed on the
    database: a reader always gets its figure."""
    import duckdb
    from sqlalchemy.exc import SQLAlchemyError

    try:
        settings = analytics_for(engine.url.render_as_string(hide_password=False))
    except ValueError as error:  # a mistyped ANALYTICS_MIN_DEALS: the figures come from the database
        log.error("%s", error)
        settings = Analytics(None)
    if settings.enabled:
        with engine.connect() as conn:
            key = copy_key(conn)
        with reading(engine, settings, key) as copy:
            if copy is not None:
                try:
                    return compute(copy)
                except (SQLAlchemyError, duckdb.Error) as error:
                    log.warning("%s failed on the analytical copy, reading the database: %s", what, error)
    with engine.connect() as conn:
        return compute(conn)


def _refresh_in_background(engine: Engine, analytics: Analytics, source: tuple[Path, str]) -> None:
    """Take the copy on another thread, one per database and folder at a time. When another process
    holds the folder (a command taking a copy), or the copy fails, the next read asks again."""
    with _engines_lock:
        if source in _refreshing:
            return
        _refreshing.add(source)

    def run() -> None:
        taken = False
        try:
            with _folder_lock(analytics.directory, blocking=False) as held:
                if held:
                    refresh(engine, analytics)
                    taken = True
        except Exception as error:  # the pages keep reading the database
            log.warning("The analytical copy could not be refreshed: %s", error)
        finally:
            with _engines_lock:
                _refreshing.discard(source)
                if not taken:
                    _settled.pop(source, None)

    threading.Thread(target=run, name="analytics-refresh", daemon=True).start()


@contextlib.contextmanager
def _folder_lock(directory: Path, *, blocking: bool = True) -> Iterator[bool]:
    """One refresh at a time per copy folder, across processes."""
    from filelock import FileLock, Timeout

    _make_directory(directory)
    lock = FileLock(str(directory / "refresh.lock"))
    try:
        lock.acquire(timeout=-1 if blocking else 0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def refresh_now(engine: Engine, analytics: Analytics, **kwargs) -> Refresh:
    """:func:`refresh` under the folder's lock: what a command runs before it finishes. A database
    too small for a copy gets no folder either."""
    if analytics.directory is None or (
        not analytics.directory.exists() and _deals(engine) < analytics.min_deals
    ):
        return refresh(engine, analytics, **kwargs)
    with _folder_lock(analytics.directory):
        return refresh(engine, analytics, **kwargs)
