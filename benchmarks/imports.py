"""Import rates: the bulk store path for opportunities and history, and the Maven sample end to end.

The rows are one division of the large demo (about 40,000 deals and 200,000 history rows), written
into a freshly migrated scratch database. Each way of writing them runs in its own transaction that
is rolled back, so each starts from the same empty tables:

- ``store``: :func:`data_access.importers.store.bulk_insert`, the path every importer and the demo
  loader use (COPY on PostgreSQL, 20,000-row executemany batches on SQLite);
- ``floor``: the raw driver alone, rows already tuples (``executemany`` / ``COPY``);
- ``pandas``: ``DataFrame.to_sql``, what a typical app would write.

``command line``: a Salesforce report export of ``--import-rows`` deals (100,000 by default) imported
with ``python -m dashboard import opportunities FILE`` in a child process, the path users run, into a
fresh database; then the same file again (every deal compared, none changed). Printed: rows per second
of the command (from its start, including Python loading the program), rows per CPU second (the
machine is shared, so the wall clock depends on what else runs), and the child's peak memory, each
with its ratio to the target.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from benchmarks.databases import DEFAULT_PREFIX, BenchDatabase, drop_database, scratch_database
from data_access import models as m
from data_access.db import make_engine, migrate
from data_access.demo import _sync_sequence, build_demo
from data_access.importers.store import bulk_insert

PARENTS = ("teams", "people", "accounts")
MEASURED = ("opportunities", "opportunity_history")
MAVEN = Path("/work/shared/data/maven-crm")
# Rows per second of ``python -m dashboard import opportunities`` on a Salesforce export, and peak memory.
CLI_TARGETS = {"sqlite": 20_000, "postgresql": 50_000}
PEAK_TARGET_MIB = 300
SALESFORCE_HEADER = (
    "Opportunity Owner",
    "Account Name",
    "Opportunity Name",
    "Opportunity ID",
    "Type",
    "Stage",
    "Amount",
    "Probability (%)",
    "Close Date",
    "Created Date",
    "Forecast Category",
    "Won",
    "Closed",
    "Loss Reason",
)
STAGES = (
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
)


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


def salesforce_export(path: Path, rows: int, seed: int = 7) -> Path:
    """A Salesforce report export of ``rows`` deals (120 owners, 8,000 accounts, US dates, every cell
    quoted, as Salesforce writes it). Written once per size and reused."""
    if path.exists():
        return path
    rnd = random.Random(seed)
    owners = [f"Seller {i:03d}" for i in range(120)]
    accounts = [f"Account {i:05d}" for i in range(8000)]
    start = dt.date(2023, 1, 1)
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerow(SALESFORCE_HEADER)
        for i in range(rows):
            stage = rnd.choice(STAGES)
            won, closed = stage == "Closed Won", stage.startswith("Closed")
            created = start + dt.timedelta(days=rnd.randrange(900))
            close = created + dt.timedelta(days=rnd.randrange(1, 200))
            account = rnd.choice(accounts)
            writer.writerow(
                (
                    rnd.choice(owners),
                    account,
                    f"{account} - Deal {i}",
                    f"0065g{i:013d}",
                    rnd.choice(("New Business", "Existing Business")),
                    stage,
                    f"{rnd.randrange(1000, 500000):,}.00",
                    str(100 if won else 0 if closed else rnd.choice((10, 20, 40, 60, 80))),
                    f"{close.month}/{close.day}/{close.year}",
                    f"{created.month}/{created.day}/{created.year}",
                    "Closed" if won else "Omitted" if closed else "Pipeline",
                    "1" if won else "0",
                    "1" if closed else "0",
                    "Lost on price" if closed and not won else "",
                )
            )
        writer.writerow(())
        writer.writerow(("Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.",))
    partial.rename(path)
    return path


def fresh_database(engine: str, workdir: Path, postgres: str, prefix: str) -> BenchDatabase:
    """An empty, migrated database of the benchmark's own (named with ``prefix``, marked) for the
    command-line import."""
    db = scratch_database(engine, workdir, postgres, prefix, scale="cli_import")
    engine_ = make_engine(db.url)
    migrate(engine_)
    engine_.dispose()
    return db


def run_command(url: str, path: Path) -> dict:
    """``python -m dashboard import opportunities PATH --json`` in a child process, timed from its start."""
    # The import alone: the columnar copy a large database takes afterwards is measured on its own
    # (``analytical copy`` in ``python -m benchmarks``).
    env = {**os.environ, "DATABASE_URL": url, "ANALYTICS_DIR": "off"}
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "import", "opportunities", str(path), "--json"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = os.times()
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip()[-300:]}
    summary = json.loads(done.stdout)
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {
        "rows": summary["rows_read"],
        "inserted": summary["inserted"],
        "unchanged": summary["unchanged"],
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows_per_s": summary["rows_read"] / seconds,
        "rows_per_cpu_s": summary["rows_read"] / cpu if cpu else None,
    }


def command_line(
    engine: str, workdir: Path, postgres: str, rows: int, again_too: bool = True, prefix: str = DEFAULT_PREFIX
) -> dict:
    """The command-line import of a ``rows``-deal Salesforce export into a fresh database, then again.

    Peak memory is the child's maximum resident set (``ru_maxrss`` of the command's process alone: the
    benchmark runs it with ``resource.getrusage(RUSAGE_CHILDREN)`` read through :mod:`benchmarks.child`).
    """
    path = salesforce_export(workdir / f"salesforce_opportunities_{rows}.csv", rows)
    db = fresh_database(engine, workdir, postgres, prefix)
    url = db.url
    try:
        first = run_peak(url, path)
        again = run_peak(url, path) if again_too else {"skipped": True}
        try:
            floor = write_floor(url) if again_too else None
        except Exception as exc:  # the floor is a reference; its failure must not lose the figures above
            floor = {"rows": 0, "error": str(exc)[:200]}
    finally:
        drop_database(db)
    target = CLI_TARGETS[engine]
    for run in (first, again):
        if "rows_per_s" in run:
            run["target_rows_per_s"] = target
            run["ratio_to_target"] = run["rows_per_s"] / target
    return {"file_rows": rows, "first": first, "again": again, "floor": floor}


def write_floor(url: str) -> dict:
    """Seconds for the bare driver to write the deals the import stored (``executemany`` of tuples on
    SQLite, ``COPY`` on PostgreSQL) into the emptied table, in a transaction rolled back: what writing
    alone costs on this machine now, whatever the import does around it."""
    engine = make_engine(url)
    table = m.Opportunity.__table__
    try:
        with engine.connect() as conn:
            trans = conn.begin()
            rows = [dict(row) for row in conn.execute(table.select()).mappings()]
            conn.execute(m.OpportunityHistory.__table__.delete())
            conn.execute(table.delete())
            names = [c.name for c in table.columns if c.name in rows[0]]
            if conn.dialect.name == "sqlite":  # what the driver takes: the types' own conversions, untimed
                process = {n: table.c[n].type._cached_bind_processor(conn.dialect) for n in names}
                rows = [
                    {n: v if v is None or process[n] is None else process[n](v) for n, v in r.items()}
                    for r in rows
                ]
            cpu, started = time.process_time(), time.perf_counter()
            _raw_write(conn, table, rows)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            trans.rollback()
    finally:
        engine.dispose()
    return {"rows": len(rows), "seconds": seconds, "cpu_seconds": cpu}


def run_peak(url: str, path: Path) -> dict:
    """:func:`run_command` in a fresh child, so the resident peak it reports is that import's alone."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.child", "import", url, str(path), "-"],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip()[-300:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def render_command_line(engine: str, result: dict) -> list[str]:
    lines = []
    for label, run in (("first import", result["first"]), ("same file again", result["again"])):
        if run.get("skipped"):
            continue
        if "error" in run:
            lines.append(f"command-line import ({label}): failed: {run['error']}")
            continue
        lines.append(
            f"command-line import of a {run['rows']:,}-row Salesforce export ({label}): "
            f"{run['rows_per_s']:,.0f} rows/s ({run['ratio_to_target']:.2f}× of the {CLI_TARGETS[engine]:,} "
            f"target) in {run['seconds']:.1f} s · {run['rows_per_cpu_s'] or 0:,.0f} rows per CPU second · "
            f"peak {run['peak_mib']:.0f} MiB ({run['peak_mib'] / PEAK_TARGET_MIB:.2f}× of the "
            f"{PEAK_TARGET_MIB} MiB target)"
        )
    floor = result.get("floor")
    first = result["first"]
    if floor and floor["rows"] and "seconds" in first:
        lines.append(
            f"  floor: the bare driver writes those {floor['rows']:,} deals in {floor['seconds']:.1f} s "
            f"({floor['rows'] / floor['seconds']:,.0f} rows/s); the whole import from reading the file "
            f"takes {first['seconds'] / floor['seconds']:.1f}× that"
        )
    return lines
