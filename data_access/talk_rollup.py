"""Pre-computed talk per meeting (``meeting_talk``), kept equal to the raw utterances.

Like :mod:`data_access.rollups`, the rollup is rebuilt from the raw rows with one
``INSERT ... SELECT ... GROUP BY`` per set of meetings, never patched with deltas, so it cannot
drift: whatever wrote or relabelled a meeting's utterances (or moved the meeting to another team,
day or kind) is followed by recomputing that meeting's row. The demo loaders rebuild everything once
at the end; the transcript store and the relabelling refresh the meetings they touched.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Select, and_, case, delete, func, insert, or_, select

from data_access import models as m

__all__ = [
    "MEETING_TALK_COLUMNS",
    "opening_facts",
    "raw_meeting_talk",
    "rebuild_meeting_talk",
    "refresh_meetings",
]

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
    "first_customer_seconds",
    "timed",
    "purpose_relevant",
)
# Meetings per refresh statement: keeps the IN lists well under every database's parameter limit.
MEETING_CHUNK = 500


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# Orders speakers by utterances, then by who spoke first: n * LEAD_SCALE - first seq (seq < LEAD_SCALE).
LEAD_SCALE = 1_000_000_000


def _ranked_talk(meeting_ids: Iterable[int] | None):
    """Utterances with their 1-based position in the meeting, seconds since the meeting's first timed
    utterance, and whether the meeting's lead said them.

    The lead is the speaker with the most utterances, the earlier first utterance breaking a tie
    (meetings store no organiser); without speaker names everyone's talk counts as the lead's. Only
    window functions over the utterances, no join, so one pass serves any number of meetings.
    """
    u = m.Utterance.__table__
    by_speaker = (u.c.meeting_id, u.c.speaker)
    scored = select(
        u.c.meeting_id,
        u.c.speaker,
        u.c.label,
        u.c.is_question,
        u.c.nsp_mention,
        u.c.start_seconds,
        func.row_number().over(partition_by=u.c.meeting_id, order_by=u.c.seq).label("position"),
        (u.c.start_seconds - func.min(u.c.start_seconds).over(partition_by=u.c.meeting_id)).label(
            "since_start"
        ),
        (
            func.count().over(partition_by=by_speaker) * LEAD_SCALE
            - func.min(u.c.seq).over(partition_by=by_speaker)
        ).label("speaker_score"),
    )
    if meeting_ids is not None:
        scored = scored.where(u.c.meeting_id.in_(sorted({int(i) for i in meeting_ids})))
    scored = scored.subquery("scored")
    lead_score = func.max(scored.c.speaker_score).over(partition_by=scored.c.meeting_id)
    unnamed_score = func.max(case((scored.c.speaker.is_(None), scored.c.speaker_score), else_=-1)).over(
        partition_by=scored.c.meeting_id
    )
    ranked = select(
        scored.c.meeting_id,
        scored.c.label,
        scored.c.is_question,
        scored.c.nsp_mention,
        scored.c.start_seconds,
        scored.c.position,
        scored.c.since_start,
        case(
            (or_(scored.c.speaker_score == lead_score, unnamed_score == lead_score), 1),
            else_=0,
        ).label("by_lead"),
    )
    return ranked.subquery("ranked")


def _opening_columns(talk) -> list:
    lead_customer = and_(talk.c.label == "customer_impact", talk.c.by_lead == 1)
    return [
        func.min(case((lead_customer, talk.c.position), else_=None)).label("first_customer_position"),
        func.min(case((lead_customer, talk.c.since_start), else_=None)).label("first_customer_seconds"),
        func.coalesce(func.max(case((talk.c.start_seconds.is_not(None), 1), else_=0)), 0).label("timed"),
    ]


def opening_facts(meeting_ids: Iterable[int] | None = None) -> Select:
    """Per meeting: where the lead's first customer-impact utterance is (1-based position, seconds
    since the meeting's first timed utterance, None without one or without timings) and whether the
    meeting has timings at all. What the opening rule (:func:`metrics.talk.measures.in_opening`) is
    applied to, here and in the rollup."""
    talk = _ranked_talk(meeting_ids)
    return select(talk.c.meeting_id, *_opening_columns(talk)).group_by(talk.c.meeting_id)


def raw_meeting_talk(meeting_ids: Iterable[int] | None = None) -> Select:
    """The rollup's rows computed from the raw meetings and utterances (all, or ``meeting_ids``).

    A SELECT whose columns are :data:`MEETING_TALK_COLUMNS`, in order. The opening columns are those
    of :func:`opening_facts`: the lead's first customer-impact utterance and whether there are timings.
    """
    mt = m.Meeting.__table__
    only = []
    if meeting_ids is not None:
        only.append(mt.c.id.in_(sorted({int(i) for i in meeting_ids})))
    talk = _ranked_talk(meeting_ids)
    labelled = talk.c.label.is_not(None)
    customer = talk.c.label == "customer_impact"
    purpose = or_(customer, talk.c.label == "revenue")
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
            *_opening_columns(talk),
            _count_if(purpose).label("purpose_relevant"),
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
