"""Cached reads for the pages. Every wrapper takes plain hashable arguments, the scope included,
so one viewer's cached result is never served to another."""

from __future__ import annotations

import streamlit as st

from dashboard.app_state import _engine_for
from data_access import org, status
from data_access.scope import Scope

TTL = "10m"


@st.cache_data(ttl=TTL, show_spinner=False)
def load_counts(url: str, scope: Scope) -> dict:
    with _engine_for(url).connect() as conn:
        return status.load_counts(conn, scope)


@st.cache_data(ttl=TTL, show_spinner=False)
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
def segments(url: str, scope: Scope) -> list[str]:
    with _engine_for(url).connect() as conn:
        return org.segments_in_scope(conn, scope)
