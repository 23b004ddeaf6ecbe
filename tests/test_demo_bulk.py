"""The demo written through the bulk path (plain tuples, COPY, deferred indexes, a second process for
the divisions) holds exactly the rows the row-by-row ``insert(table)`` of the same dicts wrote.

Each table is compared by its row count and a checksum of its rows, sorted, as the database gives
them back, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest
from sqlalchemy import Engine, insert, select

from data_access import models as m
from data_access.db import make_engine, migrate
from data_access.demo import DEMO_SOURCES, TABLES, build_demo, load_demo
from data_access.demo.ids import Ids
from data_access.demo.scale import SCALES, _division_seed, _rename, stream_demo
from tests.conftest import PG_SKIP_REASON, drop_postgres_schema, make_postgres_engine, postgres_url

END = dt.date(2026, 4, 30)


# Kept on each deal by data_access.history_rollup, not written by the demo itself.
ROLLUP_COLUMNS = ("has_stage_history", "first_late_stage_at")


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """Per demo table: (row count, sha256 of its rows in id order), without the columns the history
    rollup keeps (the reference writes no rollups; tests/test_history_rollup.py checks them)."""
    out = {}
    with engine.connect() as conn:
        for name, model in TABLES:
            table = model.__table__
            columns = [c for c in table.columns if c.name not in ROLLUP_COLUMNS]
            rows = conn.execute(select(*columns).order_by(table.c.id)).all()
            digest = hashlib.sha256("\n".join(repr(tuple(r)) for r in rows).encode()).hexdigest()
            out[name] = (len(rows), digest)
    return out


def insert_each_table(
    engine: Engine, divisions: list[dict[str, list[dict]]], *, batch_per_source: bool = False
) -> None:
    """The reference: every table's dicts through ``insert(table)``, as the loaders used to write.
    ``batch_per_source``: one import batch per source, numbered in DEMO_SOURCES order, as the default
    demo records its imports (the streamed scales record one batch)."""
    sources = DEMO_SOURCES if batch_per_source else (("demo", ()),)
    batch_ids = {source: number for number, (source, _) in enumerate(sources, start=1)}
    with engine.begin() as conn:
        conn.execute(
            insert(m.ImportBatch.__table__),
            [
                {"id": number, "source": source, "started_at": dt.datetime(2026, 4, 30), "status": "done"}
                for source, number in batch_ids.items()
            ],
        )
        for tables in divisions:
            for source, names in sources:
                for name in names:
                    for row in tables[name]:
                        if "source_batch_id" in row:
                            row["source_batch_id"] = batch_ids[source]
        for tables in divisions:
            for name, model in TABLES:
                if tables[name]:
                    conn.execute(insert(model.__table__), tables[name])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_databases(request, tmp_path):
    """Two empty migrated databases of the same kind: the reference and the bulk path's."""
    if request.param == "sqlite":
        engines = [make_engine(f"sqlite:///{tmp_path / f'{n}.db'}") for n in ("old", "new")]
    else:
        if not postgres_url():
            pytest.skip(PG_SKIP_REASON)
        engines = [make_postgres_engine(f"_{n}") for n in ("old", "new")]
    for engine in engines:
        migrate(engine)
    yield engines
    for engine in engines:
        if request.param == "sqlite":
            engine.dispose()
        else:
            drop_postgres_schema(engine)


def test_the_default_demo_written_in_bulk_equals_the_row_by_row_insert(two_databases):
    old, new = two_databases
    insert_each_table(old, [build_demo(7, END)], batch_per_source=True)
    with new.begin() as conn:
        summary = load_demo(conn, seed=7, end=END)
    expected, written = fingerprint(old), fingerprint(new)
    assert written == expected
    assert expected["opportunities"][0] == summary["opportunities"] > 7000
    assert expected["utterances"][0] == summary["utterances"] > 40000


def test_the_streamed_divisions_written_in_bulk_equal_the_row_by_row_insert(two_databases):
    old, new = two_databases
    scale = SCALES["tiny-multi"]
    ids, divisions, company = Ids({"import_batches": 1}), [], None
    for division in range(1, scale.divisions + 1):
        tables = build_demo(
            _division_seed(3, division),
            END,
            ids=ids,
            deal_volume=scale.deal_volume,
            account_count=scale.accounts_per_division,
            cadence=scale.cadence,
        )
        company = company or next(r["id"] for r in tables["teams"] if r["parent_id"] is None)
        _rename(tables, division, company)
        divisions.append(tables)
    insert_each_table(old, divisions)
    with new.begin() as conn:
        summary = stream_demo(conn, scale, seed=3, end=END)
    expected, written = fingerprint(old), fingerprint(new)
    assert written == expected
    assert expected["teams"][0] == summary["teams"] == 22
    # The indexes dropped for the load are all back.
    with old.connect() as a, new.connect() as b:
        for _name, model in TABLES:
            assert index_names(b, model.__table__.name) == index_names(a, model.__table__.name)


def index_names(conn, table: str) -> set[str]:
    from sqlalchemy import inspect

    return {ix["name"] for ix in inspect(conn).get_indexes(table)}


def test_the_sqlite_database_is_back_in_wal_mode_after_a_demo_load(tmp_path):
    from dashboard.config import load_settings
    from dashboard.setup import initialise

    path = tmp_path / "demo.db"
    modes: list[str] = []

    def progress(_fraction: float, message: str) -> None:
        # While the divisions are written, the file has a rollback journal, not WAL.
        if message.endswith("saving utterances") and not modes:
            raw = sqlite3.connect(path)
            modes.append(raw.execute("PRAGMA journal_mode").fetchone()[0])
            raw.close()

    settings = load_settings({"DATABASE_URL": f"sqlite:///{path}"}, {})
    summary = initialise(settings, demo=True, end=END, scale="tiny-multi", progress=progress)
    assert summary["demo"] == "loaded" and summary["teams"] == 22
    assert modes == ["delete"]
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("SELECT COUNT(*) FROM utterances").fetchone()[0] == summary["utterances"]
    finally:
        raw.close()
