"""``python -m benchmarks [--scale small|large] [--database sqlite|postgresql|both] [--json]``

For each database: the demo load (time, peak memory), import rates, classification rate, the report's
time and every page's cold and warm render through AppTest. Each figure is printed beside two
references measured in the same run, as ratios, because the machine is shared and noisy:

- floor: the same SQL the operation issued, replayed bare on the database (:mod:`benchmarks.floor`);
- pandas: loading the tables that SQL reads into DataFrames, what a typical Streamlit app does
  (:mod:`benchmarks.pandas_reference`, in a child process);
- the previous run: each run's figures are kept in ``--workdir``/previous.json per engine and scale,
  and every figure is printed as ``x.xx× previous`` (this run's over the last one's).

The benchmark works only on databases it created, named ``--prefix`` (default ``ppbench_``) plus the
scale, and refuses to reuse or drop one of those names that it did not create and mark (see
:mod:`benchmarks.databases`).

At ``--scale large`` every page is also rendered on the ``medium`` demo (about 10,000 deals), so the
cost of a hundred times the data is printed as a ratio too.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select, update

from benchmarks import browser as browser_bench
from benchmarks import imports as import_bench
from benchmarks.databases import (
    DEFAULT_PREFIX,
    BenchDatabase,
    NotOurs,
    check_prefix,
    database_for,
    ensure_loaded,
    row_counts,
    scratch_database,
)
from benchmarks.floor import recording, replay
from benchmarks.pages import available_pages
from dashboard.config import REPO_ROOT

TARGETS = {
    "cold_over_floor": 2.0,
    "cold_seconds": 3.0,
    "warm_seconds": 0.3,
    "report_seconds": 5.0,
    "import_rows_per_s": 20_000,
    "large_over_medium": 5.0,
}
REPORT_PERIOD = ("2026-07-01", "2026-09-30")
# The figures of the last run, per engine and scale, kept in --workdir for the next run's ratios.
PREVIOUS_FILE = "previous.json"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("small", "large"), default="small")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server the benchmark may create databases on",
    )
    parser.add_argument(
        "--prefix",
        default=DEFAULT_PREFIX,
        help="name prefix of the databases the benchmark creates and may drop (default ppbench_); "
        "it only ever uses databases it created and marked",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=REPO_ROOT / "data" / "bench",
        help="where the SQLite databases and previous.json (the last run's figures) are kept",
    )
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas reference (slow at large)")
    parser.add_argument("--no-imports", action="store_true", help="skip the import benchmark")
    parser.add_argument(
        "--no-analytics",
        action="store_true",
        help="keep no columnar copy: every page reads the database, whatever the organisation's size",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="skip the stored Overview in Chromium (time to idle)"
    )
    parser.add_argument(
        "--import-rows",
        type=int,
        default=100_000,
        help="deals in the Salesforce export imported through the command line (default 100,000)",
    )
    parser.add_argument(
        "--import-first-only",
        action="store_true",
        help="import the file once (no second import of the same file, no floor): for a peak-memory run",
    )
    parser.add_argument(
        "--only-imports",
        action="store_true",
        help="measure the command-line import only (no demo database, pages or report)",
    )
    parser.add_argument("--render", type=Path, help="print a saved --json result as tables and stop")
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds after which a page or the report is given up"
    )
    return parser.parse_args(argv)


_pandas_cache: dict[tuple[str, str], dict] = {}


def pandas_seconds(url: str, tables: set[str]) -> float | None:
    """Seconds to load ``tables`` whole into pandas (each table measured once per database)."""
    total = 0.0
    for table in sorted(tables):
        key = (url, table)
        if key not in _pandas_cache:
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.pandas_reference", url, table],
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                return None
            _pandas_cache[key] = json.loads(done.stdout)
        total += _pandas_cache[key]["seconds"]
    return total


def classification(db: BenchDatabase) -> dict:
    """Utterances per second relabelled by ``reclassify`` for the largest team, rolled back after."""
    from data_access import models as m
    from data_access.db import make_engine
    from data_access.scope import Scope
    from metrics.talk.reclassify import reclassify

    engine = make_engine(db.url)
    with engine.connect() as conn:
        trans = conn.begin()
        team = conn.execute(
            select(m.Meeting.team_id)
            .where(m.Meeting.team_id.is_not(None))
            .group_by(m.Meeting.team_id)
            .limit(1)
        ).scalar_one()
        meetings = select(m.Meeting.id).where(m.Meeting.team_id == team)
        conn.execute(
            update(m.Utterance).where(m.Utterance.meeting_id.in_(meetings)).values(classifier_version=None)
        )
        with recording() as recorded:
            started = time.perf_counter()
            result = reclassify(conn, Scope.teams([team]))
            seconds = time.perf_counter() - started
        trans.rollback()
    engine.dispose()
    floor = replay(db.url, recorded)
    return {
        "utterances": result.examined,
        "rows_per_s": result.examined / seconds,
        "seconds": seconds,
        "floor_seconds": floor,
    }


def in_child(args: list[str], timeout: float) -> dict | None:
    """Run :mod:`benchmarks.child` with ``args``; None when it took longer than ``timeout`` seconds."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.pickle"
        command = [sys.executable, "-m", "benchmarks.child", *args, str(out)]
        child = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            return None
        if child.returncode != 0 or not out.exists():
            return {"error": f"exit status {child.returncode}"}
        with out.open("rb") as fh:
            return pickle.load(fh)


def report(db: BenchDatabase, with_pandas: bool, timeout: float) -> dict:
    """The report command's work for the demo's last full quarter, every team, executive scope."""
    done = in_child(["report", db.url], timeout)
    if done is None or "error" in done:
        return {
            "seconds": None,
            "timed_out": timeout if done is None else None,
            "error": (done or {}).get("error"),
        }
    recorded = done["recorded"]
    return {
        "seconds": done["seconds"],
        "stored_seconds": done["stored_seconds"],
        "queries": recorded.count,
        "floor_seconds": replay(db.url, recorded),
        "pandas_seconds": pandas_seconds(db.url, recorded.tables) if with_pandas else None,
        "peak_mib": done["peak_mib"],
    }


def pages(db: BenchDatabase, with_pandas: bool, medium: BenchDatabase | None, timeout: float) -> list[dict]:
    rows = []
    for title, file in available_pages():
        done = in_child(["page", db.url, file], timeout)
        row: dict = {"page": title, "timeout": timeout}
        if done is None or "error" in done and "recorded" not in done:
            row |= {"first": None, "cold": None, "warm": None, "queries": None, "floor": None, "pandas": None}
            row["error"] = f"did not finish in {timeout:.0f} s" if done is None else done["error"]
        else:
            row |= {
                "first": done["first"],
                "cold": done["cold"],
                "warm": done["warm"],
                "cold_queries": done["cold_queries"],
                "queries": done["recorded"].count,
                "floor": replay(db.url, done["recorded"]),
                "pandas": pandas_seconds(db.url, done["recorded"].tables) if with_pandas else None,
                "error": done["error"],
                "peak_mib": done["peak_mib"],
            }
        if medium is not None:
            small = in_child(["page", medium.url, file], timeout)
            row["first_medium"] = small["first"] if small and "first" in small else None
            row["cold_medium"] = small["cold"] if small and "cold" in small else None
        rows.append(row)
    return rows


def run_database(engine: str, args: argparse.Namespace) -> dict:
    if args.only_imports:
        return {
            "engine": engine,
            "scale": args.scale,
            "cli_import": import_bench.command_line(
                engine, args.workdir, args.postgres, args.import_rows, not args.import_first_only, args.prefix
            ),
        }
    db = database_for(engine, args.scale, args.workdir, args.postgres, args.prefix)
    load = ensure_loaded(db)
    medium = None
    if args.scale == "large":
        medium = database_for(engine, "medium", args.workdir, args.postgres, args.prefix)
        ensure_loaded(medium)
    out: dict = {"engine": engine, "scale": args.scale, "rows": row_counts(db.url), "load": load}
    out["analytics"] = analytical_copy(db, args)
    if not args.no_imports:
        out["cli_import"] = import_bench.command_line(
            engine, args.workdir, args.postgres, args.import_rows, not args.import_first_only, args.prefix
        )
        scratch = scratch_database(engine, args.workdir, args.postgres, args.prefix)
        out["imports"] = import_bench.measure(scratch.url)
    out["classification"] = classification(db)
    out["report"] = report(db, not args.no_pandas, args.timeout)
    out["pages"] = pages(db, not args.no_pandas, medium, args.timeout)
    if not args.no_browser:
        out["browser"] = browser(db, args.timeout)
    return out


def analytical_copy(db: BenchDatabase, args: argparse.Namespace) -> dict:
    """Take the columnar copy the pages compute on (:mod:`data_access.analytics`), in a folder of the
    benchmark's own, as the app would after an import; ``--no-analytics``: none, the pages read the
    database. The child processes find the folder in ``ANALYTICS_DIR``."""
    if args.no_analytics:
        os.environ["ANALYTICS_DIR"] = "off"
        return {"built": False, "reason": "--no-analytics"}
    from data_access.analytics import analytics_for, refresh_now
    from data_access.db import make_engine

    folder = args.workdir / f"{args.prefix}analytics" / f"{db.engine}_{db.scale}"
    os.environ["ANALYTICS_DIR"] = str(folder)
    settings = analytics_for(db.url)
    engine = make_engine(db.url)
    try:
        started = time.perf_counter()
        done = refresh_now(engine, settings)
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    return {
        "built": done.path is not None,
        "seconds": done.seconds if done.built else None,
        "checked_seconds": seconds,
        "mib": done.path.stat().st_size / 2**20 if done.path else None,
        "deals": done.deals,
        "min_deals": settings.min_deals,
        "reason": done.reason,
    }


def browser(db: BenchDatabase, timeout: float) -> dict:
    """The stored Overview to an idle Chromium (:mod:`benchmarks.browser`), or why it was not measured."""
    why = browser_bench.unavailable()
    if why:
        return {"seconds": None, "skipped": why}
    try:
        return browser_bench.stored_overview(db.url, timeout)
    except (TimeoutError, RuntimeError) as exc:
        return {"seconds": None, "skipped": str(exc)}


def _ratio(value: float | None, reference: float | None) -> str:
    if value is None or not reference:
        return "—"
    return f"{value / reference:.1f}×"


def _seconds(value: float | None, places: int = 1) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def vs_previous(value: float | None, previous: float | None, *, short: bool = False) -> str:
    """``value`` as a ratio to the previous run's figure: "1.07× previous" ("1.07×" when ``short``).

    Without a figure from a previous run (or this run's) it says so instead of printing a number.
    """
    if value is None or previous is None or previous == 0:
        return "—" if short else "no previous run"
    ratio = f"{value / previous:.2f}×"
    return ratio if short else f"{ratio} previous"


def run_key(res: dict) -> str:
    """Which earlier run a database's figures are compared with: the same engine at the same scale."""
    return f"{res['engine']} {res['scale']}"


def figures(res: dict) -> dict[str, float]:
    """Every figure one database's results print, by a name that stays the same from run to run."""
    out: dict[str, float | None] = {}
    if res.get("load"):
        out["load seconds"] = res["load"]["seconds"]
        out["load peak MiB"] = res["load"]["peak_mib"]
    if "imports" in res:
        for name in import_bench.MEASURED:
            out[f"import {name} rows/s"] = res["imports"][name]["store"]
        out["import maven rows/s"] = res["imports"]["maven"]["rows_per_s"]
    for label, run in (res.get("cli_import") or {}).items():
        if label in ("first", "again") and "rows_per_s" in run:
            out[f"cli import {label} rows/s"] = run["rows_per_s"]
            out[f"cli import {label} peak MiB"] = run.get("peak_mib")
    if (res.get("analytics") or {}).get("seconds") is not None:
        out["analytical copy seconds"] = res["analytics"]["seconds"]
    if "classification" in res:  # not measured with --only-imports
        out["classification rows/s"] = res["classification"]["rows_per_s"]
    if "report" in res:
        out["report seconds"] = res["report"]["seconds"]
        out["report peak MiB"] = res["report"].get("peak_mib")
    out["browser overview seconds"] = res.get("browser", {}).get("seconds")
    out["browser overview returning seconds"] = res.get("browser", {}).get("returning_seconds")
    for page in res.get("pages", []):
        for what in ("first", "cold", "warm", "peak_mib"):
            out[f"page {page['page']} {what}"] = page.get(what)
    return {name: float(value) for name, value in out.items() if value is not None}


def load_previous(path: Path) -> dict[str, dict[str, float]]:
    """The figures of the last run per engine and scale (empty when there was none or it is unreadable)."""
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {key: entry.get("figures", {}) for key, entry in stored.items() if isinstance(entry, dict)}


def save_previous(path: Path, results: dict) -> None:
    """Keep this run's figures for the next run, beside those of engines and scales not run now, and
    those this run did not measure (an imports-only run keeps the pages' figures of the last full run)."""
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        stored = {}
    when = time.strftime("%Y-%m-%d %H:%M:%S")
    for res in results["databases"]:
        entry = stored.get(run_key(res)) if isinstance(stored.get(run_key(res)), dict) else {}
        stored[run_key(res)] = {"when": when, "figures": {**entry.get("figures", {}), **figures(res)}}
    path.write_text(json.dumps(stored, indent=2, sort_keys=True))


def render_text(results: dict) -> str:
    lines = [f"Machine: {results['machine']}", ""]
    for res in results["databases"]:
        if "cli_import" in res:
            lines.append(f"== {res['engine']} · import through the command line")
            lines += import_bench.render_command_line(res["engine"], res["cli_import"])
            earlier = results.get("previous", {}).get(run_key(res), {})
            now = figures({"cli_import": res["cli_import"]})
            lines.append(
                "  against the previous run: "
                + ", ".join(
                    f"{name.removeprefix('cli import ')} {vs_previous(value, earlier.get(name), short=True)}"
                    for name, value in now.items()
                )
            )
        if "rows" not in res:
            lines.append("")
            continue
        before = results.get("previous", {}).get(run_key(res), {})

        def prev(name: str, value: float | None, *, short: bool = False, before: dict = before) -> str:
            return vs_previous(value, before.get(name), short=short)

        lines.append(
            f"== {res['engine']} · scale {res['scale']} · "
            + ", ".join(f"{k} {v:,}" for k, v in res["rows"].items())
        )
        if res.get("load"):
            load = res["load"]
            lines.append(
                f"demo load: {load['seconds']:.0f} s ({prev('load seconds', load['seconds'])}), peak memory "
                f"{load['peak_mib']:.0f} MiB ({prev('load peak MiB', load['peak_mib'])})"
            )
        if "imports" in res:
            imp = res["imports"]
            for name in import_bench.MEASURED:
                f = imp[name]
                lines.append(
                    f"import {name}: {f['store']:,.0f} rows/s ({f['rows']:,} rows) · "
                    f"{prev(f'import {name} rows/s', f['store'])} · floor {f['floor']:,.0f}"
                    f" rows/s (store at {f['store'] / f['floor']:.2f}× of floor) · pandas to_sql "
                    f"{f['pandas']:,.0f} rows/s (store {f['store'] / f['pandas']:.1f}× faster)"
                )
            lines.append(
                f"import maven sample end to end: {imp['maven']['rows_per_s']:,.0f} rows/s "
                f"({imp['maven']['rows']:,} rows) · {prev('import maven rows/s', imp['maven']['rows_per_s'])}"
            )
        a = res.get("analytics")
        if a and a["built"]:
            taken = f"taken in {a['seconds']:.1f} s" if a["seconds"] is not None else "current"
            lines.append(
                f"analytical copy (from {a['min_deals']:,} deals; {a['deals']:,} here): {taken}, "
                f"{a['mib']:.0f} MiB: the pages compute on DuckDB"
            )
        elif a:
            lines.append(f"analytical copy: none ({a['reason']}): the pages compute on the database")
        c = res["classification"]
        lines.append(
            f"classification (reclassify): {c['rows_per_s']:,.0f} utterances/s ({c['utterances']:,}) · "
            f"{prev('classification rows/s', c['rows_per_s'])} · "
            f"reading them is {_ratio(c['floor_seconds'], c['seconds'])} of the time"
        )
        r = res["report"]
        if r["seconds"] is None:
            lines.append(f"report: did not finish in {r.get('timed_out') or 0:.0f} s {r.get('error') or ''}")
        else:
            lines.append(
                f"report: first {r['seconds']:.2f} s ({prev('report seconds', r['seconds'])}), "
                f"{r['queries']} queries · floor {r['floor_seconds']:.2f} s "
                f"({_ratio(r['seconds'], r['floor_seconds'])}) · pandas load {_seconds(r['pandas_seconds'])} s "
                f"({_ratio(r['seconds'], r['pandas_seconds'])}) · stored {_seconds(r.get('stored_seconds'), 2)} s"
                f" · peak {r['peak_mib']:.0f} MiB ({prev('report peak MiB', r['peak_mib'])})"
            )
        b = res.get("browser")
        if b and b["seconds"] is None:
            lines.append(f"browser: not measured ({b['skipped']})")
        elif b:
            goal = browser_bench.GOAL_SECONDS
            lines.append(
                f"browser: stored Overview idle in Chromium at {b['viewport']}, median of {len(b['opens'])} new "
                f"sessions: new browser {b['seconds']:.2f} s ({b['seconds'] / goal:.2f}× the {goal} s goal; "
                f"floor ({b['floor_page']} page) {b['floor_seconds']:.2f} s, "
                f"{_ratio(b['seconds'], b['floor_seconds'])}; "
                f"{prev('browser overview seconds', b['seconds'])}) · returning browser "
                f"{b['returning_seconds']:.2f} s ({b['returning_seconds'] / goal:.2f}× the goal; floor "
                f"{b['floor_returning_seconds']:.2f} s, {_ratio(b['returning_seconds'], b['floor_returning_seconds'])}; "
                f"{prev('browser overview returning seconds', b['returning_seconds'])})"
            )
        header = f"{'page':<22}{'first s':>8}{'1st/prev':>9}{'queries':>8}{'floor s':>9}{'1st/floor':>10}"
        header += f"{'pandas s':>9}{'1st/pandas':>11}{'cold s':>8}{'cold/prev':>10}{'cold/floor':>11}"
        header += f"{'warm s':>8}{'warm/prev':>10}{'warm/floor':>11}{'peak MiB':>9}{'peak/prev':>10}"
        if any("cold_medium" in p for p in res["pages"]):
            header += f"{'1st@10k':>8}{'1M/10k':>7}{'cold@10k':>9}{'1M/10k':>7}"
        lines += ["", header]
        for p in res["pages"]:
            title = p["page"]
            line = (
                f"{title[:21]:<22}{_seconds(p.get('first'), 2):>8}"
                f"{prev(f'page {title} first', p.get('first'), short=True):>9}"
                f"{p['queries'] if p['queries'] is not None else '—':>8}{_seconds(p['floor'], 2):>9}"
                f"{_ratio(p.get('first'), p['floor']):>10}"
                f"{_seconds(p['pandas']):>9}"
                f"{_ratio(p.get('first'), p['pandas']):>11}"
                f"{_seconds(p['cold'], 2):>8}{prev(f'page {title} cold', p['cold'], short=True):>10}"
                f"{_ratio(p['cold'], p['floor']):>11}"
                f"{_seconds(p['warm'], 2):>8}{prev(f'page {title} warm', p['warm'], short=True):>10}"
                f"{_ratio(p['warm'], p['floor']):>11}"
                f"{_seconds(p.get('peak_mib'), 0):>9}"
                f"{prev(f'page {title} peak_mib', p.get('peak_mib'), short=True):>10}"
            )
            if "cold_medium" in p:
                line += f"{_seconds(p.get('first_medium'), 2):>8}{_ratio(p.get('first'), p.get('first_medium')):>7}"
                line += f"{_seconds(p['cold_medium'], 2):>9}{_ratio(p['cold'], p['cold_medium']):>7}"
            if p["error"]:
                line += f"  ERROR: {p['error'][:60]}"
            lines.append(line)
        lines.append("")
    lines.append(
        "Ratios to the previous run: this run's figure divided by the previous run's, same engine and scale."
    )
    lines.append(f"benchmark process peak memory: {results['peak_mib']:.0f} MiB")
    return "\n".join(lines)


def machine() -> str:
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {mem_gib:.0f} GiB, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at the start (shared: figures vary with what else runs)"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.render:
        print(render_text(json.loads(args.render.read_text())))
        return 0
    try:
        check_prefix(args.prefix)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    args.workdir.mkdir(parents=True, exist_ok=True)
    engines = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    previous_file = args.workdir / PREVIOUS_FILE
    try:
        measured = [run_database(engine, args) for engine in engines]
    except NotOurs as exc:
        print(exc, file=sys.stderr)
        return 2
    results = {
        "machine": machine(),
        "targets": TARGETS,
        "databases": measured,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "previous": load_previous(previous_file),
    }
    print(json.dumps(results, indent=2, default=str) if args.json else render_text(results))
    save_previous(previous_file, results)
    return 0
