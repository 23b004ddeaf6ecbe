"""Signals › Discounting through AppTest on the demo: numbers from the metrics, drill-down, download."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import unquote

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard.formatting import fmt_percent
from data_access import models as m
from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope
from metrics import registry
from metrics.analyses.discounting import discount_by_seller, discount_by_team
from tests import apptest

PAGE = "../pages/discounting.py"
Q3 = apptest.Q3


def open_page(period: Period = Q3) -> AppTest:
    return apptest.open_page(PAGE, period)


evaluate = apptest.evaluate


def table_with(at: AppTest, *columns: str):
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def shown(cells) -> list[str]:
    """What a name column shows: a seller's name is a link to their prep ("one-on-one?...#Name")."""
    return [unquote(str(cell).split("#", 1)[1]) if "#" in str(cell) else cell for cell in cells]


def test_headline_numbers_are_the_discounting_metric(demo_app_env):
    at = open_page()
    parts = evaluate(demo_app_env, "discounting", Filters(Q3)).parts
    price = evaluate(demo_app_env, "price_loss_share", Filters(Q3))
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Median discount"] == fmt_percent(parts["median_discount"], 1)
    assert shown["P90 discount"] == fmt_percent(parts["p90_discount"], 1)
    assert shown["Won deals discounted"] == fmt_percent(parts["share_discounted"])
    assert shown["Just under an approval limit"] == fmt_percent(parts["just_under_approval_limit"])
    assert shown["Losses on price"] == fmt_percent(price.value)
    titles = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert sum("Discount distribution" in spec for spec in titles) == 1
    assert sum("Win rate by discount band" in spec for spec in titles) == 1


def test_team_and_seller_tables_are_the_per_group_percentiles(demo_app_env):
    at = open_page()
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        teams = discount_by_team(conn, Scope.everything(), Filters(Q3), 0.01)
        sellers = discount_by_seller(conn, Scope.everything(), Filters(Q3), 0.01)
    engine.dispose()
    table = table_with(at, "name", "median_discount")
    assert table["name"].tolist() == teams["name"].tolist()
    assert table["median_discount"].tolist() == pytest.approx((teams["median_discount"] * 100).tolist())
    at.segmented_control(key="pp.discount.by").set_value("seller").run()
    assert not at.exception, at.exception
    table = table_with(at, "name", "median_discount")
    assert shown(table["name"]) == sellers["name"].tolist()
    # Each seller's name opens their one-on-one prep, for the same quarter.
    assert all(url.startswith("one-on-one?period=custom&from=2026-07-01") for url in table["name"])
    assert table["p90_discount"].tolist() == pytest.approx((sellers["p90_discount"] * 100).tolist())


def test_a_team_sees_only_its_own_sellers(demo_app_env):
    at = open_page()
    at.multiselect(key="pp.filter.teams").set_value(["Atlas"]).run()
    at.segmented_control(key="pp.discount.by").set_value("seller").run()
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        atlas_people = set(
            conn.execute(
                select(m.Person.name)
                .join(m.Team, m.Team.id == m.Person.team_id)
                .where(m.Team.name == "Atlas")
            )
            .scalars()
            .all()
        )
    engine.dispose()
    names = set(shown(table_with(at, "name", "median_discount")["name"]))
    assert names and names <= atlas_people


def test_picking_a_seller_shows_only_their_discounted_deals_and_downloads_them(demo_app_env, downloads):
    at = open_page()
    deals = table_with(at, "deal", "discount", "owner")
    owners = pd.Series(shown(deals["owner"]))
    owner = owners.value_counts().index[0]
    at.selectbox(key="pp.discount.owner").set_value(owner).run()
    assert not at.exception, at.exception
    mine = table_with(at, "deal", "discount", "owner")
    assert set(shown(mine["owner"])) == {owner} and len(mine) == (owners == owner).sum()
    rows = list(csv.DictReader(io.StringIO(downloads["discounted-deals.csv"].decode("utf-8-sig"))))
    assert {r["owner"] for r in rows} == {owner} and len(rows) == len(mine)
    assert float(rows[0]["discount"]) == pytest.approx(mine["discount"].iloc[0] / 100)


def test_no_won_deals_explains_what_is_missing(demo_app_env):
    at = open_page(Period(dt.date(2020, 1, 1), dt.date(2020, 3, 31)))
    assert "no won deals in the period" in " ".join(i.value for i in at.info)
    assert not at.metric or "Median discount" not in [metric.label for metric in at.metric]


def test_a_manager_sees_only_their_team_even_when_the_url_asks_for_another(demo_app_env):
    # Signed in as the manager of Atlas, with a link that asks for Beacon.
    at = apptest.open_page(PAGE, query={"teams": "Beacon"}, email="claire.donovan@example.com")
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        atlas = conn.execute(select(m.Team.id).where(m.Team.name == "Atlas")).scalar_one()
        parts = registry.evaluate(conn, "discounting", Scope.teams([atlas]), Filters(Q3)).parts
        others = set(
            conn.execute(
                select(m.Person.name)
                .join(m.Team, m.Team.id == m.Person.team_id)
                .where(m.Team.name != "Atlas")
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert {metric.label: metric.value for metric in at.metric}["Median discount"] == fmt_percent(
        parts["median_discount"], 1
    )
    assert set(table_with(at, "deal", "discount", "owner")["team"]) == {"Atlas"}
    at.segmented_control(key="pp.discount.by").set_value("seller").run()
    sellers = set(shown(table_with(at, "name", "median_discount")["name"]))
    assert sellers and not sellers & others
    page_text = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "Beacon" not in page_text
