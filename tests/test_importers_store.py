"""Looking up stored rows by key.

Keys travel to the database as one list (an array on PostgreSQL, a JSON list on SQLite); the rows
found must be those an ``IN (...)`` of bound keys finds, whatever the chunk size.
"""

from __future__ import annotations

import pytest

from data_access import models as m
from data_access.importers import SOURCES, ImportOptions, store
from data_access.importers.batched import import_file
from tests.test_importers_chunks import many


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
