"""Who may change organisation-wide settings and the NSP, and the record of every change.

Thresholds, Health Index weights, privacy settings and the Noble Sales Purpose apply to the whole
organisation, so only executives and admins may change them — a regional leader or a manager can
read them, never lower the survey minimum for everyone. Every change is written in the same
transaction as the change itself: who, with which role, when, the value before and after (None
where the default applied).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select

from data_access import models as m

EDITOR_ROLES = ("executive", "admin")


class NotAllowed(PermissionError):
    """The person may not change organisation-wide settings; the message is one sentence."""


def may_edit(role: str | None) -> bool:
    return role in EDITOR_ROLES


def require_editor(who: str, role: str | None) -> None:
    """Raise :class:`NotAllowed` unless ``role`` may change organisation-wide settings."""
    if not may_edit(role):
        raise NotAllowed(
            f"{who or 'Someone not signed in'} is {_article(role)} {role or 'unknown role'}: only executives and "
            "admins may change organisation-wide thresholds, weights, privacy settings and the NSP."
        )


def _article(role: str | None) -> str:
    return "an" if (role or "unknown")[0] in "aeiou" else "a"


def record_change(
    conn: Connection, *, by: str, role: str | None, key: str, old: str | None, new: str | None
) -> None:
    """One row of the change history (the caller's transaction)."""
    conn.execute(
        insert(m.SettingChange).values(
            changed_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            changed_by=by[:320],
            role=role,
            key=key[:120],
            old_value=old,
            new_value=new,
        )
    )


def change_history(conn: Connection, limit: int = 500) -> list[dict]:
    """The most recent changes first: when, who, role, setting, old and new value."""
    c = m.SettingChange
    rows = conn.execute(
        select(c.changed_at, c.changed_by, c.role, c.key, c.old_value, c.new_value)
        .order_by(c.changed_at.desc(), c.id.desc())
        .limit(limit)
    ).all()
    return [dict(row._mapping) for row in rows]
