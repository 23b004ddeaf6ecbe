"""``python -m benchmarks.symptoms DATABASE_URL [--from 2026-07-01 --to 2026-09-30]``

Where a first render's time goes: each symptom measured as a page measures it — over a period and
the one it is compared with (:func:`metrics.registry.measure_periods`) — for the whole organisation
and grouped by every sales team, with the statements it issued. Slowest first, so the symptom to make faster next is on the first line. Nothing
is stored or cached; run it on a benchmark database (``python -m benchmarks --scale large`` loads one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from benchmarks.floor import recording
from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope, previous_like
from metrics.parameters import load_metric_settings
from metrics.registry import METRICS, measure_periods
from metrics.scorecard import sales_teams


def timed(conn, metric, scope, periods, settings, teams) -> tuple[float, int]:
    with recording() as recorded:
        started = time.perf_counter()
        measure_periods(conn, metric, scope, periods, settings, teams)
        seconds = time.perf_counter() - started
    return seconds, recorded.count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.symptoms", description=__doc__.splitlines()[0]
    )
    parser.add_argument("url", help="the database (a benchmark database: nothing is written)")
    parser.add_argument("--from", dest="start", default="2026-07-01")
    parser.add_argument("--to", dest="end", default="2026-09-30")
    args = parser.parse_args(argv)
    period = Period(dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end))
    engine = make_engine(args.url)
    scope = Scope.everything(viewer="benchmark")
    rows = []
    with engine.connect() as conn:
        settings = load_metric_settings(conn)
        teams = tuple(tid for tid, _ in sales_teams(conn, scope))
        periods = [Filters(when, as_of=dt.date.max) for when in (period, previous_like(period))]
        for metric in METRICS:
            figures = [timed(conn, metric, scope, periods, settings, group) for group in (None, teams)]
            rows.append((sum(s for s, _ in figures), metric, figures))
    engine.dispose()
    total = sum(row[0] for row in rows)
    print(f"{len(teams)} sales teams · {period.label()} and the period before · {total:.2f} s in all")
    print(f"{'symptom':<48}{'total s':>8}{'share':>7}{'org s':>7}{'teams s':>8}{'queries':>8}")
    for seconds, metric, figures in sorted(rows, key=lambda row: -row[0]):
        (org, org_q), (by_team, team_q) = figures
        print(
            f"{metric.number:>2}. {metric.label[:44]:<44}{seconds:>8.2f}{seconds / total:>7.0%}{org:>7.2f}"
            f"{by_team:>8.2f}{org_q + team_q:>8}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
