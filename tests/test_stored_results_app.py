"""Stored results as a leader meets them: the figures one session computed are what the next session
shows without reading a single deal again, and ``precompute`` fills them for every page beforehand."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from sqlalchemy import Engine, select

from dashboard.shell.navigation import PAGE_SPECS
from data_access import models as m
from data_access.db import make_engine
from tests.apptest import open_page
from tests.conftest import copy_database, count_statements
from tests.test_cli import run_cli

pytestmark = pytest.mark.slow
DECLARED = [spec for spec in PAGE_SPECS if spec.reads is not None]
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


@pytest.fixture(scope="module")
def precomputed(demo_database_url, tmp_path_factory):
    """A copy of the demo after ``precompute --period last_quarter``: (its URL, the command's result)."""
    url = copy_database(demo_database_url, tmp_path_factory.mktemp("precomputed") / "precomputed.db")
    return url, run_cli("precompute", "--period", "last_quarter", database_url=url)


def _stored(url: str) -> dict[str, str]:
    """{key: name} of every result in the store."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(select(m.StoredResult.key, m.StoredResult.name)).all())
    engine.dispose()
    return rows


def test_precompute_stores_every_page_so_no_page_reads_deals_afterwards(precomputed, monkeypatch):
    url, result = precomputed
    assert result.returncode == 0, result.stderr
    assert "Overview" in result.stderr and "Pipeline behaviour" in result.stderr
    names = set(_stored(url).values())
    assert {
        "metrics.scorecard.team_lines",
        "metrics.scorecard.scorecard",
        "metrics.analyses.pipeline.pipeline_movement",
        "report",
    } <= names
    # The last quarter is the default period: a leader opening the app reads stored figures only.
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_data.clear()
    with count_statements(Engine) as log:
        open_page("../pages/pipeline.py", period=None)
    assert [s for s in log if DEALS.search(s)] == []


@pytest.mark.parametrize("spec", DECLARED, ids=[spec.url_path for spec in DECLARED])
def test_each_page_declares_every_read_it_makes_when_it_opens(precomputed, monkeypatch, spec):
    """Opening a page after ``precompute`` computes nothing new: what the page reads on the default
    period is exactly what its entry in the page registry declares."""
    url, result = precomputed
    assert result.returncode == 0, result.stderr
    before = _stored(url)
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_data.clear()
    open_page(f"../pages/{spec.file}", period=None)
    computed = {key: name for key, name in _stored(url).items() if key not in before}
    assert computed == {}, f"{spec.title} read what it does not declare: {sorted(computed.values())}"
