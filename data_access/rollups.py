"""Pre-computed rollups: closed deals per team per week, kept equal to the raw rows.

The rollup is rebuilt from the raw rows with one ``INSERT ... SELECT ... GROUP BY`` per set of teams,
never patched with deltas, so it cannot drift: whatever touched a team's deals (an import, an update
that moved a deal to another week or team, a re-import) is followed by recomputing that team's weeks.
The demo loader rebuilds everything once at the end; imports refresh the teams they touched.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Integer,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
)

from data_access import models as m
from data_access.scope import Period, Scope

__all__ = [
    "ROLLUP_COLUMNS",
    "raw_team_weeks",
    "rebuild_rollups",
    "refresh_teams",
    "teams_of_batch",
    "week_start",
    "won_by_team",
]

ROLLUP_COLUMNS = (
    "team_id",
    "week_start",
    "closed_count",
    "won_count",
    "won_amount",
    "won_list_amount",
    "won_discount_sum",
    "won_discount_count",
)
# Teams per refresh statement: keeps the IN list well under every database's parameter limit.
TEAM_CHUNK = 500


def week_start(day: ColumnElement, dialect: str) -> ColumnElement:
    """The Monday of the week ``day`` falls in, as a SQL date expression on ``dialect``."""
    if dialect == "sqlite":
        # strftime('%w') is 0 on Sunday; step back (w + 6) % 7 days to Monday.
        offset = (cast(func.strftime("%w", day), Integer) + 6) % 7
        return func.date(day, literal("-") + cast(offset, m.String) + literal(" days"))
    return cast(func.date_trunc("week", day), Date)


def raw_team_weeks(conn: Connection, team_ids: Iterable[int] | None = None):
    """The rollup's rows computed from the raw opportunities (all teams, or ``team_ids``): a SELECT."""
    o = m.Opportunity.__table__
    week = week_start(o.c.close_date, conn.dialect.name).label("week_start")
    won = and_(o.c.is_closed, o.c.is_won)
    stmt = (
        select(
            o.c.team_id,
            week,
            func.count().label("closed_count"),
            func.coalesce(func.sum(case((won, 1), else_=0)), 0).label("won_count"),
            func.coalesce(func.sum(case((won, o.c.amount), else_=0)), 0).label("won_amount"),
            func.coalesce(func.sum(case((won, o.c.list_amount), else_=0)), 0).label("won_list_amount"),
            func.coalesce(
                func.sum(case((and_(won, o.c.discount.is_not(None)), o.c.discount), else_=0.0)), 0.0
            ).label("won_discount_sum"),
            func.coalesce(func.sum(case((and_(won, o.c.discount.is_not(None)), 1), else_=0)), 0).label(
                "won_discount_count"
            ),
        )
        .where(o.c.is_closed, o.c.team_id.is_not(None), o.c.close_date.is_not(None))
        .group_by(o.c.team_id, week)
    )
    if team_ids is not None:
        stmt = stmt.where(o.c.team_id.in_(sorted(set(team_ids))))
    return stmt


def refresh_teams(conn: Connection, team_ids: Iterable[int | None]) -> None:
    """Recompute every week of the rollup for ``team_ids`` from the raw rows (None is ignored)."""
    teams = sorted({t for t in team_ids if t is not None})
    table = m.TeamWeekDeals.__table__
    for start in range(0, len(teams), TEAM_CHUNK):
        part = teams[start : start + TEAM_CHUNK]
        conn.execute(delete(table).where(table.c.team_id.in_(part)))
        conn.execute(
            insert(table).from_select(list(ROLLUP_COLUMNS), raw_team_weeks(conn, part)),
        )


def rebuild_rollups(conn: Connection) -> None:
    """Empty the rollup and recompute it from every raw row (after a bulk load)."""
    table = m.TeamWeekDeals.__table__
    conn.execute(delete(table))
    conn.execute(insert(table).from_select(list(ROLLUP_COLUMNS), raw_team_weeks(conn)))


def teams_of_batch(conn: Connection, batch_id: int) -> list[int]:
    """The teams owning deals last written by import batch ``batch_id``."""
    o = m.Opportunity.__table__
    stmt = select(o.c.team_id).where(o.c.source_batch_id == batch_id, o.c.team_id.is_not(None)).distinct()
    return [row[0] for row in conn.execute(stmt)]


def won_by_team(conn: Connection, scope: Scope, period: Period) -> dict[int, tuple[int, float]]:
    """Won deals and won amount per team for the weeks starting in ``period``, read from the rollup.

    Week granularity: a week belongs to the period its Monday falls in.
    """
    t = m.TeamWeekDeals.__table__
    stmt = (
        select(t.c.team_id, func.sum(t.c.won_count), func.sum(t.c.won_amount))
        .where(scope.clause(t.c.team_id), t.c.week_start.between(period.start, period.end))
        .group_by(t.c.team_id)
    )
    return {row[0]: (int(row[1] or 0), float(row[2] or 0)) for row in conn.execute(stmt)}
