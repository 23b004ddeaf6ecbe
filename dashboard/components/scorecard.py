"""The Overview's scorecard: the Purpose Health Index, the team heatmap, the symptom table and the index's weights."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts.leadership import team_heatmap
from dashboard.charts.theme import PLOTLY_CONFIG
from dashboard.components.text import IMPORT_HINT, STATUS_TEXT, trend_text, why_text
from dashboard.escaping import escape_markdown, inert_figure
from dashboard.shell import state
from metrics.index_parts import index_breakdown, index_trend, ordered, previous_index
from metrics.metric import MetricResult, format_value
from metrics.parameters import MetricSettings
from metrics.registry import get_metric
from metrics.scorecard import Scorecard, heatmap_frame, status_frame

BAND_COLOR = {"red": "red", "amber": "orange", "green": "green"}


ALL_TEAMS = "All teams in view"


def scorecard_frame(results: list[MetricResult], settings: MetricSettings) -> pd.DataFrame:
    """The scorecard table, red first: one row per symptom with its value formatted in its unit."""
    rows = [
        {
            "id": r.id,
            "number": get_metric(r.id).number,
            "symptom": r.label,
            "value": format_value(r.value, r.unit) if r.status not in ("needs", "suppressed") else "—",
            "n": r.n,
            "previous": format_value(r.previous, r.unit),
            "trend": trend_text(r),
            "status": STATUS_TEXT.get(r.status, r.status),
            "score": r.score,
            "weight": r.weight,
            "why": why_text(r, settings),
        }
        for r in ordered(results)
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "number",
            "symptom",
            "value",
            "n",
            "previous",
            "trend",
            "status",
            "score",
            "weight",
            "why",
        ],
    )


def render_index(title: str, card: Scorecard, settings: MetricSettings) -> None:
    """The Health Index as one big number with its band, its previous value and its trend."""
    current, before = card.health_index, previous_index(card.symptoms, settings)
    cols = st.columns([2, 2, 3])
    if current is None:
        cols[0].metric(f"Purpose Health Index · {escape_markdown(title)}", "—")
        st.info(
            f"No symptom is scored for this period ({card.coverage.words().removeprefix('from ')} scored): "
            "each one needs data or stands on too few, as the scorecard below says. " + IMPORT_HINT
        )
        return
    delta = None if before is None else f"{current - before:+.0f} vs previous period"
    coverage = card.coverage
    cols[0].metric(
        f"Purpose Health Index · {escape_markdown(title)}", f"{current:.0f}", delta=delta, border=True
    )
    cols[0].caption(coverage.words())
    band = card.band
    bands = {"red": "0–50", "amber": "51–75", "green": "76–100"}
    if band is None:
        cols[1].metric("Band", "None", border=True)
        cols[1].caption("Under half of the index's weight is scored: too little to call a band.")
    else:
        cols[1].metric("Band", band.capitalize(), border=True)
        cols[1].badge(f"{band.capitalize()} band: {bands[band]}", color=BAND_COLOR[band])
    trend = index_trend(current, before)
    cols[2].markdown(
        f"Previous period: **{'—' if before is None else f'{before:.0f}'}** · trend **{trend or 'unknown'}**  \n"
        f"Weighted average of the scores of the {coverage.scored} scored symptoms of {coverage.total} "
        f"({coverage.weight_share:.0%} of the weight); too few, to-date and missing figures are left out. "
        "The weights are below the scorecard."
    )


def heatmap_labels(cards: list[Scorecard]) -> dict[str, str]:
    """Column titles for the heatmap: the index first, then each symptom as "number label"."""
    labels = {"health_index": "Health Index"}
    if cards:
        for result in sorted(cards[0].symptoms, key=lambda r: get_metric(r.id).number):
            labels[result.id] = f"{get_metric(result.id).number}. {result.label}"
    return labels


# Beyond this many teams the heatmap opens on the teams that need attention (a large organisation's
# 200 teams would be a chart 9,000 pixels tall); a toggle shows them all.
HEATMAP_TEAMS = 25


def worst_first(cards: list[Scorecard]) -> list[Scorecard]:
    """Lowest Health Index first; teams with no index last, by name."""
    return sorted(cards, key=lambda c: (c.health_index is None, c.health_index or 0.0, c.name))


def render_heatmap(cards: list[Scorecard]) -> None:
    if not cards:
        st.info("No sales team is in view. Pick teams in the sidebar, or import people with their team.")
        return
    if len(cards) > HEATMAP_TEAMS:
        show_all = st.toggle(
            f"Show all {len(cards)} teams",
            key="pp.overview.all_teams",
            help=f"Off: the {HEATMAP_TEAMS} teams with the lowest Purpose Health Index, lowest first.",
        )
        if not show_all:
            cards = worst_first(cards)[:HEATMAP_TEAMS]
            st.caption(f"The {HEATMAP_TEAMS} teams with the lowest Purpose Health Index, lowest first.")
    fig = team_heatmap(heatmap_frame(cards), status_frame(cards), heatmap_labels(cards))
    st.plotly_chart(inert_figure(fig), config=PLOTLY_CONFIG, width="stretch", key="pp.overview.heatmap")
    st.caption(
        "Scores 0–100 (red 0–50, amber 51–75, green 76–100). “needs” = the data is missing; “too few” = "
        "the sample is under the symptom's minimum; “to date” = the period has not ended; “hidden” = a "
        "survey group too small to show."
    )


def pick_card(org: Scorecard, cards: list[Scorecard]) -> Scorecard:
    """A selectbox of the teams from the heatmap; returns the scorecard to show."""
    options = [ALL_TEAMS, *(card.name for card in cards)]
    if state.get_state("overview.team") not in options:
        state.set_state("overview.team", ALL_TEAMS)
    name = st.selectbox(
        "Scorecard for",
        options,
        key="pp.overview.team",
        help="Pick a team from the heatmap to see its own scorecard and evidence.",
    )
    return next((card for card in cards if card.name == name), org)


def render_scorecard(card: Scorecard, settings: MetricSettings) -> str:
    """Every symptom, red first; returns the id of the symptom whose evidence to open."""
    frame = scorecard_frame(card.symptoms, settings)
    event = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key="pp.overview.table",
        on_select="rerun",
        selection_mode="single-row",
        height=36 * (len(frame) + 1) + 4,
        column_order=["number", "symptom", "value", "n", "trend", "status", "score", "weight", "why"],
        column_config={
            "number": st.column_config.NumberColumn("#", format="%d", width=40),
            "symptom": st.column_config.TextColumn("Symptom", width=300),
            "value": st.column_config.TextColumn("Value", width=100),
            "n": st.column_config.NumberColumn(
                "n",
                format="%d",
                width=60,
                help="What the figure stands on: deals, renewals, meetings, respondents.",
            ),
            "trend": st.column_config.TextColumn("Trend", width=115, help="Against the previous period."),
            "status": st.column_config.TextColumn("Status", width=95),
            "score": st.column_config.ProgressColumn(
                "Score", min_value=0, max_value=100, format="%d", width=110
            ),
            "weight": st.column_config.NumberColumn("Weight", format="%.1f", width=65),
            "why": st.column_config.TextColumn("Why", width="large"),
        },
    )
    ids = list(frame["id"])
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    picked = ids[rows[0]] if rows and rows[0] < len(ids) else None
    # A newly selected row opens its evidence; otherwise the selectbox keeps what the viewer chose.
    if picked is not None and picked != state.get_state("overview.last_row"):
        state.set_state("overview.symptom", picked)
    state.set_state("overview.last_row", picked)
    if state.get_state("overview.symptom") not in ids:
        state.set_state("overview.symptom", ids[0])
    labels = dict(zip(frame["id"], frame["number"].astype(str) + ". " + frame["symptom"], strict=True))
    return st.selectbox(
        "Open the evidence of",
        ids,
        format_func=labels.get,
        key="pp.overview.symptom",
        help="Or select a row of the scorecard.",
    )


def render_weights(card: Scorecard) -> None:
    parts = index_breakdown(card.symptoms)
    parts = parts.assign(share=parts["share"] * 100)
    st.dataframe(
        parts,
        hide_index=True,
        width="stretch",
        column_config={
            "number": st.column_config.NumberColumn("#", format="%d", width="small"),
            "symptom": st.column_config.TextColumn("Symptom"),
            "weight": st.column_config.NumberColumn("Weight", format="%.1f"),
            "score": st.column_config.NumberColumn("Score", format="%d"),
            "share": st.column_config.NumberColumn("Share of the index", format="%.1f%%"),
            "points": st.column_config.NumberColumn("Points added", format="%.1f"),
        },
    )
    st.caption(
        "Index = Σ weight × score / Σ weight, over the symptoms that have a score; a symptom that "
        "needs data or is hidden does not count. Change the weights on Data › Settings."
    )
