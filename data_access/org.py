"""The organisation as a viewer may see it: teams, segments and people in scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from data_access import models as m
from data_access.scope import Scope


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    parent_id: int | None
    parent_name: str | None
    has_children: bool


def teams_in_scope(conn: Connection, scope: Scope) -> list[TeamRow]:
    """Every team the scope allows, parents before children, alphabetical within a level."""
    team, parent = m.Team, m.Team.__table__.alias("parent")
    child = m.Team.__table__.alias("child")
    has_children = select(child.c.id).where(child.c.parent_id == team.id).exists()
    rows = conn.execute(
        select(team.id, team.name, team.parent_id, parent.c.name, has_children)
        .outerjoin(parent, parent.c.id == team.parent_id)
        .where(scope.clause(team.id))
        .order_by(team.name)
    ).all()
    return [TeamRow(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]


def descendants(conn: Connection, team_ids: set[int]) -> set[int]:
    """The teams given plus every team below them (a leader's region and its teams)."""
    found = set(team_ids)
    frontier = set(team_ids)
    while frontier:
        children = (
            set(conn.execute(select(m.Team.id).where(m.Team.parent_id.in_(sorted(frontier)))).scalars())
            - found
        )
        found |= children
        frontier = children
    return found


def segments_in_scope(conn: Connection, scope: Scope) -> list[str]:
    opp = m.Opportunity
    rows = conn.execute(
        select(opp.segment)
        .distinct()
        .where(scope.clause(opp.team_id), opp.segment.is_not(None))
        .order_by(opp.segment)
    ).scalars()
    return [r for r in rows if r]
