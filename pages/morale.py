"""Signals › Morale and people: is morale declining, are people leaving, are the best sellers
sliding? Survey figures follow the confidentiality rules; no individual answer is ever shown."""

import streamlit as st

from dashboard import reads
from dashboard.components.morale import (
    DRIVER_LABELS,
    render_hidden,
    render_morale_headline,
    render_morale_lines,
    render_slide,
    render_team_morale,
    team_morale_frame,
)
from dashboard.shell import state
from dashboard.shell.page_links import page_links
from metrics.analyses.morale import twelve_months_to
from metrics.privacy import minimum_respondents, survey_period

view = state.view()
filters, settings = view.filters, view.settings

st.title("Morale and people")
window = survey_period(filters.period)
st.caption(
    f"{filters.period.label()}. Survey results are never attributed: a group with fewer than "
    f"{minimum_respondents(settings)} respondents to a question, or one that could be worked out by subtraction, "
    "is hidden and says why."
)
if window != filters.period:
    st.info(
        f"Survey figures cover whole months: {window.label()}. Your period, {filters.period.label()}, is widened "
        "to the months it touches so that no two views can differ by a few people's answers; "
        "attrition and the top-performer slide use your period as picked.",
        icon=":material/date_range:",
    )
morale = reads.evaluate(view, "morale")
slide = reads.evaluate(view, "top_performer_slide")
render_morale_headline(morale, slide, settings)

st.subheader("By team")
teams = reads.adopting_teams(view)
by_team = reads.evaluate_by_team(view, "morale", tuple(t.id for t in teams))
people = {t.name: by_team[t.id] for t in teams if t.id in by_team}
render_team_morale(team_morale_frame(reads.morale_by_team(view, None), people))

span = twelve_months_to(filters.period)
st.subheader("Over time")
st.caption(f"Month by month, {span.label()}.")
trend = reads.morale_by_team(view.with_period(span), "month")
render_morale_lines(trend, "enps", "eNPS per team", (-100, 100), "+.0f")
driver = st.selectbox("Driver", list(DRIVER_LABELS), format_func=DRIVER_LABELS.get, key="pp.morale.driver")
render_morale_lines(trend, driver, f"{DRIVER_LABELS[driver]} per team (mean answer, 1–5)", (1, 5), ".1f")
render_hidden(trend)

st.subheader("Top performers")
render_slide(
    slide, None if slide.status == "needs" else reads.evidence(view, "top_performer_slide"), page_links(view)
)
