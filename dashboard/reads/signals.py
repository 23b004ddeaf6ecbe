"""Cached reads of the Signals pages (meeting health, discounting, pipeline, churn).

Same pattern as :mod:`dashboard.reads.common`: plain hashable arguments, the viewer's scope among them,
so one viewer's result is never served to another; the engine comes from the cached resource.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.reads.common import stored
from dashboard.shell.state import _engine_for
from data_access.scope import Filters, Period, Scope

TTL = "10m"


def _settings(conn):
    from metrics.parameters import load_metric_settings

    return load_metric_settings(conn)


# --- Meeting health ----------------------------------------------------------------------------


@st.cache_data(ttl=TTL, show_spinner="Reading the meetings…")
@stored
def talk_mix(url: str, scope: Scope, filters: Filters, by: str) -> pd.DataFrame:
    from metrics.analyses import meetings as meetings_view

    with _engine_for(url).connect() as conn:
        return meetings_view.talk_mix(conn, scope, filters, by)


@st.cache_data(ttl=TTL, show_spinner=False)
@stored
def weekly_talk(url: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    from metrics.analyses import meetings as meetings_view

    with _engine_for(url).connect() as conn:
        return meetings_view.weekly_talk(conn, scope, filters)


@st.cache_data(ttl=TTL, show_spinner="Listing the meetings…")
@stored
def meeting_list(url: str, scope: Scope, filters: Filters, sort: str, limit: int) -> pd.DataFrame:
    from metrics.analyses import meetings as meetings_view
    from metrics.parameters import load_metric_settings

    with _engine_for(url).connect() as conn:
        return meetings_view.meeting_list(
            conn, scope, filters, sort=sort, limit=limit, settings=load_metric_settings(conn)
        )


@st.cache_data(ttl=TTL, show_spinner="Loading the transcript…")
@stored
def transcript(url: str, scope: Scope, filters: Filters, meeting_id: int) -> dict:
    from metrics.analyses import meetings as meetings_view

    with _engine_for(url).connect() as conn:
        return meetings_view.transcript(conn, scope, filters, meeting_id)


# --- Discounting -------------------------------------------------------------------------------


@st.cache_data(ttl=TTL, show_spinner=False)
@stored
def discount_histogram(url: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    from metrics.analyses import discounting as discount_view

    with _engine_for(url).connect() as conn:
        return discount_view.discount_histogram(conn, scope, filters)


@st.cache_data(ttl=TTL, show_spinner="Comparing discounts…")
@stored
def discount_by(url: str, scope: Scope, filters: Filters, by: str) -> pd.DataFrame:
    """Median, P90 and share discounted per ``seller`` or ``team`` (the threshold from the settings)."""
    from metrics.analyses import discounting as discount_view

    with _engine_for(url).connect() as conn:
        threshold = _settings(conn).number("discounted_from")
        function = discount_view.discount_by_seller if by == "seller" else discount_view.discount_by_team
        return function(conn, scope, filters, threshold)


# --- Pipeline behaviour ------------------------------------------------------------------------


@st.cache_data(ttl=TTL, show_spinner="Tracing the pipeline's moves…")
@stored
def movement(url: str, scope: Scope, filters: Filters):
    from metrics.analyses import pipeline as pipeline_movement

    with _engine_for(url).connect() as conn:
        return pipeline_movement.pipeline_movement(conn, scope, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
@stored
def movement_table(url: str, scope: Scope, filters: Filters, periods: tuple[Period, ...]) -> pd.DataFrame:
    from metrics.analyses import pipeline as pipeline_movement

    with _engine_for(url).connect() as conn:
        return pipeline_movement.movement_table(conn, scope, filters, list(periods))


@st.cache_data(ttl=TTL, show_spinner=False)
@stored
def won_by_week(url: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    from metrics.analyses import pipeline as pipeline_movement

    with _engine_for(url).connect() as conn:
        return pipeline_movement.won_by_week_of_quarter(conn, scope, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
@stored
def repeatedly_pushed(url: str, scope: Scope, filters: Filters, limit: int = 100) -> pd.DataFrame:
    from metrics.analyses import pipeline as pipeline_movement

    with _engine_for(url).connect() as conn:
        return pipeline_movement.repeatedly_pushed(conn, scope, filters, limit=limit)


@st.cache_data(ttl=TTL, show_spinner=False)
@stored
def first_days_closes(url: str, scope: Scope, filters: Filters, limit: int = 100) -> pd.DataFrame:
    from metrics.analyses import pipeline as pipeline_movement

    with _engine_for(url).connect() as conn:
        days = _settings(conn).integer("quarter_start_days")
        return pipeline_movement.first_days_closes(conn, scope, filters, days, limit=limit)


# --- Churn and retention -----------------------------------------------------------------------


@st.cache_data(ttl=TTL, show_spinner="Computing retention by month…")
@stored
def retention_by_month(url: str, scope: Scope, filters: Filters, months: int = 12) -> pd.DataFrame:
    from metrics.analyses import cohorts

    with _engine_for(url).connect() as conn:
        return cohorts.retention_by_month(conn, scope, filters, _settings(conn), months=months)


@st.cache_data(ttl=TTL, show_spinner="Building the cohorts…")
@stored
def cohort_retention(url: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    from metrics.analyses import cohorts

    with _engine_for(url).connect() as conn:
        return cohorts.cohort_retention(conn, scope, filters)
