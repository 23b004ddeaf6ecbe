"""Meeting-level measures of what internal talk is about, computed in SQL.

Per meeting (symptoms 1–4 of PRODUCT.md):

- ``customer_impact_share`` = customer_impact / (customer_impact + revenue) utterances: the share of
  purpose-relevant talk that is about the customer; None when the meeting has neither.
- ``revenue_share`` = revenue / (customer_impact + revenue), its complement (None likewise).
- ``purpose_talk_share`` = (customer_impact + revenue) / all utterances.
- questions by label: how many revenue, customer-impact and other utterances are questions.
- ``opens_with_customer``: the meeting's lead talks about a customer in the opening: the first
  3 minutes or the first 10 utterances, whichever ends first (both are settings). The lead is the
  speaker with the most utterances (meetings store no organiser). A transcript without timings is
  judged on the utterance count alone, and ``opening_timed`` says so.
- ``purpose_relevant``: revenue plus customer-impact utterances, what the shares are computed on
  (a share of a handful of utterances says little).
- ``nsp_mentions``: utterances that reference the NSP statement or a key phrase.

Talk time per speaker (:func:`talk_time_by_speaker`) sums end − start where both are known.
All of it is one aggregate query each, portable across SQLite and PostgreSQL (window functions
for the opening); unlabelled utterances count in the totals but in no label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, and_, case, func, literal, or_, select

from data_access import models as m
from data_access.scope import Period, Scope
from data_access.talk_rollup import opening_facts

OPENING_MINUTES = 3
OPENING_MAX_UTTERANCES = 10


@dataclass(frozen=True)
class MeetingMeasures:
    meeting_id: int
    title: str
    kind: str
    team_id: int | None
    held_at: dt.datetime
    utterances: int
    revenue: int
    customer_impact: int
    other: int
    questions_revenue: int
    questions_customer_impact: int
    questions_other: int
    opens_with_customer: bool
    nsp_mentions: int
    # False when the transcript has no timings, so the opening was the first utterances only.
    opening_timed: bool = False

    @property
    def purpose_relevant(self) -> int:
        """Revenue plus customer-impact utterances: the base of the customer and revenue shares."""
        return self.revenue + self.customer_impact

    @property
    def customer_impact_share(self) -> float | None:
        relevant = self.revenue + self.customer_impact
        return self.customer_impact / relevant if relevant else None

    @property
    def revenue_share(self) -> float | None:
        relevant = self.revenue + self.customer_impact
        return self.revenue / relevant if relevant else None

    @property
    def purpose_talk_share(self) -> float | None:
        return (self.revenue + self.customer_impact) / self.utterances if self.utterances else None


@dataclass(frozen=True)
class SpeakerTalk:
    speaker: str | None
    utterances: int
    seconds: float | None
    share_of_time: float | None


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def in_opening(position, seconds, max_utterances: int, minutes: float):
    """SQL condition: a meeting's first customer-impact utterance by its lead, at 1-based ``position``
    and ``seconds`` after the meeting's first timed utterance, is in the opening: the first
    ``minutes`` or the first ``max_utterances`` utterances, whichever ends first. Without timings
    (``seconds`` NULL) the utterance count alone decides.

    Both halves only get easier for an earlier utterance, so a meeting opens with a customer exactly
    when the lead's first customer-impact utterance is in it: the rule the scorecard (symptom 3), the
    meeting list and :func:`meeting_measures` share.
    """
    return and_(
        position.is_not(None),
        position <= int(max_utterances),
        or_(seconds.is_(None), seconds < literal(float(minutes) * 60.0)),
    )


def meeting_measures(
    conn: Connection,
    scope: Scope,
    *,
    meeting_ids: Iterable[int] | None = None,
    period: Period | None = None,
    kind: str | None = None,
    opening_minutes: float = OPENING_MINUTES,
    opening_max_utterances: int = OPENING_MAX_UTTERANCES,
) -> list[MeetingMeasures]:
    """The measures of every meeting in ``scope`` (optionally some meetings, a period, a kind), by date.

    The opening is the first ``opening_minutes`` or the first ``opening_max_utterances`` utterances,
    whichever ends first, judged on what the meeting's lead says; pass the leader's settings so a
    meeting list agrees with the scorecard.
    """
    u = m.Utterance
    mt = m.Meeting
    conditions = [scope.clause(mt.team_id)]
    if meeting_ids is not None:
        conditions.append(mt.id.in_(sorted({int(i) for i in meeting_ids})))
    if period is not None:
        conditions.append(mt.held_at >= dt.datetime.combine(period.start, dt.time.min))
        conditions.append(mt.held_at < dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    if kind is not None:
        conditions.append(mt.kind == kind)
    meetings_within = select(mt.id).where(and_(*conditions))
    ranked = (
        select(u.meeting_id, u.label, u.is_question, u.nsp_mention)
        .where(u.meeting_id.in_(meetings_within))
        .subquery()
    )
    label = ranked.c.label
    question = ranked.c.is_question.is_(True)
    per_meeting = (
        select(
            ranked.c.meeting_id,
            func.count().label("utterances"),
            _count_if(label == "revenue").label("revenue"),
            _count_if(label == "customer_impact").label("customer_impact"),
            _count_if(label == "other").label("other"),
            _count_if(and_(question, label == "revenue")).label("q_revenue"),
            _count_if(and_(question, label == "customer_impact")).label("q_customer_impact"),
            _count_if(and_(question, label == "other")).label("q_other"),
            _count_if(ranked.c.nsp_mention.is_(True)).label("nsp"),
        )
        .group_by(ranked.c.meeting_id)
        .subquery()
    )
    ids = None if meeting_ids is None else sorted({int(i) for i in meeting_ids})
    facts = opening_facts(ids).subquery()
    # The same rule as the meetings_opening_with_customer symptom.
    opening = in_opening(
        facts.c.first_customer_position,
        facts.c.first_customer_seconds,
        opening_max_utterances,
        opening_minutes,
    )
    rows = conn.execute(
        select(
            mt.id,
            mt.title,
            mt.kind,
            mt.team_id,
            mt.held_at,
            per_meeting,
            case((opening, 1), else_=0).label("opens"),
            facts.c.timed,
        )
        .join(per_meeting, per_meeting.c.meeting_id == mt.id, isouter=True)
        .join(facts, facts.c.meeting_id == mt.id, isouter=True)
        .where(and_(*conditions))
        .order_by(mt.held_at, mt.id)
    ).all()
    return [
        MeetingMeasures(
            meeting_id=int(r.id),
            title=r.title,
            kind=r.kind,
            team_id=r.team_id,
            held_at=r.held_at,
            utterances=int(r.utterances or 0),
            revenue=int(r.revenue or 0),
            customer_impact=int(r.customer_impact or 0),
            other=int(r.other or 0),
            questions_revenue=int(r.q_revenue or 0),
            questions_customer_impact=int(r.q_customer_impact or 0),
            questions_other=int(r.q_other or 0),
            opens_with_customer=bool(r.opens),
            nsp_mentions=int(r.nsp or 0),
            opening_timed=bool(r.timed or 0),
        )
        for r in rows
    ]


def talk_time_by_speaker(conn: Connection, scope: Scope, meeting_id: int) -> list[SpeakerTalk]:
    """Utterances and seconds spoken per speaker of one meeting, most talk first.

    Seconds are None for a speaker none of whose utterances has both a start and an end; the share is
    of the meeting's timed talk.
    """
    u = m.Utterance
    timed = and_(u.start_seconds.is_not(None), u.end_seconds.is_not(None), u.end_seconds >= u.start_seconds)
    seconds = func.sum(case((timed, u.end_seconds - u.start_seconds), else_=None))
    rows = conn.execute(
        select(u.speaker, func.count().label("n"), seconds.label("seconds"))
        .join(m.Meeting, m.Meeting.id == u.meeting_id)
        .where(u.meeting_id == meeting_id, scope.clause(m.Meeting.team_id))
        .group_by(u.speaker)
        .order_by(seconds.desc().nulls_last(), func.count().desc(), u.speaker)
    ).all()
    total = sum(float(r.seconds) for r in rows if r.seconds is not None)
    return [
        SpeakerTalk(
            r.speaker,
            int(r.n),
            None if r.seconds is None else float(r.seconds),
            None if r.seconds is None or not total else float(r.seconds) / total,
        )
        for r in rows
    ]


def meeting_utterances(
    conn: Connection, scope: Scope, meeting_id: int, *, label: str | None = None, limit: int = 200
) -> list[dict]:
    """The utterances of one meeting (optionally of one label), in order: the sentences behind a measure."""
    u = m.Utterance
    stmt = (
        select(u.seq, u.speaker, u.start_seconds, u.text, u.label, u.confidence, u.evidence, u.is_question)
        .join(m.Meeting, m.Meeting.id == u.meeting_id)
        .where(u.meeting_id == meeting_id, scope.clause(m.Meeting.team_id))
        .order_by(u.seq)
        .limit(limit)
    )
    if label is not None:
        stmt = stmt.where(u.label == label)
    return [dict(r._mapping) for r in conn.execute(stmt)]
