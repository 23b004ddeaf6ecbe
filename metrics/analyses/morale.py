"""eNPS and the pulse drivers per team over time, with the confidentiality rules applied per point.

For every week / month / quarter the rules of :mod:`metrics.privacy` are applied across all teams
(the rule must not depend on who is looking), then only the viewer's teams are returned. A hidden
point carries its reason instead of a number. Only aggregates leave the database.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, case, func, or_, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope
from metrics.common import at_times, buckets
from metrics.parameters import MetricSettings
from metrics.privacy import (
    hidden_groups,
    item_key,
    item_respondents,
    minimum_respondents,
    survey_period,
    survey_windows,
    team_parents,
)
from metrics.symptoms.people import DRIVERS

TOO_FEW = "hidden: fewer than {minimum} respondents"
BY_SUBTRACTION = "hidden so a smaller group cannot be worked out by subtraction"
COLUMNS = ["team_id", "team", "start", "end", "respondents", "enps", *DRIVERS, "shown", "reason"]


def hidden_reason(team_id: int, counts: dict[int, int], hidden: set, minimum: int) -> str | None:
    """Why a group is hidden, in the words the page shows; None when it is shown."""
    if team_id not in hidden:
        return None
    if counts.get(team_id, 0) < minimum:
        return TOO_FEW.format(minimum=minimum)
    return BY_SUBTRACTION


def twelve_months_to(period: Period) -> Period:
    """The twelve calendar months ending with the month ``period`` ends in, or ``period`` itself when
    it starts earlier: the span a morale trend needs to show a direction."""
    month = period.end.year * 12 + period.end.month - 1 - 11
    start = dt.date(month // 12, month % 12 + 1, 1)
    return Period(min(start, period.start), period.end)


def morale_by_team(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, grain: str | None = "month"
) -> pd.DataFrame:
    """Per team in view and per bucket (``grain`` month / quarter, or None for the whole period as
    one bucket): eNPS (-100..100), the mean of each driver (1-5) and the number of respondents, or a
    reason when the group is hidden.

    Buckets are survey windows: the period is first widened to whole calendar months
    (:func:`metrics.privacy.survey_period`) and a weekly grain counts as monthly, so no two views
    can differ by a few days' respondents; a bucket of several months shows an item only where
    every month of it passes the rules on its own. Each item (eNPS, each driver) is its own group under the
    privacy rules: a team's eNPS can show while one of its drivers, answered by too few, is hidden;
    driver means show whether or not the survey asked the eNPS question. ``shown`` says whether any
    item of the row is shown. Teams with no answers in a bucket have no row for it.
    """
    sr = m.SurveyResponse
    minimum = minimum_respondents(settings)
    parents = team_parents(conn)
    effective = filters.team_ids_within(scope)
    names = dict(conn.execute(select(m.Team.id, m.Team.name)).all())
    items = ("enps", *DRIVERS)
    key = item_key(DRIVERS)
    period = survey_period(filters.period)
    grain = "month" if grain == "week" else grain
    rows = []
    for bucket in buckets(period, grain) if grain else [period]:
        when = at_times(sr.submitted_at, bucket)
        keyed = (
            select(
                sr.team_id.label("team_id"),
                key.label("item"),
                sr.respondent_key.label("who"),
                sr.score.label("score"),
            )
            .where(sr.team_id.is_not(None), when, or_(sr.question_code.in_(items), sr.driver.in_(DRIVERS)))
            .subquery()
        )
        stats = conn.execute(
            select(
                keyed.c.team_id,
                keyed.c.item,
                func.count(func.distinct(keyed.c.who)),
                func.count(),
                func.sum(case((keyed.c.score >= 9, 1), else_=0)),
                func.sum(case((keyed.c.score <= 6, 1), else_=0)),
                func.avg(keyed.c.score),
            ).group_by(keyed.c.team_id, keyed.c.item)
        ).all()
        counts: dict[str, dict[int, int]] = {item: {} for item in items}
        figures: dict[int, dict[str, float]] = {}
        everyone: dict[int, int] = {}
        for team_id, item, respondents, answers, promoters, detractors, mean in stats:
            if item not in counts:
                continue
            team_id = int(team_id)
            counts[item][team_id] = int(respondents)
            everyone[team_id] = max(everyone.get(team_id, 0), int(respondents))
            figures.setdefault(team_id, {})[item] = (
                100.0 * (int(promoters) - int(detractors)) / int(answers) if item == "enps" else float(mean)
            )
        hidden = {item: hidden_groups(counts[item], parents, minimum) for item in items}
        months = survey_windows(bucket)
        if len(months) > 1:
            # A figure over several months shows only where every month of it passes on its own.
            for month in months:
                monthly = item_respondents(conn, Filters(month), items)
                for item in items:
                    hidden[item] |= hidden_groups(monthly[item], parents, minimum)
        for team_id in sorted(everyone):
            if not effective.allows(team_id):
                continue
            visible = {item: team_id in counts[item] and team_id not in hidden[item] for item in items}
            shown = any(visible.values())
            main = (
                "enps" if team_id in counts["enps"] else max(items, key=lambda i: counts[i].get(team_id, 0))
            )
            reason = None if shown else hidden_reason(team_id, counts[main], hidden[main], minimum)
            rows.append(
                {
                    "team_id": team_id,
                    "team": names.get(team_id, str(team_id)),
                    "start": bucket.start,
                    "end": bucket.end,
                    "respondents": max(counts[i].get(team_id, 0) for i in items if visible[i])
                    if shown
                    else None,
                    **{item: figures[team_id].get(item) if visible[item] else None for item in items},
                    "shown": shown,
                    "reason": reason,
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["team", "start"], ignore_index=True)
