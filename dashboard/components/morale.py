"""Morale and people: eNPS, participation, attrition and the top-performer slide, within the survey confidentiality rules."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts.theme import PLOTLY_CONFIG
from dashboard.components.evidence import evidence_display
from dashboard.components.lines import fewer_lines
from dashboard.components.text import hidden_text
from dashboard.components.tiles import compared_caption, standing_caption
from dashboard.escaping import escape_markdown, inert_figure
from dashboard.formatting import fmt_percent
from metrics.metric import MetricResult, format_value
from metrics.parameters import MetricSettings
from metrics.parts import MoraleParts

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


def _captions(cols, morale: MetricResult, slide: MetricResult) -> None:
    """What each card stands on and is compared with; nothing under a hidden survey figure."""
    for column, result in ((cols[0], morale), (cols[4], slide)):
        if result.status not in ("needs", "suppressed"):
            column.caption(" · ".join(p for p in (standing_caption(result), compared_caption(result)) if p))
    if morale.status not in ("needs", "suppressed"):
        for column in cols[1:4]:
            column.caption("This period · not compared with the previous period")


def render_morale_headline(morale: MetricResult, slide: MetricResult, settings: MetricSettings) -> None:
    """eNPS, participation, attrition and the top-performer slide for all teams in view."""
    parts = MoraleParts.of(morale.parts)
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
    participation = parts.participation if morale.status not in ("needs", "suppressed") else None
    cols[1].metric(
        "Participation",
        fmt_percent(participation),
        border=True,
        help="Respondents / sellers and managers on the team at some time in the period (there at its end or left during it).",
    )
    cols[2].metric(
        "Voluntary attrition",
        fmt_percent(parts.voluntary_attrition, 1),
        border=True,
        help="Voluntary leavers / average headcount in the period. "
        + (parts.voluntary_attrition_needs or "").capitalize(),
    )
    cols[3].metric(
        "Leavers",
        "—" if parts.leavers is None else f"{parts.leavers:,}",
        border=True,
        help=f"All leavers; attrition {fmt_percent(parts.attrition, 1)} of average headcount.",
    )
    cols[4].metric(
        "Top-performer slide",
        _survey_value(slide, settings),
        border=True,
        help="Share of last period's top-quartile sellers (by won amount) no longer on top, or gone.",
    )
    _captions(cols, morale, slide)
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
        parts = MoraleParts.of(result.parts)
        reason = "no answers in this period" if survey is None else (survey["reason"] or "")
        rows.append(
            {
                "team": team,
                "respondents": int(survey["respondents"]) if shown else None,
                "enps": float(survey["enps"]) if shown and pd.notna(survey["enps"]) else None,
                **{d: (survey[d] if shown else None) for d in DRIVER_LABELS},
                "participation": (parts.participation or 0) * 100 if shown else None,
                "voluntary_attrition": (
                    None if parts.voluntary_attrition is None else parts.voluntary_attrition * 100
                ),
                "leavers": parts.leavers,
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
        placeholder="—",
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
            placeholder="—",
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


def render_slide(slide: MetricResult, frame: pd.DataFrame | None, links=None) -> None:
    """Who slid out of the top quartile (``frame``, the slide's evidence: names only of sellers in
    the viewer's scope; None when the slide needs data); with ``links`` a name opens their prep."""
    if slide.status == "needs":
        st.info(
            f"Top-performer slide {slide.needs}. Import won deals with their owner and people with their team."
        )
        return
    st.markdown(escape_markdown(slide.detail))
    shown, config = evidence_display(frame, links)
    config["now"] = st.column_config.TextColumn("Now")
    st.dataframe(
        shown, hide_index=True, width="stretch", column_config=config, key="pp.morale.slide", placeholder="—"
    )
