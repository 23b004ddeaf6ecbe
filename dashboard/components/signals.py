"""Components of the Signals pages: meeting health, discounting, pipeline behaviour, churn.

The pages tell the story; these functions draw its parts from numbers the metric layer computed
(through the cached wrappers). Imported text (names, titles, transcripts) reaches the screen only
through :func:`escape_markdown` or a dataframe cell: never as HTML, never as live Markdown.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard import reads
from dashboard.charts.theme import PLOTLY_CONFIG, TALK_LABELS
from dashboard.csv_export import dataframe_csv_bytes
from dashboard.escaping import escape_markdown, inert_figure
from dashboard.formatting import fmt_count, fmt_currency, fmt_date, fmt_percent
from dashboard.view import View
from data_access.scope import Filters
from metrics.metric import MetricResult
from metrics.money import column_format

IMPORT_HINT = "Import it with `python -m dashboard import …` or on the Data › Imports page."
# Translucent backgrounds in the palette's colours, so utterances keep revenue orange and
# customer impact teal (Streamlit's named colours have no teal).
LABEL_BACKGROUND = {"customer_impact": "rgba(27,127,121,0.20)", "revenue": "rgba(224,122,31,0.22)"}
MONEY_COLUMNS = {"amount", "list_amount", "arr", "renewed_arr", "concession", "at_stake", "won_amount"}
PERCENT_COLUMNS = {"discount", "customer_share", "revenue_share", "share_discounted"}
TITLES = {
    "arr": "ARR",
    "renewed_arr": "Renewed ARR",
    "nsp_mentions": "NSP mentions",
    "p90_discount": "P90 discount",
}


# --- Text and formats ----------------------------------------------------------------------------


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


def show_result(
    column, label: str, result: MetricResult, text: str | None = None, *, help: str | None = None
):
    """A headline number that is honest about what it stands on: the value with its n, or "—" with
    what is needed, or "hidden" for a suppressed survey group. A figure on too few, or over a period
    still running, keeps its value but loses its colour and says why."""
    if result.status == "needs" or (result.value is None and result.state == "too_few"):
        column.metric(label, "—", help=help)
        column.caption(f"{(result.reason or result.needs or 'needs data').capitalize()}.")
    elif result.status == "suppressed":
        column.metric(label, "hidden", help=help)
        column.caption("Hidden: too few respondents.")
    else:
        shown = text if text is not None else fmt_percent(result.value, 1 if abs(result.value) < 0.1 else 0)
        delta = None
        if result.previous is not None and result.unit == "share":
            delta = f"{(result.value - result.previous) * 100:+.1f} pts vs previous period"
        inverse = "normal" if result.threshold.get("direction") == "higher_is_better" else "inverse"
        if not result.scored:
            inverse = "off"
            shown = f"{shown} (to date)" if result.state == "incomplete" else shown
        column.metric(label, shown, delta=delta, delta_color=inverse, help=help)
        column.caption(standing_caption(result))


def standing_caption(result: MetricResult) -> str:
    """n, and for a figure that is not scored, why: "n = 45 won deals" or "Too few: 4 lost deals..."."""
    from metrics.registry import get_metric

    sample = get_metric(result.id).sample
    n = f"n = {result.n:,} {sample}" if result.n is not None else ""
    if result.scored:
        return n
    why = (result.reason or "").capitalize()
    return f"{why}." if why else n


def table_config(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``frame`` ready for ``st.dataframe``: fractions as percentages, money, dates and readable titles."""
    shown = frame.copy()
    config: dict = {}
    for column in shown.columns:
        title = TITLES.get(str(column), str(column).replace("_", " ").capitalize())
        if column in MONEY_COLUMNS:
            config[column] = st.column_config.NumberColumn(title, format=column_format())
        elif column in PERCENT_COLUMNS or str(column).endswith(("_share", "_discount", "_rate")):
            shown[column] = pd.to_numeric(shown[column], errors="coerce") * 100
            config[column] = st.column_config.NumberColumn(title, format="%.1f%%")
        elif column == "held_at":
            config[column] = st.column_config.DatetimeColumn("Held", format="D MMM YYYY, HH:mm")
        elif str(column).endswith("_date"):
            config[column] = st.column_config.DateColumn(title, format="D MMM YYYY")
        elif column == "meeting_id":
            config[column] = None
        else:
            config[column] = st.column_config.Column(title)
    return shown, config


def show_table(
    frame: pd.DataFrame,
    key: str,
    file_name: str,
    *,
    empty: str,
    overrides: dict | None = None,
    hide: tuple = (),
    every_row=None,
    cap: int | None = None,
) -> None:
    """A formatted, bounded table with a safe CSV download (of every column, ``hide`` ones too);
    ``empty`` says what is missing. When the table holds the first ``cap`` rows of more, it says so
    and ``every_row`` (a function) gives the download all of them: nothing is cut off silently."""
    if frame.empty:
        st.info(empty)
        return
    shown, config = table_config(frame)
    config.update(overrides or {})
    config.update(dict.fromkeys(hide))
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key=f"pp.signals.{key}")
    cut = cap is not None and every_row is not None and len(frame) >= cap
    if cut:
        st.caption(f"Showing the first {len(frame):,} rows, worst first; the download holds every row.")
    st.download_button(
        "Download every row (CSV)" if cut else f"Download {len(frame):,} rows (CSV)",
        (lambda: dataframe_csv_bytes(every_row())) if cut else dataframe_csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=f"pp.signals.{key}.csv",
    )


def show_evidence(view: View, metric_id: str, key: str, file_name: str, **kw) -> None:
    """A symptom's evidence as a :func:`show_table`: the first ``evidence_limit`` rows on the page,
    every row in the download."""
    show_table(
        reads.evidence(view, metric_id),
        key,
        file_name,
        every_row=lambda: reads.evidence(view, metric_id, every_row=True),
        cap=view.settings.integer("evidence_limit"),
        **kw,
    )


def chart(fig) -> None:
    st.plotly_chart(inert_figure(fig), config=PLOTLY_CONFIG, width="stretch")


# --- Meeting health --------------------------------------------------------------------------------


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


def render_transcript(view: View, meeting_id: int) -> None:
    """A meeting's transcript, each utterance on its label's colour with the evidence in bold,
    and talk time per speaker when the transcript has timestamps."""
    from dashboard.charts.signals import speaker_time

    found = reads.transcript(view, meeting_id)
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
            st.dataframe(speakers[["speaker", "utterances"]], hide_index=True, width="stretch")


def talk_colour_note() -> str:
    return "Customer-impact talk is teal and revenue talk orange on every chart; other talk is grey."


# --- Discounting -----------------------------------------------------------------------------------


def discount_headline(result: MetricResult) -> dict[str, str]:
    """The discounting metric's headline numbers as shown on the page."""
    parts = result.parts
    return {
        "Median discount": fmt_percent(parts.get("median_discount"), 1),
        "P90 discount": fmt_percent(parts.get("p90_discount"), 1),
        "Won deals discounted": fmt_percent(parts.get("share_discounted")),
        "Just under an approval limit": fmt_percent(parts.get("just_under_approval_limit")),
    }


def group_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    shown, config = table_config(frame)
    config.update(
        {
            "name": st.column_config.TextColumn("Name"),
            "won_deals": st.column_config.NumberColumn("Won deals", format="%d"),
            "discounted": st.column_config.NumberColumn("Discounted", format="%d"),
            "share_discounted": st.column_config.ProgressColumn(
                "Share discounted", format="%.0f%%", min_value=0, max_value=100
            ),
        }
    )
    return shown, config


def deals_of(deals: pd.DataFrame, owner: str | None) -> pd.DataFrame:
    """The evidence rows of one owner, or all of them for "Everyone in view" (or no choice)."""
    if not owner or owner == "Everyone in view" or deals.empty:
        return deals
    return deals.loc[deals["owner"] == owner].reset_index(drop=True)


def render_discount_groups(view: View) -> None:
    """Median and P90 discount by team or by seller (the viewer picks), as a chart and a table."""
    from dashboard.charts.signals import discount_by_group

    by = st.segmented_control(
        "Compare", ["team", "seller"], default="team", format_func=str.capitalize, key="pp.discount.by"
    )
    by = by or "team"
    read = reads.discount_by_seller if by == "seller" else reads.discount_by_team
    groups = read(view, view.settings.number("discounted_from"))
    left, right = st.columns([2, 3])
    with left:
        chart(discount_by_group(groups, title=f"Median and P90 discount by {by}"))
    with right:
        shown, config = group_table(groups)
        st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key="pp.discount.groups")


def render_discounted_deals(view: View) -> None:
    """The discounted won deals (deepest first), optionally of one seller, and the lost deals."""
    deals = reads.evidence(view, "discounting")
    owners = ["Everyone in view", *sorted(deals["owner"].dropna().unique())] if not deals.empty else []
    owner = st.selectbox("Show the deals of", owners, key="pp.discount.owner") if owners else None
    show_table(
        deals_of(deals, owner),
        "discount.deals",
        "discounted-deals.csv",
        empty=f"No won deal with a list amount or discount in this period. {IMPORT_HINT}",
    )
    with st.expander("Deals lost in this period, price losses first"):
        show_evidence(
            view,
            "price_loss_share",
            "discount.losses",
            "lost-deals.csv",
            empty="No lost deals in this period.",
        )


# --- Pipeline --------------------------------------------------------------------------------------


def month_periods(filters: Filters) -> tuple:
    """The calendar months of the period, clipped to it (the grain of the movement table)."""
    from metrics.common import buckets

    return tuple(buckets(filters.period, "month"))


def per_deal(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def part_percent(result: MetricResult, key: str) -> str:
    """A share among a result's parts as a percentage ("—" when the part is unknown)."""
    return fmt_percent(result.parts.get(key))


def movement_headline(movement) -> dict[str, tuple[str, str]]:
    """The waterfall's headline steps: label -> (amount, "n deals")."""
    deals, amount = movement.deals, movement.amount
    steps = {
        "Pipeline at the start": ("start",),
        "New and pulled in": ("new", "pulled_in"),
        "Pushed out": ("pushed",),
        "Won": ("won",),
    }
    return {
        label: (fmt_currency(sum(amount[k] for k in keys)), f"{fmt_count(sum(deals[k] for k in keys))} deals")
        for label, keys in steps.items()
    }


def movement_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The movement per month as the page shows it: deals per step and the amount pushed."""
    from metrics.analyses.pipeline import STEP_LABELS, STEPS

    shown = pd.DataFrame({"Month": [f"{d:%b %Y}" for d in table["start_date"]]})
    for step in STEPS:
        shown[STEP_LABELS[step]] = table[step].astype("int64")
    shown["Pushed amount"] = table["pushed_amount"]
    return shown


def render_late_stage(view: View) -> None:
    """Outcome and sponsor coverage of late-stage deals, and the late-stage deals without an outcome."""
    outcome = reads.evaluate(view, "late_stage_without_outcome")
    sponsor = reads.evaluate(view, "late_stage_with_exec_sponsor")
    pipeline = reads.evaluate(view, "pipeline_with_customer_outcome")
    cols = st.columns(3)
    show_result(cols[0], "Late-stage deals without a customer outcome", outcome)
    show_result(cols[1], "Late-stage deals with an executive sponsor", sponsor)
    show_result(cols[2], "Pipeline amount with a customer outcome", pipeline)
    show_evidence(
        view,
        "late_stage_without_outcome",
        "pipeline.late",
        "late-stage-without-outcome.csv",
        empty=f"No late-stage deal lacks a customer outcome ({outcome.reason or 'all documented'}).",
    )


# --- Churn -----------------------------------------------------------------------------------------


def churn_headline(result: MetricResult) -> dict[str, str]:
    parts = result.parts
    return {
        "Logo churn": fmt_percent(result.value, 1) if result.value is not None else "—",
        "Gross revenue retention": fmt_percent(parts.get("gross_revenue_retention"), 1),
        "Net revenue retention": fmt_percent(parts.get("net_revenue_retention"), 1),
        "Customers lost": f"{fmt_count(parts.get('customers_lost'))} of {fmt_count(parts.get('customers_at_start'))}",
    }


def keep_pick_within(labels: dict) -> None:
    """Forget a picked meeting (say, one just uploaded) that the current list does not hold."""
    if st.session_state.get("pp.meetings.pick") not in labels:
        st.session_state.pop("pp.meetings.pick", None)
