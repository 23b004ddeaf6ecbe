"""``import``: load a file of one source (people, accounts, quotas, opportunities, history, subscriptions,
surveys), the Maven CRM sample folder, or meeting transcripts."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from pathlib import Path

from dashboard.collector import collecting_less
from dashboard.config import Settings

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
            help="take these fields from these columns, e.g. --map id=Deal Ref,amount=Value; a value in "
            "double quotes is the same for every row: --map 'stage=\"Closed Won\"'",
        )
        parser.add_argument(
            "--values",
            action="append",
            default=[],
            metavar="FIELD=SOURCE:STORED|...",
            help="translate one field's values, e.g. --values 'termination_voluntary=Voluntarily "
            "Terminated:yes|Terminated for Cause:no|Active:' (empty = unknown; other values are "
            "rejected); repeatable",
        )
        parser.add_argument(
            "--mapping",
            dest="saved_mapping",
            default=None,
            metavar="NAME",
            help="use a mapping saved on the Imports page (--map and --values add to it)",
        )
        parser.add_argument(
            "--sheet",
            default=None,
            metavar="NAME",
            help="the sheet of an Excel workbook (default: the first)",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="reject the rows of a conflict inside the file (a team with two parents) instead of warning",
        )
    parser.add_argument(
        "--date-format",
        default=None,
        metavar="FMT",
        help="how the file writes dates: iso, us, eu or a pattern such as %%d/%%m/%%Y",
    )
    parser.add_argument("--dry-run", action="store_true", help="check and count, then roll back")
    parser.add_argument(
        "--chunk-rows",
        type=_positive,
        default=None,
        metavar="N",
        help="rows read, checked and written at a time (default 20,000): fewer use less memory",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from data_access.importers import SOURCES

    sub = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    for name, source in SOURCES.items():
        p = sub.add_parser(name, help=source.description, description=source.description)
        p.add_argument("path", metavar="PATH", help="the CSV file or Excel workbook (.xlsx, .xls)")
        _options(p, [f.name for f in source.formats])
        if name == "surveys":
            p.add_argument(
                "--wide",
                action="store_true",
                help="one row per respondent and one column per question (name them with --question)",
            )
            p.add_argument(
                "--question",
                action="append",
                default=[],
                metavar="COLUMN=CODE[:LOW-HIGH]",
                help="a question column of a wide file, e.g. --question 'Engagement=engagement:1.0-5.0' "
                "(decimals allowed when the scale is written with them); repeatable",
            )
            p.add_argument(
                "--submitted-at",
                default=None,
                metavar="DATE",
                help="when a wide file's answers were given, if it has no date column",
            )
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
    from dashboard.cli.errors import UserError

    raise UserError(f"transcript import is not available in this installation ({args.unavailable_reason}).")


def run(args, settings: Settings) -> int:
    if getattr(args, "import_handler", None) is not None:
        return int(args.import_handler(args, settings) or 0)
    # What the import uses is loaded first, so that the collector sets it aside with the rest.
    import dashboard.database  # noqa: F401
    import data_access.db  # noqa: F401
    import data_access.importers.batched  # noqa: F401

    with collecting_less():
        return _run(args, settings)


def _run(args, settings: Settings) -> int:
    from dashboard.cli.errors import UserError
    from dashboard.database import analytics_line, open_engine, refresh_analytics
    from dashboard.progress import silent, terminal_progress
    from data_access.db import refresh_statistics
    from data_access.importers import UnreadableFile, get_source, import_maven
    from data_access.importers.batched import CHUNK_ROWS, plan, run_planned

    path = Path(args.path)
    if not path.exists():
        raise UserError(f"{path} does not exist.")
    engine = open_engine(settings, must_exist=True)
    try:
        options = _import_options(args, engine)
    except BaseException:
        engine.dispose()
        raise
    progress = terminal_progress() if sys.stderr.isatty() and not args.json else silent
    copy = None
    try:
        if args.source == "maven":
            with engine.begin() as conn:
                result = import_maven(conn, path, options, progress)
        else:
            if path.is_dir():
                raise UserError(f"{path} is a folder; give the CSV file to import.")
            try:
                # Read in chunks: the file is never held whole, and progress shows rows done and the rate.
                chunk_rows = getattr(args, "chunk_rows", None) or CHUNK_ROWS
                started = time.perf_counter()
                planned = plan(get_source(args.source), path, str(path), options, chunk_rows, progress)
                with engine.begin() as conn:
                    result = run_planned(conn, planned, options, progress, chunk_rows, started)
            except OSError as exc:
                raise UserError(f"{path} cannot be read: {exc.strerror}.") from None
        if not args.dry_run:
            refresh_statistics(engine)
            copy = refresh_analytics(engine, progress)
    except UnreadableFile as exc:
        raise UserError(str(exc).rstrip(".")) from None
    finally:
        engine.dispose()
    nothing = not args.dry_run and result.rows_read > 0 and result.rejected == result.rows_read
    if args.json:
        print(json.dumps(result.to_dict(), default=str))
        return 2 if nothing else 0
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
    if copy is not None and (line := analytics_line(copy)):
        print(line)
    batches = [p for p in (result.parts or [result]) if p.rejected and p.batch_id]
    for part in batches if not result.dry_run else []:
        print(f"See the {part.rejected:,} rejected rows with: python -m dashboard rejects {part.batch_id}")
    if nothing:
        raise UserError(f"nothing was imported: all {result.rows_read:,} rows of {path.name} were rejected")
    return 0


def _import_options(args, engine):
    """ImportOptions from the command line: a saved mapping, then --map and --values on top of it."""
    from dashboard.cli.errors import UserError
    from data_access.importers import ImportOptions, UnreadableFile, parse_map_option
    from data_access.importers.mappings import load_mapping
    from data_access.importers.spec import parse_values_option
    from data_access.importers.surveys import parse_question_option

    try:
        mapping = parse_map_option(getattr(args, "mapping", None))
        value_maps = parse_values_option(getattr(args, "values", None))
        questions = tuple(parse_question_option(q) for q in getattr(args, "question", None) or ())
    except ValueError as exc:
        raise UserError(f"{str(exc).rstrip('.')}.") from None
    fmt, sheet, date_format = getattr(args, "format", None), getattr(args, "sheet", None), args.date_format
    if getattr(args, "saved_mapping", None):
        try:
            with engine.connect() as conn:
                saved = load_mapping(conn, args.saved_mapping, args.source)
        except UnreadableFile as exc:
            raise UserError(str(exc).rstrip(".")) from None
        mapping = {**saved.overrides(), **mapping}
        value_maps = {**saved.values, **value_maps}
        fmt, sheet = fmt or saved.format, sheet or saved.sheet
        date_format = date_format or saved.date_format
    submitted_at = None
    if getattr(args, "submitted_at", None):
        from dashboard.transcript_import import parse_held_at

        submitted_at = parse_held_at(args.submitted_at, "--submitted-at")
    return ImportOptions(
        format=fmt,
        mapping=mapping,
        value_maps=value_maps,
        date_format=date_format,
        dry_run=args.dry_run,
        imported_by=_who(),
        strict=getattr(args, "strict", False),
        sheet=sheet,
        wide=getattr(args, "wide", False),
        questions=questions,
        submitted_at=submitted_at,
    )


def _positive(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of rows such as 20000")
    return value


def _who() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
