"""``status``: what is loaded, as counts."""

from __future__ import annotations

import json

from dashboard.settings import Settings

NAME = "status"
HELP = "Show how many teams, people, deals, meetings and survey responses are loaded."


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args, settings: Settings) -> int:
    from dashboard.database import open_engine
    from data_access.scope import Scope
    from data_access.status import load_counts

    engine = open_engine(settings, must_exist=True)
    with engine.connect() as conn:
        counts = load_counts(conn, Scope.everything())
    if args.json:
        print(json.dumps(counts))
    else:
        print(f"Database: {settings.database_label}")
        for key, value in counts.items():
            shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
            print(f"  {key.replace('_', ' '):<20} {shown:>16}")
    return 0
