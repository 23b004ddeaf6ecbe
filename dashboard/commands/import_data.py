"""``import``: load a file of one source (people, accounts, quotas, opportunities, history, subscriptions,
surveys), the Maven CRM sample folder, or meeting transcripts."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from dashboard.settings import Settings

NAME = "import"
HELP = "Import a file: people, accounts, quotas, opportunities, history, subscriptions, surveys, maven, transcripts."


def _options(parser: argparse.ArgumentParser, formats: list[str] | None) -> None:
    if formats:
        parser.add_argument(
            "--format",
            choices=formats,
            default=None,
            help="read the file as this format (default: detected from the header)",
        )
        parser.add_argument(
            "--map",
            dest="mapping",
            default=None,
            metavar="FIELD=COLUMN,...",
            help="take these fields from these columns, e.g. --map id=Deal Ref,amount=Value",
        )
    parser.add_argument(
        "--date-format",
        default=None,
        metavar="FMT",
        help="how the file writes dates: iso, us, eu or a pattern such as %%d/%%m/%%Y",
    )
    parser.add_argument("--dry-run", action="store_true", help="check and count, then roll back")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from data_access.importers import SOURCES

    sub = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    for name, source in SOURCES.items():
        p = sub.add_parser(name, help=source.description, description=source.description)
        p.add_argument("path", metavar="PATH", help="the CSV file")
        _options(p, [f.name for f in source.formats])
    p = sub.add_parser(
        "maven",
        help="the Maven CRM sample folder (five CSV files) as one organisation",
        description="Load the Maven CRM sample folder: teams, people, accounts, deals, list prices.",
    )
    p.add_argument("path", metavar="FOLDER", help="the folder holding sales_pipeline.csv and friends")
    _options(p, None)
    _add_transcripts(sub)


def _add_transcripts(sub) -> None:
    p = sub.add_parser(
        "transcripts",
        help="internal meeting transcripts (VTT, SRT, text, JSON)",
        description="Import internal meeting transcripts (WebVTT, SRT, plain text, JSON).",
    )
    try:
        from dashboard import transcript_import
    except (
        Exception
    ) as exc:  # the transcript importer lives in its own module; its absence must not break import
        p.add_argument("paths", nargs="*", metavar="PATH")
        p.set_defaults(import_handler=_transcripts_unavailable, unavailable_reason=str(exc))
        return
    transcript_import.add_transcript_arguments(p)
    p.set_defaults(import_handler=transcript_import.run_transcript_import)


def _transcripts_unavailable(args, _settings: Settings) -> int:
    from dashboard.cli import UserError

    raise UserError(f"transcript import is not available in this installation ({args.unavailable_reason}).")


def run(args, settings: Settings) -> int:
    from dashboard.cli import UserError
    from dashboard.database import open_engine
    from dashboard.progress import silent, terminal_progress
    from data_access.db import refresh_statistics
    from data_access.importers import (
        ImportOptions,
        UnreadableFile,
        get_source,
        import_maven,
        parse_map_option,
        prepare,
        run_import,
    )

    if getattr(args, "import_handler", None) is not None:
        return int(args.import_handler(args, settings) or 0)
    path = Path(args.path)
    if not path.exists():
        raise UserError(f"{path} does not exist.")
    try:
        mapping = parse_map_option(getattr(args, "mapping", None))
    except ValueError as exc:
        raise UserError(f"{exc}.") from None
    options = ImportOptions(
        format=getattr(args, "format", None),
        mapping=mapping,
        date_format=args.date_format,
        dry_run=args.dry_run,
        imported_by=_who(),
    )
    progress = terminal_progress() if sys.stderr.isatty() and not args.json else silent
    engine = open_engine(settings, must_exist=True)
    try:
        if args.source == "maven":
            with engine.begin() as conn:
                result = import_maven(conn, path, options, progress)
        else:
            if path.is_dir():
                raise UserError(f"{path} is a folder; give the CSV file to import.")
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise UserError(f"{path} cannot be read: {exc.strerror}.") from None
            prepared = prepare(get_source(args.source), data, str(path), options)
            with engine.begin() as conn:
                result = run_import(conn, prepared, options, progress)
        if not args.dry_run:
            refresh_statistics(engine)
    except UnreadableFile as exc:
        raise UserError(str(exc).rstrip(".")) from None
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(result.to_dict(), default=str))
        return 0
    print(result.summary_line())
    for part in result.parts:
        print(f"  {part.summary_line()}")
    for kind, names in result.created.items():
        shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        print(f"Created {len(names)} {kind} named in the file but not known before: {shown}.")
    for note in result.notes:
        print(note)
    if result.seconds > 0:
        print(f"Took {result.seconds:.2f} s ({result.rows_read / result.seconds:,.0f} rows/s).")
    batches = [p for p in (result.parts or [result]) if p.rejected and p.batch_id]
    for part in batches if not result.dry_run else []:
        print(f"See the {part.rejected:,} rejected rows with: python -m dashboard rejects {part.batch_id}")
    return 0


def _who() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
