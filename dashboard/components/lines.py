"""Line charts of many teams cut to the few doing worst, unless the viewer asks for all."""

from __future__ import annotations

import pandas as pd
import streamlit as st

# A line chart tells a dozen teams apart, not two hundred (and draws two hundred lines slowly).
MAX_LINES = 12


def fewer_lines(
    data: pd.DataFrame, value: str, label: str, key: str, *, higher_is_better: bool = True
) -> pd.DataFrame:
    """``data`` (a ``team`` column, one row per team and month) cut to the :data:`MAX_LINES` teams
    doing worst on average over the span, unless the viewer switches on "Show all"; unchanged when
    there are few teams."""
    teams = data["team"].dropna().unique()
    if len(teams) <= MAX_LINES or st.toggle(f"Show all {len(teams)} teams", key=key):
        return data
    means = pd.to_numeric(data[value], errors="coerce").groupby(data["team"]).mean().dropna()
    worst = means.sort_values(ascending=higher_is_better).index[:MAX_LINES]
    st.caption(
        f"The {MAX_LINES} teams with the {'lowest' if higher_is_better else 'highest'} average {label}."
    )
    return data[data["team"].isin(worst)]
