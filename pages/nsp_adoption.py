"""Leadership › NSP adoption: since we launched our Noble Sales Purpose, have internal talk,
discounting, churn and morale moved, and in which teams?"""

import streamlit as st

from dashboard import reads
from dashboard.components.adoption import (
    render_adoption_by_team,
    render_adoption_headline,
    render_adoption_table,
    render_adoption_trend,
    render_nsp,
    render_windows,
)
from dashboard.formatting import fmt_date
from dashboard.shell import state
from metrics.analyses.adoption import ADOPTION_MEASURES, since_launch, trend_period
from metrics.registry import get_metric

view = state.view()
settings = view.settings

st.title("NSP adoption")
nsp = reads.nsp(view)
if not nsp or not nsp.get("launch_date"):
    st.info(
        "There is no Noble Sales Purpose launch date to compare around. Add the statement and its launch date "
        "on the Data › Settings page."
    )
    st.stop()
launch = nsp["launch_date"]
render_nsp(nsp)

span = st.radio(
    "Compare",
    ["Since launch", "The period in the sidebar"],
    horizontal=True,
    key="pp.nsp.span",
    help="Since launch: every day from the launch to yesterday against as many days before it.",
)
if span != "The period in the sidebar":
    view = view.with_filters(since_launch(view.filters, launch))

frame = reads.before_after(view, launch)
if frame.empty or frame["after_start"].isna().all():
    st.warning(
        f"The chosen period ends before the launch on {fmt_date(launch)}: pick a period after it in the sidebar."
    )
    st.stop()
render_windows(frame)
render_adoption_headline(frame, settings)

st.subheader("By team")
measure = st.selectbox(
    "Measure", ADOPTION_MEASURES, format_func=lambda m: get_metric(m).label, key="pp.nsp.measure"
)
render_adoption_by_team(frame, measure, settings)

st.subheader("Month by month")
teams = reads.adopting_teams(view)
period = trend_period(launch, teams, view.filters.period)
render_adoption_trend(reads.team_series(view, period, measure), teams, period, launch, measure)

with st.expander("Every measure, every team"):
    render_adoption_table(frame, settings)
