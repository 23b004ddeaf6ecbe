"""Signals › Discounting: is lowering the price our default answer, and does it buy anything?"""

import streamlit as st

from dashboard.charts.signals import (
    count_bars,
    discount_by_week,
    discount_histogram,
    share_bars,
)
from dashboard.components import signals as view
from dashboard.reads import common as cached
from dashboard.reads import signals as cached_signals
from dashboard.shell import state

url = state.get_settings().database_url
scope, filters = state.get_scope(), state.get_filters()
settings = cached.metric_settings(url)

st.title("Discounting")
st.caption(
    f"Won deals closed {filters.period.label()}. Discount = 1 − amount ÷ list amount (or the deal's discount field)."
)

discounting = cached.evaluate(url, scope, filters, "discounting")
price = cached.evaluate(url, scope, filters, "price_loss_share")
if discounting.status == "needs":
    st.info(f"Discounting cannot be shown: it {discounting.needs}. {view.IMPORT_HINT}")
    st.stop()
if discounting.value is None:
    st.info(f"Discounting cannot be shown: {discounting.reason}.")
    st.stop()

cols = st.columns(5)
for column, (label, text) in zip(cols, view.discount_headline(discounting).items(), strict=False):
    column.metric(label, text)
cols[2].caption(view.standing_caption(discounting))
view.show_result(cols[4], "Losses on price", price)

left, right = st.columns(2)
with left:
    histogram = cached_signals.discount_histogram(url, scope, filters)
    view.chart(
        discount_histogram(histogram, settings.numbers("approval_limits"), title="Discount distribution")
    )
with right:
    weeks = discounting.parts["discount_by_week_of_quarter"]
    view.chart(discount_by_week(weeks, title="Mean discount by week of quarter"))

left, right = st.columns(2)
with left:
    bands = discounting.parts["win_rate_by_discount_band"]
    view.chart(
        share_bars(
            bands, title="Win rate by discount band: does the discount buy anything?", x_title="Discount"
        )
    )
with right:
    reasons = price.parts.get("loss_reasons") or {}
    if reasons:
        view.chart(count_bars(reasons, title="Why we lost", highlight="price"))
    else:
        st.info(f"Loss reasons are missing: {price.needs or 'no lost deals'}. {view.IMPORT_HINT}")

st.subheader("By team and by seller")
view.render_discount_groups(url, scope, filters)

st.subheader("The discounted deals")
view.render_discounted_deals(url, scope, filters)
