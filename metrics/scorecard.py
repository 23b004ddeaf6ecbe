"""The symptom scorecard and the Purpose Health Index, for the organisation and per team."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from data_access import models as m
from data_access.scope import Filters, Scope, recent_periods
from metrics.common import each_metric, reusing_reads, with_period
from metrics.metric import MetricResult
from metrics.parameters import MetricSettings
from metrics.registry import METRICS, evaluate, evaluate_by_team_periods


def band_of(index: float | None) -> str | None:
    """0-50 red, 51-75 amber, 76-100 green (on the index rounded to a whole number)."""
    if index is None:
        return None
    whole = round(index)
    if whole <= 50:
        return "red"
    if whole <= 75:
        return "amber"
    return "green"


def health_index(results: list[MetricResult]) -> float | None:
    """Weighted average of the scores of the scored symptoms; None when none is scored."""
    scored = [(r.score, r.weight) for r in results if r.scored and r.score is not None and r.weight > 0]
    total = sum(weight for _, weight in scored)
    if not total:
        return None
    return sum(score * weight for score, weight in scored) / total


# Under this share of the index's weight scored, the index has no band: it stands on too little.
MIN_WEIGHT_SHARE = 0.5


@dataclass(frozen=True)
class Coverage:
    """What the Purpose Health Index stands on: scored symptoms of all, and their share of the weight."""

    scored: int
    total: int
    weight_share: float

    @property
    def enough(self) -> bool:
        return self.weight_share >= MIN_WEIGHT_SHARE

    def to_dict(self) -> dict:
        return {"scored": self.scored, "total": self.total, "weight_share": round(self.weight_share, 3)}

    def words(self) -> str:
        """ "from 11 of 17 symptoms (78% of the weight)"."""
        return f"from {self.scored} of {self.total} symptoms ({self.weight_share:.0%} of the weight)"


def coverage_of(results: list[MetricResult]) -> Coverage:
    weights = [r.weight for r in results if r.weight > 0]
    scored = [r for r in results if r.scored and r.score is not None]
    total_weight = sum(weights)
    share = sum(r.weight for r in scored if r.weight > 0) / total_weight if total_weight else 0.0
    return Coverage(len(scored), len(results), share)


def index_words(index: float | None, coverage: Coverage) -> str:
    """The index as a leader reads it: "71 from 11 of 17 symptoms (78% of the weight)"."""
    if index is None:
        return f"no index: {coverage.words().removeprefix('from ')} scored"
    return f"{index:.0f} {coverage.words()}"


@dataclass(frozen=True)
class Scorecard:
    """Every symptom for one group (the organisation, or one team) and its Health Index."""

    name: str
    team_id: int | None
    symptoms: list[MetricResult] = field(default_factory=list)

    @property
    def health_index(self) -> float | None:
        return health_index(self.symptoms)

    @property
    def coverage(self) -> Coverage:
        return coverage_of(self.symptoms)

    @property
    def band(self) -> str | None:
        """The index's band, or None when it stands on less than half of the weight."""
        return band_of(self.health_index) if self.coverage.enough else None

    def symptom(self, metric_id: str) -> MetricResult:
        return next(result for result in self.symptoms if result.id == metric_id)

    def weights(self) -> dict[str, float]:
        """The weight each symptom carries in the index (visible on the page and in the report)."""
        return {r.id: r.weight for r in self.symptoms}


def scorecard(
    conn: Connection,
    scope: Scope,
    filters: Filters,
    settings: MetricSettings | None = None,
    *,
    name: str = "Organisation",
    team_id: int | None = None,
) -> Scorecard:
    """Every declared symptom for the viewer's scope and filters."""
    settings = settings or MetricSettings.defaults()
    with reusing_reads():
        symptoms = each_metric(conn, lambda c, metric: evaluate(c, metric, scope, filters, settings), METRICS)
    return Scorecard(name, team_id, symptoms)


def sales_teams(conn: Connection, scope: Scope) -> list[tuple[int, str]]:
    """The teams a scorecard is shown for: teams in scope with no child teams (regions are
    groups of teams, not teams), by name."""
    team = m.Team
    parents = select(team.parent_id).where(team.parent_id.is_not(None))
    rows = conn.execute(
        select(team.id, team.name).where(scope.clause(team.id), team.id.not_in(parents)).order_by(team.name)
    ).all()
    return [(int(tid), str(name)) for tid, name in rows]


def team_scorecards(
    conn: Connection,
    scope: Scope,
    filters: Filters,
    settings: MetricSettings | None = None,
    team_ids: list[int] | None = None,
) -> list[Scorecard]:
    """One scorecard per sales team in view (the scope narrowed by the Teams filter, or the listed
    ones), each narrowed to that team.

    Each symptom is computed for all the teams at once (:func:`metrics.registry.evaluate_by_team`),
    so 200 teams cost about the queries of one.
    """
    return team_history(conn, scope, filters, settings, count=1, team_ids=team_ids)[0]


def team_history(
    conn: Connection,
    scope: Scope,
    filters: Filters,
    settings: MetricSettings | None = None,
    count: int = 6,
    team_ids: list[int] | None = None,
    compare_earlier: bool = True,
) -> list[list[Scorecard]]:
    """The team scorecards of ``filters.period`` and the ``count - 1`` periods before it, oldest
    first (:func:`data_access.scope.recent_periods`): the teams' index lines.

    A period's figures are the next period's comparison, so each period is measured once
    (:func:`metrics.registry.evaluate_by_team_periods`): six periods cost seven measurements of each
    symptom, not twelve. Without ``compare_earlier`` only the last period is compared with the one
    before it (the earlier periods' results have no previous value nor trend; their index is the
    same): six measurements."""
    settings = settings or MetricSettings.defaults()
    within = filters.team_ids_within(scope)
    teams = [(tid, name) for tid, name in sales_teams(conn, within) if team_ids is None or tid in team_ids]
    ids = tuple(tid for tid, _ in teams)
    periods = [with_period(filters, period) for period in recent_periods(filters.period, count)]
    with reusing_reads():
        measured = each_metric(
            conn,
            lambda c, metric: evaluate_by_team_periods(
                c,
                metric,
                scope,
                periods,
                ids,
                settings,
                every_team=team_ids is None,
                uncompared=0 if compare_earlier else len(periods) - 1,
            ),
            METRICS,
        )
    by_metric = {metric.id: results for metric, results in zip(METRICS, measured, strict=True)}
    return [
        [
            Scorecard(name, tid, [by_metric[metric.id][index][tid] for metric in METRICS])
            for tid, name in teams
        ]
        for index in range(len(periods))
    ]


@dataclass
class TeamLines:
    """What the Overview's team table and heatmap show: this period's team scorecards and each team's
    Purpose Health Index over the recent periods (oldest first, None where it had none).

    A sixth of :func:`team_history`'s size: the earlier periods keep only their index, so a new
    session of a 200-team organisation reads and unpacks 3,400 symptom results, not 20,400."""

    cards: list[Scorecard]
    lines: dict[int, list[float | None]]

    def line(self, team_id: int | None) -> list[float | None]:
        return self.lines.get(team_id, []) if team_id is not None else []


def team_lines(
    conn: Connection,
    scope: Scope,
    filters: Filters,
    settings: MetricSettings | None = None,
    count: int = 6,
) -> TeamLines:
    """The team scorecards of ``filters.period`` and every team's index over it and the ``count - 1``
    periods before (:func:`team_history`; an index reads scores only, so the earlier periods are not
    compared with the periods before them: six periods cost six measurements of each symptom)."""
    return lines_of(team_history(conn, scope, filters, settings, count=count, compare_earlier=False))


def lines_of(history: list[list[Scorecard]]) -> TeamLines:
    """The last period's scorecards of ``history`` (each period's team scorecards, oldest first) and
    each of those teams' index in every period: None where it had none or did not exist."""
    by_period = [{card.team_id: card.health_index for card in period} for period in history]
    cards = history[-1] if history else []
    return TeamLines(
        cards, {card.team_id: [period.get(card.team_id) for period in by_period] for card in cards}
    )
