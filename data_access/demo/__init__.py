"""The demo organisation: two years of a believable sales force with known truths planted in it.

:func:`load_demo` generates everything in Python from ``random.Random`` streams seeded with the
seed (never the clock), then bulk-inserts it on the caller's connection (plain tuples, COPY on
PostgreSQL: see :mod:`.bulk`). The same seed and end
date always give the same rows. What is planted, and the values to expect, is documented in
docs/demo-data.md.

Modules: :mod:`.org` (teams, people, NSP), :mod:`.accounts`, :mod:`.deals` (opportunities,
history, quotas), :mod:`.renewals` (subscriptions), :mod:`.meetings` with :mod:`.language`
(transcripts), :mod:`.surveys`; :mod:`.profiles` says how healthy each team is on each day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from sqlalchemy import Connection, Table, func, insert, select, text

from data_access import models as m
from data_access.demo.accounts import build_accounts
from data_access.demo.bulk import write_rows
from data_access.demo.cadence import Cadence
from data_access.demo.deals import build_deals
from data_access.demo.ids import Ids
from data_access.demo.meetings import build_meetings
from data_access.demo.org import build_org, nsp_row
from data_access.demo.renewals import build_subscriptions
from data_access.demo.surveys import build_surveys
from data_access.demo.timeline import Timeline

__all__ = ["DemoProgress", "build_demo", "load_demo"]

DemoProgress = Callable[[float, str], None]
BATCH_ROWS = 5000

# Insert order: parents before children.
TABLES: tuple[tuple[str, type[m.Base]], ...] = (
    ("teams", m.Team),
    ("people", m.Person),
    ("quotas", m.Quota),
    ("nsp", m.NobleSalesPurpose),
    ("accounts", m.Account),
    ("opportunities", m.Opportunity),
    ("opportunity_history", m.OpportunityHistory),
    ("subscriptions", m.Subscription),
    ("meetings", m.Meeting),
    ("utterances", m.Utterance),
    ("survey_responses", m.SurveyResponse),
)


def _quiet(_fraction: float, _message: str) -> None:
    return None


def _stream(seed: int, part: str) -> random.Random:
    # One stream per part, so changing how meetings are written never reshuffles the deals.
    return random.Random(f"purpose-pulse-demo:{seed}:{part}")


def build_demo(
    seed: int,
    end: dt.date,
    *,
    ids: Ids | None = None,
    batch_id: int = 1,
    progress: DemoProgress = _quiet,
    deal_volume: float = 1.0,
    account_count: int | None = None,
    cadence: Cadence = Cadence(),
) -> dict[str, list[dict]]:
    """Every row of the demo organisation, per table, ready to insert (nothing is written).

    Ids continue from ``ids`` (empty tables start at 1); rows point at import batch ``batch_id``.
    ``deal_volume``, ``account_count`` and ``cadence`` grow one organisation for the large demo (see
    :mod:`data_access.demo.scale`); their defaults give the small demo, row for row.
    """
    ids = ids or Ids()
    timeline = Timeline.ending(end)
    progress(0.02, "Creating teams and people")
    org = build_org(_stream(seed, "org"), timeline, ids)
    progress(0.05, "Creating accounts")
    accounts = (
        build_accounts(_stream(seed, "accounts"), org, ids)
        if account_count is None
        else build_accounts(_stream(seed, "accounts"), org, ids, count=account_count)
    )
    progress(0.08, "Simulating two years of deals")
    deals = build_deals(_stream(seed, "deals"), timeline, org, accounts, ids, volume=deal_volume)
    progress(0.3, "Building opportunity history")
    opportunity_rows = [d.row(batch_id) for d in deals.deals]
    history_rows: list[dict] = []
    for deal in deals.deals:
        for row in deal.history_rows(batch_id):
            row["id"] = ids.next("opportunity_history")
            history_rows.append(row)
    progress(0.38, "Renewing and churning subscriptions")
    subscriptions = build_subscriptions(_stream(seed, "renewals"), timeline, deals.deals, ids)
    progress(0.42, "Writing meeting transcripts")
    meetings, utterances = build_meetings(
        _stream(seed, "meetings"), timeline, org, deals.deals, ids, batch_id, cadence
    )
    progress(0.6, "Collecting pulse surveys")
    surveys = build_surveys(_stream(seed, "surveys"), timeline, org, seed, batch_id, ids, cadence)
    account_rng = _stream(seed, "account-details")
    return {
        "teams": org.team_rows(),
        "people": org.person_rows(),
        "quotas": deals.quotas,
        "nsp": [nsp_row(ids, timeline)],
        "accounts": [a.row(account_rng) for a in accounts],
        "opportunities": opportunity_rows,
        "opportunity_history": history_rows,
        "subscriptions": subscriptions,
        "meetings": meetings,
        "utterances": utterances,
        "survey_responses": surveys,
    }


def _last_ids(conn: Connection) -> Ids:
    tables = [name for name, _model in TABLES] + ["import_batches"]
    models = dict(TABLES) | {"import_batches": m.ImportBatch}
    return Ids({name: int(conn.execute(select(func.max(models[name].id))).scalar() or 0) for name in tables})


def _sync_sequence(conn: Connection, table: Table) -> None:
    """PostgreSQL: move the id sequence past the ids written here, so later inserts don't collide."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(
        text(f"SELECT setval(pg_get_serial_sequence(:name, 'id'), (SELECT MAX(id) FROM {table.name}))"),
        {"name": table.name},
    )


# The import source each demo table stands for: the demo records one batch per source, as a real
# organisation's imports would (the NSP is a setting, not an import).
DEMO_SOURCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("people", ("teams", "people")),
    ("quotas", ("quotas",)),
    ("accounts", ("accounts",)),
    ("opportunities", ("opportunities",)),
    ("history", ("opportunity_history",)),
    ("subscriptions", ("subscriptions",)),
    ("transcripts", ("meetings", "utterances")),
    ("surveys", ("survey_responses",)),
)


def _clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def load_demo(conn: Connection, *, seed: int = 7, end: dt.date, progress: DemoProgress = _quiet) -> dict:
    """Generate the demo organisation and insert it on ``conn`` (the caller owns the transaction).

    Records one ImportBatch per source (:data:`DEMO_SOURCES`; format "demo", status "done", file name
    "demo seed N", started and finished when that source's rows were written, inserted = its rows),
    and points each imported row at its source's batch. Returns the number of rows per table, the
    total, the batch ids by source and the window.
    """
    ids = _last_ids(conn)
    tables = build_demo(seed, end, ids=ids, progress=progress)
    counts = {name: len(rows) for name, rows in tables.items()}
    total = sum(counts.values())
    timeline = Timeline.ending(end)
    batch = m.ImportBatch.__table__
    batch_ids = {source: ids.next("import_batches") for source, _ in DEMO_SOURCES}
    for source, names in DEMO_SOURCES:
        for name in names:
            for row in tables[name]:
                if "source_batch_id" in row:
                    row["source_batch_id"] = batch_ids[source]
    written = 0

    def write(name: str) -> int:
        nonlocal written
        table = dict(TABLES)[name].__table__
        rows = tables[name]
        for offset in range(0, len(rows), BATCH_ROWS):
            write_rows(conn, table, rows[offset : offset + BATCH_ROWS])
            written += len(rows[offset : offset + BATCH_ROWS])
            progress(0.62 + 0.37 * written / max(1, total), f"Saving {name.replace('_', ' ')}")
        _sync_sequence(conn, table)
        return len(rows)

    write("nsp")
    for source, names in DEMO_SOURCES:
        started = _clock()
        conn.execute(
            insert(batch),
            [
                {
                    "id": batch_ids[source],
                    "source": source,
                    "file_name": f"demo seed {seed}",
                    "format": "demo",
                    "imported_by": "demo generator",
                    "started_at": started,
                    "status": "running",
                    "message": f"Demo organisation, seed {seed}, {timeline.start} to {timeline.end}.",
                }
            ],
        )
        _sync_sequence(conn, batch)
        rows = sum(write(name) for name in names)
        conn.execute(
            batch.update()
            .where(batch.c.id == batch_ids[source])
            .values(status="done", finished_at=_clock(), rows_read=rows, inserted=rows)
        )
    from data_access.history_rollup import rebuild_deal_history
    from data_access.rollups import rebuild_rollups
    from data_access.talk_rollup import rebuild_meeting_talk

    rebuild_rollups(conn)
    rebuild_meeting_talk(conn)
    rebuild_deal_history(conn)
    progress(1.0, "Demo organisation ready")
    return {
        **counts,
        "rows": total,
        "batch_ids": batch_ids,
        "start": timeline.start.isoformat(),
        "end": timeline.end.isoformat(),
        "nsp_launch": timeline.launch.isoformat(),
    }
