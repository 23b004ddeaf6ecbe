"""Leadership › Overview: which teams show symptoms of lost purpose, how bad, getting better or
worse, and what is the evidence? The page a sales leader puts on the projector.

The first screen (1280 x 720) holds the organisation's index with what it stands on and its change,
every team worst first with its band and its last six periods, and the symptoms that got worse
most. ``?present=1`` hides the sidebar and enlarges the type for the projector.
"""

from dataclasses import replace

import streamlit as st

from dashboard import reads
from dashboard.components.adoption import render_nsp
from dashboard.components.evidence import render_evidence
from dashboard.components.scorecard import (
    ALL_TEAMS,
    open_cell,
    pick_card,
    render_headline,
    render_heatmap,
    render_index,
    render_movers,
    render_scorecard,
    render_teams,
    render_weights,
    start_presenting,
    teams_frame,
    tighten_top,
)
from dashboard.components.text import why_text
from dashboard.escaping import escape_markdown
from dashboard.shell import state
from dashboard.shell.page_links import page_links, symptom_link
from metrics.brief import worst_movers
from metrics.common import reusing_reads
from metrics.index_parts import recent_periods
from metrics.registry import METRICS, comparison_of, get_metric

PRESENT_PARAM = "present"

view = state.view()
filters, settings = view.filters, view.settings
presenting = st.query_params.get(PRESENT_PARAM) == "1"
tighten_top()
if presenting:
    start_presenting()
links = page_links(view)

with reusing_reads():  # a first computation reads what both ask alike once (the survey's counts…)
    org = reads.org_scorecard(view)
    teams = reads.team_lines(view)  # this period's team scorecards and their last six indexes
cards = teams.cards
periods = recent_periods(filters.period)
_, before, _ = comparison_of(filters)
compared = f"vs {before.period.label()}"
scope_name = ALL_TEAMS if filters.team_ids is None else "Teams chosen"

# --- The first screen ------------------------------------------------------------------------------
title, actions = st.columns([3, 2], vertical_alignment="bottom")
title.title("Overview")
to_date = " (to date: the period has not ended)" if filters.running else ""
title.caption(f"{filters.period.label()}{to_date} · compared {compared.removeprefix('vs ')}")
with actions, st.container(horizontal_alignment="right"):
    present_query = dict(links.query) if presenting else {**links.query, PRESENT_PARAM: "1"}
    st.page_link(
        __file__,
        label="Leave presenting mode" if presenting else "Present (full screen, large type)",
        icon=":material/close_fullscreen:" if presenting else ":material/slideshow:",
        query_params=present_query,
    )

left, right = st.columns([4, 7], gap="medium")
with left:
    render_headline(org, settings, scope_name, compared)
    render_movers(
        worst_movers(org.symptoms, limit=3),
        lambda r: symptom_link(links, r.id, f"{get_metric(r.id).number}. {r.label}"),
        compared,
    )
with right:
    st.markdown(f"**Every team, lowest index first** · {len(cards)} teams")
    render_teams(teams_frame(teams, settings), periods, row_height=44 if presenting else 35)

# --- Below the fold --------------------------------------------------------------------------------
st.divider()
render_nsp(reads.nsp(view))
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
cell = render_heatmap(cards)
opened = open_cell(cards, cell) if cell is not None else None

st.subheader(f"The {len(METRICS)} symptoms")
card = pick_card(org, cards)
if card is not org:
    render_index(card.name, card, settings)
symptom_id = render_scorecard(card, settings)

narrowed = (
    view if card.team_id is None else view.with_filters(replace(filters, team_ids=frozenset({card.team_id})))
)
evidence = reads.evidence_rows(narrowed, symptom_id)
where = card.name if card is not org else ALL_TEAMS
symptom = card.symptom(symptom_id)
team_name = card.name if card is not org else None
why = why_text(symptom, settings)
symptom_label = f"Open {symptom.label} on its own page" + (f", for {team_name}" if team_name else "")


def _evidence_body() -> None:
    symptom_link(links, symptom_id, symptom_label, team_name)
    render_evidence(evidence, symptom, where, links, key="pp.overview.cell", why=why)


if opened is not None:
    # A heatmap cell opens that team's symptom with its evidence at once, over the page.
    st.dialog(f"{escape_markdown(opened.name)} · {escape_markdown(symptom.label)}", width="large")(
        _evidence_body
    )()

symptom_link(links, symptom_id, symptom_label, team_name)
render_evidence(evidence, symptom, where, links, why=why)

with st.expander("How the Purpose Health Index is weighted"):
    render_weights(card)
