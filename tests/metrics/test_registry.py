"""The registry as pages and reports use it: scores, index, series, evidence, settings, docs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from data_access.parameter_store import clear_override, read_overrides, write_override
from data_access.scope import Filters, Period, Scope
from metrics.metric import KINDS, MetricResult
from metrics.parameters import MetricSettings, all_settings, load_metric_settings
from metrics.registry import METRICS, SYMPTOM_IDS, evaluate, evidence, get_metric, score_of, series
from metrics.scorecard import band_of, health_index, scorecard, team_scorecards
from tests.metrics.builders import Org, any_sample, filters

DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
EVERYONE = Scope.everything()
D = dt.date
CI, REV = "customer_impact", "revenue"

ISSUE_IDS = [
    "customer_talk_share",
    "deal_reviews_with_customer_questions",
    "meetings_opening_with_customer",
    "nsp_mention_rate",
    "quarter_end_close_share",
    "pipeline_with_customer_outcome",
    "late_stage_without_outcome",
    "late_stage_with_exec_sponsor",
    "discounting",
    "price_loss_share",
    "small_amount_jeopardy",
    "comp_plan_gaming",
    "top_performer_slide",
    "customer_churn",
    "morale",
    "peer_competition",
    "walk_away_rate",
]


def test_the_seventeen_symptom_ids_are_the_issues():
    assert list(SYMPTOM_IDS) == ISSUE_IDS
    for metric in METRICS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", metric.id)
        assert metric.direction in ("higher_is_better", "lower_is_better")
        assert metric.label and metric.description and metric.formula and metric.data_needed
        assert metric.kind in KINDS and metric.sample and metric.min_sample >= 1
        assert metric.thresholds.rationale and metric.weight >= 0


def test_unknown_metric_names_the_known_ones():
    with pytest.raises(KeyError, match="customer_talk_share"):
        get_metric("win_rate_typo")


def test_every_metric_and_setting_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    missing = [m.id for m in METRICS if f"`{m.id}`" not in text]
    missing += [s.key for s in all_settings() if f"`{s.key}`" not in text]
    assert not missing, f"docs/metrics.md does not mention: {', '.join(missing)}"


def test_each_metric_section_of_the_docs_states_kind_formula_sample_and_thresholds():
    """docs/metrics.md has, for every declared metric, its kind, minimum sample and threshold
    rationale as declared, so the docs cannot drift from the declarations."""
    text = DOCS.read_text(encoding="utf-8")
    for metric in METRICS:
        section = text[text.index(f"`{metric.id}`") :]
        section = section[: section.find("\n## ", 1) if "\n## " in section[1:] else len(section)]
        assert f"**Kind:** {metric.kind}" in section, metric.id
        assert f"**Minimum sample:** {metric.min_sample} {metric.sample}" in section, metric.id
        assert metric.thresholds.rationale in " ".join(section.split()), metric.id


@pytest.mark.parametrize(
    ("metric_id", "value", "score", "status"),
    [
        # customer_talk_share: worst 0, red 0.30, green 0.50 (set here), best 0.80 (higher is better)
        ("customer_talk_share", 0.0, 0, "red"),
        ("customer_talk_share", 0.30, 50, "red"),
        ("customer_talk_share", 0.40, 63, "amber"),
        ("customer_talk_share", 0.50, 76, "green"),
        ("customer_talk_share", 0.80, 100, "green"),
        ("customer_talk_share", 0.95, 100, "green"),
        # discounting: worst 1.0, red 0.15, green 0.08 (set here), best 0 (lower is better)
        ("discounting", 1.0, 0, "red"),
        ("discounting", 0.15, 50, "red"),
        ("discounting", 0.08, 76, "green"),
        ("discounting", 0.04, 88, "green"),
        ("discounting", 0.0, 100, "green"),
        ("discounting", 0.1499, 51, "amber"),  # just inside amber: the score stays in the amber band
    ],
)
def test_score_of_is_piecewise_linear_through_the_thresholds(metric_id, value, score, status):
    settings = MetricSettings.defaults().with_overrides(
        {
            "threshold.customer_talk_share.green": "0.5",
            "threshold.customer_talk_share.red": "0.3",
            "threshold.discounting.green": "0.08",
            "threshold.discounting.red": "0.15",
        }
    )
    assert score_of(get_metric(metric_id), value, settings) == (score, status)


def test_bands_and_health_index():
    assert [band_of(x) for x in (0, 50, 50.4, 51, 75, 76, 100)] == [
        "red",
        "red",
        "red",
        "amber",
        "amber",
        "green",
        "green",
    ]

    def result(score, weight, status="green"):
        return MetricResult("x", "X", None, "share", None, None, score, status, {}, None, weight=weight)

    # (90 x 2 + 40 x 1) / 3; the symptom without a score does not count.
    results = [result(90, 2.0), result(40, 1.0, "red"), result(None, 5.0, "needs")]
    assert health_index(results) == pytest.approx(220 / 3)
    assert health_index([result(None, 1.0, "needs")]) is None


def rich_org(org: Org) -> dict[str, int]:
    """Two teams with a bit of every kind of data in Q1 2025."""
    teams = {name: org.team(name) for name in ("Atlas", "Beacon")}
    for name, team in teams.items():
        good = name == "Atlas"
        org.meeting(team, "deal_review", labels=((CI, True, False), REV) if good else (REV, REV, CI))
        for i in range(4):
            org.deal(
                team,
                1000,
                D(2025, 2, 3 + i),
                list_amount=1050 if good else 1500,
                outcome="x" if good else None,
            )
            org.deal(team, 1000, D(2025, 3, 25), won=False, loss="disqualified" if good else "price")
            deal = org.deal(team, 1000, D(2025, 5, 1), won=None, late=True, sponsor="CFO" if good else None)
            org.history(deal, D(2025, 3, 1), D(2025, 4, 1) if not good else D(2025, 3, 1))
        org.answers(team, "enps", [9, 10, 9, 8, 10] if good else [3, 5, 6, 7, 9], prefix=name)
    return teams


def test_narrower_scope_never_shows_rows_outside_it_and_filters_never_add(conn):
    org = Org(conn)
    teams = rich_org(org)
    atlas = Scope.teams([teams["Atlas"]])
    for metric in METRICS:
        wide = evaluate(conn, metric, EVERYONE, filters())
        narrow = evaluate(conn, metric, atlas, filters())
        for result in (wide, narrow):
            if result.unit == "share" and result.value is not None:
                assert 0.0 <= result.value <= 1.0, metric.id
        rows = evidence(conn, metric, atlas, filters())
        if "team" in rows.columns:
            assert set(rows["team"].dropna()) <= {"Atlas"}, metric.id
        for key, count in narrow.parts.items():
            if (
                isinstance(count, int)
                and not isinstance(count, bool)
                and isinstance(wide.parts.get(key), int)
            ):
                assert count <= wide.parts[key], (metric.id, key)


def test_evidence_is_bounded_and_worst_first(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    for amount in (1000, 900, 700, 950):
        org.deal(atlas, amount, D(2025, 2, 3), list_amount=1000)
    rows = evidence(conn, "discounting", EVERYONE, filters(), limit=2)
    assert list(rows["discount"]) == pytest.approx([0.3, 0.1])
    assert {"deal", "team", "owner", "amount", "close_date"} <= set(rows.columns)


def test_series_by_month_is_the_metric_per_month(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    for loss in ("price", "price", "competition"):
        org.deal(atlas, 1000, D(2025, 1, 15), won=False, loss=loss)
    org.deal(atlas, 1000, D(2025, 3, 15), won=False, loss="competition")
    frame = series(conn, "price_loss_share", EVERYONE, filters(), "month", any_sample())
    assert list(frame["start"]) == [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)]
    # February lost nothing: unknown, never 0%.
    assert list(frame["status"]) == ["red", "too_few", "green"]
    assert list(frame["n"]) == [3, 0, 1]
    assert frame.loc[0, "value"] == pytest.approx(2 / 3)
    assert frame.loc[2, "value"] == 0.0


def test_weekly_series_clips_to_the_period(conn):
    org = Org(conn)
    org.meeting(org.team("Atlas"), held=dt.datetime(2025, 1, 6, 9), labels=(CI, REV))
    frame = series(
        conn,
        "customer_talk_share",
        EVERYONE,
        Filters(Period(D(2025, 1, 1), D(2025, 1, 19))),
        "week",
        any_sample(),
    )
    assert list(frame["start"]) == [D(2025, 1, 1), D(2025, 1, 6), D(2025, 1, 13)]
    assert list(frame["value"])[1] == 0.5


def test_overrides_change_thresholds_and_weights(conn):
    org = Org(conn)
    teams = rich_org(org)
    write_override(conn, "threshold.walk_away_rate.green", "0.99", updated_by="test")
    write_override(conn, "threshold.walk_away_rate.green", "0.9", updated_by="test")  # replaces
    write_override(conn, "weight.customer_talk_share", "0")
    write_override(conn, "min_sample.walk_away_rate", "4")  # four lost deals a team are enough here
    assert read_overrides(conn)["threshold.walk_away_rate.green"] == "0.9"
    settings = load_metric_settings(conn)
    result = evaluate(conn, "walk_away_rate", Scope.teams([teams["Atlas"]]), filters(), settings)
    assert result.value == 1.0 and result.status == "green"
    assert result.threshold["green"] == 0.9
    beacon = evaluate(conn, "walk_away_rate", Scope.teams([teams["Beacon"]]), filters(), settings)
    assert beacon.status == "red"
    card = scorecard(conn, EVERYONE, filters(), settings)
    assert card.weights()["customer_talk_share"] == 0.0
    clear_override(conn, "weight.customer_talk_share")
    assert load_metric_settings(conn).weight("customer_talk_share") == 2.0


def test_unreadable_override_names_the_setting(conn):
    write_override(conn, "quarter_end_days", "fourteen")
    with pytest.raises(ValueError, match="quarter_end_days"):
        load_metric_settings(conn)


def test_team_scorecards(conn):
    org = Org(conn)
    region = org.team("Americas")
    atlas, beacon = org.team("Atlas", parent=region), org.team("Beacon", parent=region)
    org.deal(atlas, 1000, D(2025, 2, 3), won=False, loss="disqualified")
    org.deal(beacon, 1000, D(2025, 2, 3), won=False, loss="price")
    cards = team_scorecards(conn, EVERYONE, filters(), any_sample())
    assert [card.name for card in cards] == ["Atlas", "Beacon"]  # the region is not a team
    atlas_card, beacon_card = cards
    assert atlas_card.symptom("price_loss_share").score == 100
    assert beacon_card.symptom("price_loss_share").score == 0
    assert atlas_card.health_index > beacon_card.health_index
    only = team_scorecards(conn, Scope.teams([beacon]), filters())
    assert [card.name for card in only] == ["Beacon"]
