"""Home: the NSP, what is loaded and how fresh it is — the first thing a leader sees."""

import streamlit as st

from dashboard import reads
from dashboard.components.imports import show_freshness
from dashboard.escaping import escape_markdown
from dashboard.formatting import fmt_count, fmt_currency, fmt_date
from dashboard.shell import state

view = state.counts_view()

st.title("Purpose Pulse")
nsp = reads.nsp(view)
if nsp:
    st.markdown(f"### “{escape_markdown(nsp['statement'])}”")
    launched = f"launched {fmt_date(nsp['launch_date'])}" if nsp["launch_date"] else "no launch date set"
    st.caption(f"Our Noble Sales Purpose · {launched}")
else:
    st.info("No Noble Sales Purpose is set yet. Add the statement and its launch date on the Settings page.")

first, last = reads.data_window(view)
counts = reads.load_counts(view)
if first and last:
    st.write(
        f"Deals in view have close dates from **{fmt_date(first)}** to **{fmt_date(last)}** "
        "(open deals by their expected close)."
    )

cols = st.columns(5)
cols[0].metric("Teams", fmt_count(counts["teams"]))
cols[1].metric("People", fmt_count(counts["people"]))
cols[2].metric("Deals", fmt_count(counts["opportunities"]))
cols[3].metric("Internal meetings", fmt_count(counts["meetings"]))
cols[4].metric("Survey responses", fmt_count(counts["survey_responses"]))
cols = st.columns(5)
cols[0].metric("Won deals", fmt_count(counts["won_opportunities"]))
cols[1].metric("Won amount", fmt_currency(counts["won_amount"]))
cols[2].metric("Accounts", fmt_count(counts["accounts"]))
cols[3].metric("Utterances", fmt_count(counts["utterances"]))
cols[4].metric("Subscriptions", fmt_count(counts["subscriptions"]))

st.subheader("Data freshness")
# Admins have no view settings: they read the stored ones.
stale_after = (view.settings or reads.metric_settings(view)).integer("stale_after_days")
show_freshness(reads.source_counts(view), reads.field_coverage(view), stale_after)
