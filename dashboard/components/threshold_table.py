"""The settings page's logic: the table of thresholds and weights, and saving what a leader changed."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from data_access.parameter_history import change_history, may_edit, require_editor
from data_access.parameter_store import apply_changes, read_overrides
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


def settings_table(engine: Engine) -> pd.DataFrame:
    """Every setting with its default, current value and help text, for ``st.data_editor``."""
    with engine.connect() as conn:
        overrides = read_overrides(conn)
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


def save_settings(engine: Engine, edited: pd.DataFrame, *, by: str, role: str | None) -> list[str]:
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
    with engine.begin() as conn:
        return apply_changes(conn, changes, by=by, role=role)


def history_frame(engine: Engine) -> pd.DataFrame:
    """The change history for the settings page, most recent first."""
    with engine.connect() as conn:
        rows = change_history(conn)
    frame = pd.DataFrame(rows, columns=["changed_at", "changed_by", "role", "key", "old_value", "new_value"])
    for column in ("old_value", "new_value"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "default")
    return frame


def currency_form(engine: Engine, *, by: str | None, role: str | None = None) -> None:
    """The organisation's currency (ISO 4217): every amount on every page, export and report uses it."""
    from data_access.currency import read_currency, write_currency
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
                with engine.begin() as conn:
                    saved = write_currency(conn, code, updated_by=by)
            except (ValueError, PermissionError) as exc:
                st.error(str(exc))
            else:
                set_currency(saved)
                st.cache_data.clear()
                st.success(f"Saved. Amounts now read like {money(1_250_000)}.")
    with engine.connect() as conn:
        stored = read_currency(conn)
    if stored is None:
        st.caption(f"No currency saved yet: amounts show in {currency()}.")
