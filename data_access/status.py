"""Counts of what is loaded, for the status command, the home page and the data page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, case, func, select

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
        # Added up from the per-deal history summary, which copies each deal's team.
        "history_rows": _count(
            conn,
            select(func.sum(m.DealHistory.history_rows)).where(scope.clause(m.DealHistory.team_id)),
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


# Every source a leader relies on, in the order the freshness table lists them: its label, the table
# its rows land in and that table's team column (None: the table carries no team).
SOURCE_TABLES: tuple[tuple[str, str, type[m.Base], str | None], ...] = (
    ("opportunities", "Opportunities (pipeline)", m.Opportunity, "team_id"),
    ("history", "Opportunity history", m.OpportunityHistory, None),
    ("subscriptions", "Renewals (subscriptions)", m.Subscription, "team_id"),
    ("surveys", "Pulse surveys", m.SurveyResponse, "team_id"),
    ("transcripts", "Meeting transcripts", m.Meeting, "team_id"),
    ("people", "Roster (people)", m.Person, "team_id"),
    ("accounts", "Accounts", m.Account, None),
    ("quotas", "Quotas", m.Quota, None),
)
NEVER = "never imported"
STALE = "stale"
FRESH = "fresh"


def source_counts(conn: Connection, scope: Scope) -> list[dict]:
    """Per source (:data:`SOURCE_TABLES`): when it was last imported (the newest finished batch that
    did not fail), how many imports, and how many rows it holds in the viewer's scope. Data only,
    so it can be stored until the next import; :func:`freshness_of` adds the age."""
    batch = m.ImportBatch
    last = {
        source: (finished, int(n))
        for source, finished, n in conn.execute(
            select(batch.source, func.max(batch.finished_at), func.count())
            .where(batch.status == "done")
            .group_by(batch.source)
        ).all()
    }
    rows = []
    for source, label, model, team in SOURCE_TABLES:
        count = select(func.count()).select_from(model)
        if team is not None:
            count = count.where(scope.clause(getattr(model, team)))
        elif model is m.OpportunityHistory:
            count = count.join(m.Opportunity, m.Opportunity.id == model.opportunity_id).where(
                scope.clause(m.Opportunity.team_id)
            )
        elif model is m.Quota:
            count = count.join(m.Person, m.Person.id == model.person_id).where(scope.clause(m.Person.team_id))
        finished, imports = last.get(source, (None, 0))
        rows.append(
            {
                "source": source,
                "label": label,
                "last_import": _as_datetime(finished),
                "imports": imports,
                "rows": _count(conn, count),
            }
        )
    return rows


def freshness_of(counts: list[dict], stale_after_days: int = 7, now: dt.datetime | None = None) -> list[dict]:
    """:func:`source_counts` with each source's age in whole days at ``now`` and its state:
    ``fresh``, ``stale`` (older than ``stale_after_days``) or ``never imported``."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for row in counts:
        finished = row["last_import"]
        age = None if finished is None else max(0, (now - finished).days)
        state = NEVER if finished is None else (STALE if age > stale_after_days else FRESH)
        rows.append({**row, "age_days": age, "state": state})
    return rows


def source_freshness(
    conn: Connection, scope: Scope, stale_after_days: int = 7, now: dt.datetime | None = None
) -> list[dict]:
    """Per source: :func:`source_counts` and :func:`freshness_of` at ``now``."""
    return freshness_of(source_counts(conn, scope), stale_after_days, now)


# The optional fields of a deal that symptoms need, with the condition that a deal carries each.
def _deal_fields():
    opp = m.Opportunity
    has_text = lambda column: func.length(func.trim(func.coalesce(column, ""))) > 0  # noqa: E731
    return (
        ("Customer outcome", has_text(opp.customer_outcome)),
        ("Executive sponsor", has_text(opp.executive_sponsor)),
        ("Discount or list price", (opp.discount.is_not(None)) | (opp.list_amount.is_not(None))),
        (
            "Close-date history",
            select(m.OpportunityHistory.id).where(m.OpportunityHistory.opportunity_id == opp.id).exists(),
        ),
    )


def field_coverage(conn: Connection, scope: Scope) -> list[dict]:
    """How many of the deals in the viewer's scope carry each optional field (customer outcome,
    executive sponsor, discount or list price, close-date history), and the share (None without deals)."""
    opp = m.Opportunity
    fields = _deal_fields()
    totals = conn.execute(
        select(
            func.count(), *[func.coalesce(func.sum(case((cond, 1), else_=0)), 0) for _, cond in fields]
        ).where(scope.clause(opp.team_id))
    ).one()
    deals = int(totals[0])
    return [
        {"field": label, "deals_with": int(n), "deals": deals, "share": int(n) / deals if deals else None}
        for (label, _), n in zip(fields, totals[1:], strict=True)
    ]


def _as_datetime(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


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
