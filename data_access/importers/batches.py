"""Reading back what imports did: the batch history and the rows a batch set aside."""

from __future__ import annotations

from sqlalchemy import Connection, select

from data_access import models as m


def list_batches(conn: Connection, limit: int = 200) -> list[dict]:
    """The most recent import batches, newest first, with their counts."""
    b = m.ImportBatch
    rows = conn.execute(
        select(
            b.id,
            b.source,
            b.file_name,
            b.format,
            b.imported_by,
            b.started_at,
            b.finished_at,
            b.status,
            b.rows_read,
            b.inserted,
            b.updated,
            b.unchanged,
            b.rejected,
            b.message,
        )
        .order_by(b.id.desc())
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]


def get_batch(conn: Connection, batch_id: int) -> dict | None:
    b = m.ImportBatch
    row = conn.execute(select(b.__table__).where(b.id == batch_id)).mappings().first()
    return dict(row) if row else None


def rejected_rows(conn: Connection, batch_id: int, limit: int | None = None) -> list[dict]:
    """A batch's rejected rows in file order: line number, reason and the raw values as read."""
    r = m.RejectedRow
    stmt = select(r.line_number, r.reason, r.raw).where(r.batch_id == batch_id).order_by(r.line_number, r.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [dict(row) for row in conn.execute(stmt).mappings()]


def rejected_table(rows: list[dict]) -> tuple[list[str], list[dict]]:
    """Rejected rows flattened for a table or CSV: line, reason, then every raw column in file order."""
    columns: list[str] = []
    for row in rows:
        for key in row["raw"] or {}:
            if key not in columns:
                columns.append(key)
    flat = [{"line": row["line_number"], "reason": row["reason"], **(row["raw"] or {})} for row in rows]
    return ["line", "reason", *columns], flat
