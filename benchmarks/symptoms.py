"""``python -m benchmarks.symptoms DATABASE_URL [--from 2026-07-01 --to 2026-09-30] [--copy]``

Where a first render's time goes: each symptom measured as the Overview measures it — for the whole
organisation over the period and the one it is compared with (:func:`metrics.registry.evaluate`),
and for every sales team over the six periods of the teams' index lines
(:func:`metrics.registry.evaluate_by_team_periods`: six measurements, the five earlier periods not
compared with the periods before them, as :func:`metrics.scorecard.team_lines` does) — with the
statements it issued, slowest first, so the symptom to make faster next is on the first line. What no period
changes is read once per symptom, as in a scorecard (:func:`metrics.common.reusing_reads`).

``--copy`` measures on the database's analytical copy (``data_access.analytics``, taken first when
missing), as the pages do from 100,000 deals. Nothing is stored or cached; run it on a benchmark
database (``python -m benchmarks --scale large`` loads one).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import time

from benchmarks.floor import recording
from data_access import analytics
from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope, recent_periods
from metrics.common import reusing_reads, with_period
from metrics.parameters import load_metric_settings
from metrics.registry import METRICS, evaluate, evaluate_by_team_periods
from metrics.scorecard import sales_teams


def timed(compute) -> tuple[float, int]:
    with recording() as recorded, reusing_reads():
        started = time.perf_counter()
        compute()
        seconds = time.perf_counter() - started
    return seconds, recorded.count


@contextlib.contextmanager
def connection(url: str, copy: bool):
    """A connection to the database, or to its analytical copy (taken first when there is none)."""
    engine = make_engine(url)
    try:
        if not copy:
            with engine.connect() as conn:
                yield conn, "the database"
            return
        settings = analytics.analytics_for(url)
        if not settings.enabled:
            raise SystemExit("ANALYTICS_DIR is off: there is no analytical copy to measure.")
        analytics.refresh_now(engine, analytics.Analytics(settings.directory, 0))
        with engine.connect() as conn:
            key = analytics.copy_key(conn)
        with analytics.reading(engine, analytics.Analytics(settings.directory, 0), key) as conn:
            yield conn, "the analytical copy"
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.symptoms", description=__doc__.splitlines()[0]
    )
    parser.add_argument("url", help="the database (a benchmark database: nothing is written)")
    parser.add_argument("--from", dest="start", default="2026-07-01")
    parser.add_argument("--to", dest="end", default="2026-09-30")
    parser.add_argument("--copy", action="store_true", help="measure on the database's analytical copy")
    args = parser.parse_args(argv)
    period = Period(dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end))
    scope = Scope.everything(viewer="benchmark")
    filters = Filters(period, as_of=dt.date.max)
    periods = [with_period(filters, each) for each in recent_periods(period)]
    rows = []
    with connection(args.url, args.copy) as (conn, where):
        settings = load_metric_settings(conn)
        teams = tuple(tid for tid, _ in sales_teams(conn, scope))
        for metric in METRICS:
            org = timed(lambda metric=metric: evaluate(conn, metric, scope, filters, settings))
            lines = timed(
                lambda metric=metric: evaluate_by_team_periods(
                    conn,
                    metric,
                    scope,
                    periods,
                    teams,
                    settings,
                    every_team=True,
                    uncompared=len(periods) - 1,
                )
            )
            rows.append((org[0] + lines[0], metric, org, lines))
    total = sum(row[0] for row in rows)
    print(
        f"{len(teams)} sales teams · {period.label()} and the period before (organisation), "
        f"{len(periods)} periods (teams) · on {where} · {total:.2f} s in all"
    )
    print(f"{'symptom':<48}{'total s':>8}{'share':>7}{'org s':>7}{'teams s':>8}{'queries':>8}")
    for seconds, metric, (org_s, org_q), (teams_s, teams_q) in sorted(rows, key=lambda row: -row[0]):
        print(
            f"{metric.number:>2}. {metric.label[:44]:<44}{seconds:>8.2f}{seconds / total:>7.0%}{org_s:>7.2f}"
            f"{teams_s:>8.2f}{org_q + teams_q:>8}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
