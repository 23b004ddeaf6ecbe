"""Cached reads for the pages. Every wrapper takes plain hashable arguments, the scope included,
so one viewer's cached result is never served to another.

Two layers: ``st.cache_data`` keeps a result in this process; :func:`stored` keeps the heavy ones in
the database (:mod:`data_access.result_store`), checked against the data's version, so a result
computed by one viewer, session or replica is read by the next instead of being computed again.
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from dashboard.shell.state import _engine_for
from data_access import org, result_store, status
from data_access.scope import Filters, Scope

TTL = "10m"


def stored(function):
    """Route a read ``function(url, *args)`` through the database's result store, keyed by its name
    and arguments (the scope's teams and the filters, not the viewer's name)."""
    name = f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}"

    @functools.wraps(function)
    def wrapper(url: str, *args, **kwargs):
        return result_store.remember(
            _engine_for(url), name, (args, kwargs), lambda: function(url, *args, **kwargs)
        )

    return wrapper


@st.cache_data(ttl=TTL, show_spinner=False)
@stored
def load_counts(url: str, scope: Scope) -> dict:
    with _engine_for(url).connect() as conn:
        return status.load_counts(conn, scope)


@st.cache_data(ttl=TTL, show_spinner=False)
@stored
def data_window(url: str, scope: Scope):
    with _engine_for(url).connect() as conn:
        return status.data_window(conn, scope)


@st.cache_data(ttl=TTL, show_spinner=False)
def freshness(url: str) -> list[dict]:
    with _engine_for(url).connect() as conn:
        return status.freshness(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def nsp(url: str) -> dict | None:
    with _engine_for(url).connect() as conn:
        return status.current_nsp(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def teams(url: str, scope: Scope):
    with _engine_for(url).connect() as conn:
        return org.teams_in_scope(conn, scope)


@st.cache_data(ttl=TTL, show_spinner=False)
@stored
def segments(url: str, scope: Scope) -> list[str]:
    with _engine_for(url).connect() as conn:
        return org.segments_in_scope(conn, scope)


# --- The metric registry, cached per (database, scope, filters). -------------------------------
# Settings overrides are read inside each call, and the settings page clears these caches on save.


def _settings(conn):
    from metrics.parameters import load_metric_settings

    return load_metric_settings(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def metric_settings(url: str):
    with _engine_for(url).connect() as conn:
        return _settings(conn)


@st.cache_data(ttl=TTL, show_spinner="Computing…")
@stored
def evaluate(url: str, scope: Scope, filters: Filters, metric_id: str):
    from metrics import registry

    with _engine_for(url).connect() as conn:
        return registry.evaluate(conn, metric_id, scope, filters, _settings(conn))


@st.cache_data(ttl=TTL, show_spinner="Computing…")
@stored
def evaluate_by_team(
    url: str, scope: Scope, filters: Filters, metric_id: str, team_ids: tuple[int, ...]
) -> dict:
    """{team id: the symptom for that team alone} for each of ``team_ids`` in the viewer's scope,
    computed for all of them at once."""
    from metrics import registry

    with _engine_for(url).connect() as conn:
        return registry.evaluate_by_team(conn, metric_id, scope, filters, team_ids, _settings(conn))


@st.cache_data(ttl=TTL, show_spinner="Computing…")
@stored
def series(
    url: str, scope: Scope, filters: Filters, metric_id: str, grain: str | None = None
) -> pd.DataFrame:
    from metrics import registry

    with _engine_for(url).connect() as conn:
        return registry.series(conn, metric_id, scope, filters, grain, _settings(conn))


@st.cache_data(ttl=TTL, show_spinner="Loading the evidence…")
@stored
def evidence(
    url: str,
    scope: Scope,
    filters: Filters,
    metric_id: str,
    limit: int | None = None,
    every_row: bool = False,
) -> pd.DataFrame:
    from metrics import registry

    with _engine_for(url).connect() as conn:
        return registry.evidence(conn, metric_id, scope, filters, limit, _settings(conn), every_row=every_row)


@st.cache_data(ttl=TTL, show_spinner="Computing the scorecard…")
@stored
def org_scorecard(url: str, scope: Scope, filters: Filters):
    from metrics import scorecard

    with _engine_for(url).connect() as conn:
        return scorecard.scorecard(conn, scope, filters, _settings(conn))


@st.cache_data(ttl=TTL, show_spinner="Computing the team scorecards…")
@stored
def team_scorecards(url: str, scope: Scope, filters: Filters):
    from metrics import scorecard

    with _engine_for(url).connect() as conn:
        return scorecard.team_scorecards(conn, scope, filters, _settings(conn))
