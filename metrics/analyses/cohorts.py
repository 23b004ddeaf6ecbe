"""Customer cohorts: how many of the customers who started in a quarter are still customers later.

An account's cohort is the calendar quarter of its first subscription start (among the
subscriptions the viewer may see). It is retained at a checkpoint (the last day of a later quarter,
or the period's last day for the quarter still running) when it holds a live subscription that day:
started on or before it and not ended before it. Retention = retained accounts / cohort size;
ARR retention = their live ARR at the checkpoint / the cohort's ARR at the end of its first quarter.

Cohort quarters and checkpoints are calendar arithmetic done here; the counting is one grouped
query per checkpoint, so nothing but counts leaves the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from sqlalchemy import Connection, and_, case, func, or_, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope, quarter_of
from metrics.common import as_float, team_clause
from metrics.parts import RetentionParts

SUB = m.Subscription
COLUMNS = [
    "cohort",
    "cohort_start",
    "quarters_since",
    "checkpoint",
    "cohort_size",
    "retained",
    "retention",
    "arr_retention",
]


def quarter_label(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _clauses(scope: Scope, filters: Filters) -> list:
    clauses = [team_clause(SUB.team_id, scope, filters)]
    if filters.segment:
        clauses.append(SUB.account_id.in_(select(m.Account.id).where(m.Account.segment == filters.segment)))
    return clauses


def _live_on(day: dt.date):
    return and_(SUB.start_date <= day, or_(SUB.end_date.is_(None), SUB.end_date >= day))


def cohort_retention(
    conn: Connection, scope: Scope, filters: Filters, *, max_cohorts: int = 8
) -> pd.DataFrame:
    """Logo and ARR retention per cohort quarter and quarters since it started, up to the period's end.

    The last ``max_cohorts`` cohorts that started on or before ``filters.period.end`` are shown.
    Columns: ``cohort`` ("2025 Q3"), ``cohort_start``, ``quarters_since`` (0 = its own quarter),
    ``checkpoint`` (the day retention is read), ``cohort_size``, ``retained``, ``retention`` (0..1),
    ``arr_retention`` (0..1 or more with expansion; None when the cohort had no ARR at its first
    checkpoint). One row per cohort and checkpoint; empty when no subscription is in view.
    """
    until = filters.period.end
    firsts = (
        select(SUB.account_id.label("account_id"), func.min(SUB.start_date).label("first_start"))
        .where(*_clauses(scope, filters))
        .group_by(SUB.account_id)
        .subquery()
    )
    earliest = conn.execute(select(func.min(firsts.c.first_start))).scalar_one()
    if earliest is None or _day(earliest) > until:
        return pd.DataFrame(columns=COLUMNS)
    cohorts = _quarters(quarter_of(_day(earliest)).start, until)[-max_cohorts:]
    cohort_of = case(
        *[(firsts.c.first_start.between(q.start, q.end), index) for index, q in enumerate(cohorts)],
        else_=None,
    )
    sizes = dict(
        conn.execute(
            select(cohort_of, func.count())
            .select_from(firsts)
            .where(cohort_of.is_not(None))
            .group_by(cohort_of)
        ).all()
    )
    first_arr: dict[int, float] = {}
    rows = []
    checkpoints = [min(q.end, until) for q in cohorts]
    for position, checkpoint in enumerate(checkpoints):
        live = (
            select(
                cohort_of.label("cohort"),
                func.count(func.distinct(SUB.account_id)).label("retained"),
                func.coalesce(func.sum(as_float(SUB.arr)), 0.0).label("arr"),
            )
            .select_from(SUB)
            .join(firsts, firsts.c.account_id == SUB.account_id)
            .where(
                *_clauses(scope, filters), _live_on(checkpoint), cohort_of.is_not(None), cohort_of <= position
            )
            .group_by(cohort_of)
        )
        found = {int(r.cohort): (int(r.retained), float(r.arr)) for r in conn.execute(live)}
        for index in range(position + 1):
            size = int(sizes.get(index, 0))
            if not size:
                continue
            retained, arr = found.get(index, (0, 0.0))
            if index == position:
                first_arr[index] = arr
            base = first_arr.get(index)
            rows.append(
                {
                    "cohort": quarter_label(cohorts[index].start),
                    "cohort_start": cohorts[index].start,
                    "quarters_since": position - index,
                    "checkpoint": checkpoint,
                    "cohort_size": size,
                    "retained": retained,
                    "retention": retained / size,
                    "arr_retention": arr / base if base else None,
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["cohort_start", "quarters_since"], ignore_index=True)


def _quarters(first: dt.date, until: dt.date) -> list[Period]:
    quarters = []
    quarter = quarter_of(first)
    while quarter.start <= until:
        quarters.append(quarter)
        quarter = quarter_of(quarter.end + dt.timedelta(days=1))
    return quarters


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def retention_by_month(conn: Connection, scope: Scope, filters: Filters, settings=None, *, months: int = 12):
    """Logo churn, GRR and NRR per calendar month, for the ``months`` months ending with the period's.

    Each row is exactly the ``customer_churn`` metric over that month (same definition, same
    parts; to date for the month still running), so the trend and the scorecard never disagree. Columns: ``month`` (its first day),
    ``logo_churn``, ``customers_at_start``, ``customers_lost``, ``gross_revenue_retention``,
    ``net_revenue_retention`` (None for a month without customers).
    """
    from metrics.parameters import MetricSettings
    from metrics.registry import get_metric

    metric = get_metric("customer_churn")
    settings = settings or MetricSettings.defaults()
    last = filters.period.end.replace(day=1)
    firsts = [last]
    while len(firsts) < months:
        firsts.insert(0, (firsts[0] - dt.timedelta(days=1)).replace(day=1))
    rows = []
    for first in firsts:
        if first >= filters.today:
            break  # a month that has not started has nothing to show
        next_first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        # A month still running is read to date: a renewal due later in it is not churned yet.
        month = Period(first, next_first - dt.timedelta(days=1)).to_date(filters.today)
        measured = metric.measure(conn, scope, replace(filters, period=month), settings, None)[None]
        parts = RetentionParts.of(measured.parts)
        rows.append(
            {
                "month": first,
                "logo_churn": measured.value,
                "customers_at_start": parts.customers_at_start,
                "customers_lost": parts.customers_lost,
                "gross_revenue_retention": parts.gross_revenue_retention,
                "net_revenue_retention": parts.net_revenue_retention,
            }
        )
    return pd.DataFrame(rows)
