"""``report``: the symptom scorecard and Purpose Health Index as JSON, a Markdown brief or a PDF brief."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from sqlalchemy import Engine

from dashboard.cli.viewer import add_as_argument
from dashboard.config import Settings
from data_access.scope import Period, Scope

NAME = "report"
HELP = (
    "Print the symptom scorecard and Purpose Health Index for a period, as JSON or a Markdown brief, "
    "or write it as a PDF brief."
)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-03-31") from None


def add_arguments(parser) -> None:
    parser.add_argument(
        "--from", dest="start", type=_day, metavar="YYYY-MM-DD", help="first day (default: last full quarter)"
    )
    parser.add_argument(
        "--to", dest="end", type=_day, metavar="YYYY-MM-DD", help="last day (default: last full quarter)"
    )
    parser.add_argument(
        "--team", action="append", default=[], metavar="NAME", help="only this team (or region); repeatable"
    )
    parser.add_argument(
        "--format", choices=("json", "markdown", "pdf"), default="json", help="output format (default json)"
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write to FILE instead of standard output (needed for pdf)"
    )
    add_as_argument(parser)


def period_from(args, today: dt.date):
    """The period asked for: both dates, or the last full quarter before ``today``."""
    from dashboard.cli.errors import UserError
    from data_access.scope import last_full_quarter

    if args.start is None and args.end is None:
        return last_full_quarter(today)
    if args.start is None or args.end is None:
        raise UserError("Give both --from and --to, or neither for the last full quarter.")
    if args.end < args.start:
        raise UserError(f"--to {args.end} is before --from {args.start}.")
    return Period(args.start, args.end)


def build_report(engine: Engine, period: Period, scope: Scope, teams: tuple[str, ...] = ()) -> dict:
    """The report of ``period`` for ``scope``, narrowed to the named ``teams`` (empty: every team in
    scope), as :func:`metrics.report.build_report` returns it; render it with
    :func:`metrics.report.public` (JSON) or :func:`metrics.report.render_markdown`.

    It is stored for everyone with the same teams in view until the data changes (``precompute``
    fills it). A team not in view, or a stored setting that cannot be read, is a :class:`UserError`.
    """
    from dashboard.cli.errors import UserError
    from dashboard.collector import collecting_less
    from data_access import result_store
    from data_access.analytics import computed
    from metrics import report
    from metrics.parameters import load_metric_settings

    with engine.connect() as conn:
        try:
            settings = load_metric_settings(conn)
        except ValueError as exc:
            raise UserError(f"A stored setting cannot be read: {exc}") from None

    def compute() -> dict:
        # On the analytical copy of the current data when a large organisation has one.
        with collecting_less():
            return computed(
                engine,
                lambda conn: report.build_report(conn, scope, period, list(teams) or None, settings),
                "report",
            )

    try:
        return result_store.remember(engine, "report", (scope, period, tuple(teams)), compute)
    except report.UnknownTeam as exc:
        raise UserError(str(exc)) from None


def run(args, settings: Settings, scope: Scope | None = None, today: dt.date | None = None) -> int:
    from dashboard.cli.errors import UserError
    from dashboard.cli.viewer import scope_for
    from dashboard.database import open_engine
    from metrics.parameters import load_metric_settings
    from metrics.report import public, render_markdown

    period = period_from(args, today or dt.date.today())
    output = getattr(args, "output", None)
    if args.format == "pdf" and not output:
        raise UserError("A PDF brief is written to a file: add --output FILE, e.g. --output brief.pdf.")
    if output and not Path(output).absolute().parent.is_dir():
        raise UserError(f"Cannot write {output}: the folder {Path(output).absolute().parent} does not exist.")
    engine = open_engine(settings, must_exist=True)
    started = time.perf_counter()
    try:
        with engine.connect() as conn:
            scope = scope or scope_for(conn, args.as_email)
        report = build_report(engine, period, scope, tuple(args.team))
        if args.format == "pdf":
            with engine.connect() as conn:
                metric_settings = load_metric_settings(conn)
    finally:
        engine.dispose()
    if args.format == "pdf":
        from dashboard.brief_pdf import ALL_TEAMS, render_pdf

        title = ", ".join(args.team) if args.team else ALL_TEAMS
        write(output, render_pdf(report, title=title, settings=metric_settings))
    elif args.format == "json":
        write(output, json.dumps(public(report), indent=2, default=str) + "\n")
    else:
        write(output, render_markdown(report))
    where = f" and written to {output}" if output else ""
    print(f"Report built{where} in {time.perf_counter() - started:.1f} s.", file=sys.stderr)
    return 0


def write(path: str | None, content: str | bytes) -> None:
    """``content`` to the file at ``path``, or to standard output without one."""
    from dashboard.cli.errors import UserError

    if path is None:
        print(content, end="")
        return
    try:
        if isinstance(content, bytes):
            Path(path).write_bytes(content)
        else:
            Path(path).write_text(content, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror or exc}.") from None
