"""The Data page's pieces: read an upload, suggest and edit the column mapping, validate, import with a
progress bar, and show the history, the rejected rows and freshness. The page stays a short story; the
logic lives in ``data_access.importers``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboard.csv_export import csv_bytes
from dashboard.escaping import escape_markdown
from dashboard.shell import state
from data_access.importers import (
    SOURCES,
    ImportOptions,
    ImportResult,
    Prepared,
    UnreadableFile,
    prepare,
    run_import,
)
from data_access.importers.batches import rejected_table
from data_access.importers.mappings import SavedMapping, save_mapping, split_overrides
from data_access.importers.pipeline import preview_rows
from data_access.importers.reading import read_table, workbook_sheets
from data_access.importers.spec import (
    Constant,
    detect_format,
    map_columns,
    parse_map_option,
    parse_values_option,
)
from data_access.importers.surveys import WIDE_FIELDS, parse_question_option
from data_access.status import freshness_of

UPLOAD_KEY = "imports.upload"  # (file name, bytes) of the file being imported
NO_COLUMN = "(none)"


def remember_upload(upload) -> tuple[str, bytes] | None:
    """Keep the uploaded file's name and bytes in session state (so reruns and tests see the same file)."""
    if upload is not None:
        state.set_state(UPLOAD_KEY, (upload.name, upload.getvalue()))
    return state.get_state(UPLOAD_KEY)


def importer_name() -> str | None:
    """Who is importing, for the batch record (None when the page runs outside the app shell)."""
    try:
        return state.viewer_label() or None
    except RuntimeError:
        return None


def source_label(name: str) -> str:
    return SOURCES[name].label


CONSTANT = "(the same value on every row)"


@dataclass
class Choice:
    """What the mapping form says: format, columns and constants, value maps, sheet, wide questions."""

    format: str
    mapping: dict[str, str]
    value_maps: dict[str, dict[str, str | None]]
    sheet: str | None = None
    questions: tuple = ()
    problems: list[str] = field(default_factory=list)

    def options(self, date_format: str | None, imported_by: str | None) -> ImportOptions:
        return ImportOptions(
            format=self.format,
            mapping=self.mapping,
            value_maps=self.value_maps,
            date_format=date_format,
            imported_by=imported_by,
            sheet=self.sheet,
            wide=bool(self.questions),
            questions=self.questions,
        )


def pick_saved_mapping(names: list[str], source_name: str) -> str | None:
    """A select box of the mappings saved for this source (``names``); the name of the chosen one,
    which pre-fills the form."""
    if not names:
        return None
    chosen = st.selectbox(
        "Saved mapping",
        [NO_COLUMN, *names],
        key=f"pp.imports.saved.{source_name}",
        help="A mapping saved earlier for this kind of file (also: import --mapping NAME).",
    )
    return None if chosen == NO_COLUMN else chosen


def mapping_editor(
    source_name: str, file_name: str, data: bytes, saved: SavedMapping | None = None
) -> Choice | None:
    """Show the detected format and the file's first rows, and a form to map each field to a column, a
    constant or a value map (and, for surveys, question columns).

    Returns the :class:`Choice` or None when the file cannot be read at all (the error is shown).
    """
    source = SOURCES[source_name]
    sheets = workbook_sheets(data)
    sheet = None
    if len(sheets) > 1:
        default = sheets.index(saved.sheet) if saved and saved.sheet in sheets else 0
        sheet = st.selectbox("Sheet", sheets, index=default, key="pp.imports.sheet")
    try:
        table = read_table(data, file_name, sheet)
    except UnreadableFile as exc:
        st.error(escape_markdown(str(exc)))
        return None
    wide = False
    if source_name == "surveys":
        wide = (
            st.radio(
                "Layout",
                ["One row per answer", "One column per question"],
                horizontal=True,
                key="pp.imports.layout",
                help="Survey and HR tools often export one row per person with a column per question.",
            )
            == "One column per question"
        )
    detected = detect_format(source, table.headers)
    names = [f.name for f in source.formats]
    preferred = saved.format if saved and saved.format in names else detected.name
    fmt_name = st.selectbox(
        "Format",
        names,
        index=names.index(preferred),
        key=f"pp.imports.format.{source_name}",
        format_func=lambda n: source.format_named(n).label,
        help="Detected from the header; change it if it is wrong.",
        disabled=wide,
    )
    fmt = source.format_named(fmt_name)
    st.caption(
        escape_markdown(
            f"{len(table.rows):,} rows · {len(table.headers)} columns · {table.encoding}"
            + (f" · delimiter {table.delimiter!r}" if table.delimiter else "")
            + (" · " + " ".join(table.notes) if table.notes else "")
        )
    )
    with st.expander("The file's first rows", expanded=False):
        st.dataframe(
            [table.raw_record(cells) for _, cells in table.rows[:5]],
            hide_index=True,
            column_config={h: st.column_config.TextColumn(h) for h in table.headers},
            placeholder="—",
        )
    fields = [f for f in source.fields if not wide or f.name in WIDE_FIELDS]
    suggested = {} if wide else map_columns(source, fmt, table.headers, file_name, strict=False)
    if saved is not None:
        suggested = {**suggested, **saved.columns}
    constants = dict(saved.constants) if saved else {}
    value_maps = saved.values if saved else {}
    rows = []
    for f in fields:
        column = suggested.get(f.name, NO_COLUMN)
        if f.name in constants:
            column = CONSTANT
        rows.append(
            {
                "field": f.name,
                "required": f.required,
                "column": column if column in (NO_COLUMN, CONSTANT, *table.headers) else NO_COLUMN,
                "constant": constants.get(f.name, ""),
                "values": "|".join(f"{k}:{v or ''}" for k, v in value_maps.get(f.name, {}).items()),
                "meaning": f.help,
            }
        )
    st.markdown("**Map each field**")
    edited = st.data_editor(
        rows,
        key=f"pp.imports.mapping.{source_name}.{fmt_name}.{wide}.{saved.name if saved else ''}",
        hide_index=True,
        disabled=["field", "required", "meaning"],
        column_config={
            "field": st.column_config.TextColumn("Field"),
            "required": st.column_config.CheckboxColumn("Required"),
            "column": st.column_config.SelectboxColumn(
                "Column in the file", options=[NO_COLUMN, CONSTANT, *table.headers], width="medium"
            ),
            "constant": st.column_config.TextColumn(
                "Constant", help="The value every row gets, when the column is the same value on every row."
            ),
            "values": st.column_config.TextColumn(
                "Value map",
                help="Source:stored pairs separated by |, e.g. Voluntarily Terminated:yes|Active: "
                "(empty stored value = unknown; other values are set aside).",
                width="medium",
            ),
            "meaning": st.column_config.TextColumn("Meaning", width="large"),
        },
    )
    choice = Choice(fmt_name, {}, {}, sheet)
    for r in edited:
        name, column = r["field"], r["column"]
        if column == CONSTANT:
            if (r.get("constant") or "").strip():
                choice.mapping[name] = Constant(r["constant"].strip())
            else:
                choice.problems.append(f"Give the constant value of {name}.")
        elif column and column != NO_COLUMN:
            choice.mapping[name] = column
        if (r.get("values") or "").strip():
            try:
                choice.value_maps.update(parse_values_option([f"{name}={r['values']}"]))
            except ValueError as exc:
                choice.problems.append(str(exc))
    typed_mapping_inputs(source_name, choice)
    if wide:
        choice.questions = question_editor(table.headers, choice)
    return choice


def typed_mapping_inputs(source_name: str, choice: Choice) -> None:
    """The same mapping typed as on the command line (pasted from docs/import.md); it adds to the table."""
    with st.expander("Or type it as on the command line (--map, --values)"):
        typed_map = st.text_input(
            "--map", key=f"pp.imports.map_text.{source_name}", placeholder='id=mql_id,stage="Closed Won"'
        )
        typed_values = st.text_area(
            "--values (one field per line)",
            key=f"pp.imports.values_text.{source_name}",
            placeholder="termination_voluntary=Voluntarily Terminated:yes|Terminated for Cause:no|Active:",
        )
    try:
        choice.mapping.update(parse_map_option(typed_map))
        choice.value_maps.update(parse_values_option([v for v in typed_values.splitlines() if v.strip()]))
    except ValueError as exc:
        choice.problems.append(str(exc))


def question_editor(headers: tuple[str, ...], choice: Choice) -> tuple:
    """The question columns of a wide survey file: column, question code and scale."""
    st.markdown("**Question columns**")
    edited = st.data_editor(
        [{"column": NO_COLUMN, "code": "", "scale": ""}],
        key="pp.imports.questions",
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "column": st.column_config.SelectboxColumn(
                "Column", options=[NO_COLUMN, *headers], width="medium"
            ),
            "code": st.column_config.TextColumn(
                "Question code", help="enps, meaning_purpose, recognition, ..."
            ),
            "scale": st.column_config.TextColumn(
                "Scale", help="LOW-HIGH such as 1-5; 1.0-5.0 allows decimal scores; eNPS is 0-10."
            ),
        },
    )
    questions = []
    for r in edited:
        if not r.get("column") or r["column"] == NO_COLUMN or not (r.get("code") or "").strip():
            continue
        text = f"{r['column']}={r['code'].strip()}" + (
            f":{r['scale'].strip()}" if (r.get("scale") or "").strip() else ""
        )
        try:
            questions.append(parse_question_option(text))
        except ValueError as exc:
            choice.problems.append(str(exc))
    if not questions:
        choice.problems.append("Name at least one question column.")
    return tuple(questions)


def show_preview(prepared: Prepared, limit: int = 10) -> None:
    """The first rows as they will be stored, and why a row would be set aside."""
    rows = preview_rows(prepared, limit)
    aside = any(row.get("set aside because") for row in rows)
    columns = ["line", *(["set aside because"] if aside else []), *prepared.mapping]
    shown = [{c: _cell(row.get(c)) for c in columns} for row in rows]
    st.markdown(f"**The first {len(rows)} rows as they will be stored**")
    config = {
        "line": st.column_config.NumberColumn("Line", format="%d"),
        "set aside because": st.column_config.TextColumn("Set aside because", width="large"),
    }
    config.update({name: st.column_config.TextColumn(name) for name in prepared.mapping})
    st.dataframe(shown, hide_index=True, column_order=columns, column_config=config, placeholder="—")


def _cell(value) -> str | int | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def save_mapping_form(source_name: str, choice: Choice, date_format: str | None) -> None:
    """Save the form's mapping by name for the next file of this kind."""
    name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    name = name_col.text_input(
        "Save this mapping as", key="pp.imports.save_name", placeholder="e.g. HR export"
    )
    if button_col.button("Save mapping", key="pp.imports.save"):
        columns, constants = split_overrides(choice.mapping)
        saved = SavedMapping(
            name=name.strip(),
            source=source_name,
            format=choice.format,
            columns=columns,
            constants=constants,
            values=choice.value_maps,
            date_format=date_format,
            sheet=choice.sheet,
        )
        try:
            with state.transaction() as conn:
                save_mapping(conn, saved, by=importer_name())
        except ValueError as exc:
            st.error(escape_markdown(str(exc)))
            return
        st.success(f"Saved the mapping '{escape_markdown(saved.name)}'.")
        st.code(f'python -m dashboard import {source_name} FILE --mapping "{saved.name}"', language="bash")


def prepare_upload(source_name: str, file_name: str, data: bytes, options: ImportOptions) -> Prepared | None:
    try:
        return prepare(SOURCES[source_name], data, file_name, options)
    except UnreadableFile as exc:
        st.error(escape_markdown(str(exc)))
        return None


def run_with_progress(prepared: Prepared, options: ImportOptions) -> ImportResult | None:
    """Import (or dry-run) in one transaction with a progress bar; clears cached counts afterwards."""
    bar = st.progress(0.0, text="Starting")
    try:
        with state.transaction() as conn:
            result = run_import(
                conn, prepared, options, lambda f, msg: bar.progress(min(1.0, max(0.0, f)), text=msg)
            )
    except UnreadableFile as exc:
        bar.empty()
        st.error(escape_markdown(str(exc)))
        return None
    if not options.dry_run:
        st.cache_data.clear()
    return result


def show_summary(result: ImportResult | None) -> None:
    if result is None:
        return
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


def show_history(batches: list[dict]) -> None:
    """The import batches, latest first (:func:`data_access.importers.batches.list_batches`)."""
    if not batches:
        st.info("Nothing has been imported yet.")
        return
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
        placeholder="—",
    )


def show_rejects(rejected: list[dict], batch_id: int) -> None:
    """The rows batch ``batch_id`` set aside (``rejected``), with their line numbers and reasons."""
    columns, rows = rejected_table(rejected)
    st.dataframe(
        rows,
        hide_index=True,
        column_order=columns,
        column_config={"line": st.column_config.NumberColumn("Line", format="%d"), "reason": "Reason"},
        placeholder="—",
    )
    st.download_button(
        "Download the rejected rows (CSV)",
        csv_bytes(rows, columns),
        file_name=f"rejected-rows-batch-{batch_id}.csv",
        mime="text/csv",
    )


def _when(value: dt.datetime | None) -> str:
    return "—" if value is None else f"{value.day} {value:%b %Y, %H:%M}"


def _age(days: int | None) -> str:
    if days is None:
        return "—"
    return "today" if days == 0 else ("1 day" if days == 1 else f"{days:,} days")


def freshness_frame(rows: list[dict], stale_after_days: int) -> pd.DataFrame:
    """The freshness table (:func:`data_access.status.freshness_of`) as a leader reads it: every
    source, its last import (UTC), its age, its rows and imports, and whether it is fresh, stale or
    never imported — words, never blanks."""

    def status(row: dict) -> str:
        if row["state"] == "never imported":
            return "Never imported" + (" (rows present)" if row["rows"] else "")
        if row["state"] == "stale":
            return f"Stale: older than {stale_after_days} days"
        return "Fresh"

    out = [
        {
            "source": row["label"],
            "status": status(row),
            "last_import": _when(row["last_import"]),
            "age": _age(row["age_days"]),
            "rows": int(row["rows"]),
            "imports": int(row["imports"]),
        }
        for row in rows
    ]
    return pd.DataFrame(out, columns=["source", "status", "last_import", "age", "rows", "imports"])


def coverage_frame(rows: list[dict]) -> pd.DataFrame:
    """Share of deals carrying each optional field (:func:`data_access.status.field_coverage`), in percent."""
    out = [
        {
            "field": row["field"],
            "share": 100.0 * row["share"] if row["share"] is not None else 0.0,
            "deals_with": f"{row['deals_with']:,} of {row['deals']:,}",
        }
        for row in rows
    ]
    return pd.DataFrame(out, columns=["field", "share", "deals_with"])


def stale_sentence(rows: list[dict], stale_after_days: int) -> str | None:
    """One sentence naming the stale sources with their age, or None when none is."""
    stale = [row for row in rows if row["state"] == "stale"]
    if not stale:
        return None
    named = ", ".join(f"{row['label']} ({_age(row['age_days'])} old)" for row in stale)
    return f"Older than {stale_after_days} days: {named}. Import a fresh export on Data › Imports."


def show_freshness(counts: list[dict], coverage: list[dict], stale_after_days: int) -> None:
    """When each source was last imported (``counts``: :func:`data_access.status.source_counts`, aged
    now) and how much of the deals carries each optional field; sources older than
    ``stale_after_days`` (a setting) are flagged."""
    rows = freshness_of(counts, stale_after_days)
    if not any(row["imports"] or row["rows"] for row in rows):
        st.info("Nothing has been imported yet. Use `python -m dashboard import` or the Data › Imports page.")
        return
    sentence = stale_sentence(rows, stale_after_days)
    if sentence:
        st.warning(escape_markdown(sentence), icon=":material/schedule:")
    st.dataframe(
        freshness_frame(rows, stale_after_days),
        hide_index=True,
        width="stretch",
        column_config={
            "source": st.column_config.TextColumn("Source"),
            "status": st.column_config.TextColumn(
                "Status",
                help=f"Stale when last imported more than {stale_after_days} days ago (Settings › Data freshness).",
            ),
            "last_import": st.column_config.TextColumn("Last import (UTC)"),
            "age": st.column_config.TextColumn("Age"),
            "rows": st.column_config.NumberColumn("Rows", format="localized"),
            "imports": st.column_config.NumberColumn("Imports", format="localized"),
        },
        placeholder="—",
    )
    if not coverage or not coverage[0]["deals"]:
        st.caption("No deals loaded yet: field coverage shows once opportunities are imported.")
        return
    st.caption("Share of deals carrying each optional field the symptoms need.")
    st.dataframe(
        coverage_frame(coverage),
        hide_index=True,
        width="stretch",
        column_config={
            "field": st.column_config.TextColumn("Field"),
            "share": st.column_config.ProgressColumn(
                "Share of deals", format="%.0f%%", min_value=0, max_value=100
            ),
            "deals_with": st.column_config.TextColumn("Deals with it"),
        },
        placeholder="—",
    )
