"""What the brief leads with: the worst movers by how far they moved across their scale, and the
red symptoms in the Markdown brief's order."""

from __future__ import annotations

from metrics.brief import act_on_first, red_teams, to_act_on, worsening, worst_movers
from metrics.metric import MetricResult
from metrics.registry import get_metric
from metrics.scorecard import Scorecard

IDS = ("customer_talk_share", "nsp_mention_rate", "quarter_end_close_share", "discounting", "customer_churn")


def _moved(metric_id: str, previous: float | None, value: float, trend: str | None) -> MetricResult:
    unit = get_metric(metric_id).unit
    return MetricResult(metric_id, metric_id, value, unit, previous, trend, 50, "amber", {}, None)


def test_the_largest_move_across_the_scale_comes_first_and_better_or_steady_are_no_movers():
    results = [
        # Higher is better, scale 0..0.8: down 0.25 is 0.3125 of the scale.
        _moved("customer_talk_share", 0.5, 0.25, "worsening"),
        # Lower is better, scale 1..0: up 0.5 is half the scale.
        _moved("discounting", 0.25, 0.75, "worsening"),
        # Higher is better, scale -60..60: down 37.5 points is 0.3125, level with customer talk.
        _moved("morale", 30.0, -7.5, "worsening"),
        _moved("comp_plan_gaming", 1.5, 1.0, "improving"),
        _moved("price_loss_share", 0.30, 0.31, "steady"),
        _moved("customer_churn", None, 0.2, "worsening"),
    ]
    assert worsening(results[0]) == 0.3125
    assert worsening(results[1]) == 0.5
    assert worsening(results[3]) == -0.125  # fewer pushes per deal: better
    assert worsening(results[5]) is None
    # Level moves keep the symptoms' order (customer talk is 1, morale 15).
    assert [r.id for r in worst_movers(results)] == ["discounting", "customer_talk_share", "morale"]
    assert [r.id for r in worst_movers(results, limit=2)] == ["discounting", "customer_talk_share"]
    assert worst_movers([]) == []


def _card(name: str, statuses: dict[str, str]) -> Scorecard:
    return Scorecard(
        name,
        None,
        [
            MetricResult(i, i, 0.1, "share", None, None, 30, statuses.get(i, "green"), {}, None, weight=1.0)
            for i in IDS
        ],
    )


def test_red_for_the_organisation_first_then_red_in_the_most_teams():
    org = _card(
        "Organisation",
        {"nsp_mention_rate": "red", "discounting": "red", "customer_churn": "amber"},
    )
    teams = [
        _card("Atlas", {"customer_churn": "red", "quarter_end_close_share": "red"}),
        _card("Beacon", {"quarter_end_close_share": "red", "discounting": "red"}),
        _card("Cedar", {}),
    ]
    assert red_teams("quarter_end_close_share", teams) == ["Atlas", "Beacon"]
    assert red_teams("customer_talk_share", teams) == []
    # Red overall in symptom order (NSP mentions is 4, discounting 9); then quarter-end closing,
    # green overall but red in two teams, before churn, red in one; customer talk is red nowhere.
    assert [r.id for r in act_on_first(org, teams)] == [
        "nsp_mention_rate",
        "discounting",
        "quarter_end_close_share",
        "customer_churn",
    ]
    assert [r.id for r in to_act_on(org, teams)] == [
        "nsp_mention_rate",
        "discounting",
        "quarter_end_close_share",
    ]
    assert to_act_on(_card("Organisation", {}), [_card("Cedar", {})]) == []
