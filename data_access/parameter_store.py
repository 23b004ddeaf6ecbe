"""Reading and writing the values a leader changed on the settings page.

Defaults and help text live in code (``metrics.parameters``); this table only holds overrides, as
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


def apply_changes(
    conn: Connection, changes: dict[str, str | None], *, by: str, role: str | None
) -> list[str]:
    """Set each key to its text (None: back to its default), after checking that ``role`` may change
    organisation-wide settings, recording every change in the history. Returns the keys that changed.
    """
    from data_access.parameter_history import record_change, require_editor

    require_editor(by, role)
    before = read_overrides(conn)
    changed = []
    for key, new in changes.items():
        old = before.get(key)
        if old == new:
            continue
        if new is None:
            clear_override(conn, key)
        else:
            write_override(conn, key, new, updated_by=by)
        record_change(conn, by=by, role=role, key=key, old=old, new=new)
        changed.append(key)
    return changed
