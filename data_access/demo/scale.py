"""The demo at a size: the small organisation, or a large one streamed to the database division by division.

The large organisation is 25 *divisions*, each the small demo's eight teams grown to five times the
deals, generated with the same code from its own seed. A second process generates the divisions one
ahead of the writes (COPY on PostgreSQL, executemany of plain tuples on SQLite, see :mod:`.bulk`), so
at most three divisions' rows are in memory whatever the number of divisions.

Division 1 keeps the small demo's names ("Company", "Americas", "Atlas"...); every other division
hangs under the company as "Division NN" with its teams suffixed " NN" and its people's e-mail
addresses tagged ``.dNN``, so names, e-mails and external keys stay unique.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from queue import Empty, Full

from sqlalchemy import Connection, insert
from sqlalchemy.engine import URL

from data_access import models as m
from data_access.demo import TABLES, DemoProgress, _last_ids, _quiet, _sync_sequence, build_demo
from data_access.demo.bulk import TupleRows, _has_json, deferred_indexes, to_tuples, write_rows, write_tuples
from data_access.demo.cadence import Cadence
from data_access.demo.ids import Ids
from data_access.demo.timeline import Timeline

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


def _divisions(
    scale: DemoScale, seed: int, end: dt.date, ids: Ids, batch_id: int, drivername: str
) -> Iterator[tuple[int, dict[str, TupleRows | list[dict]]]]:
    """Each division's rows, in insert order, as driver-ready tuples (the JSON table as dicts)."""
    dialect = URL.create(drivername).get_dialect()()
    company_id: int | None = None
    for division in range(1, scale.divisions + 1):
        tables = build_demo(
            _division_seed(seed, division),
            end,
            ids=ids,
            batch_id=batch_id,
            deal_volume=scale.deal_volume,
            account_count=scale.accounts_per_division,
            cadence=scale.cadence,
        )
        if company_id is None:
            company_id = next(r["id"] for r in tables["teams"] if r["parent_id"] is None)
        _rename(tables, division, company_id)
        ready: dict[str, TupleRows | list[dict]] = {}
        for name, model in TABLES:
            rows = tables.pop(name)
            table = model.__table__
            ready[name] = rows if _has_json(table) else to_tuples(table, rows, dialect)
        yield division, ready


def _generate(
    out, scale: DemoScale, seed: int, end: dt.date, ids: Ids, batch_id: int, drivername: str
) -> None:
    """The generating process: put each division on ``out``, then None (or the error's traceback).

    It stops on its own when the writing process has gone away.
    """
    parent = os.getppid()

    def put(item) -> None:
        while True:
            try:
                out.put(item, timeout=5)
                return
            except Full:
                if os.getppid() != parent:
                    raise SystemExit(1) from None

    try:
        for item in _divisions(scale, seed, end, ids, batch_id, drivername):
            put(item)
        put(None)
    except Exception:  # noqa: BLE001 - handed to the writing process, which raises it
        put(("error", traceback.format_exc()))


def _generated(
    scale: DemoScale, seed: int, end: dt.date, ids: Ids, batch_id: int, drivername: str
) -> Iterator[tuple[int, dict[str, TupleRows | list[dict]]]]:
    """The divisions, generated in a second process one division ahead of the caller's writes.

    Generating is pure Python and writing mostly the database's work, so on two cores or more the
    two overlap. The queue holds one division, so at most three are in memory at once.
    """
    if scale.divisions == 1:
        yield from _divisions(scale, seed, end, ids, batch_id, drivername)
        return
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=1)
    worker = context.Process(
        target=_generate, args=(queue, scale, seed, end, ids, batch_id, drivername), daemon=True
    )
    worker.start()
    try:
        while True:
            try:
                item = queue.get(timeout=5)
            except Empty:
                if not worker.is_alive():
                    raise RuntimeError(
                        f"The demo generator stopped with exit code {worker.exitcode} before finishing."
                    ) from None
                continue
            if item is None:
                break
            if item[0] == "error":
                raise RuntimeError(f"Generating the demo failed:\n{item[1]}")
            yield item
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        queue.close()


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
    models = dict(TABLES)
    # Secondary indexes of the big tables are built once at the end, not row by row.
    with deferred_indexes(conn, [model.__table__ for _name, model in TABLES[4:]]):
        divisions = _generated(scale, seed, end, ids, batch_id, conn.engine.url.drivername)
        progress(0.0, f"Division 1/{scale.divisions}: generating")
        for division, tables in divisions:
            base = 0.9 * (division - 1) / scale.divisions
            for index, (name, _model) in enumerate(TABLES):
                progress(
                    base + 0.9 / scale.divisions * index / len(TABLES),
                    f"Division {division}/{scale.divisions}: saving {name.replace('_', ' ')}",
                )
                rows = tables.pop(name)
                table = models[name].__table__
                if isinstance(rows, TupleRows):
                    write_tuples(conn, table, rows)
                else:
                    write_rows(conn, table, rows)
                counts[name] += len(rows)
                del rows
            if division < scale.divisions:
                progress(
                    0.9 * division / scale.divisions, f"Division {division + 1}/{scale.divisions}: generating"
                )
        progress(0.91, "Indexing")
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
        from data_access.db import analyze_own_tables

        analyze_own_tables(conn)
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
