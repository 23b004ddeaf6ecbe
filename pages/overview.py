"""Leadership › Overview: which teams show symptoms of lost purpose, how bad, getting better or
worse, and what is the evidence? The page a sales leader puts on the projector."""

from dataclasses import replace

import streamlit as st

from dashboard.brief_pdf import pdf_for_view
from dashboard.components.leadership import (
    ALL_TEAMS,
    pick_card,
    render_evidence,
    render_heatmap,
    render_index,
    render_nsp,
    render_scorecard,
    render_weights,
)
from dashboard.reads import common as cached
from dashboard.shell import state
from metrics.registry import METRICS

url, scope, filters = state.get_settings().database_url, state.get_scope(), state.get_filters()
settings = cached.metric_settings(url)

st.title("Overview")
render_nsp(cached.nsp(url))
org = cached.org_scorecard(url, scope, filters)
to_date = " to date (the period has not ended)" if filters.running else ""
st.caption(f"{filters.period.label()}{to_date}, {org.symptoms[0].comparison}.")
render_index(ALL_TEAMS if filters.team_ids is None else "Teams chosen", org, settings)
engine = state.get_engine()
st.download_button(
    "Download the leadership brief (PDF)",
    lambda: pdf_for_view(engine, scope, filters),  # built only when clicked
    file_name=f"purpose-pulse-brief-{filters.period.start}-to-{filters.period.end}.pdf",
    mime="application/pdf",
    on_click="ignore",
    icon=":material/picture_as_pdf:",
    help="This period and these teams (every segment) on a page, then a page per team.",
    key="pp.overview.brief_pdf",
)

st.subheader("Teams at a glance")
cards = cached.team_scorecards(url, scope, filters)
render_heatmap(cards)

st.subheader(f"The {len(METRICS)} symptoms")
card = pick_card(org, cards)
if card is not org:
    render_index(card.name, card, settings)
symptom_id = render_scorecard(card, settings)

narrowed = filters if card.team_id is None else replace(filters, team_ids=frozenset({card.team_id}))
render_evidence(url, scope, narrowed, card.symptom(symptom_id), card.name if card is not org else ALL_TEAMS)

with st.expander("How the Purpose Health Index is weighted"):
    render_weights(card)
