"""Meetings and their transcripts. Imported text (names, titles, what was said) reaches the screen only
through :func:`escape_markdown` or a dataframe cell: never as HTML, never as live Markdown."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard.charts.theme import TALK_LABELS
from dashboard.components.tables import table_config
from dashboard.components.tiles import chart
from dashboard.escaping import escape_markdown
from dashboard.formatting import fmt_date

# Translucent backgrounds in the palette's colours, so utterances keep revenue orange and
# customer impact teal (Streamlit's named colours have no teal).
LABEL_BACKGROUND = {"customer_impact": "rgba(27,127,121,0.20)", "revenue": "rgba(224,122,31,0.22)"}


def _phrase_pattern(phrase: str) -> str:
    body = re.escape(phrase)
    start = r"(?<!\w)" if phrase[:1].isalnum() or phrase[:1] == "_" else ""
    end = r"(?!\w)" if phrase[-1:].isalnum() or phrase[-1:] == "_" else ""
    return start + body + end


def highlight_evidence(text: str, evidence: str | None) -> str:
    """Escaped ``text`` with each evidence phrase (``"quota, their goal"``, as the classifier stored
    it) in bold, matched as whole words regardless of case."""
    phrases = sorted({p.strip() for p in (evidence or "").split(",") if p.strip()}, key=len, reverse=True)
    if not phrases:
        return escape_markdown(text)
    pattern = re.compile("|".join(_phrase_pattern(p) for p in phrases), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape_markdown(text[last : match.start()]))
        out.append(f"**{escape_markdown(match.group(0))}**")
        last = match.end()
    out.append(escape_markdown(text[last:]))
    return "".join(out)


def fmt_clock(seconds: float | None) -> str:
    if seconds is None or pd.isna(seconds):
        return ""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def utterance_markdown(utterance: dict) -> str:
    """One utterance as a Markdown paragraph: speaker, time, a question mark when it asks something,
    and the text on its label's colour with the classifier's evidence in bold."""
    head = f"**{escape_markdown(utterance.get('speaker') or 'Unknown speaker')}**"
    clock = fmt_clock(utterance.get("start_seconds"))
    if clock:
        head += f" · {clock}"
    if utterance.get("is_question"):
        head += " · :material/help: question"
    body = highlight_evidence(utterance.get("text") or "", utterance.get("evidence"))
    label = utterance.get("label")
    if label in LABEL_BACKGROUND:
        body = f':color[{body}]{{background="{LABEL_BACKGROUND[label]}"}} :small[{TALK_LABELS[label]}]'
    return f"{head}  \n{body}"


def transcript_markdown(utterances: list[dict]) -> str:
    return "\n\n".join(utterance_markdown(u) for u in utterances)


def meeting_label(row: pd.Series) -> str:
    share = (
        "no revenue or customer talk"
        if pd.isna(row["customer_share"])
        else f"{row['customer_share']:.0%} customer"
    )
    return f"{fmt_date(row['held_at'])} · {row['team']} · {row['title']} ({share})"


def meeting_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    shown, config = table_config(frame)
    config.update(
        {
            "customer_share": st.column_config.ProgressColumn(
                "Customer share", format="%.0f%%", min_value=0, max_value=100
            ),
            "revenue_share": st.column_config.NumberColumn("Revenue share", format="%.0f%%"),
            "opens_with_customer": st.column_config.CheckboxColumn("Opens with customer"),
            "opening_judged_on": st.column_config.TextColumn(
                "Opening judged on",
                help="The first 3 minutes or 10 utterances (Settings); a transcript without timings by the count alone.",
            ),
            "nsp_mentions": st.column_config.NumberColumn("NSP mentions", format="%d"),
            "customer_questions": st.column_config.NumberColumn("Customer questions", format="%d"),
            "utterances": st.column_config.NumberColumn("Utterances", format="%d"),
        }
    )
    return shown, config


def render_transcript(found: dict) -> None:
    """A meeting's transcript (as :func:`metrics.analyses.meetings.transcript` returns it), each
    utterance on its label's colour with the evidence in bold, and talk time per speaker when the
    transcript has timestamps."""
    from dashboard.charts.signals import speaker_time

    meeting = found["meeting"]
    if meeting is None:
        st.warning("That meeting is not in your view.")
        return
    kind = meeting["kind"].replace("_", " ")
    st.markdown(
        f"#### {escape_markdown(meeting['title'])}\n{escape_markdown(meeting['team'] or 'No team')} · {kind} · "
        f"{escape_markdown(fmt_date(meeting['held_at']))}"
    )
    st.markdown(
        f':color[Customer impact]{{background="{LABEL_BACKGROUND["customer_impact"]}"}} '
        f':color[Revenue]{{background="{LABEL_BACKGROUND["revenue"]}"}} other talk unshaded · '
        "**bold** = the words that decided the label · :material/help: = a question"
    )
    speakers = pd.DataFrame(found["speakers"], columns=["speaker", "utterances", "seconds", "share_of_time"])
    left, right = st.columns([3, 2])
    with left:
        with st.container(height=620):
            st.markdown(transcript_markdown(found["utterances"]))
        if found["total"] > len(found["utterances"]):
            st.caption(f"Showing the first {len(found['utterances']):,} of {found['total']:,} utterances.")
    with right:
        if speakers["seconds"].notna().any():
            chart(speaker_time(speakers, title="Talk time per speaker"))
        else:
            st.caption("This transcript has no timestamps, so talk time per speaker is not known.")
            st.dataframe(speakers[["speaker", "utterances"]], hide_index=True, width="stretch", placeholder="—")


def talk_colour_note() -> str:
    return "Customer-impact talk is teal and revenue talk orange on every chart; other talk is grey."


def keep_pick_within(labels: dict) -> None:
    """Forget a picked meeting (say, one just uploaded) that the current list does not hold."""
    if st.session_state.get("pp.meetings.pick") not in labels:
        st.session_state.pop("pp.meetings.pick", None)
