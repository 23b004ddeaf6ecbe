"""``init``: create or upgrade the schema; optionally load the demo organisation."""

from __future__ import annotations

import datetime as dt
import time

from dashboard.config import Settings
from dashboard.progress import terminal_progress

NAME = "init"
HELP = "Create or upgrade the database schema (safe to run twice); --demo loads the demo organisation."


def add_arguments(parser) -> None:
    parser.add_argument("--demo", action="store_true", help="load the demo organisation")
    parser.add_argument("--seed", type=int, default=None, help="random seed of the demo (default 7)")
    parser.add_argument(
        "--end",
        type=dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="last day of the demo's history (default: the end of last month)",
    )
    parser.add_argument("--reset", action="store_true", help="drop everything first (asks no question)")
    parser.add_argument(
        "--currency",
        default=None,
        metavar="CODE",
        help="the organisation's currency as an ISO 4217 code, e.g. EUR (default USD; also in Settings)",
    )
    parser.add_argument(
        "--scale",
        choices=("small", "medium", "large"),
        default="small",
        help="size of the demo: small (8 teams, the default), medium (about 10,000 deals) or large "
        "(200 teams, about 1,000,000 deals, streamed in batches)",
    )


def run(args, settings: Settings) -> int:
    from dashboard.cli.errors import UserError
    from dashboard.database import analytics_line
    from dashboard.setup import initialise
    from data_access.currency import normalise_code

    if args.currency is not None:
        try:
            normalise_code(args.currency)
        except ValueError as exc:
            raise UserError(str(exc).rstrip(".")) from None
    started = time.perf_counter()
    summary = initialise(
        settings,
        demo=args.demo,
        seed=args.seed if args.seed is not None else settings.demo_seed,
        end=args.end,
        reset=args.reset,
        progress=terminal_progress(),
        scale=args.scale,
    )
    elapsed = time.perf_counter() - started
    print(f"Database {settings.database_label} is at schema revision {summary['revision']}.")
    if args.currency is not None:
        from dashboard.database import open_engine
        from data_access.currency import write_currency

        engine = open_engine(settings)
        try:
            with engine.begin() as conn:
                code = write_currency(conn, args.currency, updated_by="init")
        finally:
            engine.dispose()
        print(f"The organisation's currency is {code}.")
    if summary.get("demo") == "loaded":
        print(f"Loaded the demo organisation (seed {summary['seed']}) in {elapsed:.1f} s.")
        if line := analytics_line(summary["analytics"]):
            print(line)
    elif summary.get("demo") == "present":
        print("The demo organisation is already loaded; nothing to do (use --reset to rebuild it).")
    return 0
