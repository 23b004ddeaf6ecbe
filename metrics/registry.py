"""The metric registry: the one place pages, reports, exports and docs get a number from.

A page asks for::

    evaluate(conn, "discounting", scope, filters)        # value, previous, trend, score, status, parts
    series(conn, "discounting", scope, filters, "month")  # one row per week / month / quarter
    evidence(conn, "discounting", scope, filters)         # the rows behind the number, bounded

and :mod:`metrics.scorecard` builds the whole scorecard and the Purpose Health Index from them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace

import pandas as pd
from sqlalchemy import Connection

from data_access.scope import Filters, Period, Scope, period_kind, previous_like
from metrics.common import Measurement, buckets, for_teams, with_period
from metrics.metric import INCOMPLETE, NEEDS, SCORED, SUPPRESSED, TOO_FEW, Metric, MetricResult
from metrics.parameters import MetricSettings
from metrics.symptoms import customers, deals, people, talk

METRICS: tuple[Metric, ...] = tuple(
    sorted(
        (*talk.METRICS, *deals.METRICS, *customers.METRICS, *people.METRICS), key=lambda metric: metric.number
    )
)
REGISTRY: dict[str, Metric] = {metric.id: metric for metric in METRICS}

SYMPTOM_IDS: tuple[str, ...] = tuple(metric.id for metric in METRICS)
# The LIMIT of a download: every row there is (SQL needs a number).
EVERY_ROW = 2**31 - 1


def get_metric(metric_id: str) -> Metric:
    """The declared metric; KeyError names the unknown id and the known ones."""
    try:
        return REGISTRY[metric_id]
    except KeyError:
        raise KeyError(f"There is no metric {metric_id!r}; known: {', '.join(SYMPTOM_IDS)}.") from None


def _metric(metric: str | Metric) -> Metric:
    return metric if isinstance(metric, Metric) else get_metric(metric)


def score_of(metric: Metric, value: float, settings: MetricSettings) -> tuple[int, str]:
    """The 0-100 score and green / amber / red status of ``value`` against the metric's thresholds."""
    return band_score(
        value,
        settings.green(metric.id),
        settings.red(metric.id),
        metric.worst,
        metric.best,
        metric.higher_is_better,
    )


def band_score(
    value: float, green: float, red: float, worst: float, best: float, higher_is_better: bool
) -> tuple[int, str]:
    """Piecewise linear through (worst, 0), (red threshold, 50), (green threshold, 76), (best, 100),
    clamped to 0..100; the status comes from the thresholds and the score is kept inside the band
    of its status (0-50 red, 51-75 amber, 76-100 green) so the two never disagree.
    """
    sign = 1.0 if higher_is_better else -1.0
    # Flip "lower is better" metrics so that larger always means better below.
    v, g, r, w, b = (sign * x for x in (value, green, red, worst, best))
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


def standing_of(
    metric: Metric, measured: Measurement, filters: Filters, settings: MetricSettings
) -> tuple[str, str | None]:
    """The state of a figure (see :data:`metrics.metric.STATES`) and, unless scored, why in words."""
    if measured.suppressed:
        return SUPPRESSED, "hidden: the survey group is under the confidentiality minimum"
    if measured.needs is not None and measured.value is None:
        return NEEDS, measured.needs
    if measured.value is None:
        return TOO_FEW, measured.too_few or "nothing to measure in this period"
    if metric.whole_period and filters.running:
        return INCOMPLETE, f"the period has not ended: {metric.label.lower()} is shown to date, not scored"
    if measured.too_few:
        return TOO_FEW, measured.too_few
    least = settings.min_sample(metric.id)
    if measured.n is not None and measured.n < least:
        return TOO_FEW, f"too few to score: {measured.n:,} {metric.sample} (scored from {least:,})"
    return SCORED, None


def result_of(
    metric: Metric,
    current: Measurement,
    previous: Measurement | None,
    settings: MetricSettings,
    filters: Filters,
    comparison: str = "",
) -> MetricResult:
    """Combine this period's and the previous period's measurements into a result with its standing.

    Only a scored figure gets a score and a band; the previous value is kept only when it would have
    been scored itself, so a trend never compares against too few."""
    state, reason = standing_of(metric, current, filters, settings)
    value = current.value if state in (SCORED, TOO_FEW, INCOMPLETE) else None
    previous_value = previous_score = None
    if previous is not None and state != SUPPRESSED:
        before_state, _ = standing_of(metric, previous, _ended(filters), settings)
        if before_state == SCORED:
            previous_value = previous.value
            previous_score, _ = _with_second_figure(
                metric, previous, settings, *score_of(metric, previous.value, settings)
            )
    score, status = None, state
    if state == SCORED:
        score, status = score_of(metric, current.value, settings)
        score, status = _with_second_figure(metric, current, settings, score, status)
    return MetricResult(
        id=metric.id,
        label=metric.label,
        value=value,
        unit=metric.unit,
        previous=previous_value,
        trend=trend_of(metric, value, previous_value, settings) if state in (SCORED, INCOMPLETE) else None,
        score=score,
        status=status,
        threshold=threshold_of(metric, settings),
        needs=current.needs if state == NEEDS else None,
        parts=current.parts,
        detail=current.detail,
        weight=settings.weight(metric.id),
        n=current.n,
        state=state,
        reason=reason,
        comparison=comparison,
        previous_score=previous_score,
    )


def _with_second_figure(metric: Metric, measured: Measurement, settings: MetricSettings, score, status):
    """A metric whose band also follows a second figure (discounting: how deep, not only how often)
    takes the worse of the two scores."""
    depth = metric.depth
    value = None if depth is None else measured.parts.get(depth.part)
    if value is None:
        return score, status
    second = band_score(
        float(value),
        settings.number(f"depth.{metric.id}.green"),
        settings.number(f"depth.{metric.id}.red"),
        depth.worst,
        depth.best,
        metric.higher_is_better,
    )
    return second if second[0] < score else (score, status)


@functools.lru_cache(maxsize=256)
def _ended(filters: Filters) -> Filters:
    """The previous period has always ended: judge its standing as such (asked once per result, so
    200 teams' results of a period share one)."""
    return replace(filters, as_of=dt.date.max)


def comparison_of(filters: Filters) -> tuple[Filters, Filters, str]:
    """The filters of the figure (the period to date while it runs), the filters of the period it is
    compared with, and how they compare in words.

    Like with like: a calendar quarter or month against the previous one; a period still running
    against the same number of days from the start of the previous one; any other period against the
    same number of days just before it.
    """
    period, today = filters.period, filters.today
    current = period.to_date(today)
    previous_whole = previous_like(period)
    if current != period:
        days = current.days
        before = Period(
            previous_whole.start, min(previous_whole.end, previous_whole.start + dt.timedelta(days=days - 1))
        )
        words = f"to date ({current.days} days) against the first {before.days} days of the previous period"
    else:
        before = previous_whole
        words = "against the previous " + period_kind(period)
    return with_period(filters, current), with_period(filters, before), words


def _narrowed(
    scope: Scope, periods: list[Filters], teams: tuple[int, ...] | None, every_team: bool = False
) -> tuple[list[Filters], tuple[int, ...] | None]:
    """The filters each team-grouped measurement reads (narrowed to the teams in scope and asked
    for), and those teams; ``teams`` None stays None (everything in view).

    ``every_team`` says ``teams`` are all the sales teams in view: when the viewer may see every team
    the rows are then read unnarrowed (grouping by team keeps each team's rows apart, and a list of
    200 team ids costs the analytical copy as much as the rest of a statement's filter)."""
    if teams is None:
        return periods, None
    allowed = periods[0].team_ids_within(scope)
    team_ids = tuple(sorted({int(t) for t in teams if allowed.allows(int(t))}))
    if every_team and allowed.all_teams:
        return periods, team_ids
    return [for_teams(filters, team_ids) for filters in periods], team_ids


def measure(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    filters: Filters,
    settings: MetricSettings,
    teams: tuple[int, ...] | None = None,
) -> dict[int | None, Measurement]:
    """``metric.measure`` over everything in view (``teams`` None, key None) or for each of ``teams``
    alone (teams outside the viewer's scope or the Teams filter are left out)."""
    return measure_periods(conn, metric, scope, [filters], settings, teams)[0]


def measure_periods(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    periods: list[Filters],
    settings: MetricSettings,
    teams: tuple[int, ...] | None = None,
    every_team: bool = False,
) -> list[dict[int | None, Measurement]]:
    """:func:`measure` for each of ``periods`` (filters that differ in their period only), in that
    order, one measurement each.

    Measuring two periods in one statement (each sum over its own period's rows, the rows read once)
    was measured on the declared ratios at a million deals and not kept: the late-stage symptoms took
    1.5 times as long, every row checked against both periods' history, and the pipeline symptom
    gained nothing (docs/performance.md)."""
    metric = _metric(metric)
    narrowed, team_ids = _narrowed(scope, periods, teams, every_team)
    if team_ids == ():
        return [{} for _ in periods]
    return [metric.measure(conn, scope, filters, settings, team_ids) for filters in narrowed]


def evaluate(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    filters: Filters,
    settings: MetricSettings | None = None,
) -> MetricResult:
    """One symptom for ``filters.period`` (to date while it runs) against the period it compares with."""
    metric = _metric(metric)
    settings = settings or MetricSettings.defaults()
    now, before, words = comparison_of(filters)
    current, previous = measure_periods(conn, metric, scope, [now, before], settings)
    return result_of(metric, current[None], previous[None], settings, filters, words)


def evaluate_by_team(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    filters: Filters,
    team_ids: tuple[int, ...],
    settings: MetricSettings | None = None,
) -> dict[int, MetricResult]:
    """:func:`evaluate` for each of ``team_ids`` alone, in grouped queries (teams outside the scope
    or the Teams filter are left out)."""
    return evaluate_by_team_periods(conn, metric, scope, [filters], team_ids, settings)[0]


def evaluate_by_team_periods(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    periods: list[Filters],
    team_ids: tuple[int, ...],
    settings: MetricSettings | None = None,
    every_team: bool = False,
    uncompared: int = 0,
) -> list[dict[int, MetricResult]]:
    """:func:`evaluate_by_team` for each of ``periods``, every period measured once: a run of
    periods each compared with the one before it (the Overview's six) measures seven periods, not
    twelve. ``every_team``: ``team_ids`` are all the sales teams in view (see :func:`_narrowed`).

    The first ``uncompared`` periods are measured without the period they compare with (no
    previous value, no trend): what a Health Index line needs, since the index reads scores only.
    Six periods of which the first five are uncompared measure six periods, not seven."""
    metric = _metric(metric)
    settings = settings or MetricSettings.defaults()
    compared = [comparison_of(filters) for filters in periods]
    needed = list(
        dict.fromkeys(
            f
            for index, (now, before, _) in enumerate(compared)
            for f in ((now,) if index < uncompared else (now, before))
        )
    )
    measured = dict(
        zip(needed, measure_periods(conn, metric, scope, needed, settings, team_ids, every_team), strict=True)
    )
    results = []
    for index, (filters, (now, before, words)) in enumerate(zip(periods, compared, strict=True)):
        current = measured[now]
        previous = measured[before] if index >= uncompared else {}
        words = words if index >= uncompared else ""
        results.append(
            {
                tid: result_of(metric, current[tid], previous.get(tid), settings, filters, words)
                for tid in current
            }
        )
    return results


def series(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    filters: Filters,
    grain: str | None = None,
    settings: MetricSettings | None = None,
) -> pd.DataFrame:
    """The metric per week, month or quarter of ``filters.period`` (default: the metric's grain).

    Columns: ``start``, ``end``, ``value``, ``status``, ``needs``, ``n``, ``state``. Each row is
    exactly the metric over that bucket (to date for a bucket still running), so a point of a trend
    chart and the scorecard never disagree. Buckets that have not started are left out.
    """
    metric = _metric(metric)
    settings = settings or MetricSettings.defaults()
    rows = []
    for bucket in buckets(filters.period, grain or metric.grain):
        if bucket.start >= filters.today:
            break
        bucket_filters = with_period(filters, bucket)
        now = with_period(filters, bucket.to_date(filters.today))
        measured = measure(conn, metric, scope, now, settings)[None]
        result = result_of(metric, measured, None, settings, bucket_filters)
        rows.append(
            {
                "start": bucket.start,
                "end": bucket.end,
                "value": result.value if result.state in (SCORED, INCOMPLETE) else None,
                "status": result.status,
                "needs": result.reason,
                "n": result.n,
                "state": result.state,
            }
        )
    return pd.DataFrame(rows, columns=["start", "end", "value", "status", "needs", "n", "state"])


def evidence(
    conn: Connection,
    metric: str | Metric,
    scope: Scope,
    filters: Filters,
    limit: int | None = None,
    settings: MetricSettings | None = None,
    *,
    every_row: bool = False,
) -> pd.DataFrame:
    """The rows behind a symptom in ``filters.period``, worst first, at most ``limit`` (default the
    ``evidence_limit`` setting, which bounds what a page shows), or all of them with ``every_row``
    (what a download holds). Survey symptoms return per-team aggregates, never answers."""
    metric = _metric(metric)
    settings = settings or MetricSettings.defaults()
    # The rows behind the figure, to date like the figure: a renewal due later is not "churned" yet.
    filters = with_period(filters, filters.period.to_date(filters.today))
    cap = limit if limit is not None else settings.integer("evidence_limit")
    if every_row:
        cap = EVERY_ROW
    return metric.evidence(conn, scope, filters, settings, max(0, int(cap)))
