"""Saving the organisation's Noble Sales Purpose (reading it is :func:`data_access.status.current_nsp`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from data_access import models as m
from data_access.result_store import note_change


def parse_key_phrases(text: str) -> list[str]:
    """Key phrases from free text: one per line or comma-separated, trimmed, de-duplicated in order."""
    phrases = [p.strip() for chunk in text.splitlines() for p in chunk.split(",")]
    return list(dict.fromkeys(p for p in phrases if p))


def save_nsp(
    conn: Connection,
    statement: str,
    key_phrases: list[str],
    launch_date: dt.date | None,
    *,
    by: str,
    role: str | None,
) -> None:
    """Replace the NSP with this statement; ValueError with one sentence when it is empty,
    :class:`data_access.parameter_history.NotAllowed` unless ``role`` may change it. Each changed part
    (statement, key phrases, launch date) goes into the change history."""
    from data_access.parameter_history import record_change, require_editor

    require_editor(by, role)
    statement = statement.strip()
    if not statement:
        raise ValueError("The Noble Sales Purpose statement cannot be empty.")
    nsp = m.NobleSalesPurpose.__table__
    current = conn.execute(
        select(nsp.c.id, nsp.c.statement, nsp.c.key_phrases, nsp.c.launch_date)
        .order_by(nsp.c.id.desc())
        .limit(1)
    ).first()
    values = {"statement": statement, "key_phrases": key_phrases, "launch_date": launch_date}
    if current is None:
        conn.execute(nsp.insert().values(**values))
    else:
        conn.execute(nsp.update().where(nsp.c.id == current.id).values(**values))
    old = {
        "nsp.statement": current.statement if current else None,
        "nsp.key_phrases": (", ".join(current.key_phrases or []) or None) if current else None,
        "nsp.launch_date": _day(current.launch_date) if current else None,
    }
    phrases = ", ".join(key_phrases) or None
    new = {"nsp.statement": statement, "nsp.key_phrases": phrases, "nsp.launch_date": _day(launch_date)}
    for key, value in new.items():
        if old[key] != value:
            record_change(conn, by=by, role=role, key=key, old=old[key], new=value)
    note_change(conn, "Noble Sales Purpose saved")


def _day(value) -> str | None:
    return None if value is None else str(value)[:10]
