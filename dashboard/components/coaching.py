"""Components of the one-on-one prep page: the seller picker, the headline, the fact tables and
charts, and the brief as Markdown.

The frame and Markdown builders are pure (tested without streamlit); the ``render_*`` functions draw.
Names, accounts and deals are imported text: they reach ``st.markdown`` only through
:func:`escape_markdown`, and never through HTML.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from dashboard.charts.coaching import attainment_chart, talk_split_bars
from dashboard.charts.theme import PLOTLY_CONFIG
from dashboard.csv_export import dataframe_csv_bytes
from dashboard.escaping import escape_markdown, inert_figure
from dashboard.formatting import fmt_count, fmt_currency, fmt_date, fmt_percent
from dashboard.shell import state
from data_access.one_on_one import Action, NotInLine, OneOnOneNote, record_one_on_one, set_action_done
from metrics.analyses.coaching import CoachingFacts, DiscountStats, Question, Seller
from metrics.money import column_format

# The URL query parameter (and widget key: Streamlit binds the two) naming the seller.
SELLER_PARAM = "seller"


# --- Picking a seller ----------------------------------------------------------------------------


def seller_labels(sellers: list[Seller]) -> dict[str, Seller]:
    """One label per seller, as shown in the picker: "Name — Team", sorted by team then name (so a
    manager finds their team's sellers together and can type either to search)."""
    ordered = sorted(sellers, key=lambda s: (s.team.casefold(), s.name.casefold(), s.id))
    labels: dict[str, Seller] = {}
    for seller in ordered:
        label = f"{seller.name} — {seller.team}"
        number = 2
        while label in labels:  # two people of one name in one team
            label = f"{seller.name} — {seller.team} ({number})"
            number += 1
        labels[label] = seller
    return labels


def match_seller(requested: str | None, labels: dict[str, Seller]) -> Seller | None:
    """The seller a label names (case and surrounding spaces ignored), only among ``labels``."""
    if not requested:
        return None
    wanted = requested.strip().casefold()
    found = next((seller for label, seller in labels.items() if label.casefold() == wanted), None)
    if found is None:  # a link naming the seller alone, when only one seller has that name
        named = [seller for seller in labels.values() if seller.name.casefold() == wanted]
        found = named[0] if len(named) == 1 else None
    return found


def pick_seller(sellers: list[Seller]) -> Seller | None:
    """The picker, bound to ``?seller=`` so a link reproduces the brief. A name that is not one of
    the sellers in view (from the URL or typed) is ignored and the page says so; nothing about that
    person is read."""
    labels = seller_labels(sellers)
    requested = st.selectbox(
        "Seller",
        list(labels),
        index=0,
        key=SELLER_PARAM,
        bind="query-params",
        accept_new_options=True,
        placeholder="Pick a seller",
        help="Only sellers of the teams you can see are listed.",
    )
    seller = match_seller(requested, labels)
    if requested and seller is None:
        st.warning(
            f"Ignored seller “{escape_markdown(requested)}”: not one of the sellers you can see in this view. "
            "Pick one from the list.",
            icon=":material/visibility_off:",
        )
    return seller


# --- Frames ---------------------------------------------------------------------------------------


def _frame(items, columns: list[str]) -> pd.DataFrame:
    """One row per item, one column per attribute named (the columns kept when there are no items)."""
    return pd.DataFrame([{c: getattr(item, c) for c in columns} for item in items], columns=columns)


def open_deals_frame(facts: CoachingFacts) -> pd.DataFrame:
    return _frame(facts.pipeline.missing, ["deal", "account", "stage", "late_stage", "amount", "close_date"])


def pushed_frame(facts: CoachingFacts) -> pd.DataFrame:
    columns = ["deal", "account", "stage", "pushes", "first_close", "close_date", "days_slipped", "amount"]
    return _frame(facts.pushed.deals, columns)


def deepest_frame(facts: CoachingFacts) -> pd.DataFrame:
    frame = _frame(facts.discounts.deepest, ["deal", "account", "list_amount", "amount", "discount", "close_date"])
    return frame.assign(discount=frame["discount"] * 100)


def talk_frame(facts: CoachingFacts) -> pd.DataFrame:
    """Two bars per meeting kind: the seller's own words, and the whole meetings they were in."""
    rows = []
    for kind in facts.talk:
        rows.append(
            {
                "group": f"{kind.label}: you",
                "customer_impact": kind.seller_customer_impact,
                "revenue": kind.seller_revenue,
            }
        )
        rows.append(
            {
                "group": f"{kind.label}: whole meeting",
                "customer_impact": kind.customer_impact,
                "revenue": kind.revenue,
            }
        )
    return pd.DataFrame(rows, columns=["group", "customer_impact", "revenue"])


def attainment_frame(facts: CoachingFacts) -> pd.DataFrame:
    """One row per quarter, from the first with a win or a quota (a new seller's empty quarters before
    they started are left out)."""
    quarters = list(facts.attainment)
    while quarters and not quarters[0].won_amount and quarters[0].quota is None:
        quarters.pop(0)
    rows = [
        {
            "quarter": q.label,
            "won_amount": q.won_amount,
            "won_deals": q.won_deals,
            "quota": q.quota,
            "attainment": q.attainment,
        }
        for q in quarters
    ]
    frame = pd.DataFrame(rows, columns=["quarter", "won_amount", "won_deals", "quota", "attainment"])
    return frame.astype({"quota": "Float64", "attainment": "Float64"})


# --- Headline -------------------------------------------------------------------------------------


def _own_median(stats: DiscountStats) -> str:
    if not stats.won_deals:
        return "no wins"
    return fmt_percent(stats.median) if stats.median is not None else "no list prices"


def headline(facts: CoachingFacts) -> dict[str, str]:
    """The five numbers at the top of the page, formatted, by label."""
    pipeline, mine, team = facts.pipeline, facts.discounts.seller, facts.discounts.team
    talked = [k for k in facts.talk if k.seller_customer_impact + k.seller_revenue]
    customer = sum(k.seller_customer_impact for k in talked)
    relevant = customer + sum(k.seller_revenue for k in talked)
    current = facts.attainment[-1] if facts.attainment else None
    return {
        "Deals without an outcome": f"{fmt_count(pipeline.without_outcome)} of {fmt_count(pipeline.deals)}",
        "Pushed twice or more": fmt_count(facts.pushed.total),
        "Median discount (team)": f"{_own_median(mine)} ({fmt_percent(team.median)})",
        "Customer talk share": fmt_percent(customer / relevant) if relevant else "no talk recorded",
        f"Attainment {current.label}" if current else "Attainment": (
            fmt_percent(current.attainment) if current and current.attainment is not None else "no quota"
        ),
    }


def headline_samples(facts: CoachingFacts) -> list[str]:
    """What each headline figure stands on, in the order of :func:`headline`."""
    pipeline, mine, team = facts.pipeline, facts.discounts.seller, facts.discounts.team
    relevant = sum(k.seller_customer_impact + k.seller_revenue for k in facts.talk)
    meetings = sum(k.meetings for k in facts.talk)
    current = facts.attainment[-1] if facts.attainment else None
    return [
        f"n = {fmt_count(pipeline.deals)} open {_plural(pipeline.deals, 'deal')}",
        f"n = {fmt_count(facts.pushed.considered)} {_plural(facts.pushed.considered, 'deal')} with close-date history",
        f"n = {fmt_count(mine.with_discount)} won {_plural(mine.with_discount, 'deal')} with a known discount "
        f"(team {fmt_count(team.with_discount)})",
        f"n = {fmt_count(relevant)} purpose-relevant {_plural(relevant, 'utterance')} in "
        f"{fmt_count(meetings)} {_plural(meetings, 'meeting')}",
        f"n = {fmt_count(current.won_deals)} won {_plural(current.won_deals, 'deal')} in {current.label}"
        if current
        else "n = 0 quarters",
    ]


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def render_headline(facts: CoachingFacts) -> None:
    pipeline = facts.pipeline
    helps = [
        f"{fmt_currency(pipeline.without_outcome_amount)} of {fmt_currency(pipeline.amount)} open today; "
        f"{pipeline.late_stage_without_outcome} of them late-stage.",
        "Open today or closed in the period; close date moved later at least twice (from the history).",
        "Median discount of their won deals closed in the period; the team's in brackets.",
        "Customer impact / (customer impact + revenue) of what they said in deal reviews and one-on-ones.",
        "Won amount / quota in the quarter holding the period's last day.",
    ]
    figures = zip(st.columns(5), headline(facts).items(), helps, headline_samples(facts), strict=True)
    for column, (label, value), help_text, sample in figures:
        column.metric(label, value, help=help_text)
        column.caption(sample)


def render_questions(questions: list[Question]) -> None:
    st.subheader("Questions to ask this week")
    for number, question in enumerate(questions, start=1):
        st.markdown(
            f"**{number}. {escape_markdown(question.text)}**  \n:gray[{escape_markdown(question.because)}]"
        )


# --- Fact sections --------------------------------------------------------------------------------


def _money_column():
    return st.column_config.NumberColumn("Amount", format=column_format())


def download_name(*parts: str, suffix: str) -> str:
    """A download's file name from its parts, with characters a file system may refuse replaced."""
    return re.sub(r"[^\w .,()-]+", "_", " - ".join(parts)).strip() + suffix


def _download(frame: pd.DataFrame, name: str, key: str) -> None:
    st.download_button(
        "Download CSV",
        dataframe_csv_bytes(frame),
        file_name=name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )



def _deal_columns(*, stage: bool = True, **more) -> dict:
    """The column config of a table of deals: deal, account (and stage), then ``more``."""
    columns = {
        "deal": st.column_config.TextColumn("Deal", width="large"),
        "account": st.column_config.TextColumn("Account"),
    }
    if stage:
        columns["stage"] = st.column_config.TextColumn("Stage")
    return {**columns, **more}

def render_open_deals(facts: CoachingFacts) -> None:
    st.subheader("Open deals without a customer outcome")
    frame = open_deals_frame(facts)
    if frame.empty:
        note = (
            "Every open deal has a customer outcome written down."
            if facts.pipeline.deals
            else "No open deals today."
        )
        st.info(note, icon=":material/task_alt:")
        return
    st.caption(
        "Late-stage first, then by amount. What will be different for the customer is missing on each."
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config=_deal_columns(
            late_stage=st.column_config.CheckboxColumn("Late stage"),
            amount=_money_column(),
            close_date=st.column_config.DateColumn("Close date", format="D MMM YYYY"),
        ),
    )
    _download(
        frame,
        download_name(facts.seller.name, "deals without a customer outcome", suffix=".csv"),
        "pp.coaching.open_csv",
    )


def render_pushed(facts: CoachingFacts) -> None:
    st.subheader("Deals pushed repeatedly")
    frame = pushed_frame(facts)
    if frame.empty:
        st.info(
            "No deal of theirs had its close date pushed twice or more (or there is no opportunity history "
            "yet: import it with `python -m dashboard import history ...` or Data › Imports).",
            icon=":material/event_available:",
        )
        return
    listed = f"; the {len(frame)} most pushed are listed" if facts.pushed.total > len(frame) else ""
    st.caption(
        f"{facts.pushed.total} deals, open today or closed in the period, had their close date moved later "
        f"twice or more{listed}."
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config=_deal_columns(
            pushes=st.column_config.NumberColumn("Pushes", format="%d"),
            first_close=st.column_config.DateColumn("First close date", format="D MMM YYYY"),
            close_date=st.column_config.DateColumn("Close date now", format="D MMM YYYY"),
            days_slipped=st.column_config.NumberColumn("Days slipped", format="%d"),
            amount=_money_column(),
        ),
    )
    _download(
        frame, download_name(facts.seller.name, "pushed deals", suffix=".csv"), "pp.coaching.pushed_csv"
    )


def _stats_row(stats: DiscountStats) -> dict[str, str]:
    return {
        "Won deals": fmt_count(stats.won_deals),
        "With a known discount": fmt_count(stats.with_discount),
        "Median discount": fmt_percent(stats.median),
        "Share discounted": fmt_percent(stats.share_discounted),
        "P90 discount": fmt_percent(stats.p90),
    }


def discount_table(facts: CoachingFacts) -> pd.DataFrame:
    """The seller's and the team's discount figures side by side, formatted."""
    mine, team = _stats_row(facts.discounts.seller), _stats_row(facts.discounts.team)
    return pd.DataFrame(
        {
            "measure": list(mine),
            facts.seller.name: list(mine.values()),
            f"Team {facts.seller.team}": list(team.values()),
        }
    )


def render_discounts(facts: CoachingFacts) -> None:
    st.subheader("Discounts against the team")
    if not facts.discounts.seller.won_deals and not facts.discounts.team.won_deals:
        st.info("No won deals closed in this period, for them or their team.", icon=":material/sell:")
        return
    st.dataframe(
        discount_table(facts),
        hide_index=True,
        width="content",
        placeholder="—",
        column_config={"measure": st.column_config.TextColumn("Won deals closed in the period")},
    )
    deepest = deepest_frame(facts)
    if deepest.empty:
        st.info("None of their won deals in the period was discounted.", icon=":material/sell:")
        return
    st.caption("Their deepest discounts")
    st.dataframe(
        deepest,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config=_deal_columns(
            stage=False,
            list_amount=st.column_config.NumberColumn("List", format=column_format()),
            amount=st.column_config.NumberColumn("Won at", format=column_format()),
            discount=st.column_config.NumberColumn("Discount", format="%.0f%%"),
            close_date=st.column_config.DateColumn("Closed", format="D MMM YYYY"),
        ),
    )


def render_talk(facts: CoachingFacts) -> None:
    st.subheader("Talk in their deal reviews and one-on-ones")
    if not any(k.meetings for k in facts.talk):
        st.info(
            f"No deal review or one-on-one in this period has {escape_markdown(facts.seller.name)} speaking. Import "
            "transcripts with `python -m dashboard import transcripts ...` or Data › Imports; the speaker must be "
            "written as the seller's name.",
            icon=":material/forum:",
        )
        return
    meetings = ", ".join(f"{k.meetings} {k.label.lower()}" for k in facts.talk)
    st.caption(
        f"Customer impact against revenue talk, in {meetings}: what they said, and the meetings as a whole."
    )
    st.plotly_chart(inert_figure(talk_split_bars(talk_frame(facts))), config=PLOTLY_CONFIG, width="stretch")


def render_attainment(facts: CoachingFacts) -> None:
    st.subheader("Attainment by quarter")
    frame = attainment_frame(facts)
    if frame.empty:
        st.info(
            "No won deals and no quota in these quarters. Import quotas with `python -m dashboard import quotas "
            "...` or Data › Imports.",
            icon=":material/flag:",
        )
        return
    st.plotly_chart(inert_figure(attainment_chart(frame)), config=PLOTLY_CONFIG, width="stretch")


# --- The brief ------------------------------------------------------------------------------------


def _cell(value) -> str:
    return escape_markdown(value) if value not in (None, "") else "—"


def brief_markdown(
    facts: CoachingFacts, questions: list[Question], prepared_on: dt.date, agreed: list[Action] | None = None
) -> str:
    """The one-on-one brief as a Markdown document: what was agreed last time and is still open (when
    the reader may see the notes), the questions, then each fact behind them."""
    seller, pipeline = facts.seller, facts.pipeline
    lines = [
        f"# One-on-one prep: {escape_markdown(seller.name)}",
        "",
        f"Team {escape_markdown(seller.team)} · {facts.period.label()} · prepared {fmt_date(prepared_on)}",
        "",
    ]
    if agreed:
        lines += ["## Agreed last time (still open)", ""]
        lines += [f"- [ ] {escape_markdown(a.text)} (agreed {fmt_date(a.agreed_on)})" for a in agreed]
        lines.append("")
    lines += [
        "## Questions to ask this week",
        "",
    ]
    for number, question in enumerate(questions, start=1):
        lines += [
            f"{number}. {escape_markdown(question.text)}",
            f"   *Why:* {escape_markdown(question.because)}",
        ]
    lines += [
        "",
        "## Open deals without a customer outcome",
        "",
        f"{pipeline.without_outcome} of {pipeline.deals} open deals ({escape_markdown(fmt_currency(pipeline.without_outcome_amount))} "
        f"of {escape_markdown(fmt_currency(pipeline.amount))}) have no customer outcome, "
        f"{pipeline.late_stage_without_outcome} of them late-stage.",
        "",
    ]
    if pipeline.missing:
        lines += ["| Deal | Account | Stage | Amount | Close date |", "|---|---|---|---:|---|"]
        lines += [
            f"| {_cell(d.deal)} | {_cell(d.account)} | {_cell(d.stage)}{' (late stage)' if d.late_stage else ''} "
            f"| {_cell(fmt_currency(d.amount))} | {fmt_date(d.close_date)} |"
            for d in pipeline.missing
        ]
    lines += ["", "## Deals pushed repeatedly", ""]
    if facts.pushed.deals:
        lines += [
            f"{facts.pushed.total} deals had their close date pushed twice or more.",
            "",
            "| Deal | Pushes | First close date | Close date now | Stage |",
            "|---|---:|---|---|---|",
        ]
        lines += [
            f"| {_cell(d.deal)} | {d.pushes} | {fmt_date(d.first_close)} | {fmt_date(d.close_date)} | {_cell(d.stage)} |"
            for d in facts.pushed.deals
        ]
    else:
        lines.append("No deal had its close date pushed twice or more.")
    mine, team = facts.discounts.seller, facts.discounts.team
    lines += [
        "",
        "## Discounts against the team",
        "",
        f"| Won deals closed in the period | {escape_markdown(seller.name)} | Team {escape_markdown(seller.team)} |",
        "|---|---:|---:|",
    ]
    for (label, value), other in zip(_stats_row(mine).items(), _stats_row(team).values(), strict=True):
        lines.append(f"| {label} | {value} | {other} |")
    if facts.discounts.deepest:
        lines += [
            "",
            "Deepest discounts: "
            + "; ".join(
                f"{_cell(d.account or d.deal)} {fmt_percent(d.discount)}" for d in facts.discounts.deepest
            )
            + ".",
        ]
    lines += [
        "",
        "## Talk in deal reviews and one-on-ones",
        "",
        "| Meetings | Held | Customer share of their talk | Customer share of the meetings |",
        "|---|---:|---:|---:|",
    ]
    for kind in facts.talk:
        lines.append(
            f"| {kind.label} | {kind.meetings} | {fmt_percent(kind.seller_customer_share)} "
            f"| {fmt_percent(kind.customer_share)} |"
        )
    lines += ["", "## Attainment", "", "| Quarter | Won | Quota | Attainment |", "|---|---:|---:|---:|"]
    for quarter in facts.attainment:
        lines.append(
            f"| {quarter.label} | {escape_markdown(fmt_currency(quarter.won_amount))} "
            f"| {escape_markdown(fmt_currency(quarter.quota))} | {fmt_percent(quarter.attainment)} |"
        )
    return "\n".join(lines) + "\n"


def render_download(
    facts: CoachingFacts, questions: list[Question], today: dt.date, agreed: list[Action] | None = None
) -> None:
    st.download_button(
        "Download the brief (Markdown)",
        brief_markdown(facts, questions, today, agreed).encode("utf-8"),
        file_name=download_name("One-on-one prep", facts.seller.name, today.isoformat(), suffix=".md"),
        mime="text/markdown",
        key="pp.coaching.brief",
        type="primary",
        icon=":material/description:",
    )


# --- Notes and agreed actions (the seller's management line only) -------------------------------


def notes_frame(notes: list[OneOnOneNote]) -> pd.DataFrame:
    """Past one-on-ones, most recent first: date, who wrote them, the notes, the actions and whether
    each is done."""
    rows = [
        {
            "held_on": note.held_on,
            "written_by": note.written_by,
            "notes": note.notes or "—",
            "actions": "; ".join(f"{'✓' if not a.open else '○'} {a.text}" for a in note.actions) or "—",
        }
        for note in notes
    ]
    return pd.DataFrame(rows, columns=["held_on", "written_by", "notes", "actions"])


def render_agreed(agreed: list[Action], seller: Seller) -> None:
    """What was agreed in earlier one-on-ones and is still open, each with a box to mark it done."""
    st.subheader("Agreed last time")
    if not agreed:
        st.caption(f"No open action from an earlier one-on-one with {escape_markdown(seller.name)}.")
        return
    for action in agreed:
        if st.checkbox(
            f"{action.text} · agreed {fmt_date(action.agreed_on)}",
            value=False,
            key=f"pp.coaching.action.{action.id}",
            help="Tick when done: it leaves this list and shows as done in the notes.",
        ):
            try:
                with state.transaction() as conn:
                    set_action_done(conn, state.view().scope, action.id)
            except NotInLine as exc:
                st.error(escape_markdown(str(exc)))
            else:
                st.session_state.pop(f"pp.coaching.action.{action.id}", None)
                st.rerun()


NOTE_FORM = "pp.coaching.note"


def render_note_form(seller: Seller, today: dt.date) -> None:
    """The notes of today's one-on-one and the actions agreed in it, saved for the seller's line."""
    with st.form(NOTE_FORM, clear_on_submit=True):
        st.markdown(f"**Notes of this one-on-one with {escape_markdown(seller.name)}**")
        held_on = st.date_input("Held on", today, max_value=today, key=f"{NOTE_FORM}.held_on")
        notes = st.text_area(
            "Notes",
            key=f"{NOTE_FORM}.notes",
            help="Only their manager and those above them can read these.",
        )
        actions = st.text_area(
            "Agreed actions (one per line)",
            key=f"{NOTE_FORM}.actions",
            help="Each one shows under “Agreed last time” in the next prep until it is ticked done.",
        )
        if st.form_submit_button("Save the notes", type="primary"):
            try:
                with state.transaction() as conn:
                    record_one_on_one(conn, state.view().scope, seller.id, held_on, notes, actions.splitlines())
            except (ValueError, NotInLine) as exc:
                st.error(escape_markdown(str(exc)))
            else:
                st.success("Saved. The agreed actions will show in the next prep.")


def render_past_notes(notes: list[OneOnOneNote]) -> None:
    if not notes:
        st.caption("No one-on-one recorded yet.")
        return
    with st.expander(f"Earlier one-on-ones ({len(notes)})"):
        st.dataframe(
            notes_frame(notes),
            hide_index=True,
            width="stretch",
            column_config={
                "held_on": st.column_config.DateColumn("Held on", format="D MMM YYYY", width="small"),
                "written_by": st.column_config.TextColumn("Written by", width="small"),
                "notes": st.column_config.TextColumn("Notes", width="large"),
                "actions": st.column_config.TextColumn("Agreed actions (✓ done)", width="large"),
            },
            key="pp.coaching.notes",
            placeholder="—",
        )


def render_notes_closed(seller: Seller, local: bool) -> None:
    """Why this viewer sees no notes for the seller."""
    why = (
        "sign in with the email the roster holds for their manager (local mode has no one to check)"
        if local
        else "you are not in that line"
    )
    st.caption(
        f"One-on-one notes and agreed actions for {escape_markdown(seller.name)} are kept for their manager and "
        f"those above them only: {why}."
    )
