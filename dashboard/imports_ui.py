"""The Data page's pieces: read an upload, suggest and edit the column mapping, validate, import with a
progress bar, and show the history, the rejected rows and freshness. The page stays a short story; the
logic lives in ``data_access.importers``."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard import app_state
from dashboard.csv_export import csv_bytes
from dashboard.escaping import escape_markdown
from data_access.importers import (
    SOURCES,
    ImportOptions,
    ImportResult,
    Prepared,
    UnreadableFile,
    prepare,
    run_import,
)
from data_access.importers.batches import list_batches, rejected_rows, rejected_table
from data_access.importers.reading import read_table
from data_access.importers.spec import detect_format, map_columns
from data_access.status import freshness

UPLOAD_KEY = "imports.upload"  # (file name, bytes) of the file being imported
NO_COLUMN = "(none)"


def remember_upload(upload) -> tuple[str, bytes] | None:
    """Keep the uploaded file's name and bytes in session state (so reruns and tests see the same file)."""
    if upload is not None:
        app_state.set_state(UPLOAD_KEY, (upload.name, upload.getvalue()))
    return app_state.get_state(UPLOAD_KEY)


def importer_name() -> str | None:
    """Who is importing, for the batch record (None when the page runs outside the app shell)."""
    try:
        return app_state.viewer_label() or None
    except RuntimeError:
        return None


def source_label(name: str) -> str:
    return SOURCES[name].label


def mapping_editor(source_name: str, file_name: str, data: bytes) -> tuple[str, dict[str, str]] | None:
    """Show the detected format and a preview, and let the user change format and mapping.

    Returns (format name, mapping) or None when the file cannot be read at all (the error is shown).
    """
    source = SOURCES[source_name]
    try:
        table = read_table(data, file_name)
    except UnreadableFile as exc:
        st.error(escape_markdown(str(exc)))
        return None
    detected = detect_format(source, table.headers)
    names = [f.name for f in source.formats]
    fmt_name = st.selectbox(
        "Format",
        names,
        index=names.index(detected.name),
        key=f"pp.imports.format.{source_name}",
        format_func=lambda n: source.format_named(n).label,
        help="Detected from the header; change it if it is wrong.",
    )
    fmt = source.format_named(fmt_name)
    st.caption(
        f"{len(table.rows):,} rows · {len(table.headers)} columns · {table.encoding} · "
        f"delimiter {table.delimiter!r}" + (" · " + " ".join(table.notes) if table.notes else "")
    )
    st.dataframe([table.raw_record(cells) for _, cells in table.rows[:10]], hide_index=True)
    suggested = map_columns(source, fmt, table.headers, file_name, strict=False)
    rows = [
        {
            "field": f.name,
            "required": f.required,
            "column": suggested.get(f.name, NO_COLUMN),
            "meaning": f.help,
        }
        for f in source.fields
    ]
    edited = st.data_editor(
        rows,
        key=f"pp.imports.mapping.{source_name}.{fmt_name}",
        hide_index=True,
        disabled=["field", "required", "meaning"],
        column_config={
            "field": st.column_config.TextColumn("Field"),
            "required": st.column_config.CheckboxColumn("Required"),
            "column": st.column_config.SelectboxColumn(
                "Column in the file", options=[NO_COLUMN, *table.headers]
            ),
            "meaning": st.column_config.TextColumn("Meaning", width="large"),
        },
    )
    mapping = {r["field"]: r["column"] for r in edited if r["column"] and r["column"] != NO_COLUMN}
    return fmt_name, mapping


def prepare_upload(source_name: str, file_name: str, data: bytes, options: ImportOptions) -> Prepared | None:
    try:
        return prepare(SOURCES[source_name], data, file_name, options)
    except UnreadableFile as exc:
        st.error(escape_markdown(str(exc)))
        return None


def run_with_progress(engine: Engine, prepared: Prepared, options: ImportOptions) -> ImportResult:
    """Import (or dry-run) in one transaction with a progress bar; clears cached counts afterwards."""
    bar = st.progress(0.0, text="Starting")
    with engine.begin() as conn:
        result = run_import(
            conn, prepared, options, lambda f, msg: bar.progress(min(1.0, max(0.0, f)), text=msg)
        )
    if not options.dry_run:
        st.cache_data.clear()
    return result


def show_summary(result: ImportResult) -> None:
    cols = st.columns(5)
    for col, (label, value) in zip(
        cols,
        (
            ("Rows", result.rows_read),
            ("Inserted", result.inserted),
            ("Updated", result.updated),
            ("Unchanged", result.unchanged),
            ("Rejected", result.rejected),
        ),
        strict=True,
    ):
        col.metric(label, f"{value:,}")
    (st.info if result.dry_run else st.success)(escape_markdown(result.summary_line()))
    for kind, names in result.created.items():
        st.caption(
            f"Created {len(names)} {kind} the file named but the database did not know: {escape_markdown(', '.join(names[:20]))}"
        )
    for note in result.notes:
        st.caption(escape_markdown(note))


def show_history(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        batches = list_batches(conn)
    if not batches:
        st.info("Nothing has been imported yet.")
        return []
    st.dataframe(
        batches,
        hide_index=True,
        column_order=[
            "id",
            "source",
            "file_name",
            "format",
            "finished_at",
            "imported_by",
            "rows_read",
            "inserted",
            "updated",
            "unchanged",
            "rejected",
            "message",
        ],
        column_config={
            "id": st.column_config.NumberColumn("Batch", format="%d"),
            "source": "Source",
            "file_name": "File",
            "format": "Format",
            "finished_at": st.column_config.DatetimeColumn("Finished (UTC)", format="D MMM YYYY, HH:mm"),
            "imported_by": "By",
            "rows_read": st.column_config.NumberColumn("Rows", format="%d"),
            "inserted": st.column_config.NumberColumn("Inserted", format="%d"),
            "updated": st.column_config.NumberColumn("Updated", format="%d"),
            "unchanged": st.column_config.NumberColumn("Unchanged", format="%d"),
            "rejected": st.column_config.NumberColumn("Rejected", format="%d"),
            "message": st.column_config.TextColumn("Notes", width="large"),
        },
    )
    return batches


def show_rejects(engine: Engine, batch_id: int) -> None:
    with engine.connect() as conn:
        columns, rows = rejected_table(rejected_rows(conn, batch_id))
    st.dataframe(
        rows,
        hide_index=True,
        column_order=columns,
        column_config={"line": st.column_config.NumberColumn("Line", format="%d"), "reason": "Reason"},
    )
    st.download_button(
        "Download the rejected rows (CSV)",
        csv_bytes(rows, columns),
        file_name=f"rejected-rows-batch-{batch_id}.csv",
        mime="text/csv",
    )


def show_freshness(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = freshness(conn)
    if not rows:
        st.info("No source has been imported yet.")
        return
    st.dataframe(
        rows,
        hide_index=True,
        column_config={
            "source": "Source",
            "last_import": st.column_config.DatetimeColumn("Last import (UTC)", format="D MMM YYYY, HH:mm"),
            "imports": st.column_config.NumberColumn("Imports", format="%d"),
        },
    )
