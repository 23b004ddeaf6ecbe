"""Who may see what, resolved from the people roster: email -> person -> role -> scope.

- executive: every team.
- leader: their team and every team under it (a region and its teams).
- manager: their own team (and any team under it).
- admin: the Data pages; no people data beyond counts, so an empty team scope.
- seller, a person who has left, or an email not in the roster: no access.

The web app and the command line (``--as EMAIL``) both call :func:`access_for_email`, so access
can be audited from the command line exactly as the app applies it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from data_access import models as m
from data_access.org import descendants
from data_access.scope import Scope

ROLES_WITH_PEOPLE_DATA = ("executive", "leader", "manager")


@dataclass(frozen=True)
class Access:
    """The outcome of resolving an identity: a role and a scope, or a reason for no access."""

    email: str
    role: str | None
    scope: Scope
    person_name: str | None = None
    denied_reason: str | None = None

    @property
    def allowed(self) -> bool:
        return self.denied_reason is None

    @property
    def sees_people_data(self) -> bool:
        return self.allowed and self.role in ROLES_WITH_PEOPLE_DATA

    @property
    def is_admin(self) -> bool:
        return self.allowed and self.role in ("admin", "executive")


def _denied(email: str, reason: str, role: str | None = None, name: str | None = None) -> Access:
    return Access(email, role, Scope.teams([], viewer=email), name, reason)


def access_for_email(
    conn: Connection,
    email: str,
    *,
    groups: tuple[str, ...] = (),
    group_roles: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> Access:
    """Resolve ``email`` against the roster.

    ``group_roles`` maps an identity-provider group to a role (e.g. ``{"sales-execs": "executive"}``);
    a matching group can raise a rostered person's role, never grant access to someone not in it.
    """
    email = (email or "").strip()
    if not email:
        return _denied(email, "You are not signed in.")
    person = conn.execute(
        select(m.Person.id, m.Person.name, m.Person.role, m.Person.team_id, m.Person.termination_date).where(
            func.lower(m.Person.email) == email.lower()
        )
    ).first()
    if person is None:
        return _denied(
            email, f"{email} is not in the Purpose Pulse roster; ask your sales operations team to add you."
        )
    today = today or dt.date.today()
    if person.termination_date is not None and _as_date(person.termination_date) < today:
        return _denied(
            email, f"{email} belongs to someone who has left the organisation.", person.role, person.name
        )
    role = _role_from_groups(person.role, groups, group_roles or {})
    if role == "executive":
        scope = Scope.everything(viewer=email)
    elif role in ("leader", "manager"):
        if person.team_id is None:
            return _denied(email, f"{person.name} is a {role} with no team in the roster.", role, person.name)
        scope = Scope.teams(descendants(conn, {person.team_id}), viewer=email)
    elif role == "admin":
        scope = Scope.teams([], viewer=email)
    else:
        return _denied(
            email,
            "Purpose Pulse is for sales leaders, managers and executives; sellers have no access.",
            role,
            person.name,
        )
    return Access(email, role, scope, person.name)


_RANK = {"seller": 0, "admin": 1, "manager": 2, "leader": 3, "executive": 4}


def _role_from_groups(role: str, groups: tuple[str, ...], group_roles: dict[str, str]) -> str:
    granted = [group_roles[g] for g in groups if g in group_roles]
    return max([role, *granted], key=lambda r: _RANK.get(r, -1))


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
