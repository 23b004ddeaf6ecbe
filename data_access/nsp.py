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


def save_nsp(conn: Connection, statement: str, key_phrases: list[str], launch_date: dt.date | None) -> None:
    """Replace the NSP with this statement; ValueError with one sentence when it is empty."""
    statement = statement.strip()
    if not statement:
        raise ValueError("The Noble Sales Purpose statement cannot be empty.")
    nsp = m.NobleSalesPurpose.__table__
    current = conn.execute(select(nsp.c.id).order_by(nsp.c.id.desc()).limit(1)).scalar()
    values = {"statement": statement, "key_phrases": key_phrases, "launch_date": launch_date}
    if current is None:
        conn.execute(nsp.insert().values(**values))
    else:
        conn.execute(nsp.update().where(nsp.c.id == current).values(**values))
    note_change(conn, "Noble Sales Purpose saved")
