"""The NSP and its adoption: before and after the launch, per team and month by month."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts.theme import PLOTLY_CONFIG
from dashboard.components.lines import fewer_lines
from dashboard.components.text import IMPORT_HINT, fmt_change
from dashboard.csv_export import dataframe_csv_bytes
from dashboard.escaping import escape_markdown, inert_figure
from dashboard.formatting import fmt_date
from data_access.scope import Period
from metrics.metric import format_value
from metrics.parameters import MetricSettings
from metrics.registry import get_metric


def render_nsp(nsp: dict | None) -> None:
    if not nsp:
        st.info(
            "No Noble Sales Purpose is set yet. Add the statement and its launch date on Data › Settings."
        )
        return
    st.markdown(f"### “{escape_markdown(nsp['statement'])}”")
    launched = f"launched {fmt_date(nsp['launch_date'])}" if nsp.get("launch_date") else "no launch date set"
    st.caption(f"Our Noble Sales Purpose · {launched}")


def _cell(value, status: str | None, needs: str | None, unit: str, settings: MetricSettings, n=None) -> str:
    """One side of a before/after: the value with its n, or why there is none (too few, no data)."""
    if status == "suppressed":
        return "hidden"
    if value is None or pd.isna(value):
        return needs or "—"
    sample = "" if n is None or pd.isna(n) else f" (n = {int(n):,})"
    return format_value(value, unit) + sample


def _before_after_words(rows: pd.DataFrame, settings: MetricSettings) -> dict[str, list[str]]:
    """The before, after, change and trend columns of before/after ``rows`` as a leader reads them."""
    return {
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
            **_before_after_words(rows, settings),
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
        placeholder="—",
    )


def render_adoption_trend(series: pd.DataFrame, teams: list, period: Period, launch, measure: str) -> None:
    """``measure`` per team and month over ``period`` (``series``), the launch and each team's own
    adoption date (``teams``, :class:`~metrics.analyses.adoption.AdoptingTeam`) marked."""
    from dashboard.charts.leadership import adoption_trend, team_colors

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
            **_before_after_words(frame, settings),
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
        placeholder="—",
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
