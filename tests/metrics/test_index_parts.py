"""The Health Index opened up: its parts add up to it, its previous value matches a scorecard of
the previous period, and the scorecard reads worst first."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.scope import Filters, Period, Scope, previous_like
from metrics.index_parts import index_breakdown, index_trend, ordered, previous_index
from metrics.metric import MetricResult
from metrics.parameters import load_metric_settings
from metrics.scorecard import health_index, scorecard


def _result(metric_id: str, status: str, score: int | None, weight: float) -> MetricResult:
    return MetricResult(
        metric_id, metric_id, None, "share", None, None, score, status, {}, None, weight=weight
    )


def test_parts_add_up_to_the_index_and_missing_scores_do_not_count():
    results = [
        _result("customer_talk_share", "green", 80, 2.0),
        _result("discounting", "red", 40, 1.0),
        _result("morale", "suppressed", None, 1.5),
    ]
    parts = index_breakdown(results).set_index("symptom")
    assert parts.loc["customer_talk_share", "share"] == pytest.approx(2 / 3)
    assert parts.loc["discounting", "points"] == pytest.approx(40 / 3)
    assert parts.loc["morale", "share"] == 0.0 and parts.loc["morale", "points"] == 0.0
    assert parts["points"].sum() == pytest.approx(health_index(results)) == pytest.approx(200 / 3)
    assert list(index_breakdown(results)["number"]) == [1, 9, 15]


def test_red_first_then_amber_green_needs_hidden_and_lowest_score_first():
    results = [
        _result("morale", "suppressed", None, 1),
        _result("customer_churn", "green", 90, 1),
        _result("discounting", "red", 30, 1),
        _result("nsp_mention_rate", "needs", None, 1),
        _result("customer_talk_share", "amber", 60, 1),
        _result("price_loss_share", "red", 10, 1),
        _result("walk_away_rate", "green", 80, 1),
    ]
    assert [r.id for r in ordered(results)] == [
        "price_loss_share",
        "discounting",
        "customer_talk_share",
        "walk_away_rate",
        "customer_churn",
        "nsp_mention_rate",
        "morale",
    ]


def test_index_trend_words():
    assert index_trend(72.0, 60.0) == "improving"
    assert index_trend(60.0, 72.0) == "worsening"
    assert index_trend(60.2, 60.0) == "steady"
    assert index_trend(None, 60.0) is None


def test_previous_index_equals_the_scorecard_of_the_previous_period(demo_engine):
    period = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    with demo_engine.connect() as conn:
        settings = load_metric_settings(conn)
        now = scorecard(conn, Scope.everything(), Filters(period), settings)
        before = scorecard(conn, Scope.everything(), Filters(previous_like(period)), settings)
    assert before.health_index is not None
    assert previous_index(now.symptoms, settings) == pytest.approx(before.health_index)


def test_the_recent_periods_are_the_ones_each_compares_with_oldest_first():
    import datetime as dt

    from data_access.scope import Period
    from metrics.index_parts import recent_periods

    quarters = recent_periods(Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)))
    assert [(p.start, p.end) for p in quarters[:2]] == [
        (dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    ]
    assert len(quarters) == 6 and quarters[-1] == Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    months = recent_periods(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), 3)
    assert [p.start.month for p in months] == [1, 2, 3] and months[1].end == dt.date(2026, 2, 28)
    days = recent_periods(Period(dt.date(2026, 7, 10), dt.date(2026, 7, 19)), 2)
    assert days[0] == Period(dt.date(2026, 6, 30), dt.date(2026, 7, 9))
