"""Styles every page shares, injected once per run by the app: what Streamlit would otherwise cut at
1280 px wraps instead."""

import streamlit as st

APP_CSS = """
<style>
/* A card's label and a link's text wrap instead of ending in "…" on a 1280 px projector. */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stPageLink-NavLink"], [data-testid="stPageLink-NavLink"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto !important;
}
</style>
"""


def apply_app_style() -> None:
    st.html(APP_CSS)
