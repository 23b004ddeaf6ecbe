"""``precompute``: compute every page's figures for the period presets now, so the first leader to
open the dashboard after a large import reads stored results instead of waiting for them.

Each page the executive sees is opened once per preset through Streamlit's own script runner
(``streamlit.testing``), headless, so exactly the results the pages ask for are computed and kept in
the database's result store (:mod:`data_access.result_store`) for every viewer and replica. The
report for each preset is stored the same way. Run it after a scheduled import.
"""

from __future__ import annotations

import os
import sys
import time

from dashboard.config import REPO_ROOT, Settings

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
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds one page may take (default 1800)"
    )


def run(args, settings: Settings) -> int:
    from dashboard.cli.errors import UserError
    from dashboard.database import open_engine

    engine = open_engine(settings, must_exist=True)
    engine.dispose()
    presets = args.period or list(PRESETS)
    started = time.perf_counter()
    for preset in presets:
        for title, seconds, problem in precompute_pages(settings.database_url, preset, args.timeout):
            note = f"  {problem}" if problem else ""
            print(f"{preset:<15} {title:<22} {seconds:7.1f} s{note}", file=sys.stderr)
            if problem:
                raise UserError(f"The {title} page failed while precomputing {preset}: {problem}")
        report_seconds = precompute_report(settings, preset)
        print(f"{preset:<15} {'report':<22} {report_seconds:7.1f} s", file=sys.stderr)
    print(f"Precomputed {len(presets)} period(s) in {time.perf_counter() - started:.0f} s.")
    return 0


def precompute_pages(url: str, preset: str, timeout: float):
    """Open each page the local executive sees for ``preset``; yields (title, seconds, problem)."""
    import logging

    from streamlit.testing.v1 import AppTest

    from dashboard.shell.navigation import PAGE_SPECS

    os.environ["DATABASE_URL"] = url
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # "no script run context" notes of bare mode
    app = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=timeout)
    app.query_params["period"] = preset
    for spec in PAGE_SPECS:
        if "executive" not in spec.roles or not spec.path.exists():
            continue
        started = time.perf_counter()
        app.switch_page(f"../pages/{spec.file}").run()
        problem = str(app.exception[0].value) if app.exception else None
        yield spec.title, time.perf_counter() - started, problem


def precompute_report(settings: Settings, preset: str) -> float:
    """Store the report of ``preset`` as ``python -m dashboard report`` asks for it."""
    import contextlib
    import datetime as dt
    import io

    from dashboard.cli import report
    from dashboard.shell.filters import preset_period

    args = report.arguments_for(preset_period(preset, dt.date.today()))
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        report.run(args, settings)
    return time.perf_counter() - started
