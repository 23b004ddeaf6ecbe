"""Signals › Meeting health: is our internal talk about the customer, or only about the number?"""

import streamlit as st

from dashboard.charts.common import talk_mix_bars
from dashboard.charts.signals import talk_share_trend
from dashboard.components import signals as view
from dashboard.components.transcript_upload import render_transcript_upload
from dashboard.csv_export import dataframe_csv_bytes
from dashboard.reads import common as cached
from dashboard.reads import signals as cached_signals
from dashboard.shell import state
from metrics.analyses.meetings import SORTS

url = state.get_settings().database_url
scope, filters = state.get_scope(), state.get_filters()

st.title("Meeting health")
st.caption(f"Internal meetings held {filters.period.label()}. {view.talk_colour_note()}")
render_transcript_upload()

share = cached.evaluate(url, scope, filters, "customer_talk_share")
reviews = cached.evaluate(url, scope, filters, "deal_reviews_with_customer_questions")
opening = cached.evaluate(url, scope, filters, "meetings_opening_with_customer")
nsp = cached.evaluate(url, scope, filters, "nsp_mention_rate")
cols = st.columns(4)
view.show_result(
    cols[0], "Customer share of talk", share, help="Customer-impact ÷ (customer-impact + revenue) talk."
)
view.show_result(cols[1], "Deal reviews asking about the customer", reviews)
if reviews.status not in ("needs", "suppressed"):
    per_review = reviews.parts["customer_questions_per_review"]
    cols[1].caption(
        f"{per_review:.1f} customer questions per review · {reviews.parts['deal_reviews']} reviews"
    )
view.show_result(cols[2], "Meetings opening with a customer", opening)
view.show_result(cols[3], "Meetings mentioning the NSP", nsp)

by_kind = cached_signals.talk_mix(url, scope, filters, "kind")
if by_kind.empty:
    st.info(
        "No labelled meeting transcripts were held in this period. Import transcripts with "
        "`python -m dashboard import transcripts FILE.vtt --kind deal_review --held-at 2026-09-14` "
        "or on the Data › Imports page."
    )
    st.stop()

left, right = st.columns(2)
with left:
    view.chart(talk_mix_bars(by_kind, "group", title="Talk by meeting kind"))
with right:
    view.chart(
        talk_mix_bars(cached_signals.talk_mix(url, scope, filters, "team"), "group", title="Talk by team")
    )
view.chart(
    talk_share_trend(
        cached_signals.weekly_talk(url, scope, filters), title="Customer and revenue share per week"
    )
)

st.subheader("Meetings")
sort = st.selectbox("Order", list(SORTS), format_func=SORTS.get, key="pp.meetings.sort")
meetings = cached_signals.meeting_list(url, scope, filters, sort, 200)
shown, config = view.meeting_table(meetings)
st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key="pp.meetings.table")
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
labels = {int(row.meeting_id): view.meeting_label(row) for _, row in meetings.iterrows()}
view.keep_pick_within(labels)
picked = st.selectbox(
    "Read a meeting's transcript", list(labels), format_func=labels.get, key="pp.meetings.pick"
)
if picked is not None:
    view.render_transcript(url, scope, filters, int(picked))
