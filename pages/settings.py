"""Data › Settings: the NSP, the currency, and every threshold, weight and parameter of the scorecard,
grouped by symptom, in the units a leader reads (percent, days, counts), with their history."""

import streamlit as st

from dashboard import reads
from dashboard.components.threshold_table import (
    NSP_LABELS,
    currency_form,
    history_frame,
    may_edit,
    nsp_form,
    render_history,
    settings_groups,
)
from dashboard.shell import state

view, access = state.view(), state.get_access()

st.title("Settings")
editor = may_edit(access.role)
if not editor:
    st.info(
        "These settings apply to the whole organisation: only executives and admins can change them. "
        "You can read them and their history here.",
        icon=":material/lock:",
    )
st.subheader("Noble Sales Purpose")
nsp_form(reads.nsp(view), access, editor)
history = reads.setting_history(view)  # after the NSP form, so a change just saved shows
nsp_history = history_frame(history, NSP_LABELS)
if not nsp_history.empty:
    with st.expander("Changes to the NSP"):
        render_history(nsp_history, key="pp.settings.history.nsp")

st.subheader("Currency")
currency_form(reads.stored_currency(view), by=access.email, role=access.role)

st.subheader("Symptoms: thresholds, weights and definitions")
st.caption(
    "Open a symptom to see and change its settings. Green at or better than the green threshold, red at "
    "or worse than the red one, amber between; the weight sets the symptom's share of the Purpose Health "
    "Index. Percentages are entered as percent (7 for 7%). Setting a value back to its default clears "
    "the change. Each symptom lists who changed what, and when."
)
settings_groups(reads.setting_overrides(view), history, access, editor)
