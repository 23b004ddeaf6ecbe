"""Signals › Pipeline behaviour: are deals moved around period ends to suit the plan, not the customer?"""

import streamlit as st

from dashboard import reads
from dashboard.charts.signals import movement_waterfall, won_by_week
from dashboard.components import signals as ui
from dashboard.components import tables, tiles
from dashboard.components.text import IMPORT_HINT
from dashboard.shell import state
from dashboard.shell.page_links import page_links
from metrics.analyses.pipeline import STEP_LABELS
from metrics.money import column_format

view = state.view()
filters = view.filters
settings = view.settings
links = page_links(view)

st.title("Pipeline behaviour")
st.caption(
    f"{filters.period.label()}. The pipeline is every open deal due to close by {filters.period.end:%-d %b %Y}, "
    "the period's last day; pushes and pull-ins are counted from the close-date history."
)

movement = reads.movement(view)
if not any(movement.deals.values()):
    st.info(f"No deals were open or closed in this period. {IMPORT_HINT}")
    st.stop()
cols = st.columns(4)
for column, (label, (amount, deals)) in zip(cols, ui.movement_headline(movement).items(), strict=True):
    column.metric(label, amount)
    column.caption(f"n = {deals} · not compared with the previous period")

tiles.chart(
    movement_waterfall(
        movement.steps(), title="Pipeline movement: start + new + pulled in − pushed − won − lost = end"
    )
)
st.markdown("**Deals in each step, per month**")
st.caption(
    f"Every month follows the same pipeline, the deals due by {filters.period.end:%-d %b %Y}: a month ends "
    "with exactly the deals the next one starts with."
)
table = reads.movement_table(view, ui.month_periods(filters))
st.dataframe(
    ui.movement_frame(table),
    hide_index=True,
    width="stretch",
    column_config={
        **{label: st.column_config.NumberColumn(label, format="localized") for label in STEP_LABELS.values()},
        "Pushed amount": st.column_config.NumberColumn("Pushed amount", format=column_format()),
    },
    placeholder="—",
)

st.subheader("Quarter-end pile-up")
closing = reads.evaluate(view, "quarter_end_close_share")
gaming = reads.evaluate(view, "comp_plan_gaming")
cols = st.columns(4)
tiles.show_result(cols[0], f"Won amount in the last {settings.integer('quarter_end_days')} days", closing)
tiles.show_result(
    cols[1], "Close-date pushes per closed deal", gaming, ui.per_deal(gaming.value), compare=True
)
pushed_share, over_quota_share = ui.gaming_shares(gaming)
tiles.show_result(cols[2], "Closed deals pushed at least once", gaming, pushed_share)
tiles.show_result(cols[3], "First-days closes by sellers over quota", gaming, over_quota_share)
tiles.chart(won_by_week(reads.won_by_week(view), title="Won amount by week of quarter"))

left, right = st.columns(2)
with left:
    st.markdown("**Deals pushed twice or more**")
    st.caption(
        "Deals open during the period or closed in it whose close date was moved later at least twice "
        "up to its last day: the same list a seller's one-on-one brief shows."
    )
    tables.show_table(
        reads.repeatedly_pushed(view),
        "pipeline.pushed",
        "repeatedly-pushed.csv",
        empty="No deal in this period had its close date pushed twice.",
        hide=("opportunity", "stage"),
        links=links,
    )
with right:
    st.markdown(f"**Won in the first {settings.integer('quarter_start_days')} days of a quarter**")
    tables.show_table(
        reads.first_days_closes(view, settings.integer("quarter_start_days")),
        "pipeline.first_days",
        "first-days-closes.csv",
        empty="No deal was won in the first days of a quarter in this period.",
        hide=("opportunity",),
        links=links,
    )

st.subheader("Late-stage deals: customer outcome and senior sponsor")
ui.render_late_stage(
    reads.evaluate(view, "late_stage_without_outcome"),
    reads.evaluate(view, "late_stage_with_exec_sponsor"),
    reads.evaluate(view, "pipeline_with_customer_outcome"),
    reads.evidence_rows(view, "late_stage_without_outcome"),
    links,
)
