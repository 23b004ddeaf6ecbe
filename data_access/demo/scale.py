"""The demo at a size: the small organisation, or a large one streamed to the database division by division.

The large organisation is 25 *divisions*, each the small demo's eight teams grown to five times the
deals, generated with the same code from its own seed. Only one division's rows are ever in memory:
each is generated, written (COPY on PostgreSQL, large executemany batches elsewhere) and dropped
before the next, so resident memory stays that of one division whatever the number of divisions.

Division 1 keeps the small demo's names ("Company", "Americas", "Atlas"...); every other division
hangs under the company as "Division NN" with its teams suffixed " NN" and its people's e-mail
addresses tagged ``.dNN``, so names, e-mails and external keys stay unique.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, insert

from data_access import models as m
from data_access.demo import TABLES, DemoProgress, _last_ids, _quiet, _sync_sequence, build_demo
from data_access.demo.cadence import Cadence
from data_access.demo.timeline import Timeline
from data_access.importers.store import bulk_insert

__all__ = ["SCALES", "DemoScale", "stream_demo"]


@dataclass(frozen=True)
class DemoScale:
    """How big a demo organisation is: divisions of eight teams, and deals and accounts per division."""

    name: str
    divisions: int
    deal_volume: float = 1.0
    # Accounts per division; None keeps the small demo's 1,200.
    accounts_per_division: int | None = None
    cadence: Cadence = Cadence()

    @property
    def description(self) -> str:
        return (
            f"{self.divisions * 8} sales teams, about {int(8000 * self.divisions * self.deal_volume):,} deals"
        )


SCALES: dict[str, DemoScale] = {
    "small": DemoScale("small", 1),
    # A few divisions with a few more deals each: for tests of the streaming path, seconds to load.
    "tiny-multi": DemoScale("tiny-multi", 2, deal_volume=0.25, accounts_per_division=300),
    # About 10,000 deals: the reference point the benchmarks compare the large scale with.
    "medium": DemoScale("medium", 1, deal_volume=1.25),
    # Weekly deal reviews and pulse surveys, longer meetings: about 45,000 meetings, 3 million
    # utterances and 650,000 survey answers.
    "large": DemoScale(
        "large",
        25,
        deal_volume=5.0,
        accounts_per_division=4000,
        cadence=Cadence(deal_review_days=7, pulse_every_weeks=1, talk_length=1.7),
    ),
}


def _division_seed(seed: int, division: int) -> int:
    # Division 1 is seeded like the small demo; the others get seeds no small demo would use.
    return seed if division == 1 else seed * 1000 + division


def _rename(tables: dict[str, list[dict]], division: int, company_id: int | None) -> None:
    """Give division ``division``'s teams and people names that cannot clash with another division's."""
    if division == 1:
        return
    tag = f"{division:02d}"
    for row in tables["teams"]:
        if row["parent_id"] is None:
            row["name"] = f"Division {tag}"
            row["parent_id"] = company_id
        else:
            row["name"] = f"{row['name']} {tag}"
    for row in tables["people"]:
        if row["email"]:
            local, domain = row["email"].split("@", 1)
            row["email"] = f"{local}.d{tag}@{domain}"
    # One Noble Sales Purpose for the whole company.
    tables["nsp"] = []


def _write(conn: Connection, name: str, rows: list[dict]) -> None:
    bulk_insert(conn, dict(TABLES)[name].__table__, rows)


def stream_demo(
    conn: Connection,
    scale: DemoScale,
    *,
    seed: int = 7,
    end: dt.date,
    progress: DemoProgress = _quiet,
) -> dict:
    """Generate the demo at ``scale`` and write it on ``conn`` one division at a time.

    The caller owns the transaction. Records one ImportBatch (source "demo") like
    :func:`data_access.demo.load_demo`, and returns the rows written per table, the total, the batch
    id and the window. Rollups are rebuilt at the end (see :mod:`data_access.rollups`,
    :mod:`data_access.talk_rollup` and :mod:`data_access.history_rollup`).
    """
    from data_access.history_rollup import rebuild_deal_history
    from data_access.rollups import rebuild_rollups
    from data_access.talk_rollup import rebuild_meeting_talk

    ids = _last_ids(conn)
    batch_id = ids.next("import_batches")
    timeline = Timeline.ending(end)
    stamp = dt.datetime.combine(end, dt.time(18, 0))
    batch = m.ImportBatch.__table__
    conn.execute(
        insert(batch),
        [
            {
                "id": batch_id,
                "source": "demo",
                "file_name": f"demo seed {seed} scale {scale.name}",
                "format": "demo",
                "imported_by": "demo generator",
                "started_at": stamp,
                "finished_at": stamp,
                "status": "running",
                "message": f"Demo organisation ({scale.name}), seed {seed}, {timeline.start} to {timeline.end}.",
            }
        ],
    )
    _sync_sequence(conn, batch)
    counts = {name: 0 for name, _model in TABLES}
    company_id: int | None = None
    for division in range(1, scale.divisions + 1):
        share = 1 / scale.divisions
        base = (division - 1) * share

        def step(
            fraction: float, message: str, base: float = base, share: float = share, at: int = division
        ) -> None:
            progress(0.95 * (base + share * fraction), f"Division {at}/{scale.divisions}: {message}")

        tables = build_demo(
            _division_seed(seed, division),
            end,
            ids=ids,
            batch_id=batch_id,
            progress=lambda f, msg: step(0.6 * f, msg),
            deal_volume=scale.deal_volume,
            account_count=scale.accounts_per_division,
            cadence=scale.cadence,
        )
        if company_id is None:
            company_id = next(r["id"] for r in tables["teams"] if r["parent_id"] is None)
        _rename(tables, division, company_id)
        for index, (name, _model) in enumerate(TABLES):
            step(0.6 + 0.4 * index / len(TABLES), f"Saving {name.replace('_', ' ')}")
            rows = tables.pop(name)
            if rows:
                _write(conn, name, rows)
            counts[name] += len(rows)
            del rows
    for _name, model in TABLES:
        _sync_sequence(conn, model.__table__)
    progress(0.96, "Rolling up teams by week")
    rebuild_rollups(conn)
    progress(0.97, "Rolling up the talk of each meeting")
    rebuild_meeting_talk(conn)
    progress(0.98, "Rolling up the history of each deal")
    rebuild_deal_history(conn)
    if conn.dialect.name == "postgresql":
        # Fresh statistics, or the planner keeps treating a million-row table as empty.
        conn.exec_driver_sql("ANALYZE")
    total = sum(counts.values())
    conn.execute(
        batch.update().where(batch.c.id == batch_id).values(status="done", rows_read=total, inserted=total)
    )
    progress(1.0, "Demo organisation ready")
    return {
        **counts,
        "rows": total,
        "batch_id": batch_id,
        "start": timeline.start.isoformat(),
        "end": timeline.end.isoformat(),
        "nsp_launch": timeline.launch.isoformat(),
    }
