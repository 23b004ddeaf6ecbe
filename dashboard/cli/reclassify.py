"""``reclassify``: relabel stored utterances that an older classifier version labelled."""

from __future__ import annotations

import json

from dashboard.config import Settings
from dashboard.progress import terminal_progress

NAME = "reclassify"
HELP = "Relabel stored meeting utterances whose classifier version is not the current one."


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args, settings: Settings) -> int:
    from dashboard.database import analytics_line, open_engine, refresh_analytics
    from data_access.scope import Scope
    from metrics.talk.reclassify import reclassify

    engine = open_engine(settings, must_exist=True)
    try:
        with engine.begin() as conn:
            result = reclassify(conn, Scope.everything(), progress=None if args.json else terminal_progress())
        copy = refresh_analytics(engine, None if args.json else terminal_progress())
    finally:
        engine.dispose()
    if args.json:
        print(
            json.dumps(
                {
                    "examined": result.examined,
                    "label_changed": result.label_changed,
                    "version": result.version,
                }
            )
        )
    elif result.examined:
        print(
            f"Relabelled {result.examined:,} utterances with classifier {result.version}; "
            f"{result.label_changed:,} changed label."
        )
    else:
        print(f"Every stored utterance is already labelled by classifier {result.version}; nothing to do.")
    if not args.json and (line := analytics_line(copy)):
        print(line)
    return 0
