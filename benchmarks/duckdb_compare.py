"""``python -m benchmarks duckdb``: would DuckDB answer the heavy first-render reads faster?

The SQL each page's first render issues (result store emptied, ``st.cache_data`` cleared; see
:mod:`benchmarks.pages`) is recorded on SQLite and on PostgreSQL, then replayed statement by
statement, every row fetched:

- **native**: on the database that recorded it (PostgreSQL through :func:`data_access.db.make_engine`,
  so with JIT off as the app runs it);
- **duckdb-scan**: in DuckDB reading that same database in place, through DuckDB's ``sqlite`` or
  ``postgres`` extension (``ATTACH ... (TYPE sqlite | postgres, READ_ONLY)``), when the extension
  can be loaded without a download (installed in DuckDB's extension folder, or shipped by the
  ``duckdb-extension-sqlite-scanner`` / ``duckdb-extension-postgres-scanner`` packages);
- **duckdb-copy**: in DuckDB over a columnar copy of the tables those statements read, written into a
  ``.duckdb`` file through Arrow (no extension needed). The copy's time is measured too: an adoption
  would refresh it after every import.

The statements are the database's own dialect, translated for DuckDB by :func:`to_duckdb` (bound
parameters written inline, SQLite's ``IS 0`` / ``IS 1`` written as ``IS NOT DISTINCT FROM``, ``FLOAT``
as ``DOUBLE``, integer division on); a
statement DuckDB rejects is counted, not hidden. Each replay runs twice, alternating engines, and
each statement's best time is kept: the machine is shared.

The demo is the large one's layout cut to ``--divisions`` divisions (3: about 120,000 deals, 620,000
history rows; 25: the large demo, about a million deals), loaded once into
``<workdir>/<prefix>duckdb_<scale>.db`` and the PostgreSQL database ``<prefix>duckdb_<scale>`` (the
benchmark's own, created and marked by :mod:`benchmarks.databases`; prefix ``ppbench_`` by default).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import decimal
import importlib
import json
import math
import os
import pickle
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.databases import DEFAULT_PREFIX
from dashboard.config import REPO_ROOT

DEMO_END = dt.date(2026, 10, 31)
TIMEOUT = 900
# The tables whose size grows with the organisation: what an analytical engine is for.
DEAL_TABLES = ("opportunities", "opportunity_history", "subscriptions", "accounts")
ENGINES = ("native", "duckdb-scan", "duckdb-copy")


# --- the demo ----------------------------------------------------------------------------------


def scale_for(divisions: int):
    """The large demo's layout (five times the deals per division, weekly reviews and pulses) with
    ``divisions`` divisions of eight teams."""
    from data_access.demo.scale import SCALES

    return dataclasses.replace(SCALES["large"], name=f"large-{divisions}", divisions=divisions)


def databases(scale_name: str, workdir: Path, postgres: str, prefix: str) -> dict:
    """The benchmark's own SQLite file and PostgreSQL database for ``scale_name``, named with
    ``prefix`` (:mod:`benchmarks.databases`: only databases it created and marked are used)."""
    from benchmarks.databases import database_for

    name = f"duckdb_{scale_name.replace('-', '_')}"
    return {
        engine: database_for(engine, name, workdir, postgres, prefix) for engine in ("sqlite", "postgresql")
    }


def ensure_demo(db, divisions: int) -> float | None:
    """Load the demo at ``divisions`` into ``db`` (a :class:`benchmarks.databases.BenchDatabase`,
    created and marked when missing) unless it is there; the load's seconds, or None."""
    from benchmarks.databases import _has_demo, ensure_database
    from data_access.db import make_engine, migrate, refresh_statistics
    from data_access.demo.scale import stream_demo

    ensure_database(db)
    if _has_demo(db.url):
        return None
    engine = make_engine(db.url)
    started = time.perf_counter()
    try:
        migrate(engine)
        with engine.begin() as conn:
            stream_demo(conn, scale_for(divisions), end=DEMO_END)
        refresh_statistics(engine, full=True)
    finally:
        engine.dispose()
    return time.perf_counter() - started


# --- recording ---------------------------------------------------------------------------------


def record_page(url: str, file: str, cache: Path, timeout: float) -> dict | None:
    """The first render of ``file`` on ``url`` (seconds and the SQL it issued), from a child process
    (:mod:`benchmarks.child`); kept in ``cache`` so a second run replays without rendering again."""
    if not cache.exists():
        from benchmarks.run import in_child

        done = in_child(["page", url, file], timeout)
        if done is None or "recorded" not in done:
            return None
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("wb") as fh:
            pickle.dump(done, fh)
    with cache.open("rb") as fh:
        return pickle.load(fh)


# --- translation -------------------------------------------------------------------------------

_FLOAT_CAST = re.compile(r"\bAS\s+FLOAT\b", re.IGNORECASE)
_SQLITE_IS_VALUE = re.compile(r"\bIS\s+(NOT\s+)?(?=\?|-?\d|')", re.IGNORECASE)
_PYFORMAT = re.compile(r"%\((\w+)\)s|%%")


def sql_literal(value: object) -> str:
    """``value`` written as a DuckDB SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"CAST('{value}' AS DOUBLE)"
        return repr(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(sql_literal(v) for v in value) + "]"
    raise TypeError(f"no DuckDB literal for a parameter of type {type(value).__name__}: {value!r}")


def _outside_quotes(sql: str) -> Iterable[tuple[bool, str]]:
    """``sql`` cut into (is_code, text) pieces: quoted strings and identifiers are not code."""
    piece, quote = [], None
    for char in sql:
        if quote is None and char in "'\"":
            if piece:
                yield True, "".join(piece)
            piece, quote = [char], char
        elif quote is not None and char == quote:
            piece.append(char)
            yield False, "".join(piece)
            piece, quote = [], None
        else:
            piece.append(char)
    if piece:
        yield quote is None, "".join(piece)


def to_duckdb(sql: str, parameters: object, dialect: str) -> str:
    """A statement recorded on ``dialect`` ("sqlite" or "postgresql") with its DB-API
    ``parameters``, as one DuckDB statement with the parameters written inline.

    Inline because SQLite's positional ``?`` cannot be matched across clauses: a ``GROUP BY`` that
    repeats a ``CASE`` of the select list holds other ``?`` than the select list, and DuckDB then
    refuses the grouping (SQLite compares the expressions' text). SQLite's ``x IS 0`` (how SQLAlchemy
    writes ``is_(False)`` there) is ``x IS NOT DISTINCT FROM 0`` in DuckDB. ``CAST(x AS FLOAT)`` is a
    double on both databases but a 4-byte float in DuckDB, so it becomes ``AS DOUBLE`` (thresholds
    such as "discount >= 20%" otherwise count other deals). Run the result on a connection from
    :func:`connect`, whose ``/`` divides integers as both databases do."""
    out: list[str] = []
    if dialect == "sqlite":
        values = list(parameters or ())
        position = 0
        for is_code, text in _outside_quotes(sql):
            if not is_code:
                out.append(text)
                continue
            text = _FLOAT_CAST.sub("AS DOUBLE", text)
            text = _SQLITE_IS_VALUE.sub(
                lambda match: "IS DISTINCT FROM " if match.group(1) else "IS NOT DISTINCT FROM ", text
            )
            parts = text.split("?")
            out.append(parts[0])
            for part in parts[1:]:
                if position >= len(values):
                    raise ValueError(f"the statement has more placeholders than its {len(values)} parameters")
                out.append(sql_literal(values[position]) + part)
                position += 1
        if position != len(values):
            raise ValueError(f"the statement has {position} placeholders for {len(values)} parameters")
        return "".join(out)
    if dialect == "postgresql":
        named = dict(parameters or {})
        for is_code, text in _outside_quotes(sql):
            if not is_code:
                out.append(text)
                continue
            text = _FLOAT_CAST.sub("AS DOUBLE", text)
            out.append(
                _PYFORMAT.sub(
                    lambda match: "%" if match.group(0) == "%%" else sql_literal(named[match.group(1)]), text
                )
            )
        return "".join(out)
    raise ValueError(f"statements recorded on {dialect} cannot be translated")


# --- DuckDB connections ------------------------------------------------------------------------


def load_extension(con, name: str) -> str | None:
    """Load DuckDB's ``name`` extension ("sqlite_scanner" or "postgres_scanner") without a download:
    from DuckDB's extension folder, else from a ``duckdb-extension-<name>`` package. Returns where
    it came from, or None when neither has it."""
    import duckdb

    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    try:
        con.execute(f"LOAD {name}")
        return "duckdb extension folder"
    except duckdb.Error:
        pass
    try:
        package = importlib.import_module(f"duckdb_extension_{name}")
    except ImportError:
        return None
    folder = Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    binary = folder / f"{name}.duckdb_extension"
    if not binary.exists():
        return None
    con.execute(f"LOAD '{binary}'")
    return f"package duckdb-extension-{name.replace('_', '-')}"


def connect(database: str = ":memory:", *, read_only: bool = False):
    """A DuckDB connection where ``/`` between integers is integer division, as on SQLite and
    PostgreSQL (the app's percentile positions rely on it; DuckDB divides exactly by default)."""
    import duckdb

    con = duckdb.connect(database, read_only=read_only)
    con.execute("SET integer_division = true")
    return con


def duckdb_over(url: str):
    """A DuckDB connection that reads the database at ``url`` in place, or None without the extension."""
    from sqlalchemy.engine import make_url

    con = connect()
    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        if load_extension(con, "sqlite_scanner") is None:
            return None
        con.execute(f"ATTACH '{target.database}' AS src (TYPE sqlite, READ_ONLY)")
    else:
        if load_extension(con, "postgres_scanner") is None:
            return None
        dsn = f"host={target.host or 'localhost'} port={target.port or 5432} dbname={target.database}"
        dsn += f" user={target.username or 'postgres'}" + (
            f" password={target.password}" if target.password else ""
        )
        con.execute(f"ATTACH '{dsn}' AS src (TYPE postgres, READ_ONLY)")
    con.execute("USE src")
    return con


def columnar_copy(url: str, target: Path, tables: Sequence[str], chunk_rows: int = 100_000) -> dict:
    """Copy ``tables`` from the database at ``url`` into a new DuckDB file ``target`` through Arrow,
    typed as :mod:`data_access.models` declares them. Returns seconds and rows per table."""
    import duckdb
    import pyarrow as pa
    from sqlalchemy import JSON

    from data_access.analytics import duckdb_type
    from data_access.db import make_engine
    from data_access.models import Base

    target.unlink(missing_ok=True)
    engine = make_engine(url)
    raw = engine.raw_connection()
    con = duckdb.connect(str(target))
    out: dict[str, dict] = {}
    try:
        for name in tables:
            table = Base.metadata.tables[name]
            started = time.perf_counter()
            columns = list(table.columns)
            con.execute(
                f'CREATE TABLE "{name}" (' + ", ".join(f'"{c.name}" {duckdb_type(c)}' for c in columns) + ")"
            )
            json_at = [i for i, c in enumerate(columns) if isinstance(c.type, JSON)]
            casts = ", ".join(f'CAST("c{i}" AS {duckdb_type(c)})' for i, c in enumerate(columns))
            cursor = raw.cursor()
            cursor.execute(
                f'SELECT {", ".join(f"{chr(34)}{c.name}{chr(34)}" for c in columns)} FROM "{name}"'
            )
            rows = 0
            while batch := cursor.fetchmany(chunk_rows):
                data = {f"c{i}": [row[i] for row in batch] for i in range(len(columns))}
                for i in json_at:
                    data[f"c{i}"] = [
                        v if v is None or isinstance(v, str) else json.dumps(v) for v in data[f"c{i}"]
                    ]
                con.register("chunk", pa.table(data))
                con.execute(f'INSERT INTO "{name}" SELECT {casts} FROM chunk')
                con.unregister("chunk")
                rows += len(batch)
            cursor.close()
            out[name] = {"rows": rows, "seconds": time.perf_counter() - started}
        con.execute("CHECKPOINT")
    finally:
        con.close()
        raw.close()
        engine.dispose()
    return {
        "seconds": sum(t["seconds"] for t in out.values()),
        "tables": out,
        "bytes": target.stat().st_size,
    }


# --- replay ------------------------------------------------------------------------------------


@dataclass
class Timed:
    seconds: float | None = None
    rows: list | None = None
    error: str | None = None


def normalise(rows: Iterable[Sequence]) -> list[tuple]:
    """Rows from any of the engines in one comparable form: booleans as 0/1, numbers rounded, dates
    and times as ISO text (SQLite returns text where the others return dates), sorted."""

    def one(value: object) -> object:
        if value is None:
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | float | decimal.Decimal):
            number = float(value)
            return round(number, 6 - int(math.floor(math.log10(abs(number))))) if number else 0.0
        if isinstance(value, dt.datetime):
            return value.isoformat(sep=" ").removesuffix(".000000")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            return value.removesuffix(".000000")
        return value

    return sorted((tuple(one(v) for v in row) for row in rows), key=repr)


def replay_native(url: str, statements: Sequence[tuple[str, object]]) -> list[Timed]:
    from data_access.db import make_engine

    engine = make_engine(url)
    raw = engine.raw_connection()
    out = []
    try:
        cursor = raw.cursor()
        for sql, parameters in statements:
            started = time.perf_counter()
            cursor.execute(sql, parameters)
            rows = cursor.fetchall()
            out.append(Timed(time.perf_counter() - started, rows))
        cursor.close()
    finally:
        raw.close()
        engine.dispose()
    return out


def replay_duckdb(con, statements: Sequence[str | None]) -> list[Timed]:
    import duckdb

    out = []
    for sql in statements:
        if sql is None:
            out.append(Timed(error="not translated"))
            continue
        started = time.perf_counter()
        try:
            rows = con.execute(sql).fetchall()
        except duckdb.Error as exc:
            out.append(Timed(error=str(exc).splitlines()[0][:160]))
            continue
        out.append(Timed(time.perf_counter() - started, rows))
    return out


@dataclass
class PageReplay:
    page: str
    dialect: str
    first: float | None
    statements: int
    best: dict[str, list[float | None]] = field(default_factory=dict)
    first_pass: dict[str, float] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    differ: dict[str, int] = field(default_factory=dict)
    sql: list[str] = field(default_factory=list)


def replay_page(
    page: str, dialect: str, url: str, recorded, duck: dict, first: float | None, passes: int = 2
) -> PageReplay:
    """Replay one page's statements on the native database and on each DuckDB connection in ``duck``
    (name -> connection), ``passes`` times, alternating; the best time of each statement is kept."""
    statements = recorded.statements
    translated: list[str | None] = []
    for sql, parameters in statements:
        try:
            translated.append(to_duckdb(sql, parameters, dialect))
        except (ValueError, TypeError, KeyError):
            translated.append(None)
    result = PageReplay(page, dialect, first, len(statements), sql=[s for s, _ in statements])
    names = ["native", *duck]
    best: dict[str, list[float | None]] = {n: [None] * len(statements) for n in names}
    reference: list[Timed] = []
    for index in range(passes):
        for name in names:
            timed = (
                replay_native(url, statements) if name == "native" else replay_duckdb(duck[name], translated)
            )
            if index == 0:
                result.first_pass[name] = sum(t.seconds or 0 for t in timed)
                if name == "native":
                    reference = timed
                else:
                    result.errors[name] = [t.error for t in timed if t.error]
                    result.differ[name] = sum(
                        1
                        for mine, theirs in zip(timed, reference, strict=True)
                        if mine.error is None and normalise(mine.rows) != normalise(theirs.rows)
                    )
            for i, t in enumerate(timed):
                if t.seconds is not None:
                    best[name][i] = t.seconds if best[name][i] is None else min(best[name][i], t.seconds)
    result.best = best
    return result


def total(values: Sequence[float | None], only: Sequence[bool] | None = None) -> float:
    return sum(v for i, v in enumerate(values) if v is not None and (only is None or only[i]))


# --- the command -------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks duckdb", description=__doc__.splitlines()[0])
    parser.add_argument("--divisions", type=int, default=3, help="divisions of the demo (3: ~120,000 deals)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pages", default="all", help="comma-separated page files, or 'all' (default)")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument(
        "--no-scan", action="store_true", help="skip DuckDB reading the database in place (slow at scale)"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server the benchmark may create a database on",
    )
    parser.add_argument("--workdir", type=Path, default=REPO_ROOT / "data" / "bench")
    parser.add_argument(
        "--prefix",
        default=DEFAULT_PREFIX,
        help="name prefix of the databases it creates (default ppbench_); only those it marked are used",
    )
    parser.add_argument("--timeout", type=float, default=TIMEOUT)
    parser.add_argument("--json", type=Path, help="also write every figure (per statement) to this file")
    return parser.parse_args(argv)


def run_database(dialect: str, db, args: argparse.Namespace, scale_name: str, pages: list[tuple[str, str]]):
    from benchmarks.floor import Recorded

    url = db.url
    out: dict = {"dialect": dialect, "load_seconds": ensure_demo(db, args.divisions)}
    recordings = {}
    for title, file in pages:
        cache = args.workdir / "duckdb_recorded" / f"{scale_name}-{dialect}-{file.removesuffix('.py')}.pickle"
        done = record_page(url, file, cache, args.timeout)
        if done is not None:
            recordings[title] = done
    tables = sorted(set().union(*(d["recorded"].tables for d in recordings.values())) | set(DEAL_TABLES))
    copy_path = args.workdir / f"duckdb_{scale_name}_from_{dialect}.duckdb"
    out["copy"] = columnar_copy(url, copy_path, tables)
    if dialect == "sqlite":
        out["source_bytes"] = Path(url.split("///", 1)[1]).stat().st_size
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            out["source_bytes"] = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
        engine.dispose()

    duck = {}
    scan = None if args.no_scan else duckdb_over(url)
    if scan is not None:
        duck["duckdb-scan"] = scan
    duck["duckdb-copy"] = connect(str(copy_path), read_only=True)
    out["pages"] = []
    for title, done in recordings.items():
        recorded: Recorded = done["recorded"]
        print(
            f"{dialect}: replaying {title} ({len(recorded.statements)} statements)",
            file=sys.stderr,
            flush=True,
        )
        out["pages"].append(replay_page(title, dialect, url, recorded, duck, done.get("first"), args.passes))
    for con in duck.values():
        con.close()
    return out


def render(results: dict) -> str:
    lines = [f"Machine: {results['machine']} · DuckDB {results['duckdb']} · scale {results['scale']}", ""]
    for res in results["databases"]:
        copy = res["copy"]
        lines.append(
            f"== {res['dialect']}: database {res['source_bytes'] / 2**20:,.0f} MiB · columnar copy "
            f"{copy['bytes'] / 2**20:,.0f} MiB in {copy['seconds']:.1f} s ("
            + ", ".join(
                f"{n} {t['rows']:,} rows {t['seconds']:.1f} s" for n, t in copy["tables"].items() if t["rows"]
            )
            + ")"
        )
        names = [n for n in ENGINES if any(n in p.best for p in res["pages"])]
        header = f"{'page':<22}{'first s':>8}{'stmts':>6}" + "".join(f"{n:>13}" for n in names)
        header += "".join(f"{'native/' + n.split('-')[1]:>14}" for n in names[1:]) + "  failed / differ"
        lines += [header]
        sums = {n: 0.0 for n in names}
        for p in res["pages"]:
            ok = [all(p.best[n][i] is not None for n in names) for i in range(p.statements)]
            row = f"{p.page[:21]:<22}{(p.first or 0):>8.2f}{p.statements:>6}"
            for n in names:
                value = total(p.best[n], ok)
                sums[n] += value
                row += f"{value:>13.3f}"
            for n in names[1:]:
                mine = total(p.best[n], ok)
                row += f"{(total(p.best['native'], ok) / mine if mine else 0):>13.2f}×"
            row += "  " + ", ".join(f"{n}: {len(p.errors[n])}/{p.differ[n]}" for n in names[1:])
            lines.append(row)
        row = f"{'all pages':<22}{'':>8}{'':>6}" + "".join(f"{sums[n]:>13.3f}" for n in names)
        row += "".join(f"{sums['native'] / sums[n]:>13.2f}×" for n in names[1:] if sums[n])
        lines += [row, ""]
        overview = next((p for p in res["pages"] if p.page == "Overview"), None)
        if overview is not None:
            lines.append(
                f"Overview, the ten slowest statements natively ({res['dialect']}), best of the passes:"
            )
            order = sorted(range(overview.statements), key=lambda i: -(overview.best["native"][i] or 0))[:10]
            for i in order:
                cells = "  ".join(
                    f"{n} {overview.best[n][i]:.3f}" if overview.best[n][i] is not None else f"{n} failed"
                    for n in names
                )
                tables = ",".join(sorted(set(re.findall(r"\b(?:FROM|JOIN)\s+\"?([a-z_]+)", overview.sql[i]))))
                lines.append(f"  #{i:<4}{cells}  [{tables}]")
            lines.append("")
        failures: dict[str, int] = {}
        for p in res["pages"]:
            for n, errors in p.errors.items():
                for e in errors:
                    failures[f"{n}: {e}"] = failures.get(f"{n}: {e}", 0) + 1
        if failures:
            lines.append("Statements DuckDB refused:")
            lines += [
                f"  {count} × {message}" for message, count in sorted(failures.items(), key=lambda x: -x[1])
            ]
            lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import duckdb

    from benchmarks.pages import available_pages
    from benchmarks.run import machine

    args = parse(argv)
    # What is compared is the database's own SQL: the pages recorded here must not read the app's copy.
    os.environ["ANALYTICS_DIR"] = "off"
    args.workdir.mkdir(parents=True, exist_ok=True)
    scale = scale_for(args.divisions)
    dbs = databases(scale.name, args.workdir, args.postgres, args.prefix)
    pages = available_pages()
    if args.pages != "all":
        wanted = set(args.pages.split(","))
        pages = [(t, f) for t, f in pages if f in wanted]
    dialects = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    results = {
        "machine": machine(),
        "duckdb": duckdb.__version__,
        "scale": f"{scale.name} ({scale.description})",
        "databases": [run_database(d, dbs[d], args, scale.name, pages) for d in dialects],
    }
    print(render(results))
    if args.json:
        args.json.write_text(
            json.dumps(
                results,
                default=lambda o: dataclasses.asdict(o) if dataclasses.is_dataclass(o) else str(o),
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
