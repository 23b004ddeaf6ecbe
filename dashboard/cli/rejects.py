"""``rejects``: the rows an import set aside, with their line numbers and reasons."""

from __future__ import annotations

import json
import sys

from dashboard.config import Settings

NAME = "rejects"
HELP = (
    "Show the rows an import batch rejected: line number, reason and the values as read (--csv for a file)."
)


def add_arguments(parser) -> None:
    parser.add_argument("batch_id", type=int, metavar="BATCH_ID", help="the batch number the import printed")
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--csv", action="store_true", help="write the rows as CSV (safe to open in a spreadsheet)"
    )
    group.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--limit", type=int, default=None, help="show at most this many rows")


def run(args, settings: Settings) -> int:
    from dashboard.cli.errors import UserError
    from dashboard.csv_export import write_csv
    from dashboard.database import open_engine
    from data_access.importers.batches import get_batch, rejected_rows, rejected_table

    engine = open_engine(settings, must_exist=True)
    try:
        with engine.connect() as conn:
            batch = get_batch(conn, args.batch_id)
            if batch is None:
                raise UserError(f"there is no import batch {args.batch_id}.")
            rows = rejected_rows(conn, args.batch_id, args.limit)
    finally:
        engine.dispose()
    if args.csv:
        columns, flat = rejected_table(rows)
        write_csv(flat, columns, sys.stdout)
        return 0
    if args.json:
        print(json.dumps({"batch": batch, "rejected": rows}, default=str))
        return 0
    print(
        f"Batch {batch['id']}: {batch['source']} from {batch['file_name']} ({batch['format']}), "
        f"{batch['rejected']:,} of {batch['rows_read']:,} rows rejected."
    )
    for row in rows:
        print(f"line {row['line_number']}: {row['reason']}")
        raw = ", ".join(f"{k}={v!r}" for k, v in (row["raw"] or {}).items() if v not in ("", None))
        print(f"    {raw}")
    return 0
