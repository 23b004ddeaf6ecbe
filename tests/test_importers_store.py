"""Looking up stored rows by key, and re-importing a file read in chunks.

Keys travel to the database as one list (an array on PostgreSQL, a JSON list on SQLite); the rows
found must be those an ``IN (...)`` of bound keys finds, whatever the chunk size. A file imported into
an empty table is not compared with stored rows at all, so the same file imported again must find
every deal it stored, unchanged.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from data_access import models as m
from data_access.importers import SOURCES, ImportOptions, store
from data_access.importers.batched import import_file
from data_access.importers.batches import rejected_rows
from tests.test_importers_chunks import deals, many, stored


def _import(conn, tmp_path, text: str, chunk_rows: int, name: str = "deals.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return import_file(conn, SOURCES["opportunities"], path, name, ImportOptions(), chunk_rows=chunk_rows)


def _in_list(conn, table, key: str, keys: list, columns: list[str], monkeypatch) -> dict:
    """What the lookup finds with the keys bound one by one in ``IN (...)`` lists."""
    with monkeypatch.context() as patch:
        patch.setattr(store, "_listable", lambda _conn, _keys: False)
        return store.load_existing(conn, table, [key], keys, columns)


@pytest.mark.parametrize("chunk", [2, 20_000])
def test_a_list_of_keys_finds_the_stored_rows_an_in_list_finds(conn, tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(store, "LOOKUP_CHUNK", chunk)
    savepoint = conn.begin_nested()
    _import(conn, tmp_path, many(12), 5)
    table = m.Opportunity.__table__
    keys = ["M00003", "nobody", "M00000", "M00011", "M00003", "m00004", " M00005", "M00007"]
    found = store.load_existing(conn, table, ["external_key"], keys, ["stage", "amount"])
    assert sorted(found) == ["M00000", "M00003", "M00007", "M00011"]
    assert found == _in_list(conn, table, "external_key", keys, ["stage", "amount"], monkeypatch)
    ids = [found["M00000"]["id"], found["M00011"]["id"], 10**9]
    by_id = store.load_existing(conn, table, ["id"], ids, ["external_key"])
    assert sorted(row["external_key"] for row in by_id.values()) == ["M00000", "M00011"]
    assert by_id == _in_list(conn, table, "id", ids, ["external_key"], monkeypatch)
    savepoint.rollback()


def test_keys_of_mixed_kinds_are_still_looked_up(conn, tmp_path):
    savepoint = conn.begin_nested()
    _import(conn, tmp_path, many(3), 5)
    table = m.Opportunity.__table__
    assert not store._listable(conn, ["M00001", 7])
    found = store.load_existing(conn, table, ["external_key"], ["M00001", "M00002"], ["stage"])
    assert sorted(found) == ["M00001", "M00002"]
    savepoint.rollback()


@pytest.mark.parametrize("chunk_rows", [7, 10_000])
def test_the_same_file_imported_again_finds_every_deal_unchanged(conn, tmp_path, chunk_rows):
    savepoint = conn.begin_nested()
    first = _import(conn, tmp_path, deals(), chunk_rows)
    deals_after_first = stored(conn)
    again = _import(conn, tmp_path, deals(), chunk_rows)
    counts = [(r.rows_read, r.inserted, r.updated, r.unchanged, r.rejected) for r in (first, again)]
    reasons = [
        [(r["line_number"], r["reason"]) for r in rejected_rows(conn, b.batch_id)] for b in (first, again)
    ]
    assert stored(conn) == deals_after_first
    savepoint.rollback()
    assert counts == [(40, 29, 0, 0, 11), (40, 0, 0, 29, 11)]
    assert reasons[0] == reasons[1]
    assert [line for line, _ in reasons[0]] == [8, 9, 13, 15, 16, 17, 23, 28, 33, 36, 38]


def test_deals_stored_by_another_file_are_compared_not_inserted_again(conn, tmp_path):
    savepoint = conn.begin_nested()
    _import(conn, tmp_path, many(5), 2, "first.csv")
    result = _import(conn, tmp_path, many(9, newer=True), 4, "second.csv")
    keys = [deal[0] for deal in stored(conn)]
    savepoint.rollback()
    assert (result.inserted, result.updated, result.unchanged) == (4, 5, 0)
    assert keys == [f"M{i:05d}" for i in range(9)]


def test_deals_imported_into_an_empty_table_are_not_looked_up(conn, tmp_path):
    statements: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    savepoint = conn.begin_nested()
    event.listen(conn, "before_cursor_execute", before)
    try:
        _import(conn, tmp_path, many(20), 6, "first.csv")
        looked_up = [s for s in statements if "external_key" in s and s.lstrip().upper().startswith("SELECT")]
        statements.clear()
        _import(conn, tmp_path, many(20), 6, "again.csv")
        again = [s for s in statements if "external_key" in s and s.lstrip().upper().startswith("SELECT")]
    finally:
        event.remove(conn, "before_cursor_execute", before)
        savepoint.rollback()
    assert not [s for s in looked_up if "FROM opportunities" in s]
    assert [s for s in again if "FROM opportunities" in s]
