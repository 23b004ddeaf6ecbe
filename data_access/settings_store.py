"""Reading and writing the values a leader changed on the settings page.

Defaults and help text live in code (``metrics.settings``); this table only holds overrides, as
text, keyed by the setting's key. The caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, select

from data_access import models as m
from data_access.result_store import note_change


def read_overrides(conn: Connection) -> dict[str, str]:
    """Every stored override as ``{key: value}`` (values are the text that was saved)."""
    rows = conn.execute(select(m.SettingOverride.key, m.SettingOverride.value)).all()
    return {str(key): str(value) for key, value in rows}


def write_override(conn: Connection, key: str, value: str, *, updated_by: str | None = None) -> None:
    """Store ``value`` for ``key``, replacing any earlier override of it."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    existing = conn.execute(select(m.SettingOverride).where(m.SettingOverride.key == key)).first()
    if existing is None:
        conn.execute(
            m.SettingOverride.__table__.insert().values(
                key=key, value=value, updated_at=now, updated_by=updated_by
            )
        )
    else:
        conn.execute(
            m.SettingOverride.__table__.update()
            .where(m.SettingOverride.key == key)
            .values(value=value, updated_at=now, updated_by=updated_by)
        )
    note_change(conn, f"setting {key} set to {value}")


def clear_override(conn: Connection, key: str) -> None:
    """Forget the override of ``key`` so its default applies again."""
    conn.execute(delete(m.SettingOverride).where(m.SettingOverride.key == key))
    note_change(conn, f"setting {key} back to its default")
