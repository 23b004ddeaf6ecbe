"""Signals › Discounting: is lowering the price our default answer, and does it buy anything?"""

import streamlit as st

from dashboard import reads
from dashboard.charts.signals import (
    count_bars,
    discount_by_week,
    discount_histogram,
    share_bars,
)
from dashboard.components import signals as ui
from dashboard.components import tiles
from dashboard.components.text import IMPORT_HINT
from dashboard.shell import state
from dashboard.shell.page_links import page_links
from metrics.parts import DiscountParts, PriceLossParts

view = state.view()
filters = view.filters
settings = view.settings
links = page_links(view)

st.title("Discounting")
st.caption(
    f"Won deals closed {filters.period.label()}. Discount = 1 − amount ÷ list amount (or the deal's discount field)."
)

discounting = reads.evaluate(view, "discounting")
price = reads.evaluate(view, "price_loss_share")
if discounting.status == "needs":
    st.info(f"Discounting cannot be shown: it {discounting.needs}. {IMPORT_HINT}")
    st.stop()
if discounting.value is None:
    st.info(f"Discounting cannot be shown: {discounting.reason}.")
    st.stop()

cols = st.columns(5)
for column, (label, text) in zip(cols, ui.discount_headline(discounting).items(), strict=False):
    if label == "Won deals discounted":  # the symptom's own value, compared with the previous period
        tiles.show_result(column, label, discounting, text, compare=True)
    else:
        tiles.show_detail(column, label, text, discounting)
tiles.show_result(cols[4], "Losses on price", price)

left, right = st.columns(2)
with left:
    histogram = reads.discount_histogram(view)
    tiles.chart(
        discount_histogram(histogram, settings.numbers("approval_limits"), title="Discount distribution")
    )
with right:
    weeks = DiscountParts.of(discounting.parts).discount_by_week_of_quarter
    tiles.chart(discount_by_week(weeks, title="Mean discount by week of quarter"))

left, right = st.columns(2)
with left:
    discount_parts = DiscountParts.of(discounting.parts)
    tiles.chart(
        share_bars(
            discount_parts.win_rate_by_discount_band,
            title="Win rate by discount band: does the discount buy anything?",
            x_title="Discount (n = closed deals in the band)",
            counts=discount_parts.closed_deals_by_discount_band or None,
        )
    )
with right:
    reasons = PriceLossParts.of(price.parts).loss_reasons
    if reasons:
        tiles.chart(count_bars(reasons, title="Why we lost", highlight="price"))
    else:
        st.info(f"Loss reasons are missing: {price.needs or 'no lost deals'}. {IMPORT_HINT}")

st.subheader("By team and by seller")
by = ui.pick_discount_grouping()
discount_by = reads.discount_by_seller if by == "seller" else reads.discount_by_team
ui.render_discount_groups(discount_by(view, settings.number("discounted_from")), by, links)

st.subheader("The discounted deals")
ui.render_discounted_deals(
    reads.evidence(view, "discounting"), reads.evidence_rows(view, "price_loss_share"), links
)
