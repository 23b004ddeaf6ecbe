"""``precompute``: compute every page's figures for the period presets now, so the first leader to
open the dashboard after a large import reads stored results instead of waiting for them.

Each page the executive sees declares the reads it makes when it opens
(:mod:`dashboard.shell.page_reads`); they are run here for each preset, as the local executive, and
kept in the database's result store (:mod:`data_access.result_store`) for every viewer and replica
with the same teams in view. The report for each preset is stored the same way. Run it after a
scheduled import.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from dashboard.config import Settings

NAME = "precompute"
HELP = "Compute every page's figures for the period presets and store them for everyone."
PRESETS = ("last_quarter", "this_quarter", "last_12_months")


def add_arguments(parser) -> None:
    parser.add_argument(
        "--period",
        action="append",
        choices=PRESETS,
        help="a period preset to compute (repeatable; default: all three)",
    )


def run(args, settings: Settings) -> int:
    import logging

    # The cached reads are declared for a Streamlit run; here they only use the result store.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from dashboard.cli.report import build_report
    from dashboard.collector import collecting_less
    from dashboard.database import analytics_line, open_engine, refresh_analytics
    from dashboard.progress import terminal_progress

    engine = open_engine(settings, must_exist=True)
    presets = args.period or list(PRESETS)
    started = time.perf_counter()
    # Every page computed: what is loaded stays out of the garbage collector's walks meanwhile.
    try:
        with collecting_less():
            # The pages' figures are computed on the columnar copy of the data when it is kept.
            progress = terminal_progress() if sys.stderr.isatty() else None
            if line := analytics_line(refresh_analytics(engine, progress)):
                print(line, file=sys.stderr)
            for preset in presets:
                view = preset_view(engine, settings.database_url, preset, dt.date.today())
                for title, seconds in precompute_pages(view, preset):
                    print(f"{preset:<15} {title:<22} {seconds:7.1f} s", file=sys.stderr)
                began = time.perf_counter()
                build_report(engine, view.filters.period, view.scope)
                print(f"{preset:<15} {'report':<22} {time.perf_counter() - began:7.1f} s", file=sys.stderr)
    finally:
        engine.dispose()
    print(f"Precomputed {len(presets)} period(s) in {time.perf_counter() - started:.0f} s.")
    return 0


def preset_view(engine, url: str, preset: str, today: dt.date):
    """The view the local executive opens the app on with ``preset`` picked: every team, no segment."""
    from dashboard.cli.errors import UserError
    from dashboard.shell.filters import preset_period
    from dashboard.view import View
    from data_access.scope import Filters, Scope
    from metrics.parameters import load_metric_settings

    with engine.connect() as conn:
        try:
            settings = load_metric_settings(conn)
        except ValueError as exc:
            raise UserError(f"A stored setting cannot be read: {exc}") from None
    scope = Scope.everything("local executive")
    return View(url, engine, scope, Filters(preset_period(preset, today)), settings, cache=False)


def precompute_pages(view, preset: str):
    """Run the declared reads of each page the executive sees; yields (title, seconds)."""
    from sqlalchemy.exc import OperationalError

    from dashboard.cli.errors import UserError
    from dashboard.shell import page_reads
    from dashboard.shell.navigation import PAGE_SPECS
    from metrics.common import reusing_reads

    for call in page_reads.shell(view):  # the filter bar, above every page
        call()
    for spec in PAGE_SPECS:
        if "executive" not in spec.roles or spec.reads is None:
            continue
        started = time.perf_counter()
        try:
            with reusing_reads():  # what the page's reads ask alike is read once, as the page does
                for call in spec.reads(view):
                    call()
        except (UserError, OperationalError):
            raise
        except Exception as exc:  # one clear line naming the page, as a failing page would show it
            raise UserError(f"The {spec.title} page failed while precomputing {preset}: {exc}") from exc
        yield spec.title, time.perf_counter() - started
