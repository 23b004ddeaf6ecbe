"""Signals › Meeting health: is our internal talk about the customer, or only about the number?"""

import streamlit as st

from dashboard import reads
from dashboard.charts.common import talk_mix_bars
from dashboard.charts.signals import talk_share_trend
from dashboard.components import tiles, transcript
from dashboard.components.transcript_upload import render_transcript_upload
from dashboard.csv_export import dataframe_csv_bytes
from dashboard.shell import state
from metrics.analyses.meetings import SORTS
from metrics.parts import ReviewParts

view = state.view()
filters = view.filters

st.title("Meeting health")
st.caption(f"Internal meetings held {filters.period.label()}. {transcript.talk_colour_note()}")
render_transcript_upload(reads.teams(view))

share = reads.evaluate(view, "customer_talk_share")
reviews = reads.evaluate(view, "deal_reviews_with_customer_questions")
opening = reads.evaluate(view, "meetings_opening_with_customer")
nsp = reads.evaluate(view, "nsp_mention_rate")
cols = st.columns(4)
tiles.show_result(
    cols[0], "Customer share of talk", share, help="Customer-impact ÷ (customer-impact + revenue) talk."
)
tiles.show_result(cols[1], "Deal reviews asking about the customer", reviews)
if reviews.status not in ("needs", "suppressed"):
    review_parts = ReviewParts.of(reviews.parts)
    cols[1].caption(
        f"{review_parts.customer_questions_per_review:.1f} customer questions per review · "
        f"{review_parts.deal_reviews} reviews"
    )
tiles.show_result(cols[2], "Meetings opening with a customer", opening)
tiles.show_result(cols[3], "Meetings mentioning the NSP", nsp)

by_kind = reads.talk_mix(view, "kind")
if by_kind.empty:
    st.info(
        "No labelled meeting transcripts were held in this period. Import transcripts with "
        "`python -m dashboard import transcripts FILE.vtt --kind deal_review --held-at 2026-09-14` "
        "or on the Data › Imports page."
    )
    st.stop()

left, right = st.columns(2)
with left:
    tiles.chart(talk_mix_bars(by_kind, "group", title="Talk by meeting kind"))
with right:
    tiles.chart(talk_mix_bars(reads.talk_mix(view, "team"), "group", title="Talk by team"))
tiles.chart(talk_share_trend(reads.weekly_talk(view), title="Customer and revenue share per week"))

st.subheader("Meetings")
sort = st.selectbox("Order", list(SORTS), format_func=SORTS.get, key="pp.meetings.sort")
meetings = reads.meeting_list(view, sort, 200)
shown, config = transcript.meeting_table(meetings)
st.dataframe(
    shown, hide_index=True, width="stretch", column_config=config, key="pp.meetings.table", placeholder="—"
)
st.download_button(
    f"Download {len(meetings):,} meetings (CSV)",
    dataframe_csv_bytes(meetings.drop(columns="meeting_id")),
    file_name="meetings.csv",
    mime="text/csv",
    icon=":material/download:",
    key="pp.meetings.csv",
)
if len(meetings) == 200:
    st.caption("Showing 200 meetings; narrow the period or the teams to see others.")

st.subheader("Transcript")
labels = {int(row.meeting_id): transcript.meeting_label(row) for _, row in meetings.iterrows()}
transcript.keep_pick_within(labels)
picked = st.selectbox(
    "Read a meeting's transcript", list(labels), format_func=labels.get, key="pp.meetings.pick"
)
if picked is not None:
    transcript.render_transcript(reads.transcript(view, int(picked)))
