"""What the leadership brief leads with, chosen from a report's scorecards: the symptoms that got
worse most since the previous period, and the symptoms to act on: red for the organisation, or
amber or green overall but red in some teams.

Nothing here recomputes a figure; it only orders the :class:`MetricResult` objects a report already
holds (``build_report(...)["_cards"]``), so every brief built from one report says the same.
"""

from __future__ import annotations

from collections.abc import Iterable

from metrics.metric import MetricResult
from metrics.registry import get_metric
from metrics.scorecard import Scorecard


def worsening(result: MetricResult) -> float | None:
    """How far the value moved the wrong way since the previous period, as a share of the
    symptom's scale (worst to best): 0.1 = a tenth of the way from best to worst. Negative when it
    got better; None without both values."""
    if result.value is None or result.previous is None:
        return None
    metric = get_metric(result.id)
    change = (result.value - result.previous) / abs(metric.best - metric.worst)
    return -change if metric.higher_is_better else change


def worst_movers(results: Iterable[MetricResult], limit: int = 5) -> list[MetricResult]:
    """The symptoms whose trend is *worsening*, the largest move across the symptom's scale first
    (then by symptom number), at most ``limit``. A move under the steady band is no mover."""
    moved = [(worsening(r), r) for r in results if r.trend == "worsening"]
    ranked = sorted(
        ((amount, r) for amount, r in moved if amount is not None),
        key=lambda pair: (-pair[0], get_metric(pair[1].id).number),
    )
    return [r for _, r in ranked[:limit]]


def red_teams(symptom_id: str, teams: Iterable[Scorecard]) -> list[str]:
    """The names of the teams where ``symptom_id`` is red, in the teams' order."""
    return [card.name for card in teams if card.symptom(symptom_id).status == "red"]


def act_on_first(org: Scorecard, teams: list[Scorecard]) -> list[MetricResult]:
    """The symptoms to act on, in the order the Markdown brief lists them: red for the organisation
    (in symptom order), then amber or green on average but red in some teams, the most red teams
    first."""
    counts = {r.id: len(red_teams(r.id, teams)) for r in org.symptoms}
    red = [r for r in org.symptoms if r.status == "red"]
    somewhere = sorted(
        (r for r in org.symptoms if r.status in ("amber", "green") and counts[r.id]),
        key=lambda r: -counts[r.id],
    )
    return red + somewhere


def to_act_on(org: Scorecard, teams: list[Scorecard], limit: int = 3) -> list[MetricResult]:
    """The ``limit`` symptoms most to act on: the first of :func:`act_on_first`."""
    return act_on_first(org, teams)[:limit]
