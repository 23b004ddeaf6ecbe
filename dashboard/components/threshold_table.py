"""The settings page's parts: the NSP form, the currency, the table of thresholds and weights with
saving what a leader changed, and the change history."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from dashboard.escaping import escape_markdown
from dashboard.shell import state
from data_access.nsp import parse_key_phrases, save_nsp
from data_access.parameter_history import NotAllowed, may_edit, require_editor
from data_access.parameter_store import apply_changes
from metrics.parameters import all_settings, spec_for


def group_of(key: str) -> str:
    if key.startswith("threshold."):
        return "Threshold"
    if key.startswith("weight."):
        return "Health Index weight"
    if key.startswith("min_sample."):
        return "Minimum sample"
    if key.startswith("depth."):
        return "Threshold"
    if key.startswith("privacy."):
        return "Privacy"
    return "Definition"


def _text(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(f"{v:g}" for v in value)
    return f"{value:g}"


def settings_table(overrides: dict[str, str]) -> pd.DataFrame:
    """Every setting with its default, current value (``overrides``, the stored ones) and help text,
    for ``st.data_editor``."""
    rows = [
        {
            "key": spec.key,
            "group": group_of(spec.key),
            "help": spec.help,
            "default": _text(spec.default),
            "value": overrides.get(spec.key, _text(spec.default)),
            "changed": spec.key in overrides,
        }
        for spec in all_settings()
    ]
    return pd.DataFrame(rows)


def save_settings(conn: Connection, edited: pd.DataFrame, *, by: str, role: str | None) -> list[str]:
    """Store the values that differ from their defaults and clear the ones set back to default.

    Only executives and admins may (:class:`data_access.parameter_history.NotAllowed` otherwise). Every
    value is checked before anything is written; an unreadable one raises ValueError naming the
    setting, and nothing is saved. Every change is recorded in the change history. Returns the keys
    whose stored value changed.
    """
    require_editor(by, role)
    changes: dict[str, str | None] = {}
    for row in edited.itertuples(index=False):
        spec = spec_for(row.key)
        text = str(row.value).strip()
        changes[row.key] = None if spec.validate(text) == spec.default else text
    return apply_changes(conn, changes, by=by, role=role)


def history_frame(rows: list[dict]) -> pd.DataFrame:
    """The change history (:func:`data_access.parameter_history.change_history`) for the settings
    page, most recent first."""
    frame = pd.DataFrame(rows, columns=["changed_at", "changed_by", "role", "key", "old_value", "new_value"])
    for column in ("old_value", "new_value"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "default")
    return frame


def currency_form(stored: str | None, *, by: str | None, role: str | None = None) -> None:
    """The organisation's currency (ISO 4217): every amount on every page, export and report uses it.
    ``stored`` is the one saved before this run (None: none yet)."""
    from data_access.currency import write_currency
    from metrics.money import currency, money, set_currency

    with st.form("pp.currency"):
        code = st.text_input(
            "Organisation currency (ISO 4217 code)",
            value=currency(),
            max_chars=3,
            help="USD, EUR, GBP, BRL, ...: the symbol every amount is shown with. Deals whose file named "
            "another currency keep it stored per deal.",
        )
        if st.form_submit_button("Save the currency", disabled=not may_edit(role)):
            try:
                require_editor(by, role)
                with state.transaction() as conn:
                    saved = write_currency(conn, code, updated_by=by)
            except (ValueError, PermissionError) as exc:
                st.error(str(exc))
            else:
                set_currency(saved)
                st.cache_data.clear()
                st.success(f"Saved. Amounts now read like {money(1_250_000)}.")
                stored = saved
    if stored is None:
        st.caption(f"No currency saved yet: amounts show in {currency()}.")


def nsp_form(nsp: dict | None, access, editor: bool) -> None:
    """The Noble Sales Purpose: statement, key phrases and launch date, saved by an editor."""
    nsp = nsp or {"statement": "", "key_phrases": [], "launch_date": None}
    with st.form("pp.nsp"):
        statement = st.text_area(
            "Statement", nsp["statement"], help="One sentence about the difference you make to customers."
        )
        phrases = st.text_area(
            "Key phrases",
            "\n".join(nsp["key_phrases"]),
            help="One per line; meetings that use them count as NSP mentions.",
        )
        launch = st.date_input(
            "Launch date", nsp["launch_date"], help="Marked on every trend of the NSP adoption page."
        )
        if st.form_submit_button("Save the NSP", type="primary", disabled=not editor):
            try:
                with state.transaction() as conn:
                    save_nsp(
                        conn, statement, parse_key_phrases(phrases), launch, by=access.email, role=access.role
                    )
            except (ValueError, NotAllowed) as exc:
                st.error(escape_markdown(str(exc)))
            else:
                st.cache_data.clear()
                st.success("Saved. Every page now uses the new statement.")


def settings_editor(table: pd.DataFrame, access, editor: bool) -> None:
    """Every threshold and weight (``table``, from :func:`settings_table`), editable by an editor,
    and the button that saves the changes."""
    edited = st.data_editor(
        table,
        key="pp.settings_table",
        hide_index=True,
        width="stretch",
        disabled=True if not editor else ["key", "group", "help", "default", "changed"],
        column_config={
            "key": st.column_config.TextColumn("Setting", width="medium"),
            "group": st.column_config.TextColumn("Kind", width="small"),
            "help": st.column_config.TextColumn("What it means", width="large"),
            "default": st.column_config.TextColumn("Default", width="small"),
            "value": st.column_config.TextColumn("Value", width="small", required=True),
            "changed": st.column_config.CheckboxColumn("Changed", width="small"),
        },
    )
    if st.button("Save thresholds and weights", type="primary", disabled=not editor):
        try:
            with state.transaction() as conn:
                changed = save_settings(conn, edited, by=access.email, role=access.role)
        except (ValueError, NotAllowed) as exc:
            st.error(escape_markdown(str(exc)))
        else:
            st.cache_data.clear()
            st.success(f"Saved {len(changed)} change(s)." if changed else "Nothing changed.")
