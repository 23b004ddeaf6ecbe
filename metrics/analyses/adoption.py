"""Before and after the Noble Sales Purpose launch: has each measure moved, and in which teams?

The comparison, stated once (the page shows it too):

* **after** is the chosen period, counted from the adoption date on (a period that starts before
  the launch is cut at the launch);
* **before** is a window of the same number of days that ends the day before the adoption date.

A team that adopted the NSP on its own date (``Team.nsp_adopted_on``) is compared around that date;
every other team, and the whole view, around the organisation's launch date. Each value is the
registry's own metric over that window, so survey figures follow the confidentiality rules and a
missing source says what it needs instead of showing a number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import Connection, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope
from metrics.common import buckets
from metrics.parameters import MetricSettings
from metrics.registry import get_metric, measure, result_of, trend_of
from metrics.scorecard import sales_teams

ADOPTION_MEASURES: tuple[str, ...] = (
    "customer_talk_share",
    "deal_reviews_with_customer_questions",
    "pipeline_with_customer_outcome",
    "discounting",
    "customer_churn",
    "morale",
)
ALL_TEAMS = "All teams in view"
COLUMNS = [
    "group",
    "team_id",
    "adopted_on",
    "own_date",
    "measure",
    "label",
    "unit",
    "before",
    "after",
    "change",
    "trend",
    "before_status",
    "after_status",
    "before_needs",
    "after_needs",
    "before_n",
    "after_n",
    "before_start",
    "before_end",
    "after_start",
    "after_end",
]


@dataclass(frozen=True)
class Windows:
    """The two windows compared around one adoption date; both None when the period ends before it."""

    adopted_on: dt.date
    before: Period | None
    after: Period | None


def since_launch(filters: Filters, launch: dt.date) -> Filters:
    """``filters`` over the days from the launch to yesterday: what "since launch" compares with as
    many days before it. Before the launch has a day behind it, ``filters`` as they are."""
    yesterday = filters.today - dt.timedelta(days=1)
    if launch > yesterday:
        return filters  # nothing has happened since yet: the page compares the chosen period, or says why not
    return replace(filters, period=Period(launch, yesterday))


def windows(adopted_on: dt.date, period: Period) -> Windows:
    """``after`` = ``period`` from ``adopted_on`` on; ``before`` = as many days, ending the day before."""
    if period.end < adopted_on:
        return Windows(adopted_on, None, None)
    after = Period(max(period.start, adopted_on), period.end)
    before_end = adopted_on - dt.timedelta(days=1)
    return Windows(adopted_on, Period(before_end - dt.timedelta(days=after.days - 1), before_end), after)


@dataclass(frozen=True)
class AdoptingTeam:
    id: int
    name: str
    nsp_adopted_on: dt.date | None


def adopting_teams(conn: Connection, scope: Scope, filters: Filters) -> list[AdoptingTeam]:
    """The sales teams in view (scope narrowed by the filters), with their own adoption date if any."""
    ids = [tid for tid, _ in sales_teams(conn, filters.team_ids_within(scope))]
    if not ids:
        return []
    rows = conn.execute(
        select(m.Team.id, m.Team.name, m.Team.nsp_adopted_on).where(m.Team.id.in_(ids)).order_by(m.Team.name)
    ).all()
    return [AdoptingTeam(int(r[0]), str(r[1]), _as_date(r[2])) for r in rows]


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _measures_by_team(conn, metric, scope, filters: Filters, period: Period | None, team_ids, settings):
    """{team id: scored result of ``metric`` over ``period``} for each team alone, grouped."""
    if period is None:
        return {}
    window = replace(filters, period=period, team_ids=None)
    # A window still running is measured to date: renewals due later in it are not churned yet.
    measured = measure(conn, metric, scope, _to_date(window), settings, tuple(team_ids))
    return {tid: result_of(metric, value, None, settings, window) for tid, value in measured.items()}


def _to_date(filters: Filters) -> Filters:
    return replace(filters, period=filters.period.to_date(filters.today))


def _measure(conn, metric, scope, filters: Filters, period: Period | None, settings):
    if period is None:
        return None
    narrowed = replace(filters, period=period)
    measured = measure(conn, metric, scope, _to_date(narrowed), settings)[None]
    return result_of(metric, measured, None, settings, narrowed)


def before_after(
    conn: Connection,
    scope: Scope,
    filters: Filters,
    launch: dt.date,
    settings: MetricSettings,
    measures: tuple[str, ...] = ADOPTION_MEASURES,
) -> pd.DataFrame:
    """Every measure before and after adoption, for all teams in view and for each sales team.

    One row per (group, measure); the first group is :data:`ALL_TEAMS` (around ``launch``), then the
    teams by name. ``change`` is after - before (None unless both exist) and ``trend`` says whether
    it is an improvement, in the metric's own direction, as the scorecard would say it.

    Teams sharing an adoption date share their windows, so each measure is computed for all of them
    at once (:func:`metrics.registry.measure_by_team`): the cost follows the number of distinct
    adoption dates, not the number of teams.
    """
    teams = adopting_teams(conn, scope, filters)
    results: dict[tuple[int | None, str], tuple] = {}
    everyone = windows(launch, filters.period)
    for metric_id in measures:
        metric = get_metric(metric_id)
        results[(None, metric_id)] = (
            _measure(conn, metric, scope, filters, everyone.before, settings),
            _measure(conn, metric, scope, filters, everyone.after, settings),
        )
    by_date: dict[dt.date, list[int]] = {}
    for team in teams:
        by_date.setdefault(team.nsp_adopted_on or launch, []).append(team.id)
    for adopted_on, team_ids in by_date.items():
        span = windows(adopted_on, filters.period)
        for metric_id in measures:
            metric = get_metric(metric_id)
            before = _measures_by_team(conn, metric, scope, filters, span.before, team_ids, settings)
            after = _measures_by_team(conn, metric, scope, filters, span.after, team_ids, settings)
            for tid in team_ids:
                results[(tid, metric_id)] = (before.get(tid), after.get(tid))
    groups = [(ALL_TEAMS, None, launch, False)]
    groups += [
        (team.name, team.id, team.nsp_adopted_on or launch, team.nsp_adopted_on is not None) for team in teams
    ]
    rows = []
    for name, team_id, adopted_on, own in groups:
        span = windows(adopted_on, filters.period)
        for metric_id in measures:
            metric = get_metric(metric_id)
            before, after = results[(team_id, metric_id)]
            # Only a scored side is compared: too few or no data on either side leaves no change.
            before_value = before.value if before and before.scored else None
            after_value = after.value if after and after.scored else None
            both = before_value is not None and after_value is not None
            rows.append(
                {
                    "group": name,
                    "team_id": team_id,
                    "adopted_on": adopted_on,
                    "own_date": own,
                    "measure": metric_id,
                    "label": metric.label,
                    "unit": metric.unit,
                    "before": before_value,
                    "after": after_value,
                    "change": after_value - before_value if both else None,
                    "trend": trend_of(metric, after_value, before_value, settings),
                    "before_status": before.status if before else None,
                    "after_status": after.status if after else None,
                    "before_needs": (before.reason if before else None),
                    "after_needs": (after.reason if after else None),
                    "before_n": before.n if before else None,
                    "after_n": after.n if after else None,
                    "before_start": span.before.start if span.before else None,
                    "before_end": span.before.end if span.before else None,
                    "after_start": span.after.start if span.after else None,
                    "after_end": span.after.end if span.after else None,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def trend_period(launch: dt.date, teams: list[AdoptingTeam], period: Period) -> Period:
    """The months a trend chart covers: from the earliest ``before`` window to the period's end, so
    every team's launch date sits inside the chart."""
    dates = [launch, *(t.nsp_adopted_on for t in teams if t.nsp_adopted_on)]
    starts = [w.before.start for w in (windows(d, period) for d in dates) if w.before is not None]
    start = min(starts, default=period.start)
    return Period(min(start, period.start), period.end)


def series_by_team(
    conn: Connection, scope: Scope, filters: Filters, period: Period, metric_id: str, settings: MetricSettings
) -> pd.DataFrame:
    """The registry's monthly series of ``metric_id`` over ``period`` for each sales team in view.

    Columns: ``team`` and those of :func:`metrics.registry.series` (``start``, ``end``, ``value``,
    ``status``, ``needs``); a point of a team's line equals that team's scorecard value for the month.
    Each month is computed for every team at once.
    """
    columns = ["start", "end", "value", "status", "needs", "team"]
    teams = adopting_teams(conn, scope, filters)
    if not teams:
        return pd.DataFrame(columns=columns)
    metric = get_metric(metric_id)
    ids = [team.id for team in teams]
    by_month = [
        (bucket, _measures_by_team(conn, metric, scope, filters, bucket, ids, settings))
        for bucket in buckets(period, "month")
    ]
    rows = [
        [
            bucket.start,
            bucket.end,
            results[team.id].value,
            results[team.id].status,
            results[team.id].reason,
            team.name,
        ]
        for team in teams
        for bucket, results in by_month
    ]
    return pd.DataFrame(rows, columns=columns)
