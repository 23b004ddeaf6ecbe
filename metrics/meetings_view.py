"""Meeting health beyond the scorecard: talk mix by kind, team and week, and a bounded meeting list.

Counts are utterance labels the talk classifier stored (``revenue``, ``customer_impact``,
``other``); the shares follow symptom 1: customer share = customer_impact / (customer_impact +
revenue), revenue share its complement. Meetings are those held in the period by teams in view;
meetings carry no segment, so the segment filter does not apply to them. Per-meeting measures
(opening, questions, NSP mentions) come from :mod:`metrics.talk.measures`.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Float, case, cast, func, select

from data_access import models as m
from data_access.scope import Filters, Scope
from metrics.common import as_date, at_times, buckets, team_clause
from metrics.settings import MetricSettings
from metrics.talk.measures import meeting_measures, meeting_utterances, talk_time_by_speaker

MT = m.Meeting
UT = m.Utterance
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
    "nsp_mentions",
    "customer_questions",
]


def _meetings_in_view(scope: Scope, filters: Filters) -> list:
    return [team_clause(MT.team_id, scope, filters), at_times(MT.held_at, filters.period)]


def _count(label: str):
    return func.coalesce(func.sum(case((UT.label == label, 1), else_=0)), 0)


def talk_mix(conn: Connection, scope: Scope, filters: Filters, by: str) -> pd.DataFrame:
    """Utterances per label for each meeting ``kind`` or ``team`` in the period.

    Columns: ``group``, ``meetings``, ``customer_impact``, ``revenue``, ``other``, ``customer_share``
    (None without purpose-relevant talk). Ordered by customer share, lowest first.
    """
    if by == "kind":
        group, joins = MT.kind, []
    elif by == "team":
        group, joins = func.coalesce(m.Team.name, "(no team)"), [(m.Team, m.Team.id == MT.team_id)]
    else:
        raise ValueError(f"Talk mix is by 'kind' or 'team', not {by!r}.")
    stmt = (
        select(
            group.label("group"),
            func.count(func.distinct(MT.id)).label("meetings"),
            *[_count(label).label(label) for label in LABELS],
        )
        .select_from(UT)
        .join(MT, MT.id == UT.meeting_id)
    )
    for table, on in joins:
        stmt = stmt.outerjoin(table, on)
    rows = conn.execute(
        stmt.where(*_meetings_in_view(scope, filters), UT.label.is_not(None)).group_by(group)
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
    day = func.date(MT.held_at)
    rows = conn.execute(
        select(day.label("day"), _count("customer_impact"), _count("revenue"))
        .select_from(UT)
        .join(MT, MT.id == UT.meeting_id)
        .where(*_meetings_in_view(scope, filters), UT.label.in_(("customer_impact", "revenue")))
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
    ci, rev = _count("customer_impact"), _count("revenue")
    share = cast(ci, Float) / func.nullif(ci + rev, 0)
    order = {
        "customer_share_asc": (share.is_(None), share, MT.held_at.desc()),
        "customer_share_desc": (share.is_(None), share.desc(), MT.held_at.desc()),
        "recent": (MT.held_at.desc(),),
    }[sort]
    picked = (
        conn.execute(
            select(MT.id)
            .select_from(MT)
            .outerjoin(UT, UT.meeting_id == MT.id)
            .where(*_meetings_in_view(scope, filters))
            .group_by(MT.id, MT.held_at)
            .order_by(*order, MT.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    if not picked:
        return pd.DataFrame(columns=LIST_COLUMNS)
    within = filters.team_ids_within(scope)
    settings = settings or MetricSettings.defaults()
    measures = {
        mm.meeting_id: mm
        for mm in meeting_measures(
            conn,
            within,
            meeting_ids=picked,
            opening_utterances=settings.integer("opening_utterances"),
            opening_share=settings.number("opening_share"),
        )
    }
    names = dict(conn.execute(select(m.Team.id, m.Team.name)).all())
    rows = []
    for meeting_id in picked:
        mm = measures.get(meeting_id)
        if mm is None:
            continue
        rows.append(
            {
                "meeting_id": mm.meeting_id,
                "held_at": mm.held_at,
                "team": names.get(mm.team_id, "(no team)"),
                "kind": mm.kind.replace("_", " ").capitalize(),
                "title": mm.title,
                "utterances": mm.utterances,
                "customer_share": mm.customer_impact_share,
                "revenue_share": mm.revenue_share,
                "opens_with_customer": mm.opens_with_customer,
                "nsp_mentions": mm.nsp_mentions,
                "customer_questions": mm.questions_customer_impact,
            }
        )
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


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
