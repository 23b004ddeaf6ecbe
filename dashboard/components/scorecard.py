"""The Overview's scorecard: the Purpose Health Index, the team heatmap, the symptom table and the index's weights."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from dashboard.charts.leadership import INDEX_COLUMN, cell_text
from dashboard.charts.theme import (
    BAND_COLORS,
    BAND_ICONS,
    BAND_NAMES,
    BAND_RANGES,
    BAND_TEXT,
    MUTED,
    band_label,
)
from dashboard.components.text import IMPORT_HINT, STATUS_TEXT, trend_text, why_text
from dashboard.escaping import escape_markdown
from dashboard.shell import state
from data_access.scope import Period
from metrics.index_parts import index_breakdown, index_trend, ordered, previous_index
from metrics.metric import MetricResult, format_value
from metrics.parameters import MetricSettings
from metrics.registry import get_metric
from metrics.scorecard import Scorecard, TeamLines, band_of

# Streamlit's badge colours nearest the bands' (a badge takes a name, not a hex colour).
BAND_BADGE = {"red": "red", "amber": "yellow", "green": "green"}


ALL_TEAMS = "All teams in view"
# A heatmap cell without a score (needs data, too few, so far, hidden): grey words, no colour.
NO_SCORE_STYLE = f"color: {MUTED}"


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
            "status": band_label(r.status)
            if r.status in BAND_COLORS
            else STATUS_TEXT.get(r.status, r.status),
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
    bands = BAND_RANGES
    if band is None:
        cols[1].metric("Band", "None", border=True)
        cols[1].caption("Under half of the index's weight is scored: too little to call a band.")
    else:
        cols[1].metric("Band", band_label(band), border=True)
        cols[1].badge(f"{BAND_NAMES[band]} band: {bands[band]}", color=BAND_BADGE[band])
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


# The heatmap shows this many teams at once and scrolls beyond (the team column stays in view).
HEATMAP_ROWS = 12
ROW_HEIGHT = 35
# Column widths in pixels: beyond the page's width the symptoms scroll under the pinned team column.
TEAM_WIDTH, INDEX_WIDTH, SYMPTOM_WIDTH = 120, 60, 52


def worst_first(cards: list[Scorecard]) -> list[Scorecard]:
    """Lowest Health Index first; teams with no index last, by name."""
    return sorted(cards, key=lambda c: (c.health_index is None, c.health_index or 0.0, c.name))


def heatmap_table(cards: list[Scorecard]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The team x symptom heatmap as a table, lowest index first: the words of each cell (the band's
    icon and the score, "✕42", or why there is none: "needs", "few", "so far", "hidden") under the
    columns ``team``, ``health_index`` and each symptom id by number; and, same shape, each cell's
    band (None where there is no score, and in the ``team`` column)."""
    ordered_cards = worst_first(cards)
    ids = list(heatmap_labels(cards))[1:]
    columns = ["team", INDEX_COLUMN, *ids]
    words, bands = [], []
    for card in ordered_cards:
        by_id = {r.id: r for r in card.symptoms}
        index = card.health_index
        row_words = {"team": card.name, INDEX_COLUMN: cell_text(index, None) if index is not None else "—"}
        row_bands = {"team": None, INDEX_COLUMN: band_of(index) if index is not None else None}
        for metric_id in ids:
            result = by_id.get(metric_id)
            score = None if result is None else result.score
            row_words[metric_id] = cell_text(score, None if result is None else result.status)
            row_bands[metric_id] = band_of(score) if score is not None else None
        words.append(row_words)
        bands.append(row_bands)
    return pd.DataFrame(words, columns=columns), pd.DataFrame(bands, columns=columns, dtype=object)


def render_heatmap(cards: list[Scorecard]) -> tuple[str, str] | None:
    """The team x symptom heatmap, a table whose cells take their band's colour; returns ``(team name,
    symptom id or "health_index")`` when a cell was just clicked (a click already handled returns None)."""
    if not cards:
        st.info("No sales team is in view. Pick teams in the sidebar, or import people with their team.")
        return None
    words, bands = heatmap_table(cards)
    labels = heatmap_labels(cards)
    styled = words.style.apply(
        lambda column: [band_cell_style(b) or NO_SCORE_STYLE for b in bands[column.name]],
        subset=list(words.columns[1:]),
        axis=0,
    )
    symptom_columns = {
        metric_id: st.column_config.TextColumn(
            str(get_metric(metric_id).number), width=52, help=labels[metric_id]
        )
        for metric_id in words.columns[2:]
    }
    event = st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        key="pp.overview.heatmap",
        placeholder="—",
        on_select="rerun",
        selection_mode="single-cell",
        row_height=ROW_HEIGHT,
        height=ROW_HEIGHT * (min(len(words), HEATMAP_ROWS) + 1) + 3,
        column_config={
            "team": st.column_config.TextColumn("Team", width=TEAM_WIDTH, pinned=True),
            INDEX_COLUMN: st.column_config.TextColumn(
                "Index", width=INDEX_WIDTH, help="Purpose Health Index 0–100 of this period."
            ),
            **symptom_columns,
        },
    )
    numbers = " · ".join(f"{label}" for label in list(labels.values())[1:])
    st.caption(
        f"{len(words)} teams, lowest index first. Each cell is its band: {band_legend()}. “needs” = the "
        "data is missing; “few” = the sample is under the symptom's minimum; “so far” = the period has "
        "not ended; “hidden” = a survey group too small to show. Click a cell to open that team's "
        f"evidence. Columns: {numbers}."
    )
    return clicked_cell(event, list(words["team"]))


def band_legend() -> str:
    return ", ".join(f"{BAND_ICONS[b]} {BAND_NAMES[b].lower()} {BAND_RANGES[b]}" for b in BAND_COLORS)


def clicked_cell(event, teams: Sequence[str]) -> tuple[str, str] | None:
    """The heatmap cell the viewer just clicked, once: ``(team, column id)``; a click on the team's
    name counts as its index. ``teams`` are the table's rows in the order given to it."""
    cells = list(getattr(getattr(event, "selection", None), "cells", []) or [])
    cell = None
    if cells:
        row, column = cells[0]
        if 0 <= int(row) < len(teams):
            cell = (str(teams[int(row)]), INDEX_COLUMN if column == "team" else str(column))
    if cell is None or cell == state.get_state("overview.last_cell"):
        state.set_state("overview.last_cell", cell)
        return None
    state.set_state("overview.last_cell", cell)
    return cell


def open_cell(cards: list[Scorecard], cell: tuple[str, str]) -> Scorecard | None:
    """Point the scorecard below at the clicked team (and its symptom); returns the team's card."""
    team, column = cell
    card = next((c for c in cards if c.name == team), None)
    if card is None:
        return None
    state.set_state("overview.team", card.name)
    if column != INDEX_COLUMN:
        state.set_state("overview.symptom", column)
    return card


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
        placeholder="—",
        # Fits 1280 px beside the sidebar; the weights are in "How the index is weighted" and the
        # reason behind a figure above its evidence.
        column_order=["number", "symptom", "value", "n", "previous", "trend", "status", "score"],
        column_config={
            "number": st.column_config.NumberColumn("#", format="%d", width=32),
            "symptom": st.column_config.TextColumn("Symptom", width=225),
            "value": st.column_config.TextColumn("Value", width=85),
            "n": st.column_config.NumberColumn(
                "n",
                format="localized",
                width=60,
                help="What the figure stands on: deals, renewals, meetings, respondents.",
            ),
            "previous": st.column_config.TextColumn(
                "Was", width=85, help="The value in the previous period of the same kind."
            ),
            "trend": st.column_config.TextColumn("Trend", width=110, help="Against the previous period."),
            "status": st.column_config.TextColumn("Status", width=85, help=band_legend()),
            "score": st.column_config.ProgressColumn(
                "Score", min_value=0, max_value=100, format="%d", width=80
            ),
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
        placeholder="—",
    )
    st.caption(
        "Index = Σ weight × score / Σ weight, over the symptoms that have a score; a symptom that "
        "needs data or is hidden does not count. Change the weights on Data › Settings."
    )


# --- The first screen: the index, every team, the worst movers --------------------------------------


def teams_frame(teams: TeamLines, settings: MetricSettings) -> pd.DataFrame:
    """One row per team, lowest index first: its index, band, change since the previous period, the
    index of each recent period (a list for a line) and what the index stands on."""
    cards = teams.cards
    rows = []
    for card in worst_first(cards):
        index, before = card.health_index, previous_index(card.symptoms, settings)
        line = teams.line(card.team_id)
        cov = card.coverage
        rows.append(
            {
                "team_id": card.team_id,
                "team": card.name,
                "index": "—" if index is None else f"{index:.0f}",
                "band": band_label(card.band),
                "change": index_change_text(index, before),
                "trend": [None if v is None else round(v, 1) for v in line],
                "scored": f"{cov.scored} of {cov.total}",
                "_band": card.band,
            }
        )
    return pd.DataFrame(
        rows, columns=["team_id", "team", "index", "band", "change", "trend", "scored", "_band"]
    )


def index_change_text(current: float | None, before: float | None) -> str:
    """ "▲ +4", "▼ −3", "► 0" against the previous period; "— no previous value" without one."""
    if current is None or before is None:
        return "— no previous value"
    change = round(current) - round(before)
    trend = index_trend(current, before)
    arrow = {"improving": "▲", "worsening": "▼"}.get(trend or "", "►")
    return f"{arrow} {change:+d}".replace("-", "−") if change else f"{arrow} 0"


def band_cell_style(band: str | None) -> str:
    """CSS for a band cell: the band's colour behind its icon and name (or its score)."""
    if band not in BAND_COLORS:
        return ""
    return f"background-color: {BAND_COLORS[band]}; color: {BAND_TEXT[band]}; font-weight: 600"


def render_teams(
    frame: pd.DataFrame, periods: Sequence[Period], *, height_rows: int = 12, row_height: int = 35
) -> None:
    """Every team, lowest index first, with its band (coloured, with icon and name), its change and
    its index over ``periods``; beyond ``height_rows`` teams the table scrolls."""
    if frame.empty:
        st.info("No sales team is in view. Pick teams in the sidebar, or import people with their team.")
        return
    bands = list(frame["_band"])
    shown = frame.drop(columns=["_band", "team_id"])
    styled = shown.style.apply(lambda _: [band_cell_style(b) for b in bands], subset=["band"], axis=0)
    first, last = periods[0], periods[-1]
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        key="pp.overview.teams",
        placeholder="—",
        row_height=row_height,
        height=row_height * (min(len(frame), height_rows) + 1) + 3,
        column_config={
            "team": st.column_config.TextColumn("Team", width=110),
            "index": st.column_config.TextColumn(
                "Index", width=55, help="Purpose Health Index 0–100 of this period."
            ),
            "band": st.column_config.TextColumn("Band", width=88, help=band_legend()),
            "change": st.column_config.TextColumn("Change", width=68, help="Against the previous period."),
            "trend": st.column_config.LineChartColumn(
                f"Last {len(periods)} periods",
                y_min=0,
                y_max=100,
                width=112,
                help=f"The index of each period, {first.label()} (left) to {last.label()} (right).",
            ),
            "scored": st.column_config.TextColumn(
                "Scored", width=70, help="Symptoms with a score, of all: what the index stands on."
            ),
        },
    )


def render_headline(card: Scorecard, settings: MetricSettings, title: str, compared: str) -> None:
    """The organisation's index as a card: value, band with icon, change against the previous
    period (named), and what it stands on (n symptoms of all, share of the weight)."""
    current, before = card.health_index, previous_index(card.symptoms, settings)
    value = "—" if current is None else f"{current:.0f} · {band_label(card.band)}"
    delta = None if current is None or before is None else f"{round(current) - round(before):+d} {compared}"
    st.metric(
        "Purpose Health Index",
        value,
        delta=delta,
        border=True,
        help="Weighted average of the scores of the scored symptoms (weights below the scorecard).",
    )
    coverage = card.coverage
    was = "no previous value" if before is None else f"previous {before:.0f}"
    st.caption(
        f"{escape_markdown(title)} · n = {coverage.scored} of {coverage.total} symptoms scored "
        f"({coverage.weight_share:.0%} of the weight) · {was}."
    )


def render_movers(movers: list[MetricResult], link: Callable[[MetricResult], None], compared: str) -> None:
    """The symptoms that got worse most since the previous period, each with was → now, its n and a
    link to its own page (``link`` draws it)."""
    st.markdown(f"**Worst movers** {compared}")
    if not movers:
        st.caption("No symptom got worse (or none has a previous figure to compare with).")
        return
    for r in movers:
        icon = BAND_ICONS.get(r.status, "·")
        n = "" if r.n is None else f" · n = {r.n:,}"
        link(r)
        st.caption(
            f"{icon} {STATUS_TEXT.get(r.status, r.status)} · {format_value(r.previous, r.unit)} → "
            f"{format_value(r.value, r.unit)}{n}"
        )


# The Overview's first screen must hold at 1280 x 720: less empty space above the title.
OVERVIEW_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem !important; }
</style>
"""

PRESENTING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1rem !important; max-width: 100% !important; }
html { font-size: 19px; }
</style>
"""


def tighten_top() -> None:
    """Less space above the title, so the first screen holds the index, the teams and the movers."""
    st.html(OVERVIEW_CSS)


def start_presenting() -> None:
    """Presenting mode: no sidebar or header, larger type (the page stays the same otherwise)."""
    st.html(PRESENTING_CSS)
