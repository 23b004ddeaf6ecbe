"""Writing an import: the batch record, rejected rows, and bulk insert/update against pre-loaded keys.

Rows are compared with what is stored to count inserted, updated and unchanged; writes go out as
executemany batches of dicts, and existing rows are looked up once per import in chunks, never one
query per row.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Table,
    any_,
    bindparam,
    func,
    insert,
    select,
    tuple_,
    update,
)

from data_access import models as m
from data_access.importers.validation import Rejection

CHUNK = 2000
# Plain inserts (no ids wanted back) go out in larger batches: fewer round trips, same memory class.
INSERT_CHUNK = 20000
# Below this many rows COPY's set-up costs more than it saves.
COPY_MIN_ROWS = 1000


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
    """Mark the batch done and bring the rollups of the teams and deals it touched up to date."""
    from data_access.history_rollup import deals_of_batch, rebuild_deal_history
    from data_access.rollups import refresh_teams, teams_of_batch

    refresh_teams(conn, teams_of_batch(conn, batch_id))
    rebuild_deal_history(conn, deals_of_batch(conn, batch_id))
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
) -> dict[Any, Mapping[str, Any]]:
    """Stored rows whose key is among ``keys``: key -> {column: value, "id": ...}, fetched in chunks.

    A single text or integer key goes to the database as one value per query, not one bound parameter
    per key: an array (``= ANY``) on PostgreSQL, a JSON list (``json_each``) on SQLite. Each row is
    kept as the read-only mapping the database returned, not copied into a dict: a third less memory
    (20,000 stored deals 18.5 MiB against 28.5), which a re-import holds for two chunks at a time.
    """
    wanted = list(dict.fromkeys(keys))
    selected = [
        table.c.id,
        *(table.c[c] for c in columns if c not in key_columns),
        *(table.c[k] for k in key_columns),
    ]
    found: dict[Any, dict] = {}
    listed = len(key_columns) == 1 and _listable(conn, wanted)
    size = LOOKUP_CHUNK if listed else 500 if len(key_columns) > 1 else CHUNK
    for part in chunks(wanted, size):
        if listed:
            clause = _among(conn, table.c[key_columns[0]], list(part))
        elif len(key_columns) == 1:
            clause = table.c[key_columns[0]].in_(list(part))
        else:
            clause = tuple_(*(table.c[k] for k in key_columns)).in_(list(part))
        for row in conn.execute(select(*selected).where(clause)).mappings():
            key = row[key_columns[0]] if len(key_columns) == 1 else tuple(row[k] for k in key_columns)
            found[key] = row
    return found


def is_empty(conn: Connection, table: Table) -> bool:
    """Whether ``table`` holds no rows (as this connection sees it)."""
    return conn.execute(select(table.c.id).limit(1)).first() is None


# Keys looked up per query when they travel as one array or JSON list.
LOOKUP_CHUNK = 20000


def _listable(conn: Connection, keys: list) -> bool:
    """Whether ``keys`` can be sent as one list: all text or all integers, on a database that can."""
    if not keys:
        return False
    if conn.dialect.name == "sqlite":
        if sqlite3.sqlite_version_info < (3, 38):  # json_each is built in from 3.38
            return False
    elif conn.dialect.name != "postgresql":
        return False
    kind = type(keys[0])
    return kind in (str, int) and all(type(k) is kind for k in keys)


def _among(conn: Connection, column, keys: list):
    """``column IN keys`` with the keys bound as a single value."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam("keys", keys, type_=ARRAY(column.type)))
    values = func.json_each(bindparam("keys", json.dumps(keys))).table_valued("value")
    return column.in_(select(values.c.value))


@dataclass
class UpsertPlan:
    inserts: list[dict]
    updates: list[dict]
    unchanged: int
    changed_from: dict[int, Mapping[str, Any]]  # id -> the stored values an update replaces


def plan_upsert(
    rows: Iterable[tuple[Any, dict]], existing: Mapping[Any, Mapping[str, Any]], compare: Sequence[str]
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


def _column_defaults(table: Table) -> dict[str, Any]:
    """Scalar Python-side defaults (``default=False``...), which COPY would not apply on its own."""
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if default is not None and getattr(default, "is_scalar", False):
            defaults[column.name] = default.arg
    return defaults


def copy_rows(conn: Connection, table: Table, rows: Sequence[dict]) -> None:
    """PostgreSQL: stream ``rows`` into ``table`` with ``COPY ... FROM STDIN`` on the caller's transaction.

    Columns are the union of the rows' keys (in table order); a key a row lacks takes the column's
    scalar default, else NULL, as an INSERT would. Ids given in the rows are written as they are.
    """
    present = {key for row in rows for key in row}
    names = [c.name for c in table.columns if c.name in present]
    defaults = _column_defaults(table)
    fill = {name: defaults.get(name) for name in names}
    quoted = ", ".join(f'"{n}"' for n in names)
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[n] if n in row else fill[n] for n in names])


def bulk_insert(conn: Connection, table: Table, rows: list[dict], returning: str | None = None) -> list:
    """Insert ``rows`` in bulk; with ``returning`` also give back (id, that column) pairs.

    Only the few inserts that need ids back (teams, people, accounts) use RETURNING: on both databases a
    plain insert is several times faster for the bulk of deals than ordered multi-row RETURNING. Plain
    inserts use COPY on PostgreSQL and large executemany batches elsewhere.
    """
    out: list = []
    if returning:
        for part in chunks(rows):
            result = conn.execute(
                insert(table).returning(table.c.id, table.c[returning], sort_by_parameter_order=True),
                list(part),
            )
            out.extend(result.all())
        return out
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_MIN_ROWS and not _has_json(table):
        for part in chunks(rows, INSERT_CHUNK):
            copy_rows(conn, table, part)
        return out
    if conn.dialect.name == "sqlite" and len(rows) >= COPY_MIN_ROWS and _driver_insert(conn, table, rows):
        return out
    for part in chunks(rows, INSERT_CHUNK):
        conn.execute(insert(table), list(part))
    return out


def _driver_insert(conn: Connection, table: Table, rows: list[dict]) -> bool:
    """SQLite: one ``executemany`` of tuples, each column converted once by its type, as an INSERT would.

    The same values reach the database as through SQLAlchemy's executemany of dicts, without its
    per-row work. False (nothing written) when a column absent from the rows has a default that is
    not a plain value.
    """
    present = {key for row in rows[:1] for key in row}
    if any(row.keys() != present for row in rows):
        present = {key for row in rows for key in row}
    defaults = _column_defaults(table)
    names = []
    for column in table.columns:
        if column.name in present or column.name in defaults:
            names.append(column.name)
        elif column.default is not None:
            return False
    columns = {}
    for name in names:
        fill = defaults.get(name)
        columns[name] = [row.get(name, fill) for row in rows]
    _sqlite_executemany(conn, table, columns)
    return True


def _sqlite_executemany(conn: Connection, table: Table, columns: dict[str, list]) -> None:
    """INSERT columns of values with the driver's executemany, each column converted once by its type."""
    names = list(columns)
    converted = []
    for name in names:
        values = columns[name]
        column_type = table.c[name].type
        process = column_type._cached_bind_processor(conn.dialect)
        if process is not None and isinstance(column_type, Date | DateTime | Boolean):
            # Few distinct dates and flags in many rows: each converted once.
            done = {v: process(v) for v in set(values) if v is not None}
            values = [None if v is None else done[v] for v in values]
        elif process is not None:
            values = [None if v is None else process(v) for v in values]
        converted.append(values)
    quoted = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" for _ in names)
    statement = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'
    total = len(converted[0]) if converted else 0
    for start in range(0, total, INSERT_CHUNK):
        part = [col[start : start + INSERT_CHUNK] for col in converted]
        conn.exec_driver_sql(statement, list(zip(*part, strict=True)))


def insert_columns(conn: Connection, table: Table, columns: dict[str, list]) -> None:
    """Insert rows given as columns (name -> equally long lists of values), with no row dicts built.

    COPY on PostgreSQL, the driver's executemany on SQLite: the values stored are those
    :func:`bulk_insert` stores for the same rows. Columns not given take their scalar default.
    """
    total = len(next(iter(columns.values()), []))
    if not total:
        return
    defaults = _column_defaults(table)
    names = [c.name for c in table.columns if c.name in columns or c.name in defaults]
    full = {name: columns[name] if name in columns else [defaults[name]] * total for name in names}
    if conn.dialect.name == "sqlite":
        _sqlite_executemany(conn, table, full)
        return
    if conn.dialect.name == "postgresql" and total >= COPY_MIN_ROWS and not _has_json(table):
        quoted = ", ".join(f'"{n}"' for n in names)
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in zip(*(full[n] for n in names), strict=True):
                copy.write_row(row)
        return
    rows = [dict(zip(names, row, strict=True)) for row in zip(*(full[n] for n in names), strict=True)]
    bulk_insert(conn, table, rows)


def _has_json(table: Table) -> bool:
    # COPY's text format would need a JSON dumper per column; the tables with JSON are small.
    return any(isinstance(c.type, JSON) for c in table.columns)


def bulk_update(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Update rows by ``id`` in executemany batches; every row must carry the same keys.

    A deal moved to another team leaves a hole in its old team's rollup: that team is refreshed here
    (the new team is refreshed when the import finishes, see :func:`finish_batch`).
    """
    if not rows:
        return
    columns = [c for c in rows[0] if c != "id"]
    stmt = (
        update(table).where(table.c.id == bindparam("b_id")).values({c: bindparam(f"b_{c}") for c in columns})
    )
    moved_from: set[int] = set()
    for part in chunks(rows, INSERT_CHUNK if _copies(conn, table, rows) else CHUNK):
        if table.name == m.Opportunity.__tablename__ and "team_id" in columns:
            for some in chunks(part):
                moved_from |= _teams_left(conn, table, some)
        if _copies(conn, table, part):
            _copy_update(conn, table, columns, part)
        else:
            conn.execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in part])
    if moved_from:
        from data_access.rollups import refresh_teams

        refresh_teams(conn, moved_from)


def _copies(conn: Connection, table: Table, rows: Sequence[dict]) -> bool:
    return conn.dialect.name == "postgresql" and len(rows) >= COPY_MIN_ROWS and not _has_json(table)


def _copy_update(conn: Connection, table: Table, columns: list[str], rows: Sequence[dict]) -> None:
    """PostgreSQL: COPY the new values into a temporary table, then one UPDATE ... FROM it by id."""
    names = ["id", *columns]
    quoted = ", ".join(f'"{n}"' for n in names)
    scratch = f"pp_update_{table.name}"
    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{scratch}"')
    conn.exec_driver_sql(
        f'CREATE TEMPORARY TABLE "{scratch}" AS SELECT {quoted} FROM "{table.name}" WITH NO DATA'
    )
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{scratch}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[n] for n in names])
    assignments = ", ".join(f'"{c}" = s."{c}"' for c in columns)
    conn.exec_driver_sql(
        f'UPDATE "{table.name}" AS t SET {assignments} FROM "{scratch}" AS s WHERE t.id = s.id'
    )
    conn.exec_driver_sql(f'DROP TABLE "{scratch}"')


def _teams_left(conn: Connection, table: Table, rows: Sequence[dict]) -> set[int]:
    """The stored teams of deals in ``rows`` whose update gives them a different team."""
    new_team = {row["id"]: row["team_id"] for row in rows}
    stored = conn.execute(select(table.c.id, table.c.team_id).where(table.c.id.in_(list(new_team))))
    return {team for ident, team in stored if team is not None and team != new_team[ident]}


def settle(savepoint, dry_run: bool, result, started: float, progress):
    """End an import: keep what it wrote (or, on a dry run, nothing), time it and say so."""
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    result.seconds = time.perf_counter() - started
    progress(1.0, result.summary_line())
    return result
