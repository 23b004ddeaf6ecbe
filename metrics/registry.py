"""The metric registry: the one place pages, reports, exports and docs get a number from.

A page asks for::

    evaluate(conn, "discounting", scope, filters)        # value, previous, trend, score, status, parts
    series(conn, "discounting", scope, filters, "month")  # one row per week / month / quarter
    evidence(conn, "discounting", scope, filters)         # the rows behind the number, bounded

and :mod:`metrics.scorecard` builds the whole scorecard and the Purpose Health Index from them.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection

from data_access.scope import Filters, Scope
from metrics.common import Measurement, buckets, for_teams, only_team
from metrics.metric import Metric, MetricResult
from metrics.settings import MetricSettings
from metrics.symptoms import customers, deals, people, talk

METRICS: tuple[Metric, ...] = tuple(
    sorted(
        (*talk.METRICS, *deals.METRICS, *customers.METRICS, *people.METRICS), key=lambda metric: metric.number
    )
)
REGISTRY: dict[str, Metric] = {metric.id: metric for metric in METRICS}

SYMPTOM_IDS: tuple[str, ...] = tuple(metric.id for metric in METRICS)


def get_metric(metric_id: str) -> Metric:
    """The declared metric; KeyError names the unknown id and the known ones."""
    try:
        return REGISTRY[metric_id]
    except KeyError:
        raise KeyError(f"There is no metric {metric_id!r}; known: {', '.join(SYMPTOM_IDS)}.") from None


def _metric(metric: str | Metric) -> Metric:
    return metric if isinstance(metric, Metric) else get_metric(metric)


def score_of(metric: Metric, value: float, settings: MetricSettings) -> tuple[int, str]:
    """The 0-100 score and green / amber / red status of ``value``.

    Piecewise linear through (worst, 0), (red threshold, 50), (green threshold, 76), (best, 100),
    clamped to 0..100; the status comes from the thresholds and the score is kept inside the band
    of its status (0-50 red, 51-75 amber, 76-100 green) so the two never disagree.
    """
    green, red = settings.green(metric.id), settings.red(metric.id)
    sign = 1.0 if metric.higher_is_better else -1.0
    # Flip "lower is better" metrics so that larger always means better below.
    v, g, r, w, b = (sign * x for x in (value, green, red, metric.worst, metric.best))
    if v >= g:
        status = "green"
    elif v <= r:
        status = "red"
    else:
        status = "amber"
    points = [(min(w, r), 0.0), (r, 50.0), (g, 76.0), (max(b, g), 100.0)]
    score = _interpolate(points, v)
    if status == "green":
        score = max(76.0, score)
    elif status == "red":
        score = min(50.0, score)
    else:
        score = min(75.0, max(51.0, score))
    return int(round(score)), status


def _interpolate(points: list[tuple[float, float]], x: float) -> float:
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x <= x1:
            return y1 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def trend_of(
    metric: Metric, value: float | None, previous: float | None, settings: MetricSettings
) -> str | None:
    """``improving``, ``worsening`` or ``steady`` against the previous period; None without both."""
    if value is None or previous is None:
        return None
    steady = settings.number("trend_steady") * abs(metric.best - metric.worst)
    change = value - previous
    if abs(change) < steady:
        return "steady"
    better = change > 0 if metric.higher_is_better else change < 0
    return "improving" if better else "worsening"


def threshold_of(metric: Metric, settings: MetricSettings) -> dict:
    return {"green": settings.green(metric.id), "red": settings.red(metric.id), "direction": metric.direction}


def result_of(
    metric: Metric, current: Measurement, previous: Measurement | None, settings: MetricSettings
) -> MetricResult:
    """Combine this period's and the previous period's measurements into a scored result."""
    previous_value = None if previous is None or previous.suppressed else previous.value
    if current.suppressed:
        score, status, value, previous_value = None, "suppressed", None, None
    elif current.value is None:
        score, status, value = None, "needs", None
    else:
        value = current.value
        score, status = score_of(metric, value, settings)
    return MetricResult(
        id=metric.id,
        label=metric.label,
        value=value,
        unit=metric.unit,
        previous=previous_value,
        trend=trend_of(metric, value, previous_value, settings),
        score=score,
        status=status,
        threshold=threshold_of(metric, settings),
        needs=current.needs if status == "needs" else None,
        parts=current.parts,
        detail=current.detail,
        weight=settings.weight(metric.id),
    )


def evaluate(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    filters: Filters,
    settings: MetricSettings | None = None,
) -> MetricResult:
    """One symptom for ``filters.period`` and the previous period of the same length."""
    metric = _metric(metric)
    settings = settings or MetricSettings.defaults()
    current = metric.compute(conn, scope, filters, settings)
    before = metric.compute(conn, scope, _with_period(filters, filters.period.previous()), settings)
    return result_of(metric, current, before, settings)


def measure_by_team(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    filters: Filters,
    team_ids: tuple[int, ...],
    settings: MetricSettings,
) -> dict[int, Measurement]:
    """``metric.compute`` for each team alone, grouped when the metric has a by-team form."""
    metric = _metric(metric)
    team_ids = tuple(sorted({int(t) for t in team_ids if scope.allows(t)}))
    if not team_ids:
        return {}
    if metric.compute_by_team is not None:
        return metric.compute_by_team(conn, scope, for_teams(filters, team_ids), settings, team_ids)
    return {tid: metric.compute(conn, scope, only_team(filters, tid), settings) for tid in team_ids}


def evaluate_by_team(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    filters: Filters,
    team_ids: tuple[int, ...],
    settings: MetricSettings | None = None,
) -> dict[int, MetricResult]:
    """:func:`evaluate` for each of ``team_ids`` alone (teams outside the scope are left out)."""
    metric = _metric(metric)
    settings = settings or MetricSettings.defaults()
    current = measure_by_team(conn, metric, scope, filters, team_ids, settings)
    before_filters = _with_period(filters, filters.period.previous())
    before = measure_by_team(conn, metric, scope, before_filters, team_ids, settings)
    return {tid: result_of(metric, current[tid], before.get(tid), settings) for tid in current}


def series(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    filters: Filters,
    grain: str | None = None,
    settings: MetricSettings | None = None,
) -> pd.DataFrame:
    """The metric per week, month or quarter of ``filters.period`` (default: the metric's grain).

    Columns: ``start``, ``end``, ``value``, ``status``, ``needs``. Each row is exactly the metric
    over that bucket, so a point of a trend chart and the scorecard never disagree.
    """
    metric = _metric(metric)
    settings = settings or MetricSettings.defaults()
    rows = []
    for bucket in buckets(filters.period, grain or metric.grain):
        measured = metric.compute(conn, scope, _with_period(filters, bucket), settings)
        result = result_of(metric, measured, None, settings)
        rows.append(
            {
                "start": bucket.start,
                "end": bucket.end,
                "value": result.value,
                "status": result.status,
                "needs": result.needs,
            }
        )
    return pd.DataFrame(rows, columns=["start", "end", "value", "status", "needs"])


def evidence(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    filters: Filters,
    limit: int | None = None,
    settings: MetricSettings | None = None,
) -> pd.DataFrame:
    """The rows behind a symptom in ``filters.period``, worst first, at most ``limit`` (default the
    ``evidence_limit`` setting). Survey symptoms return per-team aggregates, never answers."""
    metric = _metric(metric)
    settings = settings or MetricSettings.defaults()
    cap = limit if limit is not None else settings.integer("evidence_limit")
    return metric.evidence(conn, scope, filters, settings, max(0, int(cap)))


def _with_period(filters: Filters, period) -> Filters:
    return Filters(period=period, team_ids=filters.team_ids, segment=filters.segment)
