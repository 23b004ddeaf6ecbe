"""Symptoms measured side by side on the analytical copy come back in order, inside the caller's
read-once block, on connections of their own that are closed afterwards; elsewhere one by one."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text

from metrics.common import COPY_WORKERS, _read_once, each_metric, reusing_reads


@pytest.fixture
def copy_engine(tmp_path):
    engine = create_engine(f"duckdb:///{tmp_path / 'copy.duckdb'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE deals AS SELECT range AS id, range % 7 AS team FROM range(1000)"))
    yield engine
    engine.dispose()


def _deals_of(conn, team: int) -> int:
    return int(
        conn.execute(text("SELECT count(*) FROM deals WHERE team = :team"), {"team": team}).scalar_one()
    )


def test_on_the_copy_items_come_back_in_order_from_connections_of_their_own(copy_engine):
    seen: dict[int, tuple[int, str]] = {}

    def count(conn, team: int) -> int:
        seen[team] = (id(conn), threading.current_thread().name)
        return _deals_of(conn, team)

    with copy_engine.connect() as conn:
        got = each_metric(conn, count, list(range(7)))
        caller = id(conn)
    # 1,000 ids over 7 teams: 7 x 142 + 6, so teams 0 to 5 hold one more.
    assert got == [143] * 6 + [142]
    assert caller not in {conn_id for conn_id, _ in seen.values()}
    assert {thread for _, thread in seen.values()} <= {f"copy-reader_{i}" for i in range(COPY_WORKERS)}
    assert copy_engine.pool.checkedout() == 0  # every connection opened for the items is closed


def test_items_share_the_callers_read_once_block_and_an_error_reaches_the_caller(copy_engine):
    blocks = []

    def look(conn, item: int) -> int:
        blocks.append(_read_once.get())
        if item == 3:
            raise ValueError("the copy refused a statement")
        return item

    with copy_engine.connect() as conn, reusing_reads():
        memo = _read_once.get()
        assert each_metric(conn, look, [0, 1, 2]) == [0, 1, 2]
        with pytest.raises(ValueError, match="refused"):
            each_metric(conn, look, [0, 3, 1])
    assert memo is not None and all(block is memo for block in blocks)
    assert copy_engine.pool.checkedout() == 0


@pytest.mark.parametrize(
    "url", ["sqlite:///{tmp}/db.sqlite", "duckdb:///:memory:"], ids=["sqlite", "duckdb-in-memory"]
)
def test_other_databases_read_every_item_on_the_callers_connection_one_after_the_other(tmp_path, url):
    engine = create_engine(url.format(tmp=tmp_path))
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE deals (id INTEGER, team INTEGER)"))
        conn.execute(text("INSERT INTO deals VALUES (1, 0), (2, 0), (3, 1)"))
        conn.commit()
        used = []
        got = each_metric(
            conn, lambda c, team: used.append((c, threading.current_thread())) or _deals_of(c, team), [0, 1]
        )
        assert got == [2, 1]
        assert all(c is conn and thread is threading.main_thread() for c, thread in used)
    engine.dispose()
