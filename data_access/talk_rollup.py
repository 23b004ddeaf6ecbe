"""Pre-computed talk per meeting (``meeting_talk``), kept equal to the raw utterances.

Like :mod:`data_access.rollups`, the rollup is rebuilt from the raw rows with one
``INSERT ... SELECT ... GROUP BY`` per set of meetings, never patched with deltas, so it cannot
drift: whatever wrote or relabelled a meeting's utterances (or moved the meeting to another team,
day or kind) is followed by recomputing that meeting's row. The demo loaders rebuild everything once
at the end; the transcript store and the relabelling refresh the meetings they touched.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Select, and_, case, delete, func, insert, select

from data_access import models as m

__all__ = ["MEETING_TALK_COLUMNS", "raw_meeting_talk", "rebuild_meeting_talk", "refresh_meetings"]

MEETING_TALK_COLUMNS = (
    "meeting_id",
    "team_id",
    "held_at",
    "kind",
    "utterances",
    "labelled",
    "customer_impact",
    "revenue",
    "other",
    "customer_questions",
    "nsp_mentions",
    "labelled_nsp_mentions",
    "first_customer_position",
)
# Meetings per refresh statement: keeps the IN lists well under every database's parameter limit.
MEETING_CHUNK = 500


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def raw_meeting_talk(meeting_ids: Iterable[int] | None = None) -> Select:
    """The rollup's rows computed from the raw meetings and utterances (all, or ``meeting_ids``).

    A SELECT whose columns are :data:`MEETING_TALK_COLUMNS`, in order. Each utterance's rank within
    its meeting (by ``seq``) comes from the same window the opening symptom used before the rollup.
    """
    mt, u = m.Meeting.__table__, m.Utterance.__table__
    ranked = select(
        u.c.meeting_id,
        u.c.label,
        u.c.is_question,
        u.c.nsp_mention,
        func.row_number().over(partition_by=u.c.meeting_id, order_by=u.c.seq).label("position"),
    )
    only = []
    if meeting_ids is not None:
        ids = sorted({int(i) for i in meeting_ids})
        ranked = ranked.where(u.c.meeting_id.in_(ids))
        only.append(mt.c.id.in_(ids))
    talk = ranked.subquery("ranked")
    labelled = talk.c.label.is_not(None)
    customer = talk.c.label == "customer_impact"
    return (
        select(
            mt.c.id.label("meeting_id"),
            mt.c.team_id,
            mt.c.held_at,
            mt.c.kind,
            func.count(talk.c.meeting_id).label("utterances"),
            _count_if(labelled).label("labelled"),
            _count_if(customer).label("customer_impact"),
            _count_if(talk.c.label == "revenue").label("revenue"),
            _count_if(talk.c.label == "other").label("other"),
            _count_if(and_(customer, talk.c.is_question.is_(True))).label("customer_questions"),
            _count_if(talk.c.nsp_mention.is_(True)).label("nsp_mentions"),
            _count_if(and_(labelled, talk.c.nsp_mention.is_(True))).label("labelled_nsp_mentions"),
            func.min(case((customer, talk.c.position), else_=None)).label("first_customer_position"),
        )
        .select_from(mt)
        .outerjoin(talk, talk.c.meeting_id == mt.c.id)
        .where(*only)
        .group_by(mt.c.id, mt.c.team_id, mt.c.held_at, mt.c.kind)
    )


def refresh_meetings(conn: Connection, meeting_ids: Iterable[int]) -> None:
    """Recompute the rollup rows of ``meeting_ids`` from the raw rows; a meeting that no longer
    exists loses its row."""
    ids = sorted({int(i) for i in meeting_ids})
    table = m.MeetingTalk.__table__
    for start in range(0, len(ids), MEETING_CHUNK):
        part = ids[start : start + MEETING_CHUNK]
        conn.execute(delete(table).where(table.c.meeting_id.in_(part)))
        conn.execute(insert(table).from_select(list(MEETING_TALK_COLUMNS), raw_meeting_talk(part)))


def rebuild_meeting_talk(conn: Connection) -> None:
    """Empty the rollup and recompute it from every meeting and utterance (after a bulk load)."""
    table = m.MeetingTalk.__table__
    conn.execute(delete(table))
    conn.execute(insert(table).from_select(list(MEETING_TALK_COLUMNS), raw_meeting_talk()))
