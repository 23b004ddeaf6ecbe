"""Meeting health beyond the scorecard: talk mix by kind, team and week, and a bounded meeting list.

Counts are utterance labels the talk classifier stored (``revenue``, ``customer_impact``,
``other``); the shares follow symptom 1: customer share = customer_impact / (customer_impact +
revenue), revenue share its complement. Meetings are those held in the period by teams in view;
meetings carry no segment, so the segment filter does not apply to them. Counts and per-meeting
measures (opening, questions, NSP mentions) are read from ``meeting_talk``, one row per meeting with
what its utterances add up to (:mod:`data_access.talk_rollup`); only a transcript reads utterances.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Float, case, cast, func, select

from data_access import models as m
from data_access.scope import Filters, Scope
from metrics.common import as_date, at_times, buckets, team_clause
from metrics.parameters import MetricSettings
from metrics.talk.measures import in_opening, meeting_utterances, talk_time_by_speaker

MT = m.Meeting
UT = m.Utterance
TALK = m.MeetingTalk
LABELS = ("customer_impact", "revenue", "other")
SORTS = {
    "customer_share_asc": "Least customer talk first",
    "customer_share_desc": "Most customer talk first",
    "recent": "Most recent first",
}
LIST_COLUMNS = [
    "meeting_id",
    "held_at",
    "team",
    "kind",
    "title",
    "utterances",
    "customer_share",
    "revenue_share",
    "opens_with_customer",
    "opening_judged_on",
    "nsp_mentions",
    "customer_questions",
]


def _meetings_in_scope(scope: Scope, filters: Filters) -> list:
    """Talk rollup rows of the meetings held in the period by teams in view."""
    return [team_clause(TALK.team_id, scope, filters), at_times(TALK.held_at, filters.period)]


def _total(column):
    return func.coalesce(func.sum(column), 0)


def talk_mix(conn: Connection, scope: Scope, filters: Filters, by: str) -> pd.DataFrame:
    """Utterances per label for each meeting ``kind`` or ``team`` in the period.

    Columns: ``group``, ``meetings``, ``customer_impact``, ``revenue``, ``other``, ``customer_share``
    (None without purpose-relevant talk). Ordered by customer share, lowest first.
    """
    if by == "kind":
        group, joins = TALK.kind, []
    elif by == "team":
        group, joins = func.coalesce(m.Team.name, "(no team)"), [(m.Team, m.Team.id == TALK.team_id)]
    else:
        raise ValueError(f"Talk mix is by 'kind' or 'team', not {by!r}.")
    stmt = select(
        group.label("group"),
        func.count().label("meetings"),
        *[_total(getattr(TALK, label)).label(label) for label in LABELS],
    ).select_from(TALK)
    for table, on in joins:
        stmt = stmt.outerjoin(table, on)
    rows = conn.execute(
        stmt.where(*_meetings_in_scope(scope, filters), TALK.labelled > 0).group_by(group)
    ).all()
    frame = pd.DataFrame(rows, columns=["group", "meetings", *LABELS])
    if frame.empty:
        return frame.assign(customer_share=pd.Series(dtype="Float64"))
    for label in ("meetings", *LABELS):
        frame[label] = frame[label].astype("int64")
    relevant = frame["customer_impact"] + frame["revenue"]
    frame["customer_share"] = (frame["customer_impact"] / relevant.where(relevant > 0)).astype("Float64")
    if by == "kind":
        frame["group"] = frame["group"].astype("str").str.replace("_", " ").str.capitalize()
    return frame.sort_values(["customer_share", "group"], na_position="last", ignore_index=True)


def weekly_talk(conn: Connection, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Customer and revenue share of purpose-relevant talk per Monday-based week of the period.

    Columns: ``week`` (its first day inside the period), ``customer_impact``, ``revenue``,
    ``customer_share``, ``revenue_share`` (None in a week without purpose-relevant talk). Counted
    per day in SQL, gathered into weeks here.
    """
    day = func.date(TALK.held_at)
    rows = conn.execute(
        select(day.label("day"), _total(TALK.customer_impact), _total(TALK.revenue))
        .where(*_meetings_in_scope(scope, filters), TALK.customer_impact + TALK.revenue > 0)
        .group_by(day)
    ).all()
    per_day = {as_date(d): (int(ci), int(rev)) for d, ci, rev in rows}
    out = []
    for week in buckets(filters.period, "week"):
        ci = sum(v[0] for d, v in per_day.items() if week.contains(d))
        rev = sum(v[1] for d, v in per_day.items() if week.contains(d))
        total = ci + rev
        out.append(
            {
                "week": week.start,
                "customer_impact": ci,
                "revenue": rev,
                "customer_share": ci / total if total else None,
                "revenue_share": rev / total if total else None,
            }
        )
    return pd.DataFrame(
        out, columns=["week", "customer_impact", "revenue", "customer_share", "revenue_share"]
    )


def meeting_list(
    conn: Connection,
    scope: Scope,
    filters: Filters,
    *,
    sort: str = "customer_share_asc",
    limit: int = 200,
    settings: MetricSettings | None = None,
) -> pd.DataFrame:
    """The meetings of the period, at most ``limit``, in the order ``sort`` names (see :data:`SORTS`).

    Columns: see :data:`LIST_COLUMNS`. Shares are None for a meeting without revenue or customer
    talk (or not yet labelled); such meetings sort last in either share order.
    """
    if sort not in SORTS:
        raise ValueError(f"Unknown sort {sort!r}: use one of {', '.join(SORTS)}.")
    settings = settings or MetricSettings.defaults()
    ci, rev = TALK.customer_impact, TALK.revenue
    share = cast(ci, Float) / func.nullif(ci + rev, 0)
    order = {
        "customer_share_asc": (share.is_(None), share, TALK.held_at.desc()),
        "customer_share_desc": (share.is_(None), share.desc(), TALK.held_at.desc()),
        "recent": (TALK.held_at.desc(),),
    }[sort]
    opens = in_opening(
        TALK.first_customer_position,
        TALK.first_customer_seconds,
        settings.integer("opening_max_utterances"),
        settings.number("opening_minutes"),
    )
    rows = conn.execute(
        select(
            TALK.meeting_id,
            TALK.held_at,
            m.Team.name.label("team"),
            TALK.kind,
            MT.title,
            TALK.utterances,
            ci,
            rev,
            case((opens, 1), else_=0).label("opens"),
            TALK.timed,
            TALK.nsp_mentions,
            TALK.customer_questions,
        )
        .join(MT, MT.id == TALK.meeting_id)
        .outerjoin(m.Team, m.Team.id == TALK.team_id)
        .where(*_meetings_in_scope(scope, filters))
        .order_by(*order, TALK.meeting_id)
        .limit(limit)
    ).all()
    if not rows:
        return pd.DataFrame(columns=LIST_COLUMNS)
    return pd.DataFrame([_listed(row) for row in rows], columns=LIST_COLUMNS)


def _listed(row) -> dict:
    """One meeting of :func:`meeting_list` from its talk rollup row (and title and team name)."""
    relevant = row.customer_impact + row.revenue
    return {
        "meeting_id": int(row.meeting_id),
        "held_at": row.held_at,
        "team": row.team if row.team is not None else "(no team)",
        "kind": row.kind.replace("_", " ").capitalize(),
        "title": row.title,
        "utterances": int(row.utterances),
        "customer_share": row.customer_impact / relevant if relevant else None,
        "revenue_share": row.revenue / relevant if relevant else None,
        "opens_with_customer": bool(row.opens),
        # A transcript without timings is judged on the utterance count alone, and says so.
        "opening_judged_on": "first minutes" if row.timed else "utterance count (no timings)",
        "nsp_mentions": int(row.nsp_mentions),
        "customer_questions": int(row.customer_questions),
    }


def transcript(
    conn: Connection, scope: Scope, filters: Filters, meeting_id: int, *, limit: int = 600
) -> dict:
    """One meeting in view, its utterances in order (at most ``limit``) and talk time per speaker.

    Returns ``{"meeting": {...} | None, "utterances": [...], "speakers": [...], "total": n}``; the
    meeting is None when it is not in the viewer's scope (or does not exist), and then nothing else
    is returned either.
    """
    within = filters.team_ids_within(scope)
    row = conn.execute(
        select(MT.id, MT.title, MT.kind, MT.held_at, MT.source, m.Team.name.label("team"))
        .outerjoin(m.Team, m.Team.id == MT.team_id)
        .where(MT.id == meeting_id, within.clause(MT.team_id))
    ).first()
    if row is None:
        return {"meeting": None, "utterances": [], "speakers": [], "total": 0}
    total = conn.execute(select(func.count()).where(UT.meeting_id == meeting_id)).scalar_one()
    speakers = [
        {
            "speaker": s.speaker,
            "utterances": s.utterances,
            "seconds": s.seconds,
            "share_of_time": s.share_of_time,
        }
        for s in talk_time_by_speaker(conn, within, meeting_id)
    ]
    meeting = dict(row._mapping)
    return {
        "meeting": meeting,
        "utterances": meeting_utterances(conn, within, meeting_id, limit=limit),
        "speakers": speakers,
        "total": int(total),
    }
