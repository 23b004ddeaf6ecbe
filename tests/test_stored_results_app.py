"""Stored results as a leader meets them: the figures one session computed are what the next session
shows without reading a single deal again, and ``precompute`` fills them for every page beforehand."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from sqlalchemy import Engine, select

from data_access import models as m
from data_access.db import make_engine
from tests.apptest import open_page
from tests.conftest import copy_database, count_statements
from tests.test_cli import run_cli

pytestmark = pytest.mark.slow
DEALS = re.compile(r"\bFROM\s+opportunities\b|\bJOIN\s+opportunities\b", re.IGNORECASE)


def _headline(at) -> list[str]:
    return [metric.value for metric in at.metric]


def _deal_queries(page: str) -> tuple[list[str], list[str]]:
    """Open ``page`` as a new session with an empty process cache: (its headline figures, the SQL
    statements it sent that read deals)."""
    st.cache_data.clear()
    with count_statements(Engine) as log:  # every engine the app opens
        at = open_page(page)
    return _headline(at), [s for s in log if DEALS.search(s)]


def test_the_second_session_reads_the_overview_the_first_one_computed(demo_app_env):
    first, first_deals = _deal_queries("../pages/overview.py")
    assert first_deals, "the first session computes the scorecards from the deals"
    second, second_deals = _deal_queries("../pages/overview.py")
    assert second == first
    assert second_deals == []


def test_precompute_stores_every_page_so_no_page_reads_deals_afterwards(
    demo_database_url, tmp_path, monkeypatch
):
    url = copy_database(demo_database_url, tmp_path / "precomputed.db")
    result = run_cli("precompute", "--period", "last_quarter", database_url=url)
    assert result.returncode == 0, result.stderr
    assert "Overview" in result.stderr and "Pipeline behaviour" in result.stderr
    engine = make_engine(url)
    with engine.connect() as conn:
        names = set(conn.execute(select(m.StoredResult.name)).scalars())
    engine.dispose()
    assert {
        "metrics.scorecard.team_scorecards",
        "metrics.scorecard.scorecard",
        "metrics.analyses.pipeline.pipeline_movement",
        "report",
    } <= names
    # The last quarter is the default period: a leader opening the app reads stored figures only.
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_data.clear()
    with count_statements(Engine) as log:
        from streamlit.testing.v1 import AppTest

        from tests.apptest import APP

        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        at.switch_page("../pages/pipeline.py").run()
        assert not at.exception
    assert [s for s in log if DEALS.search(s)] == []
