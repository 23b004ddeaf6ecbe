"""Writing an import: the batch record, rejected rows, and bulk insert/update against pre-loaded keys.

Rows are compared with what is stored to count inserted, updated and unchanged; writes go out as
executemany batches of dicts, and existing rows are looked up once per import in chunks, never one
query per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, select, tuple_, update

from data_access import models as m
from data_access.importers.validation import Rejection

CHUNK = 2000


def utc_now() -> dt.datetime:
    """Now in naive UTC, to the second (what the DateTime columns store)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def start_batch(
    conn: Connection,
    *,
    source: str,
    file_name: str,
    sha256: str,
    fmt: str,
    imported_by: str | None,
    rows_read: int,
) -> int:
    """Record a running :class:`ImportBatch` and return its id."""
    return conn.execute(
        insert(m.ImportBatch)
        .values(
            source=source,
            file_name=file_name[:500],
            sha256=sha256,
            format=fmt,
            imported_by=imported_by,
            started_at=utc_now(),
            status="running",
            rows_read=rows_read,
        )
        .returning(m.ImportBatch.id)
    ).scalar_one()


def finish_batch(
    conn: Connection,
    batch_id: int,
    *,
    inserted: int,
    updated: int,
    unchanged: int,
    rejected: int,
    message: str,
) -> None:
    conn.execute(
        update(m.ImportBatch)
        .where(m.ImportBatch.id == batch_id)
        .values(
            finished_at=utc_now(),
            status="done",
            inserted=inserted,
            updated=updated,
            unchanged=unchanged,
            rejected=rejected,
            message=message,
        )
    )


def record_rejections(conn: Connection, batch_id: int, rejections: Iterable[Rejection]) -> None:
    rows = [
        {"batch_id": batch_id, "line_number": r.line_number, "raw": r.raw, "reason": r.reason}
        for r in rejections
    ]
    for part in chunks(rows):
        conn.execute(insert(m.RejectedRow), list(part))


def same(old: Any, new: Any) -> bool:
    """Equality that ignores how the database hands values back (Decimal scale, float noise, date vs str)."""
    if old is None or new is None:
        return old is None and new is None
    if isinstance(new, Decimal) or isinstance(old, Decimal):
        return Decimal(str(old)).quantize(Decimal("0.01")) == Decimal(str(new)).quantize(Decimal("0.01"))
    if isinstance(new, float) or isinstance(old, float):
        return abs(float(old) - float(new)) < 1e-9
    if isinstance(new, dt.datetime) and not isinstance(old, dt.datetime):
        return str(old)[:19] == new.isoformat(sep=" ")[:19]
    if isinstance(new, dt.date) and not isinstance(new, dt.datetime) and not isinstance(old, dt.date):
        return str(old)[:10] == new.isoformat()
    return old == new


def load_existing(
    conn: Connection, table: Table, key_columns: Sequence[str], keys: Iterable, columns: Sequence[str]
) -> dict[Any, dict]:
    """Stored rows whose key is among ``keys``: key -> {column: value, "id": ...}, fetched in chunks."""
    wanted = list(dict.fromkeys(keys))
    selected = [
        table.c.id,
        *(table.c[c] for c in columns if c not in key_columns),
        *(table.c[k] for k in key_columns),
    ]
    found: dict[Any, dict] = {}
    for part in chunks(wanted, 500 if len(key_columns) > 1 else CHUNK):
        if len(key_columns) == 1:
            clause = table.c[key_columns[0]].in_(list(part))
        else:
            clause = tuple_(*(table.c[k] for k in key_columns)).in_(list(part))
        for row in conn.execute(select(*selected).where(clause)).mappings():
            key = row[key_columns[0]] if len(key_columns) == 1 else tuple(row[k] for k in key_columns)
            found[key] = dict(row)
    return found


@dataclass
class UpsertPlan:
    inserts: list[dict]
    updates: list[dict]
    unchanged: int
    changed_from: dict[int, dict]  # id -> the stored values an update replaces


def plan_upsert(
    rows: Iterable[tuple[Any, dict]], existing: dict[Any, dict], compare: Sequence[str]
) -> UpsertPlan:
    """Split (key, values) pairs into inserts, updates (with ``id``) and a count of unchanged rows."""
    plan = UpsertPlan([], [], 0, {})
    for key, values in rows:
        stored = existing.get(key)
        if stored is None:
            plan.inserts.append(values)
        elif all(same(stored.get(c), values.get(c)) for c in compare):
            plan.unchanged += 1
        else:
            plan.updates.append({**values, "id": stored["id"]})
            plan.changed_from[stored["id"]] = stored
    return plan


def bulk_insert(conn: Connection, table: Table, rows: list[dict], returning: str | None = None) -> list:
    """Insert ``rows`` in executemany batches; with ``returning`` also give back (id, that column) pairs.

    Only the few inserts that need ids back (teams, people, accounts) use RETURNING: on both databases a
    plain executemany is several times faster for the bulk of deals than ordered multi-row RETURNING.
    """
    out: list = []
    for part in chunks(rows):
        if returning:
            result = conn.execute(
                insert(table).returning(table.c.id, table.c[returning], sort_by_parameter_order=True),
                list(part),
            )
            out.extend(result.all())
        else:
            conn.execute(insert(table), list(part))
    return out


def bulk_update(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Update rows by ``id`` in executemany batches; every row must carry the same keys."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != "id"]
    stmt = (
        update(table).where(table.c.id == bindparam("b_id")).values({c: bindparam(f"b_{c}") for c in columns})
    )
    for part in chunks(rows):
        conn.execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in part])
