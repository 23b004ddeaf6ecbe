"""Symptoms 13, 15 and 16: top performers, morale and how sellers see each other.

Survey figures go through :mod:`metrics.privacy` before a number is returned: a group under the
confidentiality minimum (or one that could be worked out by subtraction) comes back suppressed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, and_, case, func, or_, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope
from metrics.common import (
    Measurement,
    as_float,
    at_times,
    missing,
    on_days,
    only_team,
    ratio,
    team_clause,
)
from metrics.metric import HIGHER_IS_BETTER, LOWER_IS_BETTER, Metric
from metrics.privacy import (
    Visibility,
    hidden_groups,
    hidden_teams,
    item_key,
    item_visibility,
    item_visibility_by_team,
    minimum_respondents,
    survey_period,
    survey_visibility,
    survey_visibility_by_team,
    survey_windows,
)
from metrics.settings import MetricSettings

DRIVERS = ("meaning_purpose", "recognition", "peer_relationships", "workload")
SALES_ROLES = ("seller", "manager")
PEER = "peer_relationships"


def _employed_on(day: dt.date):
    person = m.Person
    return [
        or_(person.hire_date.is_(None), person.hire_date <= day),
        or_(person.termination_date.is_(None), person.termination_date > day),
    ]


# 13 ------------------------------------------------------------------------------------------


def _won_by_seller(conn: Connection, period: Period) -> dict[int | None, dict[int, float]]:
    """Won amount in ``period`` of every seller of the sales force hired by its start (zero for those
    who won nothing), grouped by the seller's team: ``{team id: {seller id: amount}}``."""
    person, opp = m.Person, m.Opportunity
    # Joined per seller rather than grouping every won deal of the period first: the join walks the
    # (owner, close date) index, which at a million deals is the difference between milliseconds and
    # a scan of the quarter's deals.
    rows = conn.execute(
        select(person.team_id, person.id, func.coalesce(func.sum(as_float(opp.amount)), 0.0))
        .outerjoin(
            opp,
            and_(opp.owner_id == person.id, opp.is_won.is_(True), on_days(opp.close_date, period)),
        )
        .where(
            person.role == "seller",
            or_(person.hire_date.is_(None), person.hire_date <= period.start),
        )
        .group_by(person.team_id, person.id)
    ).all()
    by_team: dict[int | None, dict[int, float]] = {}
    for team, pid, amount in rows:
        by_team.setdefault(team, {})[int(pid)] = float(amount)
    return by_team


def _everyone(by_team: dict[int | None, dict[int, float]]) -> dict[int, float]:
    """Every seller of every team, with their amounts."""
    return {pid: amount for sellers in by_team.values() for pid, amount in sellers.items()}


def _in_view(by_team: dict[int | None, dict[int, float]], view: Scope) -> dict[int, float]:
    """The sellers of the teams ``view`` allows, with their amounts."""
    return {
        pid: amount
        for team, sellers in by_team.items()
        if view.allows(team)
        for pid, amount in sellers.items()
    }


def _quartile_size(sellers: int, share: float) -> int:
    return max(1, math.ceil(sellers * share))


def _first(order: list[int], size: int, skipping: set[int]) -> set[int]:
    """The first ``size`` sellers of ``order`` who are not in ``skipping``."""
    return set(itertools.islice((pid for pid in order if pid not in skipping), size))


@dataclass(frozen=True)
class _Ranking:
    """The sales force ranked by won amount, last period and this one: the same for every view.

    ``before`` and ``now`` are ``{team id: {seller id: won amount}}``; ``top_before`` is last period's
    top quartile, best first, and ``left`` those of them gone by the end of this period;
    ``best_first`` and ``worst_first`` order this period's sellers, ``sellers_now`` (ties by id).
    """

    before: dict[int | None, dict[int, float]]
    now: dict[int | None, dict[int, float]]
    top_before: list[int]
    left: set[int]
    best_first: list[int]
    worst_first: list[int]
    sellers_now: frozenset[int]
    share: float


def _ranking(conn: Connection, filters: Filters, settings: MetricSettings) -> _Ranking | None:
    """The ranking of the whole sales force for ``filters.period``; None without at least four sellers
    last period, or when none of them won anything."""
    share = settings.number("top_quartile")
    end = filters.period.end
    before = _won_by_seller(conn, filters.period.previous())
    org_before = _everyone(before)
    if len(org_before) < 4 or not any(org_before.values()):
        return None
    best_before = sorted(org_before, key=lambda pid: (-org_before[pid], pid))
    top_before = best_before[: _quartile_size(len(org_before), share)]
    left = set(
        conn.execute(
            select(m.Person.id).where(
                m.Person.id.in_(top_before),
                m.Person.termination_date.is_not(None),
                m.Person.termination_date <= end,
            )
        ).scalars()
    )
    now = _won_by_seller(conn, filters.period)
    org_now = _everyone(now)
    return _Ranking(
        before=before,
        now=now,
        top_before=top_before,
        left=left,
        best_first=sorted(org_now, key=lambda pid: (-org_now[pid], pid)),
        worst_first=sorted(org_now, key=lambda pid: (org_now[pid], pid)),
        sellers_now=frozenset(org_now),
        share=share,
    )


def _slide_in(ranking: _Ranking, view: Scope) -> dict | None:
    """Where last period's top performers of the teams in ``view`` stand now; None when it has none.

    Quartiles are the sales force's, not a team's: a team of seven has a "top quartile" of two, and
    one lumpy deal would move it. Sellers are ranked across the organisation, then only the top
    performers in the view are counted (the ranking shows no other team's figures). This period's
    quartiles leave out the view's top performers who left.
    """
    before = _in_view(ranking.before, view)
    top = [pid for pid in ranking.top_before if pid in before]
    if not top:
        return None
    left_ids = ranking.left.intersection(top)
    staying = len(ranking.sellers_now - left_ids)
    size = _quartile_size(staying, ranking.share)
    top_now = _first(ranking.best_first, size, left_ids) if staying else set()
    bottom_now = _first(ranking.worst_first, size, left_ids) if staying else set()
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
    return {"status": status, "before": before, "now": _in_view(ranking.now, view)}


def _slide(conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings) -> dict | None:
    ranking = _ranking(conn, filters, settings)
    return None if ranking is None else _slide_in(ranking, filters.team_ids_within(scope))


def _slide_measurement(slide: dict | None) -> Measurement:
    """The symptom from :func:`_slide_in`'s statuses."""
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


def top_performer_slide(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Share of the previous period's top-quartile sellers (by won amount, ranked across the sales
    force) in the view who are no longer in the top quartile now: slid to the middle or bottom
    quartiles, or left. Part: top-performer attrition."""
    return _slide_measurement(_slide(conn, scope, filters, settings))


def top_performer_slide_by_team(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, team_ids: tuple[int, ...]
) -> dict[int, Measurement]:
    """:func:`top_performer_slide` for each of ``team_ids`` alone, from one ranking of the sales force."""
    ranking = _ranking(conn, filters, settings)
    result = {}
    for tid in team_ids:
        view = only_team(filters, tid).team_ids_within(scope)
        result[tid] = _slide_measurement(None if ranking is None else _slide_in(ranking, view))
    return result


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
        at_times(sr.submitted_at, survey_period(filters.period)),
    ]


def _driver_key():
    return item_key(DRIVERS)


def _count_where(condition):
    """How many rows of the group meet ``condition``."""
    return func.sum(case((condition, 1), else_=0))


def _total(rows, width: int) -> tuple:
    """Column sums of ``rows``: a selection's counts are the sums of its teams' counts."""
    totals = [0] * width
    for row in rows:
        totals = [total + number for total, number in zip(totals, row, strict=True)]
    return tuple(totals)


def _attrition_counts(conn: Connection, scope: Scope, filters: Filters) -> dict[int | None, tuple]:
    """Sales people per team: (employed on the period's first day, on its last, leavers in it,
    voluntary leavers, leavers whose voluntary flag is unknown)."""
    person, period = m.Person, filters.period
    leaving = on_days(person.termination_date, period)
    rows = conn.execute(
        select(
            person.team_id,
            _count_where(and_(*_employed_on(period.start))),
            _count_where(and_(*_employed_on(period.end))),
            _count_where(leaving),
            _count_where(and_(leaving, person.termination_voluntary.is_(True))),
            _count_where(and_(leaving, person.termination_voluntary.is_(None))),
        )
        .where(team_clause(person.team_id, scope, filters), person.role.in_(SALES_ROLES))
        .group_by(person.team_id)
    ).all()
    return {team: tuple(int(n) for n in counts) for team, *counts in rows}


def _attrition(counts: tuple) -> dict:
    """Headcount, leavers and (voluntary) attrition from :func:`_attrition_counts`' five numbers.

    Voluntary attrition is unknown (None, with ``voluntary_attrition_needs`` saying why) when a
    leaver's file did not say whether they chose to leave: counting them as involuntary would show 0.
    """
    start, end, leavers, voluntary, unknown = counts
    average = (start + end) / 2
    parts = {
        "headcount": end,
        "leavers": leavers,
        "attrition": ratio(leavers, average),
        "voluntary_attrition": None if unknown else ratio(voluntary, average),
    }
    if unknown:
        parts["voluntary_attrition_needs"] = (
            f"needs whether {unknown} of the {leavers} leavers chose to leave (termination_voluntary in the people file)"
        )
    return parts


def _enps_counts(conn: Connection, scope: Scope, filters: Filters) -> dict[int, tuple]:
    """Per team: (answers, promoters 9-10, detractors 0-6) to the eNPS question."""
    sr = m.SurveyResponse
    rows = conn.execute(
        select(sr.team_id, func.count(), _count_where(sr.score >= 9), _count_where(sr.score <= 6))
        .where(*_survey_clauses(scope, filters), sr.question_code == "enps")
        .group_by(sr.team_id)
    ).all()
    return {int(team): tuple(int(n) for n in counts) for team, *counts in rows}


def _driver_sums(conn: Connection, scope: Scope, filters: Filters) -> dict[int, dict[str, tuple]]:
    """Per team and pulse driver: (sum of the answers, number of answers)."""
    sr = m.SurveyResponse
    keyed = (
        select(sr.team_id.label("team_id"), _driver_key().label("driver"), sr.score.label("score"))
        .where(*_survey_clauses(scope, filters), or_(sr.question_code.in_(DRIVERS), sr.driver.in_(DRIVERS)))
        .subquery()
    )
    rows = conn.execute(
        select(keyed.c.team_id, keyed.c.driver, func.sum(keyed.c.score), func.count(keyed.c.score))
        .group_by(keyed.c.team_id, keyed.c.driver)
    ).all()
    sums: dict[int, dict[str, tuple]] = {}
    for team, driver, total, answers in rows:
        sums.setdefault(int(team), {})[driver] = (float(total), int(answers))
    return sums


def _driver_means(per_team: list[dict[str, tuple]], visible: dict[str, Visibility]) -> dict[str, float | None]:
    """Mean answer to each pulse driver over the teams' sums: None for a driver nobody answered and
    for one whose own respondents are too few to show (each driver is its own group)."""
    means = {}
    for name in DRIVERS:
        total, answers = _total((sums[name] for sums in per_team if name in sums), 2)
        means[name] = total / answers if answers and visible[name].shown else None
    return means


def _morale_of(
    attrition: dict, visibility: Visibility, enps: tuple, drivers: dict[str, float | None]
) -> Measurement:
    """The symptom from its gathered figures (the survey ones only when the privacy rules allow).
    Driver means come with the symptom whether or not the survey asked the eNPS question."""
    if visibility.respondents == 0:
        return missing("needs survey responses (eNPS question)", drivers=drivers, **attrition)
    if not visibility.shown:
        return Measurement(
            None, {"drivers": drivers, **attrition}, suppressed=True, detail="survey group too small to show"
        )
    answers, promoters, detractors = enps
    value = 100.0 * (promoters - detractors) / answers
    parts = {
        "respondents": visibility.respondents,
        "drivers": drivers,
        # Everyone on the team at some time in the period (still there, or left during it): a leaver
        # who answered before leaving counts on both sides, so participation never passes 100%.
        "participation": ratio(visibility.respondents, attrition["headcount"] + attrition["leavers"]),
        **attrition,
    }
    return Measurement(
        value,
        parts,
        detail=f"eNPS {value:+.0f} from {visibility.respondents} respondents; {attrition['leavers']} {'leaver' if attrition['leavers'] == 1 else 'leavers'}",
    )


def morale(conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings) -> Measurement:
    """eNPS = % answering 9-10 minus % answering 0-6 to "How likely are you to recommend working here?".

    Parts: mean of each pulse driver (1-5), participation (respondents / people on the team at some
    time in the period), attrition and voluntary attrition (leavers / average headcount). Survey parts
    follow the privacy rules.
    """
    return _morale_of(
        _attrition(_total(_attrition_counts(conn, scope, filters).values(), 5)),
        survey_visibility(conn, scope, filters, ["enps"], settings),
        _total(_enps_counts(conn, scope, filters).values(), 3),
        _driver_means(
            list(_driver_sums(conn, scope, filters).values()), item_visibility(conn, scope, filters, DRIVERS, settings)
        ),
    )


def morale_by_team(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, team_ids: tuple[int, ...]
) -> dict[int, Measurement]:
    """:func:`morale` for each of ``team_ids`` alone, in the same few grouped queries for all of them."""
    attrition = _attrition_counts(conn, scope, filters)
    visibility = survey_visibility_by_team(conn, scope, filters, ["enps"], settings, team_ids)
    enps = _enps_counts(conn, scope, filters)
    drivers = _driver_sums(conn, scope, filters)
    driver_visibility = item_visibility_by_team(conn, scope, filters, DRIVERS, settings, team_ids)
    return {
        tid: _morale_of(
            _attrition(attrition.get(tid, (0, 0, 0, 0, 0))),
            visibility[tid],
            enps.get(tid, (0, 0, 0)),
            _driver_means([drivers.get(tid, {})], driver_visibility[tid]),
        )
        for tid in team_ids
    }


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
        .where(
            or_(sr.question_code.in_(codes), sr.driver.in_(codes)),
            at_times(sr.submitted_at, survey_period(filters.period)),
        )
        .group_by(sr.team_id, m.Team.name, m.Team.parent_id)
    ).all()
    counts = {int(r[0]): int(r[3]) for r in rows}
    hidden = hidden_teams(conn, filters, codes, counts, minimum_respondents(settings))
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
            at_times(sr.submitted_at, survey_period(filters.period)),
        )
        .group_by(sr.department)
    ).all()
    if not rows:
        return None
    minimum = minimum_respondents(settings)
    counts = {str(dept): int(n) for dept, n, _, _ in rows}
    hidden = hidden_groups(counts, {}, minimum)
    whole_ok = True
    months = survey_windows(filters.period)
    for month in months if len(months) > 1 else []:
        # A department (or the organisation) too small in any one month is hidden over the span too.
        monthly = {
            str(dept): int(n)
            for dept, n in conn.execute(
                select(sr.department, func.count(func.distinct(sr.respondent_key)))
                .where(sr.team_id.is_(None), sr.question_code == "sales_perception", at_times(sr.submitted_at, month))
                .group_by(sr.department)
            ).all()
        }
        hidden |= hidden_groups(monthly, {}, minimum)
        whole_ok = whole_ok and not (0 < sum(monthly.values()) < minimum)
    total_n = sum(counts.values()) if whole_ok else 0
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


def _peer_sums(conn: Connection, scope: Scope, filters: Filters) -> dict[int, tuple]:
    """Per team: (sum of the answers, number of answers) to the peer-relationships driver."""
    sr = m.SurveyResponse
    rows = conn.execute(
        select(sr.team_id, func.sum(sr.score), func.count(sr.score))
        .where(*_survey_clauses(scope, filters), _driver_key() == PEER)
        .group_by(sr.team_id)
    ).all()
    return {int(team): (float(total), int(answers)) for team, total, answers in rows}


def _peer_of(perception: dict | None, visibility: Visibility, sums: tuple) -> Measurement:
    """The symptom from its gathered figures (the survey ones only when the privacy rules allow)."""
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
    total, answers = sums
    mean = total / answers
    parts = {"respondents": visibility.respondents, "sales_perception_org_wide": perception}
    return Measurement(
        mean,
        parts,
        detail=f"peer relationships {mean:.1f} of 5 from {visibility.respondents} respondents",
    )


def peer_competition(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Mean of the peer-relationships driver (1-5) among sellers; part: the organisation-wide
    perception of sales by other departments (``sales_perception``)."""
    return _peer_of(
        _perception(conn, filters, settings),
        survey_visibility(conn, scope, filters, [PEER], settings),
        _total(_peer_sums(conn, scope, filters).values(), 2),
    )


def peer_competition_by_team(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, team_ids: tuple[int, ...]
) -> dict[int, Measurement]:
    """:func:`peer_competition` for each of ``team_ids`` alone, in the same few grouped queries."""
    perception = _perception(conn, filters, settings)
    visibility = survey_visibility_by_team(conn, scope, filters, [PEER], settings, team_ids)
    sums = _peer_sums(conn, scope, filters)
    return {tid: _peer_of(perception, visibility[tid], sums.get(tid, (0.0, 0))) for tid in team_ids}


def peer_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    return _survey_evidence(conn, scope, filters, settings, [PEER]).head(limit)


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
        compute_by_team=top_performer_slide_by_team,
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
        compute_by_team=morale_by_team,
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
        compute_by_team=peer_competition_by_team,
        evidence=peer_evidence,
        formula="mean answer to peer_relationships (1-5) in the period",
        worst=1.0,
        best=5.0,
        grain="month",
    ),
)
