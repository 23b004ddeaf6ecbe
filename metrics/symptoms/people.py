"""Symptoms 13, 15 and 16: top performers, morale and how sellers see each other.

Survey figures go through :mod:`metrics.privacy` before a number is returned: a group under the
confidentiality minimum (or one that could be worked out by subtraction) comes back suppressed.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from sqlalchemy import Connection, and_, case, func, or_, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope
from metrics.common import Measurement, as_float, at_times, missing, on_days, ratio, team_clause
from metrics.metric import HIGHER_IS_BETTER, LOWER_IS_BETTER, Metric
from metrics.privacy import ROOT, hidden_groups, survey_visibility
from metrics.settings import MetricSettings

DRIVERS = ("meaning_purpose", "recognition", "peer_relationships", "workload")
SALES_ROLES = ("seller", "manager")


def _employed_on(day: dt.date):
    person = m.Person
    return [
        or_(person.hire_date.is_(None), person.hire_date <= day),
        or_(person.termination_date.is_(None), person.termination_date > day),
    ]


# 13 ------------------------------------------------------------------------------------------


def _won_by_seller(conn: Connection, scope: Scope, filters: Filters, period: Period) -> dict[int, float]:
    """Won amount per seller in scope employed through ``period`` (zero for those who won nothing)."""
    person, opp = m.Person, m.Opportunity
    # Joined per seller rather than grouping every won deal of the period first: the join walks the
    # (owner, close date) index for the sellers asked about only, which at a million deals is the
    # difference between milliseconds and a scan of the quarter's deals.
    rows = conn.execute(
        select(person.id, func.coalesce(func.sum(as_float(opp.amount)), 0.0))
        .outerjoin(
            opp,
            and_(opp.owner_id == person.id, opp.is_won.is_(True), on_days(opp.close_date, period)),
        )
        .where(
            team_clause(person.team_id, scope, filters),
            person.role == "seller",
            or_(person.hire_date.is_(None), person.hire_date <= period.start),
        )
        .group_by(person.id)
    ).all()
    return {int(pid): float(amount) for pid, amount in rows}


def _top(amounts: dict[int, float], share: float) -> list[int]:
    size = max(1, math.ceil(len(amounts) * share))
    return [pid for pid, _ in sorted(amounts.items(), key=lambda item: (-item[1], item[0]))[:size]]


def _bottom(amounts: dict[int, float], share: float) -> set[int]:
    size = max(1, math.ceil(len(amounts) * share))
    return {pid for pid, _ in sorted(amounts.items(), key=lambda item: (item[1], item[0]))[:size]}


def _slide(conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings) -> dict | None:
    share = settings.number("top_quartile")
    previous = filters.period.previous()
    # Quartiles are the sales force's, not a team's: a team of seven has a "top quartile" of two,
    # and one lumpy deal would move it. Sellers are ranked across the organisation, then only the
    # top performers in the viewer's scope and filters are counted (the ranking shows no other
    # team's figures).
    everyone = Filters(filters.period, None, filters.segment)
    org_before = _won_by_seller(conn, Scope.everything(), everyone, previous)
    before = _won_by_seller(conn, scope, filters, previous)
    if len(org_before) < 4 or not any(org_before.values()):
        return None
    top = [pid for pid in _top(org_before, share) if pid in before]
    if not top:
        return None
    left_ids = set(
        conn.execute(
            select(m.Person.id).where(
                m.Person.id.in_(top),
                m.Person.termination_date.is_not(None),
                m.Person.termination_date <= filters.period.end,
            )
        ).scalars()
    )
    now = _won_by_seller(conn, scope, filters, filters.period)
    org_now = _won_by_seller(conn, Scope.everything(), everyone, filters.period)
    staying = {pid: amount for pid, amount in org_now.items() if pid not in left_ids}
    top_now = set(_top(staying, share)) if staying else set()
    bottom_now = _bottom(staying, share) if staying else set()
    status = {}
    for pid in top:
        if pid in left_ids:
            status[pid] = "left"
        elif pid in top_now:
            status[pid] = "still top"
        elif pid in bottom_now:
            status[pid] = "bottom quartile"
        else:
            status[pid] = "middle quartiles"
    return {"status": status, "before": before, "now": now}


def top_performer_slide(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Share of the previous period's top-quartile sellers (by won amount, ranked across the sales
    force) in the view who are no longer in the top quartile now: slid to the middle or bottom
    quartiles, or left. Part: top-performer attrition."""
    slide = _slide(conn, scope, filters, settings)
    if slide is None:
        return missing("needs top-quartile sellers (of at least 4 with won deals) in the previous period")
    status = slide["status"]
    top = len(status)
    counts = {
        label: sum(1 for s in status.values() if s == label)
        for label in ("still top", "middle quartiles", "bottom quartile", "left")
    }
    gone = top - counts["still top"]
    parts = {
        "top_performers_last_period": top,
        "still_top": counts["still top"],
        "now_middle": counts["middle quartiles"],
        "now_bottom": counts["bottom quartile"],
        "left": counts["left"],
        "top_performer_attrition": counts["left"] / top,
        "sellers": len(slide["before"]),
    }
    return Measurement(
        gone / top,
        parts,
        detail=f"{gone} of last period's {top} top performers are no longer on top ({counts['left']} left)",
    )


def slide_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    slide = _slide(conn, scope, filters, settings)
    if slide is None:
        return pd.DataFrame(columns=["seller", "team", "won_last_period", "won_this_period", "now"])
    ids = list(slide["status"])[:limit]
    names = dict(conn.execute(select(m.Person.id, m.Person.name).where(m.Person.id.in_(ids))).all())
    teams = dict(
        conn.execute(
            select(m.Person.id, m.Team.name)
            .join(m.Team, m.Team.id == m.Person.team_id)
            .where(m.Person.id.in_(ids))
        ).all()
    )
    return pd.DataFrame(
        [
            {
                "seller": names.get(pid),
                "team": teams.get(pid),
                "won_last_period": slide["before"].get(pid, 0.0),
                "won_this_period": slide["now"].get(pid, 0.0),
                "now": slide["status"][pid],
            }
            for pid in ids
        ]
    )


# 15 ------------------------------------------------------------------------------------------


def _survey_clauses(scope: Scope, filters: Filters) -> list:
    sr = m.SurveyResponse
    return [
        sr.team_id.is_not(None),
        team_clause(sr.team_id, scope, filters),
        at_times(sr.submitted_at, filters.period),
    ]


def _driver_key():
    sr = m.SurveyResponse
    return case((sr.driver.in_(DRIVERS), sr.driver), else_=sr.question_code)


def _attrition(conn: Connection, scope: Scope, filters: Filters) -> dict:
    person, period = m.Person, filters.period
    in_team = [team_clause(person.team_id, scope, filters), person.role.in_(SALES_ROLES)]
    start = conn.execute(select(func.count()).where(*in_team, *_employed_on(period.start))).scalar_one()
    end = conn.execute(select(func.count()).where(*in_team, *_employed_on(period.end))).scalar_one()
    leavers, voluntary = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((person.termination_voluntary.is_(True), 1), else_=0)), 0),
        ).where(*in_team, on_days(person.termination_date, period))
    ).one()
    average = (int(start) + int(end)) / 2
    return {
        "headcount": int(end),
        "leavers": int(leavers),
        "attrition": ratio(int(leavers), average),
        "voluntary_attrition": ratio(int(voluntary), average),
    }


def morale(conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings) -> Measurement:
    """eNPS = % answering 9-10 minus % answering 0-6 to "How likely are you to recommend working here?".

    Parts: mean of each pulse driver (1-5), participation (respondents / headcount), attrition and
    voluntary attrition (leavers / average headcount). Survey parts follow the privacy rules.
    """
    sr = m.SurveyResponse
    attrition = _attrition(conn, scope, filters)
    visibility = survey_visibility(conn, scope, filters, ["enps"], settings)
    if visibility.respondents == 0:
        return missing("needs survey responses (eNPS question)", **attrition)
    if not visibility.shown:
        return Measurement(None, attrition, suppressed=True, detail="survey group too small to show")
    answers, promoters, detractors = conn.execute(
        select(
            func.count(),
            func.sum(case((sr.score >= 9, 1), else_=0)),
            func.sum(case((sr.score <= 6, 1), else_=0)),
        ).where(*_survey_clauses(scope, filters), sr.question_code == "enps")
    ).one()
    value = 100.0 * (int(promoters) - int(detractors)) / int(answers)
    keyed = (
        select(_driver_key().label("driver"), sr.score.label("score"))
        .where(*_survey_clauses(scope, filters), or_(sr.question_code.in_(DRIVERS), sr.driver.in_(DRIVERS)))
        .subquery()
    )
    drivers = dict(
        conn.execute(select(keyed.c.driver, func.avg(keyed.c.score)).group_by(keyed.c.driver)).all()
    )
    parts = {
        "respondents": visibility.respondents,
        "drivers": {name: (float(drivers[name]) if name in drivers else None) for name in DRIVERS},
        "participation": ratio(visibility.respondents, attrition["headcount"]),
        **attrition,
    }
    return Measurement(
        value,
        parts,
        detail=f"eNPS {value:+.0f} from {visibility.respondents} respondents; {attrition['leavers']} {'leaver' if attrition['leavers'] == 1 else 'leavers'}",
    )


def _survey_evidence(conn, scope, filters, settings, codes: list[str]) -> pd.DataFrame:
    """Per team: respondents and mean answer, with suppressed teams blanked (never individual rows)."""
    sr = m.SurveyResponse
    rows = conn.execute(
        select(
            sr.team_id,
            m.Team.name,
            m.Team.parent_id,
            func.count(func.distinct(sr.respondent_key)),
            func.avg(sr.score),
        )
        .join(m.Team, m.Team.id == sr.team_id)
        .where(sr.question_code.in_(codes), at_times(sr.submitted_at, filters.period))
        .group_by(sr.team_id, m.Team.name, m.Team.parent_id)
    ).all()
    counts = {int(r[0]): int(r[3]) for r in rows}
    parents = {int(r[0]): (r[2] if r[2] is not None else ROOT) for r in rows}
    hidden = hidden_groups(counts, parents, settings.integer("privacy.min_respondents"))
    effective = filters.team_ids_within(scope)
    shown = [r for r in rows if effective.allows(int(r[0]))]
    return pd.DataFrame(
        [
            {
                "team": name,
                "respondents": None if int(team) in hidden else int(n),
                "mean_score": None if int(team) in hidden else float(mean),
                "shown": int(team) not in hidden,
            }
            for team, name, _, n, mean in sorted(shown, key=lambda r: r[1])
        ],
        columns=["team", "respondents", "mean_score", "shown"],
    )


def morale_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    return _survey_evidence(conn, scope, filters, settings, ["enps"]).head(limit)


# 16 ------------------------------------------------------------------------------------------


def _perception(conn: Connection, filters: Filters, settings: MetricSettings) -> dict | None:
    """How other departments rate sales, organisation-wide, each department under the privacy rules."""
    sr = m.SurveyResponse
    rows = conn.execute(
        select(sr.department, func.count(func.distinct(sr.respondent_key)), func.sum(sr.score), func.count())
        .where(
            sr.team_id.is_(None),
            sr.question_code == "sales_perception",
            at_times(sr.submitted_at, filters.period),
        )
        .group_by(sr.department)
    ).all()
    if not rows:
        return None
    minimum = settings.integer("privacy.min_respondents")
    counts = {str(dept): int(n) for dept, n, _, _ in rows}
    hidden = hidden_groups(counts, {}, minimum)
    total_n = sum(counts.values())
    total = sum(float(s) for _, _, s, _ in rows)
    answers = sum(int(c) for _, _, _, c in rows)
    return {
        "mean": total / answers if total_n >= minimum else None,
        "respondents": total_n if total_n >= minimum else None,
        "by_department": {
            str(dept): (None if str(dept) in hidden else float(s) / int(c))
            for dept, _, s, c in sorted(rows, key=lambda r: str(r[0]))
        },
    }


def peer_competition(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Mean of the peer-relationships driver (1-5) among sellers; part: the organisation-wide
    perception of sales by other departments (``sales_perception``)."""
    sr = m.SurveyResponse
    code = "peer_relationships"
    perception = _perception(conn, filters, settings)
    visibility = survey_visibility(conn, scope, filters, [code], settings)
    if visibility.respondents == 0:
        return missing(
            "needs survey responses (peer relationships driver)", sales_perception_org_wide=perception
        )
    if not visibility.shown:
        return Measurement(
            None,
            {"sales_perception_org_wide": perception},
            suppressed=True,
            detail="survey group too small to show",
        )
    mean = conn.execute(
        select(func.avg(sr.score)).where(*_survey_clauses(scope, filters), sr.question_code == code)
    ).scalar_one()
    parts = {"respondents": visibility.respondents, "sales_perception_org_wide": perception}
    return Measurement(
        float(mean),
        parts,
        detail=f"peer relationships {float(mean):.1f} of 5 from {visibility.respondents} respondents",
    )


def peer_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    return _survey_evidence(conn, scope, filters, settings, ["peer_relationships"]).head(limit)


SURVEY = "pulse survey responses"

METRICS = (
    Metric(
        id="top_performer_slide",
        number=13,
        label="Top performers sliding",
        description="Top performers become mid-level: share of last period's top-quartile sellers (by won "
        "amount) who are no longer in the top quartile or have left; top-performer attrition is a part.",
        unit="share",
        direction=LOWER_IS_BETTER,
        data_needed=("people with team, role, hire and termination dates", "won deals with owner"),
        compute=top_performer_slide,
        evidence=slide_evidence,
        formula="previous top-quartile sellers now below the top quartile or gone / previous top-quartile sellers",
        worst=1.0,
        best=0.0,
        grain="quarter",
    ),
    Metric(
        id="morale",
        number=15,
        label="Morale (eNPS)",
        description="Morale declines: eNPS, pulse drivers (meaning/purpose, recognition, peer relationships, "
        "workload), participation and voluntary attrition.",
        unit="points",
        direction=HIGHER_IS_BETTER,
        data_needed=(SURVEY + " (eNPS, drivers)", "people with hire and termination dates"),
        compute=morale,
        evidence=morale_evidence,
        formula="100 x (answers 9-10 - answers 0-6) / answers to the eNPS question in the period",
        worst=-60.0,
        best=60.0,
        grain="month",
    ),
    Metric(
        id="peer_competition",
        number=16,
        label="Peer collaboration",
        description="Sellers see each other as competition / sales is seen negatively by the rest of the "
        "company: the peer-relationships driver, with other departments' perception of sales as a part.",
        unit="mean_1_5",
        direction=HIGHER_IS_BETTER,
        data_needed=(SURVEY + " (peer_relationships; sales_perception from other departments)",),
        compute=peer_competition,
        evidence=peer_evidence,
        formula="mean answer to peer_relationships (1-5) in the period",
        worst=1.0,
        best=5.0,
        grain="month",
    ),
)
