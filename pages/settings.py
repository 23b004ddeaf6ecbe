"""Data › Settings: the NSP, and every threshold and weight of the scorecard with its help text."""

import streamlit as st

from dashboard import reads
from dashboard.components.threshold_table import currency_form, history_frame, save_settings, settings_table
from dashboard.escaping import escape_markdown
from dashboard.shell import state
from data_access.nsp import parse_key_phrases, save_nsp
from data_access.parameter_history import NotAllowed, may_edit

engine, access = state.get_engine(), state.get_access()

st.title("Settings")
editor = may_edit(access.role)
if not editor:
    st.info(
        "These settings apply to the whole organisation: only executives and admins can change them. "
        "You can read them and their history here.",
        icon=":material/lock:",
    )
st.subheader("Noble Sales Purpose")
nsp = reads.nsp(state.view()) or {"statement": "", "key_phrases": [], "launch_date": None}
with st.form("pp.nsp"):
    statement = st.text_area(
        "Statement", nsp["statement"], help="One sentence about the difference you make to customers."
    )
    phrases = st.text_area(
        "Key phrases",
        "\n".join(nsp["key_phrases"]),
        help="One per line; meetings that use them count as NSP mentions.",
    )
    launch = st.date_input(
        "Launch date", nsp["launch_date"], help="Marked on every trend of the NSP adoption page."
    )
    if st.form_submit_button("Save the NSP", type="primary", disabled=not editor):
        try:
            with engine.begin() as conn:
                save_nsp(
                    conn, statement, parse_key_phrases(phrases), launch, by=access.email, role=access.role
                )
        except (ValueError, NotAllowed) as exc:
            st.error(escape_markdown(str(exc)))
        else:
            st.cache_data.clear()
            st.success("Saved. Every page now uses the new statement.")

st.subheader("Currency")
currency_form(engine, by=access.email, role=access.role)

st.subheader("Scorecard thresholds and weights")
st.caption(
    "Green at or better than the green threshold, red at or worse than the red one, amber between. "
    "Weights set each symptom's share of the Purpose Health Index. Change a value and save; "
    "set it back to its default to clear the change."
)
table = settings_table(engine)
edited = st.data_editor(
    table,
    key="pp.settings_table",
    hide_index=True,
    width="stretch",
    disabled=True if not editor else ["key", "group", "help", "default", "changed"],
    column_config={
        "key": st.column_config.TextColumn("Setting", width="medium"),
        "group": st.column_config.TextColumn("Kind", width="small"),
        "help": st.column_config.TextColumn("What it means", width="large"),
        "default": st.column_config.TextColumn("Default", width="small"),
        "value": st.column_config.TextColumn("Value", width="small", required=True),
        "changed": st.column_config.CheckboxColumn("Changed", width="small"),
    },
)
if st.button("Save thresholds and weights", type="primary", disabled=not editor):
    try:
        changed = save_settings(engine, edited, by=access.email, role=access.role)
    except (ValueError, NotAllowed) as exc:
        st.error(escape_markdown(str(exc)))
    else:
        st.cache_data.clear()
        st.success(f"Saved {len(changed)} change(s)." if changed else "Nothing changed.")

st.subheader("Change history")
history = history_frame(engine)
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
