"""The Signals chart builders, tested on the figure's data the way a reader would see it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.charts import signals as cs
from dashboard.charts.theme import STATUS_COLORS, TALK_COLORS


def test_talk_trend_keeps_customer_teal_and_revenue_orange():
    df = pd.DataFrame(
        {
            "week": [dt.date(2026, 7, 6), dt.date(2026, 7, 13)],
            "customer_share": [0.25, None],
            "revenue_share": [0.75, None],
        }
    )
    fig = cs.talk_share_trend(df)
    lines = {trace.name: trace for trace in fig.data}
    assert lines["Customer impact"].line.color == TALK_COLORS["customer_impact"]
    assert lines["Revenue"].line.color == TALK_COLORS["revenue"]
    assert list(lines["Revenue"].y)[0] == 0.75 and pd.isna(list(lines["Revenue"].y)[1])  # a gap, not 0
    assert fig.layout.yaxis.tickformat == ".0%"


def test_histogram_bars_sit_in_their_bins_with_the_approval_limits_marked():
    df = pd.DataFrame(
        {
            "low": [None, 0.0, 0.025, 0.5],
            "high": [0.0, 0.025, 0.05, None],
            "label": ["above list", "a", "b", "50%+"],
            "deals": [1, 7, 3, 2],
        }
    )
    fig = cs.discount_histogram(df, (0.1, 0.2))
    bar = fig.data[0]
    assert list(bar.y) == [1, 7, 3, 2]
    assert list(bar.x) == pytest.approx([-0.0125, 0.0125, 0.0375, 0.5125])
    limits = [shape.x0 for shape in fig.layout.shapes]
    assert limits == [0.1, 0.2]
    assert [a.text for a in fig.layout.annotations] == ["10% approval limit", "20% approval limit"]


def test_discount_by_group_shows_median_bars_and_p90_markers():
    df = pd.DataFrame(
        {
            "name": ["Kim", "Lee"],
            "median_discount": [0.15, 0.05],
            "p90_discount": [0.27, 0.05],
            "won_deals": [4, 1],
        }
    )
    fig = cs.discount_by_group(df)
    assert [t.name for t in fig.data] == ["Median", "P90"]
    assert list(fig.data[0].x) == [0.15, 0.05] and list(fig.data[1].x) == [0.27, 0.05]
    assert list(fig.data[0].y) == ["Kim", "Lee"]


def test_week_of_quarter_bars_mark_the_quarter_end_red():
    fig = cs.discount_by_week({1: 0.02, 12: 0.10, 13: 0.12, 2: 0.03})
    bar = fig.data[0]
    assert list(bar.x) == [1, 2, 12, 13]
    assert list(bar.marker.color) == [fig.data[0].marker.color[0]] * 2 + [STATUS_COLORS["red"]] * 2
    assert list(bar.text) == ["2%", "3%", "10%", "12%"]


def test_share_bars_show_missing_values_as_na_not_zero_percent():
    fig = cs.share_bars({"0%-5%": 0.4, "5%-15%": None, "15%+": 0.7})
    assert list(fig.data[0].text) == ["40%", "n/a", "70%"]


def test_count_bars_largest_first_with_the_highlight_in_red():
    fig = cs.count_bars({"price": 5, "competition": 9, "timing": 1}, highlight="price")
    bar = fig.data[0]
    assert list(bar.x) == ["Competition", "Price", "Timing"]
    assert list(bar.y) == [9, 5, 1]
    assert bar.marker.color[1] == STATUS_COLORS["red"] and bar.marker.color[0] != STATUS_COLORS["red"]


def test_won_by_week_draws_the_even_spread():
    df = pd.DataFrame(
        {
            "week": [1, 2, 13],
            "won_amount": [100.0, 100.0, 1100.0],
            "won_deals": [1, 1, 6],
            "share": [0.077, 0.077, 0.846],
        }
    )
    fig = cs.won_by_week(df)
    bar, even = fig.data
    assert list(bar.text) == ["$100", "$100", "$1,100"]
    assert list(even.y) == pytest.approx([100.0, 100.0])  # 1,300 / 13 weeks
    assert bar.marker.color[-1] == STATUS_COLORS["red"]


def test_movement_waterfall_keeps_totals_first_and_last():
    steps = [
        ("Start", 100.0),
        ("New", 20.0),
        ("Pulled in", 5.0),
        ("Pushed out", -30.0),
        ("Won", -40.0),
        ("Lost", -10.0),
        ("End", 45.0),
    ]
    fig = cs.movement_waterfall(steps)
    trace = fig.data[0]
    assert list(trace.measure) == ["absolute"] + ["relative"] * 5 + ["total"]
    assert list(trace.y) == [100.0, 20.0, 5.0, -30.0, -40.0, -10.0, 45.0]
    assert trace.cliponaxis is False


def test_cohort_heatmap_puts_each_cohort_on_a_row():
    df = pd.DataFrame(
        {
            "cohort": ["2025 Q1", "2025 Q1", "2025 Q2"],
            "quarters_since": [0, 1, 0],
            "cohort_size": [3, 3, 1],
            "retention": [1.0, 2 / 3, 1.0],
        }
    )
    fig = cs.cohort_heatmap(df)
    heat = fig.data[0]
    assert list(heat.y) == ["2025 Q1 (3)", "2025 Q2 (1)"]
    assert list(heat.x) == ["+0Q", "+1Q"]
    assert heat.text[0] == ["100%", "67%"] and heat.text[1] == ["100%", ""]


def test_churn_by_how_sold_groups_yes_and_no():
    splits = {"discounted": {"no": 0.1, "yes": 0.3}, "quarter_end_close": {"no": 0.05}}
    fig = cs.churn_by_how_sold(splits)
    yes, no = fig.data
    assert list(yes.x) == ["Closed at quarter end", "Discounted"]
    assert list(yes.text) == ["n/a", "30%"] and list(no.text) == ["5%", "10%"]


def test_churn_and_retention_lines():
    df = pd.DataFrame(
        {
            "month": [dt.date(2026, 7, 1), dt.date(2026, 8, 1)],
            "logo_churn": [0.02, None],
            "customers_lost": [3, None],
            "gross_revenue_retention": [0.97, None],
            "net_revenue_retention": [1.04, None],
        }
    )
    assert list(cs.churn_bars(df).data[0].text) == ["2.0%", ""]
    lines = cs.retention_trend(df).data
    assert [t.name for t in lines] == ["Gross revenue retention", "Net revenue retention"]
    assert list(lines[1].y)[0] == 1.04


def test_speaker_time_leaves_out_untimed_speakers():
    speakers = pd.DataFrame(
        {
            "speaker": ["Ana", "Ben", None],
            "seconds": [120.0, 60.0, None],
            "share_of_time": [2 / 3, 1 / 3, None],
        }
    )
    bar = cs.speaker_time(speakers).data[0]
    assert list(bar.y) == ["Ana", "Ben"] and list(bar.x) == [2.0, 1.0] and list(bar.text) == ["67%", "33%"]


def test_win_rate_bars_say_what_each_band_stands_on_and_never_pass_100_percent():
    fig = cs.share_bars({"0%-5%": 1.0, "5%-15%": 0.5, "15%+": None}, counts={"0%-5%": 2, "5%-15%": 1204})
    bar = fig.data[0]
    assert list(bar.x) == ["0%-5%<br>n = 2", "5%-15%<br>n = 1,204", "15%+<br>n = 0"]
    assert list(bar.text) == ["100%", "50%", "n/a"]
    assert fig.layout.yaxis.range[1] == 1.0 and bar.cliponaxis is False
