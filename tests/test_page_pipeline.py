"""Signals › Pipeline behaviour through AppTest on the demo: the waterfall is the movement the
metrics count, every month balances, and the lists are the deals behind the numbers."""

from __future__ import annotations

import datetime as dt
import json

from streamlit.testing.v1 import AppTest

from dashboard.formatting import fmt_currency, fmt_percent
from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope
from metrics import registry
from metrics.analyses.pipeline import first_days_closes, pipeline_movement, repeatedly_pushed
from tests import apptest

PAGE = "../pages/pipeline.py"
Q3 = apptest.Q3
Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def open_page(period: Period = Q3) -> AppTest:
    return apptest.open_page(PAGE, period)


def movement_of(url: str, filters: Filters):
    engine = make_engine(url)
    with engine.connect() as conn:
        found = pipeline_movement(conn, Scope.everything(), filters)
    engine.dispose()
    return found


def waterfall(at: AppTest) -> dict:
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return next(s for s in specs if s["data"][0]["type"] == "waterfall")["data"][0]


def test_headline_and_waterfall_are_the_counted_movement(demo_app_env):
    at = open_page()
    movement = movement_of(demo_app_env, Filters(Q3))
    assert movement.balances()
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Pipeline at the start"] == fmt_currency(movement.amount["start"])
    assert shown["Pushed out"] == fmt_currency(movement.amount["pushed"])
    assert shown["Won"] == fmt_currency(movement.amount["won"])
    captions = [c.value for c in at.caption]
    assert f"n = {movement.deals['won']:,} deals · not compared with the previous period" in captions
    trace = waterfall(at)
    assert trace["x"] == ["Start", "New", "Pulled in", "Pushed out", "Won", "Lost", "End"]
    assert trace["y"] == [value for _, value in movement.steps()]


def test_every_month_of_the_table_balances_and_sums_to_the_quarter(demo_app_env):
    at = open_page()
    table = next(df.value for df in at.dataframe if "Pulled in" in df.value.columns)
    assert table["Month"].tolist() == ["Jul 2026", "Aug 2026", "Sep 2026"]
    for _, row in table.iterrows():
        flow = row["Start"] + row["New"] + row["Pulled in"] - row["Pushed out"] - row["Won"] - row["Lost"]
        assert flow == row["End"]
    movement = movement_of(demo_app_env, Filters(Q3))
    assert table["Won"].sum() == movement.deals["won"] and table["Lost"].sum() == movement.deals["lost"]


def test_quarter_end_numbers_are_the_metrics_and_change_with_the_period(demo_app_env):
    at = open_page()
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        closing = registry.evaluate(conn, "quarter_end_close_share", Scope.everything(), Filters(Q3))
        gaming = registry.evaluate(conn, "comp_plan_gaming", Scope.everything(), Filters(Q3))
        earlier = registry.evaluate(conn, "quarter_end_close_share", Scope.everything(), Filters(Q2))
    engine.dispose()
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Won amount in the last 14 days"] == fmt_percent(closing.value)
    assert shown["Close-date pushes per closed deal"] == f"{gaming.value:.2f}"
    assert shown["Closed deals pushed at least once"] == fmt_percent(gaming.parts["deals_pushed_share"])
    at.date_input(key="pp.filter.range").set_value((Q2.start, Q2.end)).run()
    assert not at.exception, at.exception
    again = {metric.label: metric.value for metric in at.metric}
    assert again["Won amount in the last 14 days"] == fmt_percent(earlier.value)
    assert again["Pipeline at the start"] == fmt_currency(
        movement_of(demo_app_env, Filters(Q2)).amount["start"]
    )


def test_the_lists_are_the_deals_behind_the_numbers(demo_app_env):
    at = open_page()
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        pushed = repeatedly_pushed(conn, Scope.everything(), Filters(Q3))
        early = first_days_closes(conn, Scope.everything(), Filters(Q3), 7)
    engine.dispose()
    tables = [df.value for df in at.dataframe]
    shown_pushed = next(t for t in tables if "pushes" in t.columns)
    assert shown_pushed["deal"].tolist() == pushed["deal"].tolist()
    assert (shown_pushed["pushes"] >= 2).all()
    shown_early = next(t for t in tables if "day_of_quarter" in t.columns)
    assert shown_early["deal"].tolist() == early["deal"].tolist()
    assert shown_early["day_of_quarter"].between(1, 7).all()


def test_a_period_without_deals_says_so(demo_app_env):
    at = open_page(Period(dt.date(2020, 1, 1), dt.date(2020, 3, 31)))
    assert "No deals were open or closed in this period" in " ".join(i.value for i in at.info)
