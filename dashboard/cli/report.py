"""``report``: the symptom scorecard and Purpose Health Index as JSON, a Markdown brief or a PDF brief."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from dashboard.cli.viewer import add_as_argument
from dashboard.config import Settings

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


def arguments_for(period, *, teams: tuple[str, ...] = (), output: str = "json"):
    """The arguments ``report --from --to`` parses for ``period``: for callers that run the command
    in-process (``precompute``, the benchmarks), so they ask for exactly what a user would."""
    import argparse

    return argparse.Namespace(
        start=period.start, end=period.end, team=list(teams), format=output, output=None, as_email=None
    )


def period_from(args, today: dt.date):
    """The period asked for: both dates, or the last full quarter before ``today``."""
    from dashboard.cli.errors import UserError
    from data_access.scope import Period, last_full_quarter

    if args.start is None and args.end is None:
        return last_full_quarter(today)
    if args.start is None or args.end is None:
        raise UserError("Give both --from and --to, or neither for the last full quarter.")
    if args.end < args.start:
        raise UserError(f"--to {args.end} is before --from {args.start}.")
    return Period(args.start, args.end)


def run(args, settings: Settings, scope=None, today: dt.date | None = None) -> int:
    from dashboard.cli.errors import UserError
    from dashboard.cli.viewer import scope_for
    from dashboard.database import open_engine
    from data_access import result_store
    from metrics.parameters import load_metric_settings
    from metrics.report import UnknownTeam, build_report, public, render_markdown

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
            scope = scope or scope_for(conn, getattr(args, "as_email", None))
            try:
                metric_settings = load_metric_settings(conn)
            except ValueError as exc:
                raise UserError(f"A stored setting cannot be read: {exc}") from None

        def compute() -> dict:
            with engine.connect() as conn:
                return build_report(conn, scope, period, args.team or None, metric_settings)

        # Stored for everyone with the same teams in view until the data changes (see precompute).
        try:
            report = result_store.remember(engine, "report", (scope, period, tuple(args.team)), compute)
        except UnknownTeam as exc:
            raise UserError(str(exc)) from None
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
