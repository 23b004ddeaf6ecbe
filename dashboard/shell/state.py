"""The app's shared resources and session state, in one module.

The Engine is cached per database URL (``st.cache_resource``); Sessions are never cached. The
viewer's scope is resolved here once per run and passed down to every query. Session-state keys
are namespaced ``pp.*`` and read or written only through this module.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard.config import Settings, load_settings
from dashboard.view import View
from data_access.scope import Filters, Scope

_PREFIX = "pp."


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    from data_access.db import make_engine

    return make_engine(url)


def _secrets() -> dict:
    """Streamlit's secrets (``.streamlit/secrets.toml`` or what a test sets), or {} when none exist."""
    from streamlit.errors import StreamlitSecretNotFoundError

    try:
        return st.secrets.to_dict()
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return {}


def get_settings() -> Settings:
    return load_settings(secrets=_secrets())


def transaction():
    """A transaction on this run's database (``with state.transaction() as conn:``), for what a
    page writes: an import, a setting, the NSP, an uploaded transcript. It commits at the end of the
    block and rolls back if the block raises."""
    return view().engine.begin()


def apply_currency(url: str) -> None:
    """Make the organisation's stored currency the one every money format of this run uses."""
    from metrics.money import set_currency

    set_currency(_currency_for(url))


@st.cache_data(ttl=60, show_spinner=False)
def _currency_for(url: str) -> str | None:
    """The organisation's currency (cached briefly; saving Settings clears the cache)."""
    from sqlalchemy.exc import SQLAlchemyError

    from data_access.currency import read_currency

    try:
        with _engine_for(url).connect() as conn:
            return read_currency(conn)
    except SQLAlchemyError:  # the database is down or not set up yet: pages say so themselves
        return None


def set_access(access) -> None:
    """Called once per run by the app shell, after sign-in resolved who the viewer is."""
    set_state("access", access)


def get_access():
    access = get_state("access")
    if access is None:
        raise RuntimeError("The app shell has not resolved the viewer yet.")
    return access


def open_view(url: str, access) -> View:
    """Called once per run by the app shell, after sign-in: the view every read of this run takes,
    with the process's cached Engine and the metric settings (the filter bar adds the filters)."""
    from dashboard import reads

    base = View(url, _engine_for(url), access.scope)
    settings = reads.metric_settings(base) if access.sees_people_data else None
    built = View(url, base.engine, access.scope, get_state("filters"), settings)
    set_state("view", built)
    return built


def set_filters(filters: Filters) -> None:
    """Called by the filter bar once it has built this run's filters."""
    set_state("filters", filters)
    set_state("view", view().with_filters(filters))


def view() -> View:
    """This run's :class:`~dashboard.view.View`: the database, the viewer's scope, the filters, the settings."""
    built = get_state("view")
    if built is None:
        raise RuntimeError("The app shell has not opened this run's view yet.")
    return built


def counts_view() -> View:
    """This run's view for plain counts (see :func:`get_counts_scope`)."""
    return view().with_scope(get_counts_scope())


def get_filters() -> Filters:
    """The :class:`~data_access.scope.Filters` the filter bar built in this run."""
    filters = view().filters
    if filters is None:
        raise RuntimeError("The filter bar has not run yet; pages get filters from the app shell.")
    return filters


def get_counts_scope() -> Scope:
    """The scope for plain counts: admins see org-wide counts (and nothing else of people data)."""
    access = get_access()
    if access.role == "admin":
        return Scope.everything(viewer=access.email)
    return access.scope


def viewer_label() -> str:
    access = get_access()
    return access.person_name or access.email


def get_state(key: str, default=None):
    return st.session_state.get(_PREFIX + key, default)


def set_state(key: str, value) -> None:
    st.session_state[_PREFIX + key] = value
