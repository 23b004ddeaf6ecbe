"""One definition of a close-date push, for the symptom, the Pipeline page and the one-on-one brief.

A **push** is a row of a deal's history whose close date is later than the one the row before it
held (rows in order of ``changed_at``, then of their id, so two changes on the same second keep the
order they were written in); a **pull-in** is one whose close date is earlier. Only rows written up
to the day the deal closed count: a correction written after the close is not a move. Pushes are
always counted from ``opportunity_history`` (through its per-deal rollups, kept equal to it by
:mod:`data_access.history_rollup`), never from a vendor's push counter.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, case, func, select

from data_access import models as m

MOVES, DEALS = m.DealCloseDateMove, m.DealHistory
# A deal pushed this many times or more is "pushed repeatedly" on every page that lists them.
REPEATED_PUSHES = 2


def moves_per_deal(deals: Select, until: dt.date | None = None):
    """One row per deal of ``deals`` (a one-column select of opportunity ids) that has close-date
    history: ``opportunity_id``, ``pushes``, ``pull_ins``, ``first_close`` (the first close date its
    history holds) and ``last_close`` (the latest one, up to ``until``).

    With ``until``, only history written up to that day counts: the deal as it stood then.

    Read from the history rollups (:mod:`data_access.history_rollup`): without ``until`` each deal's
    summary row, else its moves written by then, added up.
    """
    if until is None:
        return (
            select(
                DEALS.opportunity_id.label("opportunity_id"),
                DEALS.pushes.label("pushes"),
                DEALS.pull_ins.label("pull_ins"),
                DEALS.first_close.label("first_close"),
                DEALS.last_close.label("last_close"),
            )
            .where(DEALS.opportunity_id.in_(deals), DEALS.first_close.is_not(None))
            .subquery()
        )
    return (
        select(
            MOVES.opportunity_id.label("opportunity_id"),
            func.sum(case((MOVES.direction == 1, 1), else_=0)).label("pushes"),
            func.sum(case((MOVES.direction == -1, 1), else_=0)).label("pull_ins"),
            func.max(case((MOVES.old_close.is_(None), MOVES.new_close), else_=None)).label("first_close"),
            func.max(MOVES.new_close).label("last_close"),
        )
        .where(
            MOVES.opportunity_id.in_(deals),
            MOVES.changed_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()),
        )
        .group_by(MOVES.opportunity_id)
        .subquery()
    )
