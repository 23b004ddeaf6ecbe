"""One definition of a close-date push, for the symptom, the Pipeline page and the one-on-one brief.

A **push** is a row of a deal's history whose close date is later than the one the row before it
held (rows in order of ``changed_at``, then of their id, so two changes on the same second keep the
order they were written in); a **pull-in** is one whose close date is earlier. Only rows written up
to the day the deal closed count: a correction written after the close is not a move. Pushes are
always counted from ``opportunity_history``, never from a vendor's push counter.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, and_, case, func, or_, select

from data_access import models as m

OPP, HIST = m.Opportunity, m.OpportunityHistory
# A deal pushed this many times or more is "pushed repeatedly" on every page that lists them.
REPEATED_PUSHES = 2


def moves_per_deal(deals: Select, until: dt.date | None = None):
    """One row per deal of ``deals`` (a one-column select of opportunity ids) that has close-date
    history: ``opportunity_id``, ``pushes``, ``pull_ins``, ``first_close`` (the first close date its
    history holds) and ``last_close`` (the last one, up to ``until``).

    With ``until``, only history written up to that day counts: the deal as it stood then."""
    window = {"partition_by": HIST.opportunity_id, "order_by": (HIST.changed_at, HIST.id)}
    clauses = [
        HIST.opportunity_id.in_(deals),
        HIST.close_date.is_not(None),
        or_(OPP.is_closed.is_(False), OPP.close_date.is_(None), func.date(HIST.changed_at) <= OPP.close_date),
    ]
    if until is not None:
        clauses.append(HIST.changed_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    rows = (
        select(
            HIST.opportunity_id.label("opportunity_id"),
            HIST.close_date.label("new"),
            func.lag(HIST.close_date).over(**window).label("old"),
            func.first_value(HIST.close_date).over(**window).label("first"),
        )
        .join(OPP, OPP.id == HIST.opportunity_id)
        .where(*clauses)
        .subquery()
    )
    pushed = and_(rows.c.old.is_not(None), rows.c.new > rows.c.old)
    pulled = and_(rows.c.old.is_not(None), rows.c.new < rows.c.old)
    return (
        select(
            rows.c.opportunity_id,
            func.sum(case((pushed, 1), else_=0)).label("pushes"),
            func.sum(case((pulled, 1), else_=0)).label("pull_ins"),
            func.min(rows.c.first).label("first_close"),
            func.max(rows.c.new).label("last_close"),
        )
        .group_by(rows.c.opportunity_id)
        .subquery()
    )
