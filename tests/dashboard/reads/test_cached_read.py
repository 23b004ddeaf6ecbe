"""One way to read: a metric function made a read of a view passes the view's scope, filters and
settings by name, keeps its result in the database's result store under the function's own
module-qualified name, and serves it to the next viewer with the same teams."""

from __future__ import annotations

import datetime as dt

import pytest
import streamlit as st
from sqlalchemy import select

from dashboard import reads
from dashboard.reads.cached_read import cached_read, live_read
from dashboard.view import View
from data_access import models as m
from data_access import status
from data_access.scope import Filters, Period, Scope
from metrics.parameters import MetricSettings

Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
calls: list[tuple] = []


def counted(conn, scope: Scope, filters: Filters, by: str, *, limit: int = 10, settings=None) -> dict:
    """A stand-in metric function that records each time it computes."""
    calls.append((by, limit))
    return {"by": by, "limit": limit, "teams": sorted(scope.team_ids), "days": filters.period.days}


@pytest.fixture
def view(fresh_engine) -> View:
    calls.clear()
    url = fresh_engine.url.render_as_string(hide_password=False)
    scope = Scope.teams([1, 2], viewer="ann@example.com")
    return View(url, fresh_engine, scope, Filters(Q3), MetricSettings.defaults(), cache=False)


def _stored_names(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(m.StoredResult.name)).scalars())


def test_the_view_fills_scope_filters_and_settings_and_the_page_gives_the_rest(view):
    read = cached_read(counted)
    assert read.arguments(view, "team", limit=5) == {
        "scope": view.scope,
        "filters": view.filters,
        "settings": view.settings,
        "by": "team",
        "limit": 5,
    }
    assert read(view, "team") == {"by": "team", "limit": 10, "teams": [1, 2], "days": 92}
    with pytest.raises(TypeError, match="takes 2 argument"):
        read(view, "team", 5, "one too many")


def test_a_result_is_stored_by_the_function_name_and_served_to_another_viewer_of_the_same_teams(view):
    read = cached_read(counted)
    first = read(view, "team")
    assert _stored_names(view.engine) == [f"{__name__}.counted"]
    colleague = view.with_scope(Scope.teams([2, 1], viewer="bob@example.com"))
    assert read(colleague, "team") == first
    assert read(view, by="team") == first  # by name or by position: one key
    assert calls == [("team", 10)]
    # Other teams, another argument or another period are other results.
    read(view.with_scope(Scope.teams([1], viewer="ann@example.com")), "team")
    read(view, "seller")
    read(view.with_period(Period(dt.date(2026, 7, 1), dt.date(2026, 7, 31))), "team")
    assert len(calls) == 4


def test_light_and_live_reads_are_not_stored(view):
    cached_read(counted, store=False)(view, "team")
    live = live_read(counted)
    live(view.with_filters(view.filters), "team")
    live(view, "team")
    assert _stored_names(view.engine) == []
    assert len(calls) == 3


def test_in_a_streamlit_run_the_process_cache_answers_the_second_call(view):
    st.cache_data.clear()
    read = cached_read(counted, store=False)
    cached = View(view.url, view.engine, view.scope, view.filters, view.settings)
    assert read(cached, "team") == read(cached, "team")
    assert calls == [("team", 10)]
    live_read(counted)(cached, "team")
    assert len(calls) == 2


def test_a_real_read_answers_what_the_data_access_function_does(view):
    with view.engine.connect() as conn:
        expected = status.load_counts(conn, view.scope)
    assert reads.load_counts(view) == expected
    assert _stored_names(view.engine) == ["data_access.status.load_counts"]
