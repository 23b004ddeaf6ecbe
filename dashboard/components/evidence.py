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
from dashboard.links import CRM_COLUMN, RECORD_TEXT, SELLER_TEXT, Links
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


def link_config(frame: pd.DataFrame, links: Links | None, config: dict) -> pd.DataFrame:
    """``frame`` with seller names as links to their prep and CRM keys as links to the record
    (``config`` gets their link columns); unchanged without ``links``."""
    if links is None:
        return frame
    shown, linked = links.add_to(frame)
    for column in linked:
        if column == CRM_COLUMN:
            config[column] = st.column_config.LinkColumn(
                "CRM record", display_text=RECORD_TEXT, help="Opens the deal in the CRM."
            )
        else:
            config[column] = st.column_config.LinkColumn(
                column.capitalize(), display_text=SELLER_TEXT, help="Opens their one-on-one prep."
            )
    return shown


def evidence_display(frame: pd.DataFrame, links: Links | None = None) -> tuple[pd.DataFrame, dict]:
    """The evidence rows ready for ``st.dataframe``: fractions as percentages, and a column config
    that formats money, dates and percentages and gives every column a readable title; with
    ``links``, seller names open their prep and deals their CRM record."""
    shown, config = _display(frame)
    return link_config(shown, links, config), config


def _display(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    return table_config(
        frame,
        money=MONEY_COLUMNS,
        percent=PERCENT_COLUMNS,
        percent_suffixes=(),
        title=lambda column: (
            column.replace("_", " ").capitalize().replace("arr", "ARR").replace("Arr", "ARR")
        ),
        columns={
            "mean_score": st.column_config.NumberColumn("Mean answer", format="%.1f"),
            CRM_COLUMN: st.column_config.TextColumn("CRM id"),
        },
    )


def figure_words(result: MetricResult) -> str:
    """The figure as a card says it: value, n, band and the previous value ("49% (n = 361) · ✕ Red ·
    was 47%"); a dash for a figure that needs data or is hidden."""
    from dashboard.charts.theme import BAND_COLORS, band_label
    from dashboard.components.text import STATUS_TEXT
    from metrics.metric import format_value

    if result.status in ("needs", "suppressed") or result.value is None:
        value = "—"
    else:
        value = format_value(result.value, result.unit)
    n = "" if result.n is None else f" (n = {result.n:,})"
    status = band_label(result.status) if result.status in BAND_COLORS else STATUS_TEXT.get(result.status, "")
    was = "" if result.previous is None else f" · was {format_value(result.previous, result.unit)}"
    return f"**{value}**{n} · {status}{was}"


@dataclass(frozen=True)
class EvidenceRows:
    """A symptom's evidence as a page read it: the first ``cap`` rows (the ``evidence_limit``
    setting) and a function that reads every row, called only when the download is asked for."""

    frame: pd.DataFrame
    every_row: Callable[[], pd.DataFrame]
    cap: int


def render_evidence(
    rows: EvidenceRows,
    result: MetricResult,
    where: str,
    links: Links | None = None,
    key: str = "pp.overview",
    why: str | None = None,
) -> None:
    """The rows behind one symptom, with a safe CSV download of every row (the table shows the first
    ``evidence_limit`` and says so); with ``links``, sellers and deals are links."""
    frame = rows.frame
    cut = len(frame) >= rows.cap
    count = f"first {len(frame):,} rows, worst first" if cut else f"{len(frame):,} rows"
    st.markdown(f"**{escape_markdown(result.label)}** · {escape_markdown(where)} · {count}")
    if why:
        st.markdown(f"{figure_words(result)} — {escape_markdown(why)}")
    metric = get_metric(result.id)
    st.caption(f"{metric.description} Formula: {metric.formula}.")
    if frame.empty:
        needs = result.reason or result.needs or "no rows in this period"
        st.info(f"No evidence to show: {needs}. {IMPORT_HINT}")
        return
    shown, config = evidence_display(frame, links)
    st.dataframe(
        shown, hide_index=True, width="stretch", column_config=config, key=f"{key}.evidence", placeholder="—"
    )

    def every_row() -> bytes:
        return dataframe_csv_bytes(rows.every_row())

    st.download_button(
        "Download every row (CSV)" if cut else f"Download {len(frame):,} rows (CSV)",
        every_row if cut else dataframe_csv_bytes(frame),
        file_name=f"evidence-{result.id}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}.download",
    )


def show_evidence(rows: EvidenceRows, key: str, file_name: str, **kw) -> None:
    """A symptom's evidence as a :func:`~dashboard.components.tables.show_table`: the first
    ``evidence_limit`` rows on the page, every row in the download."""
    show_table(rows.frame, key, file_name, every_row=rows.every_row, cap=rows.cap, **kw)
