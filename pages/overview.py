"""Leadership › Overview: which teams show symptoms of lost purpose, how bad, getting better or
worse, and what is the evidence? The page a sales leader puts on the projector."""

from dataclasses import replace

import streamlit as st

from dashboard import reads
from dashboard.components.adoption import render_nsp
from dashboard.components.evidence import render_evidence
from dashboard.components.scorecard import (
    ALL_TEAMS,
    pick_card,
    render_heatmap,
    render_index,
    render_scorecard,
    render_weights,
)
from dashboard.shell import state
from metrics.registry import METRICS

view = state.view()
filters, settings = view.filters, view.settings

st.title("Overview")
render_nsp(reads.nsp(view))
org = reads.org_scorecard(view)
to_date = " to date (the period has not ended)" if filters.running else ""
st.caption(f"{filters.period.label()}{to_date}, {org.symptoms[0].comparison}.")
render_index(ALL_TEAMS if filters.team_ids is None else "Teams chosen", org, settings)
st.download_button(
    "Download the leadership brief (PDF)",
    lambda: reads.brief_pdf(view),  # built only when clicked
    file_name=f"purpose-pulse-brief-{filters.period.start}-to-{filters.period.end}.pdf",
    mime="application/pdf",
    on_click="ignore",
    icon=":material/picture_as_pdf:",
    help="This period and these teams (every segment) on a page, then a page per team.",
    key="pp.overview.brief_pdf",
)

st.subheader("Teams at a glance")
cards = reads.team_scorecards(view)
render_heatmap(cards)

st.subheader(f"The {len(METRICS)} symptoms")
card = pick_card(org, cards)
if card is not org:
    render_index(card.name, card, settings)
symptom_id = render_scorecard(card, settings)

narrowed = (
    view if card.team_id is None else view.with_filters(replace(filters, team_ids=frozenset({card.team_id})))
)
render_evidence(
    reads.evidence_rows(narrowed, symptom_id),
    card.symptom(symptom_id),
    card.name if card is not org else ALL_TEAMS,
)

with st.expander("How the Purpose Health Index is weighted"):
    render_weights(card)
