""" "Add a meeting transcript": a manager drops last week's Zoom or Teams transcript on Meeting health."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.escaping import escape_markdown
from dashboard.formatting import fmt_percent
from dashboard.shell import state
from dashboard.transcript_import import MEETING_KINDS, import_uploaded_transcript

KIND_LABELS = {
    "deal_review": "Deal review",
    "pipeline_review": "Pipeline review",
    "forecast_call": "Forecast call",
    "one_on_one": "One-on-one",
    "leadership": "Leadership meeting",
}
_KEY = "pp.transcript_upload."


def render_transcript_upload(team_rows: list) -> None:
    """The upload form for a meeting of one of ``team_rows`` (the viewer's teams); on success the new
    meeting is picked in the transcript view below."""
    view, access = state.view(), state.get_access()
    scope = view.scope
    teams = {row.name: row.id for row in team_rows}
    with st.expander("Add a meeting transcript", icon=":material/upload:"):
        if not teams:
            st.info("You have no team to add meetings for.")
            return
        st.caption(
            "WebVTT (Zoom, Teams), SRT, plain text (Speaker: words) or JSON. Every sentence is labelled "
            "as customer impact, revenue or other talk; importing the same file twice changes nothing."
        )
        with st.form(_KEY + "form", clear_on_submit=False):
            upload = st.file_uploader(
                "Transcript file", type=["vtt", "srt", "txt", "json"], key=_KEY + "file"
            )
            left, right = st.columns(2)
            kind = left.selectbox(
                "Kind of meeting",
                MEETING_KINDS,
                index=1 if len(MEETING_KINDS) > 1 else 0,
                format_func=KIND_LABELS.get,
                key=_KEY + "kind",
            )
            team = right.selectbox("Team", list(teams), key=_KEY + "team")
            day = left.date_input("Held on", dt.date.today(), key=_KEY + "day")
            at = right.time_input("At", dt.time(10, 0), key=_KEY + "time")
            title = st.text_input("Title", placeholder="Globex deal review", key=_KEY + "title")
            submitted = st.form_submit_button("Add the meeting", type="primary")
        if not submitted:
            return
        if upload is None:
            st.error("Choose a transcript file first.")
            return
        try:
            with state.transaction() as conn:
                result = import_uploaded_transcript(
                    conn,
                    upload.getvalue(),
                    upload.name,
                    kind=kind,
                    team_id=teams[team],
                    held_at=dt.datetime.combine(day, at),
                    title=title,
                    scope=scope,
                    imported_by=access.email,
                )
        except ValueError as exc:
            st.error(escape_markdown(str(exc)))
            return
        st.cache_data.clear()
        share = result["customer_impact_share"]
        verb = "Added" if result["created"] else "Already here, unchanged:"
        st.success(
            f"{verb} {escape_markdown(upload.name)}: {result['utterances']:,} utterances from {len(result['speakers'])} speakers; "
            f"customer-impact share {fmt_percent(share) if share is not None else 'n/a (no customer or revenue talk)'}."
        )
        st.session_state["pp.meetings.pick"] = result["meeting_id"]
        if not state.get_filters().period.contains(day):
            st.caption(f"Pick a period that includes {day:%-d %b %Y} to see it in the meeting list below.")
