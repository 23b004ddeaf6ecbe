"""The app's shared resources and session state, in one module.

The Engine is cached per database URL (``st.cache_resource``); Sessions are never cached. The
viewer's scope is resolved here once per run and passed down to every query. Session-state keys
are namespaced ``pp.*`` and read or written only through this module.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard.settings import Settings, load_settings
from data_access.scope import Scope

_PREFIX = "pp."


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    from data_access.db import make_engine

    return make_engine(url)


def get_settings() -> Settings:
    return load_settings()


def get_engine() -> Engine:
    return _engine_for(get_settings().database_url)


def get_scope() -> Scope:
    """The teams the viewer may see. Until sign-in is configured the app runs as a local executive."""
    return Scope.everything("local executive")


def get_filters():
    """The :class:`~data_access.scope.Filters` the filter bar built in this run."""
    filters = get_state("filters")
    if filters is None:
        raise RuntimeError("The filter bar has not run yet; pages get filters from the app shell.")
    return filters


def viewer_label() -> str:
    return get_scope().viewer


def get_state(key: str, default=None):
    return st.session_state.get(_PREFIX + key, default)


def set_state(key: str, value) -> None:
    st.session_state[_PREFIX + key] = value
