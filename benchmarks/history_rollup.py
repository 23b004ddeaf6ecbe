"""The readers of the close-date and stage history: window functions over ``opportunity_history``
(what they ran before) against the per-deal rollups of :mod:`data_access.history_rollup`.

Run by hand (not part of the test suite)::

    python -m benchmarks.history_rollup [--divisions 5] [--database sqlite|postgresql|both]

Builds a scratch database per engine: the deals and history of one division of the large demo (about
40,000 deals and 200,000 history rows), written ``--divisions`` times under new ids and names, then
the rollups (timed: what the migration and the demo load cost) and a refresh of 1,000 deals (what an
import that touched them costs). Each reader then runs on the whole organisation for the demo's last
full quarter, once with the old SQL put back in its place (the reference kept in
``tests/test_history_rollup.py``) and once as it is: the best of ``--repeat`` runs after one warm-up,
the ratio old/new, and whether both gave the same result.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, insert, select

from benchmarks.databases import DEFAULT_PREFIX, drop_database, scratch_database
from dashboard.config import REPO_ROOT

DEMO_END = dt.date(2026, 10, 31)
QUARTER = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
TABLES = ("teams", "people", "accounts", "opportunities", "opportunity_history")
# Columns holding an id of one of TABLES (shifted per copy) and columns that must stay unique.
ID_COLUMNS = ("id", "parent_id", "team_id", "manager_id", "account_id", "owner_id", "opportunity_id")
UNIQUE_TEXT = ("external_key", "name", "email")
ID_STEP = 10_000_000
REFRESHED_DEALS = 1_000


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.history_rollup", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--divisions", type=int, default=5, help="copies of one division's deals")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server the benchmark may create a database on",
    )
    parser.add_argument("--workdir", type=Path, default=REPO_ROOT / "data" / "bench")
    parser.add_argument(
        "--prefix", default=DEFAULT_PREFIX, help="name prefix of the database it creates and drops (default ppbench_)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args(argv)


def division_rows() -> dict[str, list[dict]]:
    from data_access.demo import build_demo

    tables = build_demo(7, DEMO_END, deal_volume=5.0)
    return {name: tables[name] for name in TABLES}


def copy_of(rows: list[dict], copy: int) -> list[dict]:
    """``rows`` with every id shifted and every unique text suffixed for copy number ``copy``."""
    if copy == 0:
        return rows
    out = []
    for row in rows:
        new = dict(row)
        for column in ID_COLUMNS:
            if new.get(column) is not None:
                new[column] += copy * ID_STEP
        for column in UNIQUE_TEXT:
            if isinstance(new.get(column), str):
                new[column] = f"{new[column]} #{copy + 1}"
        if new.get("source_batch_id") is not None:
            new["source_batch_id"] = 1
        out.append(new)
    return out


def load(url: str, rows: dict[str, list[dict]], divisions: int) -> tuple[dict[str, int], float]:
    """Write ``divisions`` copies of ``rows``; the counts per table and the seconds the rollups took."""
    from data_access import models as m
    from data_access.db import make_engine, migrate, refresh_statistics
    from data_access.history_rollup import rebuild_deal_history
    from data_access.importers.store import bulk_insert

    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(m.ImportBatch.__table__),
            [{"id": 1, "source": "demo", "started_at": dt.datetime(2026, 10, 31), "status": "done"}],
        )
        for copy in range(divisions):
            for name in TABLES:
                bulk_insert(conn, m.Base.metadata.tables[name], copy_of(rows[name], copy))
    refresh_statistics(engine, full=True)
    with engine.begin() as conn:
        started = time.perf_counter()
        rebuild_deal_history(conn)
        rebuild = time.perf_counter() - started
        counts = {
            name: int(
                conn.execute(select(func.count()).select_from(m.Base.metadata.tables[name])).scalar_one()
            )
            for name in (*TABLES, "deal_close_date_moves", "deal_stage_firsts", "deal_history")
        }
    refresh_statistics(engine, full=True)
    engine.dispose()
    return counts, rebuild


def refresh_seconds(url: str) -> float:
    """Seconds to refresh the rollups of 1,000 deals with history, as an import that touched them does."""
    from data_access import models as m
    from data_access.db import make_engine
    from data_access.history_rollup import rebuild_deal_history

    engine = make_engine(url)
    with engine.connect() as conn:
        trans = conn.begin()
        deals = list(
            conn.execute(
                select(m.DealHistory.opportunity_id)
                .order_by(m.DealHistory.opportunity_id)
                .limit(REFRESHED_DEALS)
            ).scalars()
        )
        started = time.perf_counter()
        rebuild_deal_history(conn, deals)
        seconds = time.perf_counter() - started
        trans.rollback()
    engine.dispose()
    return seconds


def readers(conn) -> dict[str, Callable[[], object]]:
    """Every reader of the history, on the whole organisation for the last full quarter."""
    from data_access import models as m
    from data_access.scope import Filters, Period, Scope
    from metrics.analyses.coaching import Seller, pushed_deals
    from metrics.analyses.pipeline import movement_table, pipeline_movement, repeatedly_pushed
    from metrics.parameters import MetricSettings
    from metrics.registry import measure
    from metrics.symptoms import deals as deal_symptoms

    scope = Scope.everything()
    quarter = Period(*QUARTER)
    filters = Filters(quarter, as_of=DEMO_END)
    settings = MetricSettings.defaults()
    teams = tuple(conn.execute(select(m.Team.id).order_by(m.Team.id)).scalars())
    busiest = conn.execute(
        select(m.Opportunity.owner_id, m.Person.name, m.Person.team_id)
        .join(m.Person, m.Person.id == m.Opportunity.owner_id)
        .where(m.Person.team_id.is_not(None))
        .group_by(m.Opportunity.owner_id, m.Person.name, m.Person.team_id)
        .order_by(func.count().desc())
        .limit(1)
    ).one()
    seller = Seller(int(busiest[0]), str(busiest[1]), int(busiest[2]), "")
    months = [
        Period(dt.date(2026, 7, 1), dt.date(2026, 7, 31)),
        Period(dt.date(2026, 8, 1), dt.date(2026, 8, 31)),
        Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
    ]

    def history_rows():
        from data_access.status import load_counts

        return load_counts(conn, scope)["history_rows"]

    return {
        "comp-plan gaming, organisation": lambda: measure(conn, "comp_plan_gaming", scope, filters, settings),
        "comp-plan gaming, by team": lambda: measure(
            conn, "comp_plan_gaming", scope, filters, settings, teams
        ),
        "late-stage without outcome, by team": lambda: measure(
            conn, "late_stage_without_outcome", scope, filters, settings, teams
        ),
        "pipeline waterfall, quarter": lambda: pipeline_movement(conn, scope, filters),
        "pipeline waterfall, by month": lambda: movement_table(conn, scope, filters, months),
        "repeatedly pushed deals": lambda: repeatedly_pushed(conn, scope, filters),
        "one seller's pushed deals": lambda: pushed_deals(conn, scope, filters, seller),
        "teams with history": lambda: deal_symptoms._with_history(
            conn, scope, filters, m.Opportunity.team_id
        ),
        "home: history rows (all counts)": history_rows,
    }


def best_of(work: Callable[[], object], repeat: int) -> tuple[float, object]:
    result = work()  # warm-up: caches and the planner
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def same(old: object, new: object) -> bool:
    import pandas as pd

    if isinstance(old, pd.DataFrame):
        return isinstance(new, pd.DataFrame) and old.equals(new)
    return old == new


def compare(url: str, repeat: int) -> list[tuple[str, float, float, bool]]:
    import pytest

    from data_access.db import make_engine
    from tests.test_history_rollup import use_old_sql

    engine = make_engine(url)
    out = []
    with engine.connect() as conn:
        for name, work in readers(conn).items():
            with pytest.MonkeyPatch.context() as patch:
                use_old_sql(patch)
                old_seconds, old_result = best_of(work, repeat)
            new_seconds, new_result = best_of(work, repeat)
            out.append((name, old_seconds, new_seconds, same(old_result, new_result)))
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    engines = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    print(f"Generating one division of deals ({args.divisions} copies per database)...", flush=True)
    rows = division_rows()
    for engine in engines:
        db = scratch_database(engine, args.workdir, args.postgres, args.prefix, scale="history")
        url = db.url
        started = time.perf_counter()
        counts, rebuild = load(url, rows, args.divisions)
        loaded = time.perf_counter() - started
        refresh = refresh_seconds(url)
        print(
            f"\n{engine}: {counts['opportunities']:,} deals, {counts['opportunity_history']:,} history rows"
        )
        print(
            f"  rollups: {counts['deal_close_date_moves']:,} moves, {counts['deal_stage_firsts']:,} stage "
            f"firsts, {counts['deal_history']:,} deal summaries"
        )
        print(
            f"  written in {loaded:.1f} s; rollups built from scratch in {rebuild:.2f} s; "
            f"{REFRESHED_DEALS:,} deals refreshed in {refresh:.3f} s"
        )
        print(f"  {'reader':<38} {'old s':>9} {'new s':>9} {'old/new':>8}  same")
        for name, old, new, same in compare(url, args.repeat):
            print(f"  {name:<38} {old:>9.3f} {new:>9.3f} {old / new:>8.1f}  {'yes' if same else 'NO'}")
        drop_database(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
