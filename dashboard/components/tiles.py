"""Headline figures that are honest about what they stand on, and charts drawn inert."""

from __future__ import annotations

import streamlit as st

from dashboard.charts.theme import PLOTLY_CONFIG
from dashboard.escaping import inert_figure
from dashboard.formatting import fmt_change, fmt_percent
from metrics.metric import MetricResult, format_value
from metrics.registry import get_metric


def show_result(
    column,
    label: str,
    result: MetricResult,
    text: str | None = None,
    *,
    help: str | None = None,
    compare: bool | None = None,
):
    """A headline number that is honest about what it stands on: the value with its n and what it
    is compared with, or "—" with what is needed, or "hidden" for a suppressed survey group. A
    figure on too few, or over a period still running, keeps its value but loses its colour and
    says why. ``compare``: show the change of the value against the previous period (by default
    when the card shows the value itself, not ``text`` about another part of the result)."""
    if result.status == "needs" or (result.value is None and result.state == "too_few"):
        column.metric(label, "—", help=help)
        column.caption(f"{(result.reason or result.needs or 'needs data').capitalize()}.")
    elif result.status == "suppressed":
        column.metric(label, "hidden", help=help)
        column.caption("Hidden: too few respondents.")
    else:
        shown = text if text is not None else fmt_percent(result.value, 1 if abs(result.value) < 0.1 else 0)
        delta = None
        if compare is None:
            compare = text is None
        if compare and result.previous is not None:
            delta = f"{fmt_change(result.value - result.previous, result.unit)} vs previous"
        inverse = "normal" if result.threshold.get("direction") == "higher_is_better" else "inverse"
        if not result.scored:
            inverse = "off"
            shown = f"{shown} (to date)" if result.state == "incomplete" else shown
        column.metric(label, shown, delta=delta, delta_color=inverse, help=help)
        column.caption(
            " · ".join(part for part in (standing_caption(result), compared_caption(result)) if part)
        )


def show_detail(column, label: str, text: str, result: MetricResult, *, help: str | None = None) -> None:
    """A detail of ``result`` (a median, a retention...): its value, the n it stands on, and that it
    is not compared, since only the symptom's own value is kept for the previous period."""
    column.metric(label, text, help=help)
    column.caption(" · ".join(p for p in (standing_caption(result), "not compared with the previous period") if p))


def standing_caption(result: MetricResult) -> str:
    """n, and for a figure that is not scored, why: "n = 45 won deals" or "Too few: 4 lost deals..."."""

    sample = get_metric(result.id).sample
    n = f"n = {result.n:,} {sample}" if result.n is not None else ""
    if result.scored:
        return n
    why = (result.reason or "").capitalize()
    return f"{why}." if why else n


def compared_caption(result: MetricResult) -> str:
    """What the figure is compared with: "was 25% against the previous quarter", or that there is
    nothing to compare with."""
    if result.previous is None:
        return "no previous value to compare"
    words = result.comparison or "against the previous period"
    return f"was {format_value(result.previous, result.unit)} {words}"


def chart(fig) -> None:
    st.plotly_chart(inert_figure(fig), config=PLOTLY_CONFIG, width="stretch")
