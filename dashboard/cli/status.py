"""``status``: what is loaded, as counts."""

from __future__ import annotations

import json

from dashboard.cli.viewer import add_as_argument
from dashboard.config import Settings

NAME = "status"
HELP = "Show how many teams, people, deals, meetings and survey responses are loaded."


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_as_argument(parser)


def run(args, settings: Settings) -> int:
    from dashboard.cli.viewer import scope_for
    from dashboard.database import open_engine
    from data_access.status import load_counts

    engine = open_engine(settings, must_exist=True)
    with engine.connect() as conn:
        # Admins may see counts org-wide; everyone else counts what their scope holds.
        scope = scope_for(conn, args.as_email, people_data=False)
        if args.as_email and not scope.all_teams and not scope.team_ids:
            from data_access.scope import Scope

            scope = Scope.everything(args.as_email)
        counts = load_counts(conn, scope)
    if args.json:
        print(json.dumps(counts))
    else:
        print(f"Database: {settings.database_label}")
        for key, value in counts.items():
            shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
            print(f"  {key.replace('_', ' '):<20} {shown:>16}")
    return 0
