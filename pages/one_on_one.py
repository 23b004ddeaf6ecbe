"""Coaching › One-on-one prep: what should I ask this seller about their customers this week?"""

import datetime as dt

import streamlit as st

from dashboard import reads
from dashboard.components import coaching as ui
from dashboard.formatting import fmt_date
from dashboard.shell import state
from metrics.analyses.coaching import questions_for

view = state.view()
filters = view.filters
today = dt.date.today()

st.title("One-on-one prep")
st.caption(
    "Pick a seller: their open deals without a customer outcome, deals pushed again and again, their discounts "
    "against the team's, what they talk about in deal reviews and one-on-ones, and the questions to ask."
)

sellers = reads.sellers(view)
if not sellers:
    st.info(
        "No sellers in the teams you can see for this period. Import people with "
        "`python -m dashboard import people ...` or Data › Imports, or widen the period or teams in the sidebar.",
        icon=":material/group_off:",
    )
    st.stop()

# A link from another page names the seller by id (``?seller=12``): pre-select them by their label.
requested = st.query_params.get(ui.SELLER_PARAM, "")
if requested.isdigit():
    by_id = {str(s.id): label for label, s in ui.seller_labels(sellers).items()}
    if requested in by_id:  # the picker reads the URL when it starts: write the label, run again
        st.query_params[ui.SELLER_PARAM] = by_id[requested]
        st.rerun()

seller = ui.pick_seller(sellers)
if seller is None:
    st.stop()
facts = reads.coaching_facts(view, seller.id)
if facts is None:  # the scope changed between listing and reading: show nothing rather than guess
    st.warning("That seller is not in your view.", icon=":material/visibility_off:")
    st.stop()

left_note = f" · left {fmt_date(seller.left_on)}" if seller.left_on else ""
st.caption(f"Team {ui.escape_markdown(seller.team)} · {filters.period.label()}{left_note}")
ui.render_headline(facts)

keeps_notes = reads.may_keep_notes(view, seller.id)
agreed = reads.agreed_last_time(view, seller.id) if keeps_notes else None
if keeps_notes:
    ui.render_agreed(agreed, seller)

questions = questions_for(facts, today=today)
ui.render_questions(questions)
ui.render_download(facts, questions, today, agreed)

st.subheader("Notes")
if keeps_notes:
    ui.render_note_form(seller, today)
    ui.render_past_notes(reads.one_on_one_notes(view, seller.id))
else:
    ui.render_notes_closed(seller, local=not state.get_access().email or "@" not in state.get_access().email)

ui.render_open_deals(facts)
ui.render_pushed(facts)
ui.render_discounts(facts)
ui.render_talk(facts)
ui.render_attainment(facts)
