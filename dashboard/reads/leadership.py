"""Cached reads for the leadership and people pages, keyed by (database url, scope, filters) like
:mod:`dashboard.reads.common`, so one viewer's result is never served to another."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.reads.common import TTL, _settings, stored
from dashboard.shell.state import _engine_for
from data_access.scope import Filters, Period, Scope


@st.cache_data(ttl=TTL, show_spinner="Comparing before and after the launch…")
@stored
def before_after(url: str, scope: Scope, filters: Filters, launch: dt.date) -> pd.DataFrame:
    from metrics.analyses import adoption

    with _engine_for(url).connect() as conn:
        return adoption.before_after(conn, scope, filters, launch, _settings(conn))


@st.cache_data(ttl=TTL, show_spinner=False)
def adopting_teams(url: str, scope: Scope, filters: Filters) -> list:
    from metrics.analyses import adoption

    with _engine_for(url).connect() as conn:
        return adoption.adopting_teams(conn, scope, filters)


@st.cache_data(ttl=TTL, show_spinner="Drawing the monthly trend…")
@stored
def team_series(url: str, scope: Scope, filters: Filters, period: Period, metric_id: str) -> pd.DataFrame:
    """The metric per month over ``period`` for each sales team in view (column ``team``)."""
    from metrics.analyses import adoption

    with _engine_for(url).connect() as conn:
        return adoption.series_by_team(conn, scope, filters, period, metric_id, _settings(conn))


@st.cache_data(ttl=TTL, show_spinner="Reading the pulse surveys…")
@stored
def morale_by_team(url: str, scope: Scope, filters: Filters, grain: str = "month") -> pd.DataFrame:
    from metrics.analyses import morale as morale_trends

    with _engine_for(url).connect() as conn:
        return morale_trends.morale_by_team(conn, scope, filters, _settings(conn), grain)
