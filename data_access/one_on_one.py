"""The notes of each one-on-one and the actions agreed in it, kept for the seller's management line.

A seller's management line is their manager, their manager's manager and so on up the roster's
``manager_id`` chain. Only someone in it, still employed and signed in with the email the roster
holds, may read or write a seller's notes: an executive of another line, a peer manager, an admin
and the seller themself may not. Every function here checks it from the viewer's email (the
``scope``'s viewer) before it reads or writes anything, and refuses with :class:`NotInLine` — the
same sentence whether the seller exists or not, so the roster cannot be probed. The caller owns the
transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, insert, select, update

from data_access import models as m
from data_access.scope import Scope

NOTES_LIMIT = 20  # the most recent one-on-ones listed
MAX_NOTES = 20_000
MAX_ACTION = 500


class NotInLine(PermissionError):
    """The viewer is not in the seller's management line; the message is one sentence."""


@dataclass(frozen=True)
class Action:
    id: int
    text: str
    agreed_on: dt.date
    done_at: dt.datetime | None = None
    done_by: str | None = None

    @property
    def open(self) -> bool:
        return self.done_at is None


@dataclass(frozen=True)
class OneOnOneNote:
    id: int
    held_on: dt.date
    notes: str
    written_by: str
    actions: list[Action] = field(default_factory=list)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def management_line(conn: Connection, seller_id: int) -> list[int]:
    """The ids of the seller's manager, their manager, ... up the roster (nearest first; a loop in the
    roster ends the line where it repeats)."""
    managers = dict(conn.execute(select(m.Person.id, m.Person.manager_id)).all())
    line: list[int] = []
    current = managers.get(int(seller_id))
    while current is not None and current not in line and current != int(seller_id):
        line.append(int(current))
        current = managers.get(current)
    return line


def _viewer_id(conn: Connection, email: str, today: dt.date) -> int | None:
    """The id of the employed person with this email, or None."""
    if not (email or "").strip():
        return None
    person = m.Person
    row = conn.execute(
        select(person.id, person.termination_date).where(func.lower(person.email) == email.strip().lower())
    ).first()
    if row is None:
        return None
    left = row.termination_date
    if left is not None and (left if isinstance(left, dt.date) else dt.date.fromisoformat(str(left)[:10])) < today:
        return None
    return int(row.id)


def in_line(conn: Connection, scope: Scope, seller_id: int, *, today: dt.date | None = None) -> bool:
    """True when the scope's viewer is in the seller's management line."""
    viewer = _viewer_id(conn, scope.viewer, today or dt.date.today())
    return viewer is not None and viewer in management_line(conn, seller_id)


def _refusal(scope: Scope) -> NotInLine:
    return NotInLine(
        f"{scope.viewer or 'Someone not signed in'} is not in this seller's management line: only their "
        "manager and those above them can read or write their one-on-one notes."
    )


def require_in_line(conn: Connection, scope: Scope, seller_id: int) -> None:
    if not in_line(conn, scope, seller_id):
        raise _refusal(scope)


def _seller_team(conn: Connection, seller_id: int) -> int | None:
    return conn.execute(select(m.Person.team_id).where(m.Person.id == int(seller_id))).scalar()


def one_on_ones(conn: Connection, scope: Scope, seller_id: int) -> list[OneOnOneNote]:
    """The seller's recorded one-on-ones, most recent first (at most :data:`NOTES_LIMIT`), each with
    its actions; NotInLine unless the viewer is in the seller's management line."""
    require_in_line(conn, scope, seller_id)
    o, a = m.OneOnOne, m.OneOnOneAction
    rows = conn.execute(
        select(o.id, o.held_on, o.notes, o.written_by)
        .where(o.seller_id == int(seller_id))
        .order_by(o.held_on.desc(), o.id.desc())
        .limit(NOTES_LIMIT)
    ).all()
    ids = [int(r.id) for r in rows]
    actions: dict[int, list[Action]] = {i: [] for i in ids}
    held = {int(r.id): _date(r.held_on) for r in rows}
    if ids:
        for r in conn.execute(
            select(a.id, a.one_on_one_id, a.text, a.done_at, a.done_by)
            .where(a.one_on_one_id.in_(ids))
            .order_by(a.id)
        ).all():
            actions[int(r.one_on_one_id)].append(
                Action(int(r.id), r.text, held[int(r.one_on_one_id)], r.done_at, r.done_by)
            )
    return [OneOnOneNote(int(r.id), _date(r.held_on), r.notes or "", r.written_by, actions[int(r.id)]) for r in rows]


def agreed_last_time(conn: Connection, scope: Scope, seller_id: int) -> list[Action]:
    """The actions still open from the seller's earlier one-on-ones, the most recent one-on-one's
    first: what to follow up in the next (NotInLine unless the viewer is in the line)."""
    require_in_line(conn, scope, seller_id)
    o, a = m.OneOnOne, m.OneOnOneAction
    rows = conn.execute(
        select(a.id, a.text, o.held_on)
        .join(o, o.id == a.one_on_one_id)
        .where(o.seller_id == int(seller_id), a.done_at.is_(None))
        .order_by(o.held_on.desc(), o.id.desc(), a.id)
        .limit(100)
    ).all()
    return [Action(int(r.id), r.text, _date(r.held_on)) for r in rows]


def record_one_on_one(
    conn: Connection, scope: Scope, seller_id: int, held_on: dt.date, notes: str, actions: list[str]
) -> int:
    """Store a one-on-one's notes and the actions agreed (one per entry; blank ones ignored). Refuses
    (NotInLine) unless the viewer is in the seller's management line, and (ValueError, one sentence)
    an empty record or a date in the future. Returns the new one-on-one's id."""
    require_in_line(conn, scope, seller_id)
    notes = (notes or "").strip()
    agreed = [text.strip() for text in actions if text and text.strip()]
    if not notes and not agreed:
        raise ValueError("Write some notes or at least one agreed action before saving the one-on-one.")
    if held_on > dt.date.today():
        raise ValueError(f"The one-on-one date {held_on:%d %b %Y} is in the future; record it once it is held.")
    if len(notes) > MAX_NOTES:
        raise ValueError(f"The notes are {len(notes):,} characters long; keep them under {MAX_NOTES:,}.")
    too_long = next((text for text in agreed if len(text) > MAX_ACTION), None)
    if too_long is not None:
        raise ValueError(f"An agreed action is {len(too_long):,} characters long; keep each under {MAX_ACTION}.")
    new_id = conn.execute(
        insert(m.OneOnOne).values(
            seller_id=int(seller_id),
            team_id=_seller_team(conn, seller_id),
            held_on=held_on,
            notes=notes,
            written_by=scope.viewer[:320],
            created_at=_now(),
        )
    ).inserted_primary_key[0]
    if agreed:
        conn.execute(insert(m.OneOnOneAction), [{"one_on_one_id": new_id, "text": text} for text in agreed])
    return int(new_id)


def set_action_done(conn: Connection, scope: Scope, action_id: int, done: bool = True) -> None:
    """Mark an agreed action done (or open again), for someone in its seller's management line."""
    o, a = m.OneOnOne, m.OneOnOneAction
    seller_id = conn.execute(
        select(o.seller_id).join(a, a.one_on_one_id == o.id).where(a.id == int(action_id))
    ).scalar()
    if seller_id is None:
        raise _refusal(scope)
    require_in_line(conn, scope, seller_id)
    conn.execute(
        update(a)
        .where(a.id == int(action_id))
        .values(done_at=_now() if done else None, done_by=scope.viewer[:320] if done else None)
    )


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
