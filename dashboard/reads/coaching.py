"""Cached reads for the one-on-one prep page, keyed by (database url, scope, filters, seller), like
:mod:`dashboard.reads.common`: the scope is an argument, so one viewer's result is never served to another."""

from __future__ import annotations

import streamlit as st

from dashboard.reads.common import TTL, stored
from dashboard.shell.state import _engine_for
from data_access.scope import Filters, Scope


@st.cache_data(ttl=TTL, show_spinner=False)
def sellers(url: str, scope: Scope, filters: Filters):
    """The sellers the viewer may coach in this view (see :func:`metrics.analyses.coaching.sellers_in_scope`)."""
    from metrics.analyses import coaching

    with _engine_for(url).connect() as conn:
        return coaching.sellers_in_scope(conn, scope, filters)


@st.cache_data(ttl=TTL, show_spinner="Preparing the brief…")
@stored
def facts(url: str, scope: Scope, filters: Filters, seller_id: int):
    """The seller's coaching facts, or None when the seller is outside ``scope``."""
    from metrics.analyses import coaching
    from metrics.parameters import load_metric_settings

    with _engine_for(url).connect() as conn:
        return coaching.coaching_facts(conn, scope, filters, seller_id, load_metric_settings(conn))
