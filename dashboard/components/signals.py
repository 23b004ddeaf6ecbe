"""Parts of the discounting, pipeline and churn pages, drawn from what the page read."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components.evidence import EvidenceRows, show_evidence
from dashboard.components.tables import show_table, table_config
from dashboard.components.text import IMPORT_HINT
from dashboard.components.tiles import chart, show_result
from dashboard.formatting import fmt_count, fmt_currency, fmt_percent
from dashboard.links import SELLER_TEXT
from data_access.scope import Filters
from metrics.metric import MetricResult
from metrics.parts import CloseDateParts, DiscountParts, RetentionParts


def discount_headline(result: MetricResult) -> dict[str, str]:
    """The discounting metric's headline numbers as shown on the page."""
    parts = DiscountParts.of(result.parts)
    return {
        "Median discount": fmt_percent(parts.median_discount, 1),
        "P90 discount": fmt_percent(parts.p90_discount, 1),
        "Won deals discounted": fmt_percent(parts.share_discounted),
        "Just under an approval limit": fmt_percent(parts.just_under_approval_limit),
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


def pick_discount_grouping() -> str:
    """``team`` or ``seller``: what the viewer compares discounts by."""
    by = st.segmented_control(
        "Compare", ["team", "seller"], default="team", format_func=str.capitalize, key="pp.discount.by"
    )
    return by or "team"


def render_discount_groups(groups: pd.DataFrame, by: str, links=None) -> None:
    """Median and P90 discount by ``by`` (team or seller), as a chart and a table; a seller's name
    opens their one-on-one prep when ``links`` are given."""
    from dashboard.charts.signals import discount_by_group

    left, right = st.columns([2, 3])
    with left:
        chart(discount_by_group(groups, title=f"Median and P90 discount by {by}"))
    with right:
        shown, config = group_table(groups)
        if by == "seller" and links is not None and "name" in shown.columns:
            urls = [links.seller_url(name) for name in shown["name"]]
            if any(urls):
                shown["name"] = [u or n for u, n in zip(urls, shown["name"], strict=True)]
                config["name"] = st.column_config.LinkColumn(
                    "Name", display_text=SELLER_TEXT, help="Opens their one-on-one prep."
                )
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config=config,
            key="pp.discount.groups",
            placeholder="—",
        )


def render_discounted_deals(deals: pd.DataFrame, losses: EvidenceRows, links=None) -> None:
    """The discounted won deals (``deals``, deepest first), optionally of one seller, and the lost
    deals (``losses``)."""
    owners = ["Everyone in view", *sorted(deals["owner"].dropna().unique())] if not deals.empty else []
    owner = st.selectbox("Show the deals of", owners, key="pp.discount.owner") if owners else None
    show_table(
        deals_of(deals, owner),
        "discount.deals",
        "discounted-deals.csv",
        empty=f"No won deal with a list amount or discount in this period. {IMPORT_HINT}",
        links=links,
    )
    with st.expander("Deals lost in this period, price losses first"):
        show_evidence(
            losses,
            "discount.losses",
            "lost-deals.csv",
            empty="No lost deals in this period.",
            links=links,
        )


def month_periods(filters: Filters) -> tuple:
    """The calendar months of the period, clipped to it (the grain of the movement table)."""
    from metrics.common import buckets

    return tuple(buckets(filters.period, "month"))


def per_deal(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def gaming_shares(result: MetricResult) -> tuple[str, str]:
    """The comp-plan gaming symptom's two shares as percentages ("—" when unknown): closed deals
    pushed at least once, and first-days closes by sellers over quota."""
    parts = CloseDateParts.of(result.parts)
    return fmt_percent(parts.deals_pushed_share), fmt_percent(parts.first_days_closes_by_sellers_over_quota)


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


def render_late_stage(
    outcome: MetricResult,
    sponsor: MetricResult,
    pipeline: MetricResult,
    without_outcome: EvidenceRows,
    links=None,
) -> None:
    """Outcome and sponsor coverage of late-stage deals, and the late-stage deals without an outcome."""
    cols = st.columns(3)
    show_result(cols[0], "Late-stage deals without a customer outcome", outcome)
    show_result(cols[1], "Late-stage deals with an executive sponsor", sponsor)
    show_result(cols[2], "Pipeline amount with a customer outcome", pipeline)
    show_evidence(
        without_outcome,
        "pipeline.late",
        "late-stage-without-outcome.csv",
        empty=f"No late-stage deal lacks a customer outcome ({outcome.reason or 'all documented'}).",
        links=links,
    )


def churn_headline(result: MetricResult) -> dict[str, str]:
    parts = RetentionParts.of(result.parts)
    return {
        "Logo churn": fmt_percent(result.value, 1) if result.value is not None else "—",
        "Gross revenue retention": fmt_percent(parts.gross_revenue_retention, 1),
        "Net revenue retention": fmt_percent(parts.net_revenue_retention, 1),
        "Customers lost": f"{fmt_count(parts.customers_lost)} of {fmt_count(parts.customers_at_start)}",
    }
