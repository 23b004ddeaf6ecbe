"""Tables of rows: fractions as percentages, money, dates and readable titles, with a safe CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.csv_export import dataframe_csv_bytes
from metrics.money import column_format

MONEY_COLUMNS = {"amount", "list_amount", "arr", "renewed_arr", "concession", "at_stake", "won_amount"}


PERCENT_COLUMNS = {"discount", "customer_share", "revenue_share", "share_discounted"}


TITLES = {
    "arr": "ARR",
    "renewed_arr": "Renewed ARR",
    "nsp_mentions": "NSP mentions",
    "p90_discount": "P90 discount",
}


def table_config(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``frame`` ready for ``st.dataframe``: fractions as percentages, money, dates and readable titles."""
    shown = frame.copy()
    config: dict = {}
    for column in shown.columns:
        title = TITLES.get(str(column), str(column).replace("_", " ").capitalize())
        if column in MONEY_COLUMNS:
            config[column] = st.column_config.NumberColumn(title, format=column_format())
        elif column in PERCENT_COLUMNS or str(column).endswith(("_share", "_discount", "_rate")):
            shown[column] = pd.to_numeric(shown[column], errors="coerce") * 100
            config[column] = st.column_config.NumberColumn(title, format="%.1f%%")
        elif column == "held_at":
            config[column] = st.column_config.DatetimeColumn("Held", format="D MMM YYYY, HH:mm")
        elif str(column).endswith("_date"):
            config[column] = st.column_config.DateColumn(title, format="D MMM YYYY")
        elif column == "meeting_id":
            config[column] = None
        else:
            config[column] = st.column_config.Column(title)
    return shown, config


def show_table(
    frame: pd.DataFrame,
    key: str,
    file_name: str,
    *,
    empty: str,
    overrides: dict | None = None,
    hide: tuple = (),
    every_row=None,
    cap: int | None = None,
) -> None:
    """A formatted, bounded table with a safe CSV download (of every column, ``hide`` ones too);
    ``empty`` says what is missing. When the table holds the first ``cap`` rows of more, it says so
    and ``every_row`` (a function) gives the download all of them: nothing is cut off silently."""
    if frame.empty:
        st.info(empty)
        return
    shown, config = table_config(frame)
    config.update(overrides or {})
    config.update(dict.fromkeys(hide))
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key=f"pp.signals.{key}")
    cut = cap is not None and every_row is not None and len(frame) >= cap
    if cut:
        st.caption(f"Showing the first {len(frame):,} rows, worst first; the download holds every row.")
    st.download_button(
        "Download every row (CSV)" if cut else f"Download {len(frame):,} rows (CSV)",
        (lambda: dataframe_csv_bytes(every_row())) if cut else dataframe_csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=f"pp.signals.{key}.csv",
    )
