"""Signals › Churn and retention through AppTest on the demo: the churn metric's numbers, the
cohort heatmap and the renewals in jeopardy behind the headline."""

from __future__ import annotations

import base64
import datetime as dt

import numpy as np
import plotly.io as pio
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard.formatting import fmt_percent
from data_access import models as m
from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope
from metrics import registry
from metrics.analyses.cohorts import cohort_retention
from tests import apptest

PAGE = "../pages/churn.py"
Q3 = apptest.Q3


def open_page(period: Period = Q3) -> AppTest:
    return apptest.open_page(PAGE, period)


evaluate = apptest.evaluate


def plain(values) -> list:
    """A figure array as a list: Streamlit sends numeric arrays base64-encoded (plotly's typed arrays)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def charts(at: AppTest) -> list:
    """Every figure on the page, read back into plotly (which decodes its typed arrays)."""
    return [pio.from_json(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_headline_numbers_are_the_churn_metric(demo_app_env):
    at = open_page()
    churn = evaluate(demo_app_env, "customer_churn", Filters(Q3))
    jeopardy = evaluate(demo_app_env, "small_amount_jeopardy", Filters(Q3))
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Logo churn"] == fmt_percent(churn.value, 1)
    assert shown["Gross revenue retention"] == fmt_percent(churn.parts["gross_revenue_retention"], 1)
    assert shown["Net revenue retention"] == fmt_percent(churn.parts["net_revenue_retention"], 1)
    assert (
        shown["Customers lost"] == f"{churn.parts['customers_lost']} of {churn.parts['customers_at_start']:,}"
    )
    assert shown["In jeopardy over small sums"] == fmt_percent(jeopardy.value)


def test_every_headline_card_says_its_n_and_what_it_is_compared_with(demo_app_env):
    at = open_page()
    churn = evaluate(demo_app_env, "customer_churn", Filters(Q3))
    logo = next(metric for metric in at.metric if metric.label == "Logo churn")
    # The symptom's own value carries its change against the previous quarter.
    assert logo.proto.delta.startswith(("+", "−", "-", "0")) and "vs previous" in logo.proto.delta
    captions = [caption.value for caption in at.caption]
    n = f"n = {churn.n:,}"
    assert any(n in c and "against the previous quarter" in c for c in captions)
    # The details (retention, customers lost) say their n and that they are not compared.
    assert sum(n in c and "not compared with the previous period" in c for c in captions) == 3


def test_monthly_churn_ends_with_the_periods_last_month(demo_app_env):
    at = open_page()
    bars = next(c for c in charts(at) if c.layout.title.text == "Logo churn per month").data[0]
    assert len(bars.x) == 12 and str(bars.x[-1]).startswith("2026-09-01")
    september = evaluate(
        demo_app_env, "customer_churn", Filters(Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30)))
    )
    assert plain(bars.y)[-1] == pytest.approx(september.value)


def test_cohort_heatmap_shows_the_cohorts_and_switches_to_arr(demo_app_env):
    at = open_page()
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        cohorts = cohort_retention(conn, Scope.everything(), Filters(Q3))
    engine.dispose()
    heat = next(c for c in charts(at) if c.data[0].type == "heatmap").data[0]
    assert len(heat.y) == cohorts["cohort"].nunique()
    first = cohorts.loc[cohorts["cohort"] == cohorts["cohort"].iloc[0]]
    assert list(heat.text[0][: len(first)]) == [f"{v:.0%}" for v in first["retention"]]
    at.segmented_control(key="pp.churn.cohort_measure").set_value("ARR").run()
    assert not at.exception, at.exception
    heat = next(c for c in charts(at) if c.data[0].type == "heatmap").data[0]
    assert list(heat.text[0][: len(first)]) == [f"{v:.0%}" for v in first["arr_retention"]]


def test_renewals_in_jeopardy_are_the_evidence_and_narrow_with_a_team(demo_app_env):
    at = open_page()
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        evidence = registry.evidence(conn, "small_amount_jeopardy", Scope.everything(), Filters(Q3))
        atlas = conn.execute(select(m.Team.id).where(m.Team.name == "Atlas")).scalar_one()
        atlas_churn = registry.evaluate(
            conn, "customer_churn", Scope.everything(), Filters(Q3, frozenset({atlas}))
        )
    engine.dispose()
    table = next(df.value for df in at.dataframe if "at_stake" in df.value.columns)
    assert table["subscription"].tolist() == evidence["subscription"].tolist()
    at.multiselect(key="pp.filter.teams").set_value(["Atlas"]).run()
    assert not at.exception, at.exception
    table = next(df.value for df in at.dataframe if "at_stake" in df.value.columns)
    assert set(table["team"]) <= {"Atlas"}
    assert {metric.label: metric.value for metric in at.metric}["Logo churn"] == fmt_percent(
        atlas_churn.value, 1
    )


def test_without_subscriptions_the_page_says_what_to_import(tmp_path, monkeypatch):
    from data_access.db import migrate

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(m.Team.__table__.insert().values(name="Atlas"))
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    at = open_page()
    info = " ".join(i.value for i in at.info)
    assert "needs subscriptions" in info and "python -m dashboard import" in info
