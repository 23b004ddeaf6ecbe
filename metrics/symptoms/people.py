"""Symptoms 13, 15 and 16: top performers, morale and how sellers see each other.

Survey figures go through :mod:`metrics.privacy` before a number is returned: a group under the
confidentiality minimum (or one that could be worked out by subtraction) comes back suppressed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, and_, case, func, or_, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope, previous_like, quarter_of
from metrics.common import (
    Measurement,
    as_float,
    at_times,
    keys_of,
    missing,
    nothing_to_count,
    on_days,
    only_team,
    ratio,
    read_once,
    team_clause,
)
from metrics.metric import HIGHER_IS_BETTER, LOWER_IS_BETTER, Metric, Thresholds
from metrics.parameters import MetricSettings
from metrics.privacy import (
    Visibility,
    hidden_groups,
    hidden_teams,
    item_key,
    item_visibility,
    item_visibility_by_team,
    minimum_respondents,
    month_of,
    survey_period,
    survey_visibility,
    survey_visibility_by_team,
    survey_windows,
)

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
    who won nothing), grouped by the seller's team: ``{team id: {seller id: amount}}``. One period's
    ranking is the next one's "last period": a scorecard's periods read each once
    (:func:`metrics.common.read_once`)."""
    person, opp = m.Person, m.Opportunity
    # Joined per seller rather than grouping every won deal of the period first: the join walks the
    # (owner, close date) index, which at a million deals is the difference between milliseconds and
    # a scan of the quarter's deals.
    rows = read_once(
        conn,
        select(person.team_id, person.id, func.coalesce(func.sum(as_float(opp.amount)), 0.0))
        .outerjoin(
            opp,
            and_(opp.owner_id == person.id, opp.is_won.is_(True), on_days(opp.close_date, period)),
        )
        .where(
            person.role == "seller",
            or_(person.hire_date.is_(None), person.hire_date <= period.start),
        )
        .group_by(person.team_id, person.id),
    )
    by_team: dict[int | None, dict[int, float]] = {}
    for team, pid, amount in rows:
        by_team.setdefault(team, {})[int(pid)] = float(amount)
    return by_team


def _everyone(by_team: dict[int | None, dict[int, float]]) -> dict[int, float]:
    """Every seller of every team, with their amounts."""
    return {pid: amount for sellers in by_team.values() for pid, amount in sellers.items()}


def _within(by_team: dict[int | None, dict[int, float]], teams: Scope) -> dict[int, float]:
    """The sellers of the teams ``teams`` allows, with their amounts."""
    if not teams.all_teams and len(teams.team_ids) == 1:  # one team's sellers, not a walk over every team
        (team,) = teams.team_ids
        return dict(by_team.get(team, {}))
    return {
        pid: amount
        for team, sellers in by_team.items()
        if teams.allows(team)
        for pid, amount in sellers.items()
    }


def _quartile_size(sellers: int, share: float) -> int:
    return max(1, math.ceil(sellers * share))


def _at_or_above(amounts: dict[int, float], size: int, best: bool = True) -> set[int]:
    """The sellers ranked in the first ``size`` by amount (best first, or worst first), ties sharing
    the place: everyone whose amount equals the cut-off seller's is in, so no id breaks a tie."""
    if not amounts or size <= 0:
        return set()
    ordered = sorted(amounts.values(), reverse=best)
    cut = ordered[min(size, len(ordered)) - 1]
    return {pid for pid, amount in amounts.items() if (amount >= cut if best else amount <= cut)}


@dataclass(frozen=True)
class _Ranking:
    """The sales force ranked by won amount, last period and this one: the same for every view.

    ``before`` and ``now`` are ``{team id: {seller id: won amount}}``; ``top_before`` is last period's
    top quartile of the sellers who won something (ties share it), and ``left`` those of them gone by
    the end of this period. ``too_few`` says why no quartile can be drawn, when it cannot.
    """

    before: dict[int | None, dict[int, float]]
    now: dict[int | None, dict[int, float]]
    top_before: frozenset[int]
    left: frozenset[int]
    share: float
    too_few: str | None = None
    _quartiles: dict = field(default_factory=dict, compare=False, repr=False)

    def quartiles_now(self, left_out: frozenset[int]) -> tuple[set[int], set[int]]:
        """This period's top quartile (of the sellers who won something) and bottom quartile (of
        all), the sellers ``left_out`` left out: worked out once per set of leavers, as most views
        of 200 teams leave out the same few (or none)."""
        if left_out not in self._quartiles:
            staying = {pid: amount for pid, amount in _everyone(self.now).items() if pid not in left_out}
            winners = {pid: amount for pid, amount in staying.items() if amount > 0}
            top = _at_or_above(winners, _quartile_size(len(winners), self.share))
            bottom = _at_or_above(staying, _quartile_size(len(staying), self.share), best=False) - top
            self._quartiles[left_out] = (top, bottom)
        return self._quartiles[left_out]


def _last_period(period: Period) -> Period:
    """Whose top performers are followed: the previous quarter for a quarter, also while it runs (a
    quarter to date is still ranked against the whole quarter before it), else the period before."""
    quarter = quarter_of(period.start)
    if period.start == quarter.start and period.end <= quarter.end:
        return previous_like(quarter)
    return previous_like(period)


def _ranking(conn: Connection, filters: Filters, settings: MetricSettings) -> _Ranking:
    """The ranking of the whole sales force for ``filters.period`` against the period before it.

    Only sellers who won something last period can be its top performers, and a top quartile needs
    enough of them (``top_quartile_min_sellers``) to mean anything."""
    share = settings.number("top_quartile")
    before = _won_by_seller(conn, _last_period(filters.period))
    now = _won_by_seller(conn, filters.period)
    winners = {pid: amount for pid, amount in _everyone(before).items() if amount > 0}
    least = settings.integer("top_quartile_min_sellers")
    if len(winners) < least:
        why = (
            f"too few to rank: {len(winners)} sellers won deals in the previous period (ranked from {least})"
        )
        return _Ranking(before, now, frozenset(), frozenset(), share, why)
    top_before = _at_or_above(winners, _quartile_size(len(winners), share))
    left = set(
        conn.execute(
            select(m.Person.id).where(
                m.Person.id.in_(sorted(top_before)),
                m.Person.termination_date.is_not(None),
                m.Person.termination_date <= filters.period.end,
            )
        ).scalars()
    )
    return _Ranking(before, now, frozenset(top_before), frozenset(left), share)


def _slide_in(ranking: _Ranking, teams: Scope) -> dict | None:
    """Where last period's top performers of the teams ``teams`` allows stand now; None when it has none.

    Quartiles are the sales force's, not a team's: a team of seven has a "top quartile" of two, and
    one lumpy deal would move it. Sellers are ranked across the organisation, then only the top
    performers in the view are counted (the ranking shows no other team's figures). This period's
    quartiles leave out the view's top performers who left; ties share a quartile.
    """
    before = _within(ranking.before, teams)
    top = sorted((pid for pid in ranking.top_before if pid in before), key=lambda pid: -before[pid])
    if not top:
        return None
    left_ids = ranking.left.intersection(top)
    top_now, bottom_now = ranking.quartiles_now(left_ids)
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
    return {"status": status, "before": before, "now": _within(ranking.now, teams)}


def _slide(conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings) -> dict | None:
    ranking = _ranking(conn, filters, settings)
    return None if ranking.too_few else _slide_in(ranking, filters.team_ids_within(scope))


def _slide_measurement(slide: dict | None, ranking: _Ranking) -> Measurement:
    """The symptom from :func:`_slide_in`'s statuses."""
    if ranking.too_few:
        return nothing_to_count(ranking.too_few)
    if slide is None:
        return nothing_to_count("none of last period's top performers sold in these teams")
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
        n=top,
        detail=f"{gone} of last period's {top} top performers are no longer on top ({counts['left']} left)",
    )


def top_performer_slide(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """Share of the previous period's top-quartile sellers (by won amount, ranked across the sales
    force) in the view who are no longer in the top quartile now: slid to the middle or bottom
    quartiles, or left. One ranking of the sales force serves every team. Part: top-performer attrition."""
    ranking = _ranking(conn, filters, settings)
    result = {}
    for key in keys_of(teams):
        teams_asked = (filters if key is None else only_team(filters, key)).team_ids_within(scope)
        slide = None if ranking.too_few else _slide_in(ranking, teams_asked)
        result[key] = _slide_measurement(slide, ranking)
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
    rows = read_once(
        conn,
        select(
            person.team_id,
            _count_where(and_(*_employed_on(period.start))),
            _count_where(and_(*_employed_on(period.end))),
            _count_where(leaving),
            _count_where(and_(leaving, person.termination_voluntary.is_(True))),
            _count_where(and_(leaving, person.termination_voluntary.is_(None))),
        )
        .where(team_clause(person.team_id, scope, filters), person.role.in_(SALES_ROLES))
        .group_by(person.team_id),
    )
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
        select(keyed.c.team_id, keyed.c.driver, func.sum(keyed.c.score), func.count(keyed.c.score)).group_by(
            keyed.c.team_id, keyed.c.driver
        )
    ).all()
    sums: dict[int, dict[str, tuple]] = {}
    for team, driver, total, answers in rows:
        sums.setdefault(int(team), {})[driver] = (float(total), int(answers))
    return sums


def _driver_means(
    per_team: list[dict[str, tuple]], visible: dict[str, Visibility]
) -> dict[str, float | None]:
    """Mean answer to each pulse driver over the teams' sums: None for a driver nobody answered and
    for one whose own respondents are too few to show (each driver is its own group)."""
    means = {}
    for name in DRIVERS:
        total, answers = _total((sums[name] for sums in per_team if name in sums), 2)
        means[name] = total / answers if answers and visible[name].shown else None
    return means


def _morale_of(
    attrition: dict, visibility: Visibility, enps: tuple, drivers: dict[str, float | None], low: int
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
        "low_confidence": visibility.respondents < low,
        **attrition,
    }
    return Measurement(
        value,
        parts,
        n=visibility.respondents,
        detail=f"eNPS {value:+.0f} from {visibility.respondents} respondents; {attrition['leavers']} {'leaver' if attrition['leavers'] == 1 else 'leavers'}",
    )


def _one(table: dict, key: int | None, width: int) -> tuple:
    """A team's counts from a per-team table, or (key None) the sums over every team in it."""
    return _total(table.values(), width) if key is None else table.get(key, (0,) * width)


def _item_visibility(conn, scope, filters, items, settings, teams) -> dict[int | None, dict[str, Visibility]]:
    """Per key, each survey item's own visibility (every driver is its own group)."""
    if teams is None:
        return {None: item_visibility(conn, scope, filters, items, settings)}
    return item_visibility_by_team(conn, scope, filters, items, settings, teams)


def _visibility(conn, scope, filters, codes, settings, teams) -> dict[int | None, Visibility]:
    if teams is None:
        return {None: survey_visibility(conn, scope, filters, codes, settings)}
    return survey_visibility_by_team(conn, scope, filters, codes, settings, teams)


def morale(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """eNPS = % answering 9-10 minus % answering 0-6 to "How likely are you to recommend working here?".

    Parts: mean of each pulse driver (1-5), participation (respondents / people on the team at some
    time in the period), attrition and voluntary attrition (leavers / average headcount). Survey parts
    follow the privacy rules. The same few grouped queries serve one team or all of them.
    """
    attrition = _attrition_counts(conn, scope, filters)
    visibility = _visibility(conn, scope, filters, ["enps"], settings, teams)
    enps = _enps_counts(conn, scope, filters)
    drivers = _driver_sums(conn, scope, filters)
    driver_visibility = _item_visibility(conn, scope, filters, DRIVERS, settings, teams)
    low = settings.integer("enps_low_confidence")
    return {
        key: _morale_of(
            _attrition(_one(attrition, key, 5)),
            visibility[key],
            _one(enps, key, 3),
            _driver_means(
                list(drivers.values()) if key is None else [drivers.get(key, {})], driver_visibility[key]
            ),
            low,
        )
        for key in keys_of(teams)
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
    if len(months) > 1:
        # A department (or the organisation) too small in any one month is hidden over the span too.
        month = month_of(sr.submitted_at, months)
        monthly: list[dict[str, int]] = [{} for _ in months]
        for index, dept, n in conn.execute(
            select(month, sr.department, func.count(func.distinct(sr.respondent_key)))
            .where(
                sr.team_id.is_(None),
                sr.question_code == "sales_perception",
                at_times(sr.submitted_at, survey_period(filters.period)),
            )
            .group_by(month, sr.department)
        ).all():
            if index is not None:
                monthly[int(index)][str(dept)] = int(n)
        for in_month in monthly:
            hidden |= hidden_groups(in_month, {}, minimum)
            whole_ok = whole_ok and not (0 < sum(in_month.values()) < minimum)
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
        n=visibility.respondents,
        detail=f"peer relationships {mean:.1f} of 5 from {visibility.respondents} respondents",
    )


def peer_competition(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """Mean of the peer-relationships driver (1-5) among sellers; part: the organisation-wide
    perception of sales by other departments (``sales_perception``)."""
    perception = _perception(conn, filters, settings)
    visibility = _visibility(conn, scope, filters, [PEER], settings, teams)
    sums = _peer_sums(conn, scope, filters)
    return {key: _peer_of(perception, visibility[key], _one(sums, key, 2)) for key in keys_of(teams)}


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
        kind="custom",
        direction=LOWER_IS_BETTER,
        data_needed=("people with team, role, hire and termination dates", "won deals with owner"),
        thresholds=Thresholds(
            green=0.5,
            red=0.8,
            rationale="Seed 002: top performers sliding to the middle. Some regression to the mean is expected (about half of a top quartile stays on top between quarters); four in five leaving it is a slide.",
        ),
        weight=0.5,
        sample="last period's top performers",
        min_sample=2,
        measure=top_performer_slide,
        evidence=slide_evidence,
        formula="previous top-quartile sellers now below the top quartile or gone / previous top-quartile sellers",
        worst=1.0,
        best=0.0,
        grain="quarter",
        # A quarter still running ranks sellers on a few weeks against a whole quarter: early on
        # almost everyone would have "slid". Shown to date, scored once the quarter is over.
        whole_period=True,
    ),
    Metric(
        id="morale",
        number=15,
        label="Morale (eNPS)",
        description="Morale declines: eNPS, pulse drivers (meaning/purpose, recognition, peer relationships, "
        "workload), participation and voluntary attrition.",
        unit="points",
        kind="custom",
        direction=HIGHER_IS_BETTER,
        data_needed=(SURVEY + " (eNPS, drivers)", "people with hire and termination dates"),
        thresholds=Thresholds(
            green=20.0,
            red=-5.0,
            rationale="eNPS benchmarks put +10 to +30 as typical for healthy companies; below zero more people would warn against working here than recommend it.",
        ),
        weight=1.5,
        sample="respondents",
        min_sample=5,
        measure=morale,
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
        kind="custom",
        direction=HIGHER_IS_BETTER,
        data_needed=(SURVEY + " (peer_relationships; sales_perception from other departments)",),
        thresholds=Thresholds(
            green=3.6,
            red=2.8,
            rationale="On a 1-5 agreement scale 3.6 and up is broad agreement (most answer 4 or 5); under 2.8 most disagree that peers help each other.",
        ),
        weight=1.0,
        sample="respondents",
        min_sample=5,
        measure=peer_competition,
        evidence=peer_evidence,
        formula="mean answer to peer_relationships (1-5) in the period",
        worst=1.0,
        best=5.0,
        grain="month",
    ),
)
