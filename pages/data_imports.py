"""Data › Imports: bring in this morning's export, see exactly which rows were set aside and why."""

from dataclasses import replace

import streamlit as st

from dashboard import reads
from dashboard.components import imports as imports_ui
from dashboard.escaping import escape_markdown
from dashboard.shell import state

view = state.view()
SOURCES = imports_ui.SOURCES
st.title("Data imports")
import_tab, history_tab, freshness_tab = st.tabs(["Import a file", "Import history", "Freshness"])

with import_tab:
    source = st.selectbox(
        "What the file holds",
        list(SOURCES),
        index=list(SOURCES).index("opportunities"),
        format_func=imports_ui.source_label,
        key="pp.imports.source",
    )
    names = [name for name, _ in reads.saved_mappings(view, source)]
    chosen = imports_ui.pick_saved_mapping(names, source)
    saved = reads.saved_mapping(view, chosen, source) if chosen else None
    upload = imports_ui.remember_upload(
        st.file_uploader(
            "CSV export or Excel workbook",
            type=["csv", "txt", "tsv", "xlsx", "xls", "xlsm", "ods"],
            key="pp.imports.file",
        )
    )
    if upload is None:
        st.info("Upload a Salesforce, HubSpot or other CSV export (or an Excel workbook) to begin.")
    else:
        file_name, data = upload
        choice = imports_ui.mapping_editor(source, file_name, data, saved)
        date_format = st.text_input(
            "Date format (only when asked)",
            key="pp.imports.date_format",
            value=(saved.date_format or "") if saved else "",
            placeholder="%d/%m/%Y or %m/%d/%Y",
        )
        if choice is not None:
            for problem in choice.problems:
                st.warning(escape_markdown(problem))
            options = choice.options(date_format or None, imports_ui.importer_name())
            prepared = (
                None if choice.problems else imports_ui.prepare_upload(source, file_name, data, options)
            )
            if prepared is not None:
                imports_ui.show_preview(prepared)
                imports_ui.save_mapping_form(source, choice, date_format or None)
            validate, load = st.columns(2)
            if prepared is not None and validate.button(
                "Validate (changes nothing)", key="pp.imports.validate"
            ):
                dry = replace(options, dry_run=True)
                imports_ui.show_summary(imports_ui.run_with_progress(prepared, dry))
            if prepared is not None and load.button("Import", type="primary", key="pp.imports.run"):
                imports_ui.show_summary(imports_ui.run_with_progress(prepared, options))

with history_tab:
    batches = reads.import_history(view)
    imports_ui.show_history(batches)
    with_rejects = [b["id"] for b in batches if b["rejected"]]
    if with_rejects:
        batch_id = st.selectbox("Rejected rows of batch", with_rejects, key="pp.imports.batch")
        imports_ui.show_rejects(reads.rejected_rows(view, batch_id), batch_id)

with freshness_tab:
    # Admins have no view settings: they read the stored ones.
    stale_after = (view.settings or reads.metric_settings(view)).integer("stale_after_days")
    imports_ui.show_freshness(reads.import_counts(view), reads.import_coverage(view), stale_after)
