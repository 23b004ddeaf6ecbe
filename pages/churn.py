"""Signals › Churn and retention: do the customers we sold to stay, and does how we sold matter?"""

import streamlit as st

from dashboard import reads
from dashboard.charts.signals import churn_bars, churn_by_how_sold, cohort_heatmap, retention_trend
from dashboard.components import evidence, tiles
from dashboard.components import signals as ui
from dashboard.components.text import IMPORT_HINT
from dashboard.shell import state
from metrics.parts import RetentionParts

view = state.view()
filters = view.filters

st.title("Churn and retention")
st.caption(
    f"Renewals due {filters.period.label()}; new customers of the period are not counted in retention."
)

churn = reads.evaluate(view, "customer_churn")
jeopardy = reads.evaluate(view, "small_amount_jeopardy")
if churn.status == "needs":
    st.info(f"Churn cannot be shown: it {churn.needs}. {IMPORT_HINT}")
    st.stop()

cols = st.columns(5)
for column, (label, text) in zip(cols, ui.churn_headline(churn).items(), strict=False):
    if label == "Logo churn":  # the symptom's own value, compared with the previous period
        tiles.show_result(column, label, churn, text, compare=True)
    else:
        tiles.show_detail(column, label, text, churn)
tiles.show_result(
    cols[4],
    "In jeopardy over small sums",
    jeopardy,
    help="Renewals due that churned, were downgraded or needed a concession over a small share of their annual value (under 5% by default, see Settings).",
)

monthly = reads.retention_by_month(view)
st.subheader("Over the last 12 months")
left, right = st.columns(2)
with left:
    tiles.chart(churn_bars(monthly, title="Logo churn per month"))
with right:
    tiles.chart(retention_trend(monthly, title="Gross and net revenue retention per month"))

st.subheader("Cohorts")
cohorts = reads.cohort_retention(view)
if cohorts.empty:
    st.info(f"No subscriptions in view to build cohorts from. {IMPORT_HINT}")
else:
    measure = st.segmented_control(
        "Retention of", ["customers", "ARR"], default="customers", key="pp.churn.cohort_measure"
    )
    value = "arr_retention" if measure == "ARR" else "retention"
    tiles.chart(cohort_heatmap(cohorts, value, title="Share of each quarter's new customers still with us"))
    st.caption("Cohort = the quarter of an account's first subscription; (n) = accounts in the cohort.")

st.subheader("Does how we sold predict churn?")
splits = RetentionParts.of(churn.parts).churn_by_how_sold
if splits:
    tiles.chart(
        churn_by_how_sold(splits, title="Churn rate of renewals due, by how the original deal was sold")
    )
else:
    st.info("No renewal due in this period is linked to the deal that sold it, so the split cannot be made.")

st.subheader("Renewals in jeopardy over small amounts")
evidence.show_evidence(
    reads.evidence_rows(view, "small_amount_jeopardy"),
    "churn.jeopardy",
    "renewals-in-jeopardy.csv",
    empty=f"No renewal due in this period churned, was downgraded or needed a concession ({jeopardy.reason or 'none'}).",
    overrides={"small_amount": st.column_config.CheckboxColumn("Small amount")},
)
with st.expander("Every renewal due in this period, churned first"):
    evidence.show_evidence(
        reads.evidence_rows(view, "customer_churn"),
        "churn.renewals",
        "renewals-due.csv",
        empty="No renewal was due in this period.",
    )
