"""The rows behind a symptom, as a table with a safe CSV download of every row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.components.tables import show_table, table_config
from dashboard.components.text import IMPORT_HINT
from dashboard.csv_export import dataframe_csv_bytes
from dashboard.escaping import escape_markdown
from metrics.metric import MetricResult
from metrics.registry import get_metric

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
    return table_config(
        frame,
        money=MONEY_COLUMNS,
        percent=PERCENT_COLUMNS,
        percent_suffixes=(),
        title=lambda column: (
            column.replace("_", " ").capitalize().replace("arr", "ARR").replace("Arr", "ARR")
        ),
        columns={"mean_score": st.column_config.NumberColumn("Mean answer", format="%.1f")},
    )


@dataclass(frozen=True)
class EvidenceRows:
    """A symptom's evidence as a page read it: the first ``cap`` rows (the ``evidence_limit``
    setting) and a function that reads every row, called only when the download is asked for."""

    frame: pd.DataFrame
    every_row: Callable[[], pd.DataFrame]
    cap: int


def render_evidence(rows: EvidenceRows, result: MetricResult, where: str) -> None:
    """The rows behind one symptom, with a safe CSV download of every row (the table shows the first
    ``evidence_limit`` and says so)."""
    frame = rows.frame
    cut = len(frame) >= rows.cap
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
        return dataframe_csv_bytes(rows.every_row())

    st.download_button(
        "Download every row (CSV)" if cut else f"Download {len(frame):,} rows (CSV)",
        every_row if cut else dataframe_csv_bytes(frame),
        file_name=f"evidence-{result.id}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="pp.overview.download",
    )


def show_evidence(rows: EvidenceRows, key: str, file_name: str, **kw) -> None:
    """A symptom's evidence as a :func:`~dashboard.components.tables.show_table`: the first
    ``evidence_limit`` rows on the page, every row in the download."""
    show_table(rows.frame, key, file_name, every_row=rows.every_row, cap=rows.cap, **kw)
