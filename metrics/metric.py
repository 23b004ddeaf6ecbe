"""A metric declared as data (dbt / MetricFlow style), the standing of a figure, and the result.

A :class:`Metric` says everything about one symptom in one place: what it measures (label,
formula, unit, direction), how it is scored (default thresholds with their rationale, weight in
the Purpose Health Index), what its figure stands on (the sample it counts, the minimum sample
below which the figure is "too few"), whether it needs a whole period, and one ``measure``
function that computes it for the organisation or for every team at once.

``measure(conn, scope, filters, settings, teams)`` returns ``{None: Measurement}`` when ``teams``
is None (one figure over everything in view) and ``{team id: Measurement}`` for every id in
``teams`` otherwise, in a number of queries that does not grow with the number of teams. A ratio
metric gets its ``measure`` compiled from its declaration by :mod:`metrics.engine`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from data_access.scope import Filters, Scope
from metrics.common import Measurement
from metrics.parameters import MetricSettings

TeamKey = int | None
MeasureFn = Callable[
    [Connection, Scope, Filters, MetricSettings, "tuple[int, ...] | None"], dict[TeamKey, Measurement]
]
EvidenceFn = Callable[[Connection, Scope, Filters, MetricSettings, int], pd.DataFrame]

HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"
UNITS = {
    "share": "a share 0..1 (shown as %)",
    "points": "eNPS points, -100..100",
    "per_deal": "count per deal",
    "mean_1_5": "mean answer on a 1..5 scale",
}
KINDS = {
    "ratio": "a numerator over a denominator, summed over the rows of a declared base",
    "percentile": "a median or percentile over a base, with shares around it",
    "custom": "code of its own, where the symptom needs more than one aggregate",
}

# The standing of a figure. Only ``scored`` figures get a colour and count in the index.
SCORED = "scored"
TOO_FEW = "too_few"
NEEDS = "needs"
INCOMPLETE = "incomplete"
SUPPRESSED = "suppressed"
STATES = (SCORED, TOO_FEW, NEEDS, INCOMPLETE, SUPPRESSED)
BANDS = ("green", "amber", "red")
# ``status`` is the band of a scored figure, else its state.
STATUSES = (*BANDS, TOO_FEW, INCOMPLETE, NEEDS, SUPPRESSED)


def format_value(value: float | None, unit: str) -> str:
    """A symptom's value in its own unit, the same on every page and in the report:
    31% (0.7% under 10%), +12 (eNPS), 1.48 per deal, 3.2 of 5; a dash when there is none."""
    if value is None or value != value:  # None or NaN
        return "—"
    if unit == "share":
        return f"{value * 100:.{1 if abs(value) < 0.1 else 0}f}%"
    if unit == "points":
        return f"{value:+.0f}"
    if unit == "per_deal":
        return f"{value:.2f} per deal"
    if unit == "mean_1_5":
        return f"{value:.1f} of 5"
    return f"{value:,.2f}"


@dataclass(frozen=True)
class Thresholds:
    """Default band edges of a symptom: the value at which it turns green and at which it turns
    red, and why those values (written next to them in docs/metrics.md)."""

    green: float
    red: float
    rationale: str


@dataclass(frozen=True)
class Depth:
    """A second figure of a metric, read from its parts, that can make its band worse: how deep the
    discounts go, not only how many deals get one."""

    part: str
    label: str
    thresholds: Thresholds
    worst: float
    best: float


@dataclass(frozen=True)
class Metric:
    """One symptom of the scorecard, declared once.

    ``worst`` and ``best`` are the values that score 0 and 100; the thresholds score 50 (red) and
    76 (green), and the score is linear in between. ``sample`` names what ``n`` counts (renewals
    due, won deals, respondents...), ``min_sample`` is the default smallest ``n`` that is scored.
    ``whole_period`` marks symptoms about the shape of a period (quarter-end closing): they are
    "incomplete" until the period has ended.
    """

    id: str
    number: int
    label: str
    description: str
    unit: str
    direction: str
    kind: str
    data_needed: tuple[str, ...]
    formula: str
    thresholds: Thresholds
    weight: float
    sample: str
    min_sample: int
    measure: MeasureFn
    evidence: EvidenceFn
    worst: float
    best: float
    grain: str = "week"
    whole_period: bool = False
    positive_signal: bool = False
    depth: Depth | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.direction == HIGHER_IS_BETTER


@dataclass(frozen=True)
class MetricResult:
    """A symptom for one period: value, its sample, its standing, previous period, trend, score.

    ``state`` is one of :data:`STATES`; ``status`` is the band (green / amber / red) of a scored
    figure and the state otherwise. A ``too_few`` or ``incomplete`` figure keeps its value (shown
    greyed, "to date" for an unfinished period) but has no score; ``needs`` and ``suppressed``
    have neither. ``reason`` says in words why a figure is not scored.
    """

    id: str
    label: str
    value: float | None
    unit: str
    previous: float | None
    trend: str | None
    score: int | None
    status: str
    threshold: dict[str, Any]
    needs: str | None
    parts: dict[str, Any] = field(default_factory=dict)
    detail: str = ""
    weight: float = 0.0
    n: int | None = None
    state: str = SCORED
    reason: str | None = None
    comparison: str = ""
    previous_score: int | None = None

    @property
    def scored(self) -> bool:
        return self.state == SCORED

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``docs/report.md`` (plus ``detail`` and ``weight``)."""
        return asdict(self)
