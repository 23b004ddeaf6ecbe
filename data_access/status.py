"""Counts of what is loaded, for the status command, the home page and the data page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from data_access import models as m
from data_access.scope import Scope


def _count(conn: Connection, stmt) -> int:
    return int(conn.execute(stmt).scalar_one() or 0)


def load_counts(conn: Connection, scope: Scope) -> dict:
    """How many rows of each kind the viewer's scope holds (imports and rejects are org-wide)."""
    opp = m.Opportunity
    opp_scope = scope.clause(opp.team_id)
    meetings_in_scope = select(m.Meeting.id).where(scope.clause(m.Meeting.team_id))
    won = conn.execute(
        select(func.count(), func.coalesce(func.sum(opp.amount), 0)).where(opp_scope, opp.is_won.is_(True))
    ).one()
    return {
        "teams": _count(conn, select(func.count()).select_from(m.Team).where(scope.clause(m.Team.id))),
        "people": _count(
            conn, select(func.count()).select_from(m.Person).where(scope.clause(m.Person.team_id))
        ),
        # Accounts carry no team: a scoped viewer counts the accounts their teams have deals with.
        "accounts": _count(conn, select(func.count()).select_from(m.Account))
        if scope.all_teams
        else _count(conn, select(func.count(func.distinct(opp.account_id))).where(opp_scope)),
        "opportunities": _count(conn, select(func.count()).select_from(opp).where(opp_scope)),
        "won_opportunities": int(won[0]),
        "won_amount": float(won[1]),
        "history_rows": _count(
            conn,
            select(func.count())
            .select_from(m.OpportunityHistory)
            .join(opp, opp.id == m.OpportunityHistory.opportunity_id)
            .where(opp_scope),
        ),
        "subscriptions": _count(
            conn, select(func.count()).select_from(m.Subscription).where(scope.clause(m.Subscription.team_id))
        ),
        "meetings": _count(
            conn, select(func.count()).select_from(m.Meeting).where(scope.clause(m.Meeting.team_id))
        ),
        "utterances": _count(
            conn,
            select(func.count())
            .select_from(m.Utterance)
            .where(m.Utterance.meeting_id.in_(meetings_in_scope)),
        ),
        "survey_responses": _count(
            conn,
            select(func.count()).select_from(m.SurveyResponse).where(scope.clause(m.SurveyResponse.team_id)),
        ),
        "imports": _count(conn, select(func.count()).select_from(m.ImportBatch)),
        "rejected_rows": _count(conn, select(func.count()).select_from(m.RejectedRow)),
    }


def freshness(conn: Connection) -> list[dict]:
    """Per source: when it was last imported and the newest date its data holds."""
    rows = conn.execute(
        select(m.ImportBatch.source, func.max(m.ImportBatch.finished_at), func.count())
        .where(m.ImportBatch.status == "done")
        .group_by(m.ImportBatch.source)
        .order_by(m.ImportBatch.source)
    ).all()
    return [{"source": r[0], "last_import": r[1], "imports": int(r[2])} for r in rows]


def data_window(conn: Connection, scope: Scope) -> tuple[dt.date | None, dt.date | None]:
    """The first and last close date of the deals in scope (what periods make sense to pick)."""
    opp = m.Opportunity
    row = conn.execute(
        select(func.min(opp.close_date), func.max(opp.close_date)).where(scope.clause(opp.team_id))
    ).one()
    return _as_date(row[0]), _as_date(row[1])


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def current_nsp(conn: Connection) -> dict | None:
    """The organisation's NSP as ``{"statement", "key_phrases", "launch_date"}``, or None."""
    nsp = m.NobleSalesPurpose
    row = conn.execute(
        select(nsp.statement, nsp.key_phrases, nsp.launch_date).order_by(nsp.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return {
        "statement": row.statement,
        "key_phrases": list(row.key_phrases or []),
        "launch_date": _as_date(row.launch_date),
    }
