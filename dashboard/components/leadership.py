"""Components of the leadership and people pages (Overview, NSP adoption, Morale and people).

Each ``render_*`` draws one part of a page from numbers the metric layer already computed; the
helpers above them turn a :class:`MetricResult` into the words and formats a leader reads.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import reads
from dashboard.charts.leadership import team_heatmap
from dashboard.charts.theme import PLOTLY_CONFIG
from dashboard.csv_export import dataframe_csv_bytes
from dashboard.escaping import escape_markdown, inert_figure
from dashboard.formatting import fmt_date, fmt_percent
from dashboard.shell import state
from dashboard.view import View
from metrics.index_parts import index_breakdown, index_trend, ordered, previous_index
from metrics.metric import MetricResult, format_value
from metrics.money import column_format
from metrics.parameters import MetricSettings
from metrics.privacy import minimum_respondents
from metrics.registry import get_metric
from metrics.scorecard import Scorecard, heatmap_frame, status_frame

STATUS_TEXT = {
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "too_few": "Too few",
    "incomplete": "To date",
    "needs": "Needs data",
    "suppressed": "Hidden",
}
BAND_COLOR = {"red": "red", "amber": "orange", "green": "green"}
TREND_WORDS = {"improving": "improving", "worsening": "worsening", "steady": "steady"}
ALL_TEAMS = "All teams in view"
IMPORT_HINT = "Import it with `python -m dashboard import …` or on the Data › Imports page."


def fmt_change(change: float | None, unit: str) -> str:
    """A change of a value in its unit: +4.0 pts (shares), +6 (eNPS points), -0.10, +0.2."""
    if change is None or pd.isna(change):
        return "—"
    if unit == "share":
        return f"{change * 100:+.1f} pts"
    if unit == "points":
        return f"{change:+.0f}"
    if unit == "per_deal":
        return f"{change:+.2f}"
    return f"{change:+.1f}"


def trend_text(result: MetricResult) -> str:
    """An arrow for where the value went (▲ up, ▼ down) and whether that is better or worse."""
    if result.trend is None or result.value is None or result.previous is None:
        return "— no previous value"
    arrow = "▲" if result.value > result.previous else "▼" if result.value < result.previous else "►"
    if result.trend == "steady":
        arrow = "►"
    return f"{arrow} {TREND_WORDS.get(result.trend, result.trend)}"


def hidden_text(settings: MetricSettings) -> str:
    minimum = minimum_respondents(settings)
    return f"hidden: fewer than {minimum} respondents, or a smaller group could be worked out by subtraction"


def why_text(result: MetricResult, settings: MetricSettings) -> str:
    """The one-line reason behind a row: the evidence in a sentence, what data it needs, or why it is hidden."""
    if result.status == "needs":
        return result.needs or "needs data"
    if result.status == "suppressed":
        return hidden_text(settings)
    if not result.scored:
        return result.reason or result.detail
    return result.detail


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


# --- Overview -----------------------------------------------------------------------------------


def render_nsp(nsp: dict | None) -> None:
    if not nsp:
        st.info(
            "No Noble Sales Purpose is set yet. Add the statement and its launch date on Data › Settings."
        )
        return
    st.markdown(f"### “{escape_markdown(nsp['statement'])}”")
    launched = f"launched {fmt_date(nsp['launch_date'])}" if nsp.get("launch_date") else "no launch date set"
    st.caption(f"Our Noble Sales Purpose · {launched}")


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


MONEY_COLUMNS = {
    "amount",
    "list_amount",
    "arr",
    "renewed_arr",
    "concession",
    "at_stake",
    "won_last_period",
    "won_this_period",
}
PERCENT_COLUMNS = {"discount"}


def evidence_display(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The evidence rows ready for ``st.dataframe``: fractions as percentages, and a column config
    that formats money, dates and percentages and gives every column a readable title."""
    shown = frame.copy()
    config: dict = {}
    for column in shown.columns:
        title = str(column).replace("_", " ").capitalize().replace("arr", "ARR").replace("Arr", "ARR")
        if column in MONEY_COLUMNS:
            config[column] = st.column_config.NumberColumn(title, format=column_format())
        elif column in PERCENT_COLUMNS:
            shown[column] = pd.to_numeric(shown[column], errors="coerce") * 100
            config[column] = st.column_config.NumberColumn(title, format="%.1f%%")
        elif column == "held_at":
            config[column] = st.column_config.DatetimeColumn("Held", format="D MMM YYYY, HH:mm")
        elif str(column).endswith("_date"):
            config[column] = st.column_config.DateColumn(title, format="D MMM YYYY")
        elif column == "mean_score":
            config[column] = st.column_config.NumberColumn("Mean answer", format="%.1f")
        else:
            config[column] = st.column_config.Column(title)
    return shown, config


def render_evidence(view: View, result: MetricResult, where: str) -> None:
    """The rows behind one symptom, with a safe CSV download of every row (the table shows the first
    ``evidence_limit`` and says so)."""
    cap = view.settings.integer("evidence_limit")
    frame = reads.evidence(view, result.id)
    cut = len(frame) >= cap
    count = f"first {len(frame):,} rows, worst first" if cut else f"{len(frame):,} rows"
    st.markdown(f"**{escape_markdown(result.label)}** · {escape_markdown(where)} · {count}")
    metric = get_metric(result.id)
    st.caption(f"{metric.description} Formula: {metric.formula}.")
    if frame.empty:
        needs = result.reason or result.needs or "no rows in this period"
        st.info(f"No evidence to show: {needs}. {IMPORT_HINT}")
        return
    shown, config = evidence_display(frame)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key="pp.overview.evidence")

    def every_row() -> bytes:
        return dataframe_csv_bytes(reads.evidence(view, result.id, every_row=True))

    st.download_button(
        "Download every row (CSV)" if cut else f"Download {len(frame):,} rows (CSV)",
        every_row if cut else dataframe_csv_bytes(frame),
        file_name=f"evidence-{result.id}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="pp.overview.download",
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


# --- NSP adoption -------------------------------------------------------------------------------


def _cell(value, status: str | None, needs: str | None, unit: str, settings: MetricSettings, n=None) -> str:
    """One side of a before/after: the value with its n, or why there is none (too few, no data)."""
    if status == "suppressed":
        return "hidden"
    if value is None or pd.isna(value):
        return needs or "—"
    sample = "" if n is None or pd.isna(n) else f" (n = {int(n):,})"
    return format_value(value, unit) + sample


def render_windows(frame: pd.DataFrame) -> None:
    """Say exactly which days are compared (the method is documented in :mod:`metrics.analyses.adoption`)."""
    first = frame.iloc[0]
    st.caption(
        f"**After**: {fmt_date(first['after_start'])} – {fmt_date(first['after_end'])} (from the launch on). "
        f"**Before**: {fmt_date(first['before_start'])} – {fmt_date(first['before_end'])} (as many days, "
        "ending the day before the launch). Teams that adopted on a date of their own are compared around it."
    )


def render_adoption_headline(frame: pd.DataFrame, settings: MetricSettings) -> None:
    """One number per measure for all teams in view: after the launch, with the change since before."""
    rows = frame.loc[frame["team_id"].isna()]
    cols = [col for _ in range(0, len(rows), 3) for col in st.columns(3)]
    for col, (_, row) in zip(cols, rows.iterrows(), strict=False):
        metric = get_metric(row["measure"])
        value = _cell(row["after"], row["after_status"], "needs data", row["unit"], settings)
        change = (
            None
            if pd.isna(row["change"])
            else f"{fmt_change(row['change'], row['unit'])} since before launch"
        )
        col.metric(
            metric.label,
            value,
            delta=change,
            delta_color="normal" if metric.higher_is_better else "inverse",
            border=True,
            help=f"Before the launch: {_cell(row['before'], row['before_status'], row['before_needs'], row['unit'], settings, row['before_n'])}."
            + (f" {row['after_needs']}." if isinstance(row["after_needs"], str) else ""),
        )


def adoption_team_frame(frame: pd.DataFrame, measure: str, settings: MetricSettings) -> pd.DataFrame:
    """Per team for one measure: adoption date, before, after, change and trend as words a leader reads."""
    rows = frame.loc[(frame["measure"] == measure) & frame["team_id"].notna()]
    return pd.DataFrame(
        {
            "team": rows["group"],
            "adopted": [
                f"own date: {fmt_date(day)}" if own else f"with the launch, {fmt_date(day)}"
                for day, own in zip(rows["adopted_on"], rows["own_date"], strict=True)
            ],
            "before": [
                _cell(r["before"], r["before_status"], r["before_needs"], r["unit"], settings, r["before_n"])
                for _, r in rows.iterrows()
            ],
            "after": [
                _cell(r["after"], r["after_status"], r["after_needs"], r["unit"], settings, r["after_n"])
                for _, r in rows.iterrows()
            ],
            "change": [fmt_change(c, u) for c, u in zip(rows["change"], rows["unit"], strict=True)],
            "trend": [t if isinstance(t, str) else "—" for t in rows["trend"]],
        }
    )


def render_adoption_by_team(frame: pd.DataFrame, measure: str, settings: MetricSettings) -> None:
    from dashboard.charts.leadership import before_after_bars

    metric = get_metric(measure)
    rows = frame.loc[(frame["measure"] == measure) & frame["team_id"].notna()]
    if rows.empty:
        st.info("No sales team is in view. Pick teams in the sidebar, or import people with their team.")
        return
    fig = before_after_bars(rows, percent=metric.unit == "share", title=f"{metric.label}: before and after")
    st.plotly_chart(inert_figure(fig), config=PLOTLY_CONFIG, width="stretch", key="pp.nsp.bars")
    st.dataframe(
        adoption_team_frame(frame, measure, settings),
        hide_index=True,
        width="stretch",
        column_config={
            "team": st.column_config.TextColumn("Team"),
            "adopted": st.column_config.TextColumn("NSP adopted"),
            "before": st.column_config.TextColumn("Before"),
            "after": st.column_config.TextColumn("After"),
            "change": st.column_config.TextColumn("Change"),
            "trend": st.column_config.TextColumn("Better or worse"),
        },
    )


# A line chart tells a dozen teams apart, not two hundred (and draws two hundred lines slowly).
MAX_LINES = 12


def fewer_lines(
    data: pd.DataFrame, value: str, label: str, key: str, *, higher_is_better: bool = True
) -> pd.DataFrame:
    """``data`` (a ``team`` column, one row per team and month) cut to the :data:`MAX_LINES` teams
    doing worst on average over the span, unless the viewer switches on "Show all"; unchanged when
    there are few teams."""
    teams = data["team"].dropna().unique()
    if len(teams) <= MAX_LINES or st.toggle(f"Show all {len(teams)} teams", key=key):
        return data
    means = pd.to_numeric(data[value], errors="coerce").groupby(data["team"]).mean().dropna()
    worst = means.sort_values(ascending=higher_is_better).index[:MAX_LINES]
    st.caption(
        f"The {MAX_LINES} teams with the {'lowest' if higher_is_better else 'highest'} average {label}."
    )
    return data[data["team"].isin(worst)]


def render_adoption_trend(view: View, launch, measure: str) -> None:
    from dashboard.charts.leadership import adoption_trend, team_colors
    from metrics.analyses.adoption import trend_period

    teams = reads.adopting_teams(view)
    period = trend_period(launch, teams, view.filters.period)
    series = reads.team_series(view, period, measure)
    metric = get_metric(measure)
    if series.empty or series["value"].isna().all():
        st.info(f"No monthly values of {metric.label.lower()} in {period.label()}. {IMPORT_HINT}")
        return
    own = {t.name: t.nsp_adopted_on for t in teams if t.nsp_adopted_on}
    shown = fewer_lines(
        series, "value", metric.label.lower(), "pp.nsp.all_teams", higher_is_better=metric.higher_is_better
    )
    own = {name: day for name, day in own.items() if name in set(shown["team"])}
    fig = adoption_trend(
        shown,
        launch,
        own_dates=own,
        percent=metric.unit == "share",
        colors=team_colors([t.name for t in teams]),
        title=f"{metric.label} per month, {period.label()}",
    )
    st.plotly_chart(inert_figure(fig), config=PLOTLY_CONFIG, width="stretch", key="pp.nsp.trend")
    gaps = series.loc[series["status"] == "suppressed"]
    if not gaps.empty:
        st.caption(
            f"Gaps: {len(gaps)} team-months are hidden because the survey group was too small to show."
        )


def render_adoption_table(frame: pd.DataFrame, settings: MetricSettings) -> None:
    table = pd.DataFrame(
        {
            "group": frame["group"],
            "measure": frame["label"],
            "before": [
                _cell(r["before"], r["before_status"], r["before_needs"], r["unit"], settings, r["before_n"])
                for _, r in frame.iterrows()
            ],
            "after": [
                _cell(r["after"], r["after_status"], r["after_needs"], r["unit"], settings, r["after_n"])
                for _, r in frame.iterrows()
            ],
            "change": [fmt_change(c, u) for c, u in zip(frame["change"], frame["unit"], strict=True)],
            "trend": [t if isinstance(t, str) else "—" for t in frame["trend"]],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "group": "Team",
            "measure": "Measure",
            "before": "Before",
            "after": "After",
            "change": "Change",
            "trend": "Better or worse",
        },
    )
    export = frame.drop(columns=["team_id"])
    st.download_button(
        "Download before and after (CSV)",
        dataframe_csv_bytes(export),
        file_name="nsp-before-after.csv",
        mime="text/csv",
        icon=":material/download:",
        key="pp.nsp.download",
    )


# --- Morale and people --------------------------------------------------------------------------

DRIVER_LABELS = {
    "meaning_purpose": "Meaning and purpose",
    "recognition": "Recognition",
    "peer_relationships": "Peer relationships",
    "workload": "Workload",
}


def _survey_value(result: MetricResult, settings: MetricSettings) -> str:
    if result.status == "suppressed":
        return "hidden"
    if result.status == "needs":
        return "needs data"
    return format_value(result.value, result.unit)


def render_morale_headline(morale: MetricResult, slide: MetricResult, settings: MetricSettings) -> None:
    """eNPS, participation, attrition and the top-performer slide for all teams in view."""
    parts = morale.parts
    cols = st.columns(5)
    delta = None
    if morale.value is not None and morale.previous is not None:
        delta = f"{morale.value - morale.previous:+.0f} vs previous period"
    cols[0].metric(
        "eNPS",
        _survey_value(morale, settings),
        delta=delta,
        border=True,
        help="% answering 9–10 minus % answering 0–6 to “How likely are you to recommend working here?”",
    )
    participation = parts.get("participation") if morale.status not in ("needs", "suppressed") else None
    cols[1].metric(
        "Participation",
        fmt_percent(participation),
        border=True,
        help="Respondents / sellers and managers on the team at some time in the period (there at its end or left during it).",
    )
    cols[2].metric(
        "Voluntary attrition",
        fmt_percent(parts.get("voluntary_attrition"), 1),
        border=True,
        help="Voluntary leavers / average headcount in the period. "
        + (morale.parts.get("voluntary_attrition_needs") or "").capitalize(),
    )
    cols[3].metric(
        "Leavers",
        "—" if parts.get("leavers") is None else f"{parts['leavers']:,}",
        border=True,
        help=f"All leavers; attrition {fmt_percent(parts.get('attrition'), 1)} of average headcount.",
    )
    cols[4].metric(
        "Top-performer slide",
        _survey_value(slide, settings),
        border=True,
        help="Share of last period's top-quartile sellers (by won amount) no longer on top, or gone.",
    )
    if morale.status == "needs":
        st.info(
            f"Morale {morale.needs}. Import pulse surveys with `python -m dashboard import surveys …` "
            "or on the Data › Imports page."
        )
    elif morale.status == "suppressed":
        st.warning(
            hidden_text(settings).capitalize() + ": the survey figures of this selection are not shown.",
            icon=":material/visibility_off:",
        )


def team_morale_frame(period_rows: pd.DataFrame, people: dict[str, MetricResult]) -> pd.DataFrame:
    """One row per sales team: survey figures for the whole period (or the reason they are hidden)
    next to participation and attrition from the morale symptom."""
    rows = []
    for team, result in people.items():
        match = period_rows.loc[period_rows["team"] == team]
        survey = match.iloc[0] if not match.empty else None
        shown = survey is not None and bool(survey["shown"])
        reason = "no answers in this period" if survey is None else (survey["reason"] or "")
        rows.append(
            {
                "team": team,
                "respondents": int(survey["respondents"]) if shown else None,
                "enps": float(survey["enps"]) if shown and pd.notna(survey["enps"]) else None,
                **{d: (survey[d] if shown else None) for d in DRIVER_LABELS},
                "participation": (result.parts.get("participation") or 0) * 100 if shown else None,
                "voluntary_attrition": (
                    None
                    if result.parts.get("voluntary_attrition") is None
                    else result.parts["voluntary_attrition"] * 100
                ),
                "leavers": result.parts.get("leavers"),
                "note": "" if shown else reason,
            }
        )
    return pd.DataFrame(rows)


def render_team_morale(frame: pd.DataFrame) -> None:
    """Each team's survey figures; hidden groups get a table of their own that says why, with only
    the figures that are not survey answers (leavers), so no cell is ever a bare "None"."""
    if frame.empty:
        st.info("No sales team is in view. Pick teams in the sidebar, or import people with their team.")
        return
    config = {
        "team": st.column_config.TextColumn("Team"),
        "respondents": st.column_config.NumberColumn("Respondents", format="%d"),
        "enps": st.column_config.NumberColumn("eNPS", format="%+.0f"),
        **{
            d: st.column_config.NumberColumn(label, format="%.1f", help="Mean answer, 1–5")
            for d, label in DRIVER_LABELS.items()
        },
        "participation": st.column_config.NumberColumn("Participation", format="%.0f%%"),
        "voluntary_attrition": st.column_config.NumberColumn("Voluntary attrition", format="%.1f%%"),
        "leavers": st.column_config.NumberColumn("Leavers", format="%d"),
        "note": st.column_config.TextColumn("Hidden because", width="large"),
    }
    hidden = frame["note"].fillna("").astype(str) != ""
    order = ["team", "respondents", "enps", *DRIVER_LABELS, "participation", "voluntary_attrition", "leavers"]
    st.dataframe(
        frame.loc[~hidden],
        hide_index=True,
        width="stretch",
        column_config=config,
        column_order=order,
        key="pp.morale.teams",
    )
    if hidden.any():
        st.markdown("**Hidden survey groups**")
        st.dataframe(
            frame.loc[hidden],
            hide_index=True,
            width="stretch",
            column_config=config,
            column_order=["team", "note", "leavers"],
            key="pp.morale.hidden",
        )


def render_morale_lines(trend: pd.DataFrame, column: str, title: str, y_range, number_format: str) -> None:
    from dashboard.charts.leadership import team_colors, team_lines

    shown_teams = sorted(trend.loc[trend["shown"], "team"].unique())
    if not shown_teams:
        st.info("Every group in view is too small to show in this span; widen the teams or the period.")
        return
    data = fewer_lines(
        trend.loc[trend["team"].isin(shown_teams)],
        column,
        "eNPS" if column == "enps" else DRIVER_LABELS[column].lower(),
        f"pp.morale.all.{column}",
    )
    shown_teams = sorted(data["team"].unique())
    fig = team_lines(
        data,
        column,
        title=title,
        y_range=y_range,
        colors=team_colors(shown_teams),
        number_format=number_format,
    )
    st.plotly_chart(inert_figure(fig), config=PLOTLY_CONFIG, width="stretch", key=f"pp.morale.{column}")


def hidden_summary(trend: pd.DataFrame) -> pd.DataFrame:
    """Per team and reason: how many months are hidden (a gap in the lines is never a zero)."""
    hidden = trend.loc[~trend["shown"]]
    if hidden.empty:
        return pd.DataFrame(columns=["team", "reason", "months"])
    return hidden.groupby(["team", "reason"], as_index=False).size().rename(columns={"size": "months"})


def render_hidden(trend: pd.DataFrame) -> None:
    summary = hidden_summary(trend)
    if summary.empty:
        st.caption("No group is hidden in this span.")
        return
    lines = [
        f"- **{escape_markdown(r.team)}**: {escape_markdown(r.reason)} ({r.months} month{'s' if r.months != 1 else ''})"
        for r in summary.itertuples()
    ]
    st.markdown("Gaps in the lines are hidden groups, never zeros:\n" + "\n".join(lines))


def render_slide(view: View, slide: MetricResult) -> None:
    """Who slid out of the top quartile: names only of sellers in the viewer's scope."""
    if slide.status == "needs":
        st.info(
            f"Top-performer slide {slide.needs}. Import won deals with their owner and people with their team."
        )
        return
    st.markdown(escape_markdown(slide.detail))
    frame = reads.evidence(view, "top_performer_slide")
    shown, config = evidence_display(frame)
    config["now"] = st.column_config.TextColumn("Now")
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key="pp.morale.slide")
