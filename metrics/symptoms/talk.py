"""Symptoms 1-4: what the internal conversation is about.

These read the labels the talk classifier stored on each utterance (``label``, ``is_question``,
``nsp_mention``); they never label talk themselves. A meeting counts once at least one of its
utterances carries a label, so transcripts not yet classified never read as "no customer talk".

The counts come from ``meeting_talk``, one row per meeting with what its utterances add up to
(:mod:`data_access.talk_rollup`), so a quarter of a large organisation costs thousands of rows, not
millions of utterances. Only the customer-talk evidence lists sentences, and reads utterances.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, case, func, select

from data_access import models as m
from data_access.scope import Filters, Scope
from metrics.common import Measurement, at_times, keys_of, missing, ratio, read_frame, read_once, team_clause
from metrics.metric import HIGHER_IS_BETTER, Metric, Thresholds
from metrics.parameters import MetricSettings
from metrics.talk.measures import in_opening

PURPOSE_LABELS = ("revenue", "customer_impact")
NEEDS_NSP = "needs the Noble Sales Purpose statement"
ROLLUP = m.MeetingTalk


def _meeting_clauses(scope: Scope, filters: Filters, table=ROLLUP) -> list:
    """Rows of ``table`` (the talk rollup, or ``meetings`` itself) for meetings of the teams in view
    held in the period."""
    return [team_clause(table.team_id, scope, filters), at_times(table.held_at, filters.period)]


def _per_team(rows) -> dict[int, tuple]:
    """Rows ``(team_id, *values)`` as {team id: values}; meetings without a team are left out."""
    return {int(row[0]): tuple(row[1:]) for row in rows if row[0] is not None}


def _utterance_counts(conn: Connection, scope: Scope, filters: Filters, kind: str | None, by_team: bool):
    """Utterances, labelled or not, in the period's meetings (of ``kind``): one row ``(n,)``, or
    ``(team_id, n)`` per team with meetings when ``by_team``."""
    clauses = _meeting_clauses(scope, filters) + ([ROLLUP.kind == kind] if kind else [])
    group = [ROLLUP.team_id] if by_team else []
    return conn.execute(
        select(*group, func.coalesce(func.sum(ROLLUP.utterances), 0)).where(*clauses).group_by(*group)
    ).all()


def _needs_for(utterances: int, kind: str | None) -> str:
    """Why a talk symptom has no value, given the utterances (of ``kind``) the period holds."""
    if utterances:
        return "needs talk labels (run the talk classifier over the imported meetings)"
    return f"needs {kind.replace('_', ' ')} transcripts" if kind else "needs meeting transcripts"


def _talk_needs(conn: Connection, scope: Scope, filters: Filters, kind: str | None = None) -> str:
    """Why a talk symptom has no value: no transcripts (of ``kind``), or transcripts not yet labelled."""
    (total,) = _utterance_counts(conn, scope, filters, kind, by_team=False)[0]
    return _needs_for(int(total), kind)


def _complete(
    conn: Connection,
    scope: Scope,
    filters: Filters,
    teams: tuple[int, ...] | None,
    measured: dict[int | None, Measurement],
    kind: str | None = None,
) -> dict[int | None, Measurement]:
    """``measured`` for every key of ``teams`` (None: everything in view): a key without a measurement
    gets what :func:`_talk_needs` says for it alone, from one more grouped query run only if needed."""
    keys = keys_of(teams)
    if all(key in measured for key in keys):
        return {key: measured[key] for key in keys}
    if teams is None:
        return {None: missing(_talk_needs(conn, scope, filters, kind))}
    utterances = _per_team(_utterance_counts(conn, scope, filters, kind, by_team=True))
    result = {}
    for team_id in keys:
        if team_id in measured:
            result[team_id] = measured[team_id]
        else:
            (count,) = utterances.get(team_id, (0,))
            result[team_id] = missing(_needs_for(int(count), kind))
    return result


def _keyed(rows, by_team: bool) -> dict[int | None, tuple]:
    """Count rows as {team id: counts} (``by_team``) or {None: counts} when the one row counts anything."""
    if by_team:
        return _per_team(rows)
    return {None: tuple(rows[0])} if rows and rows[0][0] else {}


def customer_talk_share(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """customer_impact / (customer_impact + revenue) utterances in meetings held in the period, in one
    grouped query (and one more for the keys with no purpose-relevant talk)."""
    by = (ROLLUP.team_id,) if teams is not None else ()
    rows_of: dict[int | None, list] = {}
    for row in conn.execute(_purpose_talk(scope, filters, *by)).all():
        key = (int(row[0]) if row[0] is not None else -1) if by else None
        rows_of.setdefault(key, []).append(tuple(row[len(by) :]))
    measured = {key: _talk_share(rows) for key, rows in rows_of.items()}
    return _complete(conn, scope, filters, teams, measured)


def _purpose_talk(scope: Scope, filters: Filters, *by):
    """Customer-impact and revenue utterances in the period's meetings per meeting kind with any
    (grouped first by the ``by`` columns)."""
    return (
        select(*by, ROLLUP.kind, func.sum(ROLLUP.customer_impact), func.sum(ROLLUP.revenue))
        .where(*_meeting_clauses(scope, filters), ROLLUP.customer_impact + ROLLUP.revenue > 0)
        .group_by(*by, ROLLUP.kind)
    )


def _talk_share(rows) -> Measurement:
    """Symptom 1 from the (non-empty) rows ``(meeting kind, customer_impact, revenue)`` of
    :func:`_purpose_talk`."""
    by_kind = {
        kind: {"customer_impact": int(customer), "revenue": int(revenue)} for kind, customer, revenue in rows
    }
    customer = sum(counts["customer_impact"] for counts in by_kind.values())
    revenue = sum(counts["revenue"] for counts in by_kind.values())
    parts = {
        "customer_impact_utterances": customer,
        "revenue_utterances": revenue,
        "by_meeting_kind": {
            kind: ratio(c["customer_impact"], c["customer_impact"] + c["revenue"])
            for kind, c in sorted(by_kind.items())
        },
    }
    return Measurement(
        customer / (customer + revenue),
        parts,
        n=customer + revenue,
        detail=f"{customer:,} of {customer + revenue:,} purpose-relevant utterances were about customer impact",
    )


def customer_talk_evidence(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, limit: int
) -> pd.DataFrame:
    mt, ut = m.Meeting, m.Utterance
    stmt = (
        select(
            mt.held_at.label("held_at"),
            m.Team.name.label("team"),
            mt.kind.label("kind"),
            mt.title.label("meeting"),
            ut.seq.label("seq"),
            ut.speaker.label("speaker"),
            ut.label.label("label"),
            ut.text.label("text"),
        )
        .join(mt, mt.id == ut.meeting_id)
        .outerjoin(m.Team, m.Team.id == mt.team_id)
        .where(*_meeting_clauses(scope, filters, mt), ut.label.in_(PURPOSE_LABELS))
        .order_by(mt.held_at.desc(), mt.id, ut.seq)
        .limit(limit)
    )
    return read_frame(conn, stmt)


def _per_review(scope: Scope, filters: Filters):
    """The period's deal reviews with labelled transcripts and their customer-impact questions."""
    return select(ROLLUP.meeting_id, ROLLUP.held_at, ROLLUP.team_id, ROLLUP.customer_questions).where(
        *_meeting_clauses(scope, filters), ROLLUP.kind == "deal_review", ROLLUP.labelled > 0
    )


def deal_reviews_with_customer_questions(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """Share of deal reviews (with labelled transcripts) where a customer-impact question was asked."""
    by_team = teams is not None
    counts = _keyed(_review_counts(conn, scope, filters, by_team), by_team)
    measured = {key: _review_share(*row) for key, row in counts.items()}
    return _complete(conn, scope, filters, teams, measured, "deal_review")


def _review_counts(conn: Connection, scope: Scope, filters: Filters, by_team: bool):
    """Deal reviews with labelled transcripts, those with a customer-impact question, and such
    questions: one row, or one per team with any (team id first) when ``by_team``."""
    per = _per_review(scope, filters).subquery()
    group = [per.c.team_id] if by_team else []
    return conn.execute(
        select(
            *group,
            func.count(),
            func.coalesce(func.sum(case((per.c.customer_questions > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(per.c.customer_questions), 0),
        )
        .select_from(per)
        .group_by(*group)
    ).all()


def _review_share(reviews, asked, questions) -> Measurement:
    """Symptom 2 from the counts of :func:`_review_counts` (at least one review)."""
    parts = {
        "deal_reviews": int(reviews),
        "with_customer_question": int(asked),
        "customer_questions_per_review": int(questions) / int(reviews),
    }
    return Measurement(
        int(asked) / int(reviews),
        parts,
        n=int(reviews),
        detail=f"{int(asked):,} of {int(reviews):,} deal reviews asked what the customer is trying to achieve",
    )


def deal_review_evidence(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, limit: int
) -> pd.DataFrame:
    per = _per_review(scope, filters).subquery()
    stmt = (
        select(
            per.c.held_at,
            m.Team.name.label("team"),
            m.Meeting.title.label("meeting"),
            per.c.customer_questions,
        )
        .join(m.Meeting, m.Meeting.id == per.c.meeting_id)
        .outerjoin(m.Team, m.Team.id == per.c.team_id)
        .order_by(per.c.customer_questions, per.c.held_at.desc(), per.c.meeting_id)
        .limit(limit)
    )
    return read_frame(conn, stmt)


def _per_meeting_opening(scope: Scope, filters: Filters, settings: MetricSettings):
    """The period's meetings with labelled transcripts, ``opens`` 1 when the lead's first
    customer-impact utterance falls in the opening (the first minutes or the first utterances,
    whichever ends first), else 0."""
    opening = in_opening(
        ROLLUP.first_customer_position,
        ROLLUP.first_customer_seconds,
        settings.integer("opening_max_utterances"),
        settings.number("opening_minutes"),
    )
    return select(ROLLUP.meeting_id, ROLLUP.team_id, case((opening, 1), else_=0).label("opens")).where(
        *_meeting_clauses(scope, filters), ROLLUP.labelled > 0
    )


def meetings_opening_with_customer(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """Share of meetings whose lead talks about a customer in the opening (first 3 minutes or first
    10 utterances, whichever ends first), in one grouped query."""
    by_team = teams is not None
    counts = _keyed(_opening_counts(conn, scope, filters, settings, by_team), by_team)
    measured = {key: _opening_share(*row) for key, row in counts.items()}
    return _complete(conn, scope, filters, teams, measured)


def _opening_counts(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, by_team: bool
):
    """Meetings with labelled transcripts and those opening with customer-impact talk: one row, or
    one per team with any (team id first) when ``by_team``."""
    per = _per_meeting_opening(scope, filters, settings).subquery()
    group = [per.c.team_id] if by_team else []
    return conn.execute(
        select(*group, func.count(), func.coalesce(func.sum(per.c.opens), 0))
        .select_from(per)
        .group_by(*group)
    ).all()


def _opening_share(meetings, opening) -> Measurement:
    """Symptom 3 from the counts of :func:`_opening_counts` (at least one meeting)."""
    return Measurement(
        int(opening) / int(meetings),
        {"meetings": int(meetings), "opening_with_customer": int(opening)},
        n=int(meetings),
        detail=f"{int(opening):,} of {int(meetings):,} meetings opened with a customer",
    )


def opening_evidence(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, limit: int
) -> pd.DataFrame:
    per = _per_meeting_opening(scope, filters, settings).subquery()
    mt = m.Meeting
    stmt = (
        select(
            mt.held_at,
            m.Team.name.label("team"),
            mt.kind,
            mt.title.label("meeting"),
            per.c.opens.label("opens_with_customer"),
        )
        .join(mt, mt.id == per.c.meeting_id)
        .outerjoin(m.Team, m.Team.id == mt.team_id)
        .order_by(per.c.opens, mt.held_at.desc(), mt.id)
        .limit(limit)
    )
    return read_frame(conn, stmt)


def _per_meeting_nsp(scope: Scope, filters: Filters):
    """The period's meetings with labelled transcripts and how many labelled utterances mention the NSP."""
    return select(ROLLUP.meeting_id, ROLLUP.team_id, ROLLUP.labelled_nsp_mentions.label("mentions")).where(
        *_meeting_clauses(scope, filters), ROLLUP.labelled > 0
    )


def nsp_mention_rate(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """Share of meetings (with labelled transcripts) where the NSP or one of its key phrases came up."""
    if not _has_nsp(conn):
        return {key: missing(NEEDS_NSP) for key in keys_of(teams)}
    by_team = teams is not None
    counts = _keyed(_nsp_counts(conn, scope, filters, by_team), by_team)
    measured = {key: _nsp_share(*row) for key, row in counts.items()}
    return _complete(conn, scope, filters, teams, measured)


def _has_nsp(conn: Connection) -> bool:
    """Whether the organisation has stated its NSP (no period enters: a scorecard asks once)."""
    [(count,)] = read_once(conn, select(func.count()).select_from(m.NobleSalesPurpose))
    return count > 0


def _nsp_counts(conn: Connection, scope: Scope, filters: Filters, by_team: bool):
    """Meetings with labelled transcripts and those mentioning the NSP: one row, or one per team
    with any (team id first) when ``by_team``."""
    per = _per_meeting_nsp(scope, filters).subquery()
    group = [per.c.team_id] if by_team else []
    return conn.execute(
        select(*group, func.count(), func.coalesce(func.sum(case((per.c.mentions > 0, 1), else_=0)), 0))
        .select_from(per)
        .group_by(*group)
    ).all()


def _nsp_share(meetings, mentioning) -> Measurement:
    """Symptom 4 from the counts of :func:`_nsp_counts` (at least one meeting)."""
    return Measurement(
        int(mentioning) / int(meetings),
        {"meetings": int(meetings), "mentioning_nsp": int(mentioning)},
        n=int(meetings),
        detail=f"{int(mentioning):,} of {int(meetings):,} meetings mentioned the NSP",
    )


def nsp_evidence(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, limit: int
) -> pd.DataFrame:
    per = _per_meeting_nsp(scope, filters).subquery()
    mt = m.Meeting
    stmt = (
        select(mt.held_at, m.Team.name.label("team"), mt.kind, mt.title.label("meeting"), per.c.mentions)
        .join(mt, mt.id == per.c.meeting_id)
        .outerjoin(m.Team, m.Team.id == mt.team_id)
        .order_by(per.c.mentions.desc(), mt.held_at.desc(), mt.id)
        .limit(limit)
    )
    return read_frame(conn, stmt)


TALK = "meeting transcripts with talk labels"

METRICS = (
    Metric(
        id="customer_talk_share",
        number=1,
        label="Customer talk share",
        description="Revenue talk crowds out customer talk: the share of customer-impact talk among all "
        "purpose-relevant talk in internal meetings.",
        unit="share",
        kind="ratio",
        direction=HIGHER_IS_BETTER,
        data_needed=(TALK,),
        thresholds=Thresholds(
            green=0.4,
            red=0.22,
            rationale="Seeds 002 and 004: a sales force that talks internally only about quota loses its purpose. Customer impact in two of five purpose-relevant sentences keeps the customer in the room; under about a fifth the meeting is about the number.",
        ),
        weight=2.0,
        sample="purpose-relevant utterances",
        min_sample=30,
        measure=customer_talk_share,
        evidence=customer_talk_evidence,
        formula="customer_impact utterances / (customer_impact + revenue utterances), meetings held in the period",
        worst=0.0,
        best=0.8,
    ),
    Metric(
        id="deal_reviews_with_customer_questions",
        number=2,
        label="Deal reviews asking about the customer",
        description="Share of deal reviews in which at least one customer-impact question is asked "
        '("What are they trying to achieve? What happens if they don\'t?").',
        unit="share",
        kind="ratio",
        direction=HIGHER_IS_BETTER,
        data_needed=(TALK, "meeting kind deal_review"),
        thresholds=Thresholds(
            green=0.6,
            red=0.3,
            rationale="Seed 004's deal review asks 'what is the customer trying to achieve?' every time; most reviews asking it (60%) is the habit, under a third is the exception.",
        ),
        weight=1.0,
        sample="deal reviews",
        min_sample=5,
        measure=deal_reviews_with_customer_questions,
        evidence=deal_review_evidence,
        formula="deal reviews with >= 1 utterance labelled customer_impact and is_question / deal reviews",
        worst=0.0,
        best=1.0,
    ),
    Metric(
        id="meetings_opening_with_customer",
        number=3,
        label="Meetings opening with a customer",
        description="Share of meetings whose lead talks about a customer in the opening: the first 3 "
        "minutes or the first 10 utterances, whichever ends first (the count alone without timings).",
        unit="share",
        kind="ratio",
        direction=HIGHER_IS_BETTER,
        data_needed=(TALK,),
        thresholds=Thresholds(
            green=0.5,
            red=0.25,
            rationale="Seed 004: open the meeting with a customer story. Half the meetings doing so shows the practice; a quarter or fewer shows it is not one.",
        ),
        weight=1.0,
        sample="meetings",
        min_sample=5,
        measure=meetings_opening_with_customer,
        evidence=opening_evidence,
        formula="meetings whose lead says a customer_impact utterance within the first 3 min and the first "
        "10 utterances / meetings",
        worst=0.0,
        best=1.0,
    ),
    Metric(
        id="nsp_mention_rate",
        number=4,
        label="Meetings mentioning the NSP",
        description="Share of meetings that reference the organisation's Noble Sales Purpose or its key phrases.",
        unit="share",
        kind="ratio",
        direction=HIGHER_IS_BETTER,
        data_needed=(TALK, "the NSP statement"),
        thresholds=Thresholds(
            green=0.3,
            red=0.05,
            rationale="The NSP is meant to be used as the filter for decisions; mentioned in three meetings in ten it is alive, in one in twenty it is a poster.",
        ),
        weight=1.0,
        sample="meetings",
        min_sample=5,
        measure=nsp_mention_rate,
        evidence=nsp_evidence,
        formula="meetings with >= 1 utterance flagged nsp_mention / meetings",
        worst=0.0,
        best=0.8,
    ),
)
