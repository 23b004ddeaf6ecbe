"""No page reads raw rows of the big tables without a bound: every SELECT a page issues that reads
opportunities, their history, utterances or survey answers either aggregates in SQL or has a LIMIT.

A page that loads raw deals into pandas works on the eight-team demo and falls over at a million deals;
this runs every registered page through AppTest on the seeded demo while recording its SQL.
"""

from __future__ import annotations

import re

import pytest
import streamlit as st
from sqlalchemy import Engine

from dashboard.shell.navigation import PAGE_SPECS
from tests.apptest import Q3, period_query, start_app
from tests.conftest import count_statements

# A big table named after FROM or JOIN, or after a comma in a FROM list ("FROM teams, opportunities"),
# but not a column reference such as "opportunities.amount".
RAW_TABLES = re.compile(
    r'(?:\b(?:FROM|JOIN)\s+|,\s*)"?(?:opportunities|opportunity_history|utterances|survey_responses)"?(?![.\w])',
    re.IGNORECASE,
)
# Bounded by construction: groups, distinct values, aggregates and EXISTS (one boolean).
AGGREGATE = re.compile(
    r"\bGROUP\s+BY\b|\bSELECT\s+DISTINCT\b|\bEXISTS\s*\(|\b(?:COUNT|SUM|AVG|MIN|MAX|TOTAL)\s*\(",
    re.IGNORECASE,
)
LIMIT = re.compile(r"\bLIMIT\b", re.IGNORECASE)
PAGES = [spec for spec in PAGE_SPECS if spec.path.exists()]


def unbounded(statement: str) -> bool:
    """True when ``statement`` reads raw rows of a big table with neither an aggregate nor a LIMIT."""
    if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
        return False
    return (
        bool(RAW_TABLES.search(statement)) and not AGGREGATE.search(statement) and not LIMIT.search(statement)
    )


def test_the_check_tells_a_bounded_query_from_an_unbounded_one():
    assert unbounded("SELECT opportunities.id, opportunities.amount FROM opportunities WHERE team_id = ?")
    assert not unbounded("SELECT team_id, SUM(amount) FROM opportunities GROUP BY team_id")
    assert not unbounded("SELECT count(*) AS n FROM utterances")
    assert not unbounded("SELECT id, text FROM utterances WHERE label = ? LIMIT ? OFFSET ?")
    assert not unbounded("SELECT id, name FROM teams")
    assert unbounded('SELECT u.text FROM meetings JOIN "utterances" AS u ON u.meeting_id = meetings.id')
    assert unbounded("SELECT teams.name, opportunities.amount FROM teams, opportunities WHERE teams.id = 1")
    assert not unbounded("SELECT EXISTS (SELECT * FROM opportunity_history) AS anon_1")
    assert not unbounded("SELECT DISTINCT opportunities.segment FROM opportunities")


@pytest.mark.slow
@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_no_page_selects_raw_rows_without_a_limit(demo_app_env, spec):
    at = start_app(period_query(Q3), timeout=180).run()
    # Cached results from earlier pages would hide this page's SQL.
    st.cache_data.clear()
    with count_statements(Engine) as log:
        at.switch_page(f"../pages/{spec.file}").run()
    assert not at.exception, at.exception
    assert log, "the page ran no SQL at all, so the check would prove nothing"
    offenders = [" ".join(s.split())[:300] for s in log if unbounded(s)]
    assert offenders == [], f"{spec.title} reads raw rows without a LIMIT:\n" + "\n".join(offenders)
