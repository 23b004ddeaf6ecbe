"""eNPS and the pulse drivers per team over time, with the confidentiality rules applied per point.

For every week / month / quarter the rules of :mod:`metrics.privacy` are applied across all teams
(the rule must not depend on who is looking), then only the viewer's teams are returned. A hidden
point carries its reason instead of a number. Only aggregates leave the database.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, case, func, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope
from metrics.common import at_times, buckets
from metrics.privacy import hidden_groups, team_parents
from metrics.settings import MetricSettings
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
    """Per team in view and per bucket (``grain`` week / month / quarter, or None for the whole
    period as one bucket): eNPS (-100..100), the mean of each driver (1-5) and the
    number of respondents, or a reason when the group is hidden.

    Visibility follows the eNPS question, exactly as the morale symptom decides it, so a point of
    this chart and the scorecard's morale for that team and bucket always agree. Teams with no
    answers in a bucket have no row for it.
    """
    sr = m.SurveyResponse
    minimum = settings.integer("privacy.min_respondents")
    parents = team_parents(conn)
    effective = filters.team_ids_within(scope)
    names = dict(conn.execute(select(m.Team.id, m.Team.name)).all())
    driver_key = case((sr.driver.in_(DRIVERS), sr.driver), else_=sr.question_code)
    rows = []
    for bucket in buckets(filters.period, grain) if grain else [filters.period]:
        when = at_times(sr.submitted_at, bucket)
        enps = conn.execute(
            select(
                sr.team_id,
                func.count(func.distinct(sr.respondent_key)),
                func.count(),
                func.sum(case((sr.score >= 9, 1), else_=0)),
                func.sum(case((sr.score <= 6, 1), else_=0)),
            )
            .where(sr.team_id.is_not(None), sr.question_code == "enps", when)
            .group_by(sr.team_id)
        ).all()
        counts = {int(r[0]): int(r[1]) for r in enps}
        hidden = hidden_groups(counts, parents, minimum)
        visible_ids = sorted(t for t in counts if effective.allows(t) and t not in hidden)
        drivers: dict[int, dict[str, float]] = {}
        if visible_ids:
            keyed = (
                select(sr.team_id.label("team_id"), driver_key.label("driver"), sr.score.label("score"))
                .where(
                    sr.team_id.in_(visible_ids),
                    when,
                    (sr.question_code.in_(DRIVERS) | sr.driver.in_(DRIVERS)),
                )
                .subquery()
            )
            for team_id, driver, mean in conn.execute(
                select(keyed.c.team_id, keyed.c.driver, func.avg(keyed.c.score)).group_by(
                    keyed.c.team_id, keyed.c.driver
                )
            ).all():
                drivers.setdefault(int(team_id), {})[str(driver)] = float(mean)
        for team_id, respondents, answers, promoters, detractors in enps:
            team_id = int(team_id)
            if not effective.allows(team_id):
                continue
            reason = hidden_reason(team_id, counts, hidden, minimum)
            shown = reason is None
            rows.append(
                {
                    "team_id": team_id,
                    "team": names.get(team_id, str(team_id)),
                    "start": bucket.start,
                    "end": bucket.end,
                    "respondents": int(respondents) if shown else None,
                    "enps": 100.0 * (int(promoters) - int(detractors)) / int(answers) if shown else None,
                    **{d: drivers.get(team_id, {}).get(d) if shown else None for d in DRIVERS},
                    "shown": shown,
                    "reason": reason,
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["team", "start"], ignore_index=True)
