"""Data › Settings: the NSP, and every threshold and weight of the scorecard with its help text."""

import streamlit as st

from dashboard import reads
from dashboard.components.threshold_table import (
    currency_form,
    history_frame,
    may_edit,
    nsp_form,
    settings_editor,
    settings_table,
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

st.subheader("Currency")
currency_form(reads.stored_currency(view), by=access.email, role=access.role)

st.subheader("Scorecard thresholds and weights")
st.caption(
    "Green at or better than the green threshold, red at or worse than the red one, amber between. "
    "Weights set each symptom's share of the Purpose Health Index. Change a value and save; "
    "set it back to its default to clear the change."
)
settings_editor(settings_table(reads.setting_overrides(view)), access, editor)

st.subheader("Change history")
history = history_frame(reads.setting_history(view))
if history.empty:
    st.caption("No setting and no part of the NSP has been changed yet.")
else:
    st.caption(
        "Every change of a setting or of the NSP: who made it, when, and the value before and after "
        "(“default” where the built-in value applied)."
    )
    st.dataframe(
        history,
        hide_index=True,
        width="stretch",
        column_config={
            "changed_at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm"),
            "changed_by": st.column_config.TextColumn("Who"),
            "role": st.column_config.TextColumn("Role", width="small"),
            "key": st.column_config.TextColumn("Setting"),
            "old_value": st.column_config.TextColumn("Before"),
            "new_value": st.column_config.TextColumn("After"),
        },
        key="pp.settings.history",
    )
