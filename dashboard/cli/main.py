"""``python -m dashboard``: the command line. Each command is a module in ``dashboard.cli``.

A command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args, settings) -> int``. Errors a user can cause are raised as :class:`UserError` and
printed as one line on stderr with exit code 2; nothing prints a traceback for them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from dashboard.cli.errors import UserError
from dashboard.config import Settings, load_settings

# Order is the order shown by --help.
COMMAND_MODULES = (
    "init",
    "status",
    "classify",
    "crosscheck",
    "reclassify",
    "report",
    "precompute",
    "import_data",
    "rejects",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Purpose Pulse: is your sales force still selling for the customer's sake?",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(f"dashboard.cli.{module_name}")
        sub = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def quiet_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests capture stdout in memory)
        pass


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings or load_settings()
        # The same start-up checks the app applies: a guessable cookie secret stops everything.
        if settings.auth_problem:
            raise UserError(settings.auth_problem)
        return int(args.handler(args, settings) or 0)
    except BrokenPipeError:
        # The reader went away (``... | head -1``): what was done is done; say nothing more.
        quiet_stdout()
        return 0
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the database being down is the usual cause
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            print(f"error: the database could not be reached: {exc.orig}", file=sys.stderr)
            return 2
        raise
