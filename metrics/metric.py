"""A metric declared as data (dbt / MetricFlow style) and the result it produces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from data_access.scope import Filters, Scope
from metrics.common import Measurement
from metrics.settings import MetricSettings

ComputeFn = Callable[[Connection, Scope, Filters, MetricSettings], Measurement]
EvidenceFn = Callable[[Connection, Scope, Filters, MetricSettings, int], pd.DataFrame]
# The same measurement for many teams at once: {team id: what ``compute`` gives for that team alone},
# in a number of queries that does not grow with the number of teams (GROUP BY team).
ByTeamFn = Callable[[Connection, Scope, Filters, MetricSettings, tuple[int, ...]], dict[int, Measurement]]

HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"
UNITS = {
    "share": "a share 0..1 (shown as %)",
    "points": "eNPS points, -100..100",
    "per_deal": "count per deal",
    "mean_1_5": "mean answer on a 1..5 scale",
}
STATUSES = ("green", "amber", "red", "needs", "suppressed")


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
class Metric:
    """One symptom of the scorecard, declared once.

    ``worst`` and ``best`` are the values that score 0 and 100; the thresholds (in
    :mod:`metrics.settings`) score 50 (red) and 76 (green), and the score is linear in between.

    ``compute_by_team(conn, scope, filters, settings, team_ids)`` returns, for every id in
    ``team_ids``, exactly what ``compute`` returns with the filters narrowed to that one team, but in
    grouped queries, so a scorecard per team costs the same few queries for 8 teams or 200.
    """

    id: str
    number: int
    label: str
    description: str
    unit: str
    direction: str
    data_needed: tuple[str, ...]
    compute: ComputeFn
    evidence: EvidenceFn
    formula: str
    worst: float
    best: float
    grain: str = "week"
    positive_signal: bool = False
    compute_by_team: ByTeamFn | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.direction == HIGHER_IS_BETTER


@dataclass(frozen=True)
class MetricResult:
    """A symptom for one period: value, previous period, trend, score, status and parts.

    ``status`` is green / amber / red, or ``needs`` (data absent; ``needs`` says what) or
    ``suppressed`` (a survey group under the confidentiality minimum). In the last two cases
    ``value`` and ``score`` are None.
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

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``docs/report.md`` (plus ``detail`` and ``weight``)."""
        return asdict(self)
