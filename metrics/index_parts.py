"""The Purpose Health Index opened up: its parts, its previous value, and the scorecard's order.

Nothing here recomputes a symptom; everything is derived from the :class:`MetricResult` objects a
scorecard already holds, so the overview page and the report can never disagree with it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from data_access.scope import recent_periods
from metrics.metric import NEEDS, SCORED, MetricResult
from metrics.parameters import MetricSettings
from metrics.registry import get_metric
from metrics.scorecard import band_of, health_index

# Worst news first: a leader reads the scorecard top-down in a meeting.
STATUS_ORDER = ("red", "amber", "green", "incomplete", "too_few", "needs", "suppressed")


def ordered(results: Iterable[MetricResult]) -> list[MetricResult]:
    """Red first, then amber, green, needs data and hidden; within a status the lowest score first,
    then the symptom's number."""
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}

    def key(result: MetricResult) -> tuple[int, float, int]:
        score = result.score if result.score is not None else 101
        return rank.get(result.status, len(rank)), score, get_metric(result.id).number

    return sorted(results, key=key)


def previous_scores(results: Iterable[MetricResult], settings: MetricSettings) -> list[MetricResult]:
    """The results as they scored in the previous period, with today's thresholds and weights (no
    score where the previous period's figure was not scored)."""
    scored = []
    for result in results:
        state = SCORED if result.previous_score is not None else NEEDS
        scored.append(
            MetricResult(
                id=result.id,
                label=result.label,
                value=result.previous,
                unit=result.unit,
                previous=None,
                trend=None,
                score=result.previous_score,
                status=result.status,
                threshold=result.threshold,
                needs=None,
                weight=result.weight,
                state=state,
            )
        )
    return scored


def previous_index(results: Iterable[MetricResult], settings: MetricSettings) -> float | None:
    """The Health Index of the previous period of the same length, from the ``previous`` values the
    results already carry: equal to the index of a scorecard computed for that period."""
    return health_index(previous_scores(results, settings))


def index_trend(current: float | None, previous: float | None, steady: float = 1.0) -> str | None:
    """``improving``, ``worsening`` or ``steady`` (a change under ``steady`` index points)."""
    if current is None or previous is None:
        return None
    if abs(current - previous) < steady:
        return "steady"
    return "improving" if current > previous else "worsening"


def index_breakdown(results: Iterable[MetricResult]) -> pd.DataFrame:
    """Each symptom's part of the Health Index, in symptom order.

    Columns: ``number``, ``symptom``, ``weight``, ``score`` (None without one), ``share`` (the
    weight's share of the weights that count, 0..1; 0 for a symptom without a score) and
    ``points`` (share x score: the points it adds to the index; they sum to the index).
    """
    rows = [
        {"number": get_metric(r.id).number, "symptom": r.label, "weight": float(r.weight), "score": r.score}
        for r in results
    ]
    counted = sum(row["weight"] for row in rows if row["score"] is not None and row["weight"] > 0)
    for row in rows:
        counts = row["score"] is not None and row["weight"] > 0 and counted > 0
        row["share"] = row["weight"] / counted if counts else 0.0
        row["points"] = row["share"] * row["score"] if counts else 0.0
    frame = pd.DataFrame(rows, columns=["number", "symptom", "weight", "score", "share", "points"])
    return frame.sort_values("number", ignore_index=True)


__all__ = [
    "STATUS_ORDER",
    "band_of",
    "index_breakdown",
    "index_trend",
    "ordered",
    "previous_index",
    "recent_periods",
]
