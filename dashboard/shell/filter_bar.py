"""The filter bar widgets in the sidebar, synced with the URL query string."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import reads
from dashboard.shell import state
from dashboard.shell.filters import (
    EARLIEST,
    LATEST,
    PRESETS,
    QUERY_KEYS,
    FilterChoice,
    choice_from_query,
    ignored_teams_note,
    resolve,
    team_families,
)
from data_access.scope import Filters

_KEY = "pp.filter."


def render_filter_bar(today: dt.date | None = None) -> Filters:
    """Draw the bar, return the viewer's :class:`Filters`, and write the choice into the URL."""
    today = today or dt.date.today()
    view = state.view()
    families = team_families(reads.teams(view))
    segments = reads.segments(view)

    query = st.query_params.to_dict()
    initial = choice_from_query(query)
    # A link that names other filters than the bar last wrote (a drill-through to a team) wins over
    # the choice kept in the session; a page opened without them keeps the session's choice.
    asked = {key: query[key] for key in QUERY_KEYS if key in query}
    written = st.session_state.get(_KEY + "written")
    if _KEY + "preset" not in st.session_state or (asked and written is not None and asked != written):
        st.session_state[_KEY + "preset"] = initial.preset
        st.session_state[_KEY + "teams"] = [t for t in initial.teams if t in families]
        st.session_state[_KEY + "segment"] = (
            initial.segment if initial.segment in segments else "All segments"
        )
        if initial.preset == "custom":
            st.session_state[_KEY + "range"] = (initial.start, initial.end)

    with st.sidebar:
        st.markdown("**View**")
        preset = st.selectbox("Period", list(PRESETS), format_func=PRESETS.get, key=_KEY + "preset")
        start = end = None
        if preset == "custom":
            default = FilterChoice().period(today)
            if _KEY + "range" not in st.session_state:
                st.session_state[_KEY + "range"] = (default.start, default.end)
            picked = st.date_input(
                "From – to", key=_KEY + "range", format="YYYY-MM-DD", min_value=EARLIEST, max_value=LATEST
            )
            if isinstance(picked, tuple) and len(picked) == 2:
                start, end = picked
        team_names = st.multiselect(
            "Teams",
            list(families),
            key=_KEY + "teams",
            placeholder="All teams you can see",
            help="Pick a region to include every team in it.",
        )
        segment = st.selectbox("Segment", ["All segments", *segments], key=_KEY + "segment")

    choice = FilterChoice(
        preset, start, end, tuple(team_names), None if segment == "All segments" else segment
    )
    filters, notes = resolve(choice, families, segments, today)
    ignored = [t for t in initial.teams if t not in families]
    if ignored:
        notes.insert(0, ignored_teams_note(ignored))
    if initial.problem:
        notes.insert(0, initial.problem)
    with st.sidebar:
        st.caption(f"Period: {filters.period.label()}")
        for note in dict.fromkeys(notes):
            st.warning(note, icon=":material/visibility_off:")
    _sync_url(choice.to_query())
    st.session_state[_KEY + "written"] = choice.to_query()
    state.set_filters(filters)
    return filters


def _sync_url(query: dict[str, str]) -> None:
    """Write the filter's own keys into the URL and leave every other parameter (a page's own,
    such as ``seller``) alone."""
    current = st.query_params.to_dict()
    for key in QUERY_KEYS:
        wanted = query.get(key)
        if wanted is None:
            if key in current:
                del st.query_params[key]
        elif current.get(key) != wanted:
            st.query_params[key] = wanted
