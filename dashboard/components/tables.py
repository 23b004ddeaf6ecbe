"""Tables of rows: fractions as percentages, money, dates and readable titles, with a safe CSV download."""

from __future__ import annotations

from collections.abc import Callable

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


def _title(column: str) -> str:
    return TITLES.get(column, column.replace("_", " ").capitalize())


def table_config(
    frame: pd.DataFrame,
    *,
    money: set[str] = MONEY_COLUMNS,
    percent: set[str] = PERCENT_COLUMNS,
    percent_suffixes: tuple[str, ...] = ("_share", "_discount", "_rate"),
    title: Callable[[str], str] = _title,
    columns: dict | None = None,
) -> tuple[pd.DataFrame, dict]:
    """``frame`` ready for ``st.dataframe``: fractions (the ``percent`` columns and those ending in
    ``percent_suffixes``) as percentages, ``money`` in the organisation's currency, dates, readable
    titles; ``columns`` gives some columns a config of their own (None hides one). By default the
    meeting id is hidden."""
    shown = frame.copy()
    config: dict = {}
    own = {"meeting_id": None} if columns is None else columns
    for column in shown.columns:
        label = title(str(column))
        if column in own:
            config[column] = own[column]
        elif column in money:
            config[column] = st.column_config.NumberColumn(label, format=column_format())
        elif column in percent or str(column).endswith(percent_suffixes):
            shown[column] = pd.to_numeric(shown[column], errors="coerce") * 100
            config[column] = st.column_config.NumberColumn(label, format="%.1f%%")
        elif column == "held_at":
            config[column] = st.column_config.DatetimeColumn("Held", format="D MMM YYYY, HH:mm")
        elif str(column).endswith("_date"):
            config[column] = st.column_config.DateColumn(label, format="D MMM YYYY")
        else:
            config[column] = st.column_config.Column(label)
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
    links=None,
) -> None:
    """A formatted, bounded table with a safe CSV download (of every column, ``hide`` ones too);
    ``empty`` says what is missing. When the table holds the first ``cap`` rows of more, it says so
    and ``every_row`` (a function) gives the download all of them: nothing is cut off silently.
    With ``links`` (:class:`dashboard.links.Links`) seller names open their prep, deals their CRM record."""
    if frame.empty:
        st.info(empty)
        return
    from dashboard.components.evidence import link_config

    shown, config = table_config(frame)
    config.update(overrides or {})
    shown = link_config(shown, links, config)
    # A column hidden as a bare key (a deal's CRM id) shows once it is a link to the record.
    linked = {
        c
        for c, cfg in config.items()
        if isinstance(cfg, dict) and (cfg.get("type_config") or {}).get("type") == "link"
    }
    config.update(dict.fromkeys(h for h in hide if h not in linked))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=config,
        key=f"pp.signals.{key}",
        placeholder="—",
    )
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
