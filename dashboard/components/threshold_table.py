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


def save_settings(conn: Connection, edited: pd.DataFrame, *, by: str, role: str | None) -> list[str]:
    """Store the values (``key``, ``value`` as stored text: 0.07 for 7%) that differ from their
    defaults and clear the ones set back to default.

    Only executives and admins may (:class:`data_access.parameter_history.NotAllowed` otherwise). Every
    value is checked (readable, within its bounds) before anything is written; a bad one raises
    ValueError naming the setting, and nothing is saved. Every change is recorded in the change
    history. Returns the keys whose stored value changed.
    """
    require_editor(by, role)
    changes: dict[str, str | None] = {}
    for row in edited.itertuples(index=False):
        spec = spec_for(row.key)
        text = str(row.value).strip()
        changes[row.key] = None if spec.validate(text) == spec.default else text
    return apply_changes(conn, changes, by=by, role=role)


def stored_text(key: str, entered) -> str:
    """What a leader entered (in the unit shown: 7 for 7%, "5, 15, 25" for a list of percents) as
    the text stored for the setting (0.07). ValueError names the setting when it is unreadable."""
    spec = spec_for(key)
    if spec.kind == "numbers":
        try:
            shown = [float(part) for part in str(entered).replace("%", "").split(",") if part.strip()]
        except ValueError:
            raise ValueError(
                f"Setting {key} ({spec.title}) must be a comma-separated list of numbers, not {entered!r}."
            ) from None
        return spec.text_for(tuple(spec.from_display(v) for v in shown))
    if entered is None:
        raise ValueError(f"Setting {key} ({spec.title}) needs a value.")
    return spec.text_for(spec.from_display(float(entered)))


def save_entered(conn: Connection, entered: dict, *, by: str, role: str | None) -> list[str]:
    """Save what a leader entered on the settings page, in the units shown (``{key: 7}`` stores 0.07
    for a percent setting); out-of-bounds or unreadable values save nothing (ValueError)."""
    table = pd.DataFrame([{"key": key, "value": stored_text(key, value)} for key, value in entered.items()])
    return save_settings(conn, table, by=by, role=role)


def current_values(overrides: dict[str, str]) -> dict[str, float | tuple[float, ...]]:
    """Every setting's value now: the stored override, else the default."""
    values = {}
    for spec in all_settings():
        try:
            values[spec.key] = spec.parse(overrides[spec.key]) if spec.key in overrides else spec.default
        except ValueError:
            values[spec.key] = spec.default
    return values


SAVED_KEY = "pp.settings.saved"  # (group, message) shown once after a save
GROUP_KEY = "pp.settings.group."  # + the group: whether its expander is open
HISTORY_COLUMNS = ["changed_at", "changed_by", "role", "setting", "old_value", "new_value"]
NSP_LABELS = {"nsp.statement": "Statement", "nsp.key_phrases": "Key phrases", "nsp.launch_date": "Launch date"}


def _shown(key: str, text: str | None) -> str:
    spec = spec_for(key)
    if text is None:
        return f"default ({spec.show(spec.default)})" if spec else "default"
    if spec is None:
        return text
    try:
        return spec.show(spec.parse(text))
    except ValueError:
        return text


def history_frame(rows: list[dict], keys=None) -> pd.DataFrame:
    """The change history (:func:`data_access.parameter_history.change_history`), most recent first,
    of ``keys`` (every key when None): the setting by its label, values in their unit (7% rather
    than 0.07; "default (…)" where the built-in value applied)."""
    wanted = None if keys is None else set(keys)
    out = []
    for row in rows:
        key = row["key"]
        if wanted is not None and key not in wanted:
            continue
        spec = spec_for(key)
        out.append(
            {
                "changed_at": row["changed_at"],
                "changed_by": row["changed_by"],
                "role": (row.get("role") or "—").capitalize(),
                "setting": spec.title if spec else NSP_LABELS.get(key, key),
                "old_value": _shown(key, row["old_value"]),
                "new_value": _shown(key, row["new_value"]),
            }
        )
    return pd.DataFrame(out, columns=HISTORY_COLUMNS)


def render_history(frame: pd.DataFrame, key: str) -> None:
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "changed_at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm"),
            "changed_by": st.column_config.TextColumn("Who"),
            "role": st.column_config.TextColumn("Role", width="small"),
            "setting": st.column_config.TextColumn("Setting"),
            "old_value": st.column_config.TextColumn("Before"),
            "new_value": st.column_config.TextColumn("After"),
        },
        key=key,
        placeholder="—",
    )


def _unit_words(spec) -> str:
    from metrics.money import currency
    from metrics.parameters import UNITS

    if spec.unit == "money":
        return currency()
    return UNITS.get(spec.unit, "")


def _widget_label(spec) -> str:
    unit = _unit_words(spec)
    if spec.kind == "numbers":
        return f"{spec.title} ({unit}, comma-separated)" if unit else f"{spec.title} (comma-separated)"
    return f"{spec.title} ({unit})" if unit else spec.title


def _help(spec) -> str:
    bounds = ""
    if spec.minimum is not None and spec.maximum is not None:
        bounds = f" From {spec.show(spec.minimum)} to {spec.show(spec.maximum)}."
    return f"{spec.help} Default {spec.show(spec.default)}.{bounds}"


def _input(spec, value, editor: bool, container):
    key = f"pp.settings.{spec.key}"
    if spec.kind == "numbers":
        shown = ", ".join(f"{spec.to_display(v):g}" for v in value)
        return container.text_input(_widget_label(spec), shown, key=key, help=_help(spec), disabled=not editor)
    shown = spec.to_display(value)
    low = None if spec.minimum is None else spec.to_display(spec.minimum)
    high = None if spec.maximum is None else spec.to_display(spec.maximum)
    # A value stored before the bounds existed still shows (saving it again is refused, in words).
    low = None if low is None else min(low, shown)
    high = None if high is None else max(high, shown)
    if spec.integer:
        return container.number_input(
            _widget_label(spec),
            min_value=None if low is None else int(low),
            max_value=None if high is None else int(high),
            value=int(shown),
            step=1,
            key=key,
            help=_help(spec),
            disabled=not editor,
        )
    return container.number_input(
        _widget_label(spec),
        min_value=low,
        max_value=high,
        value=float(shown),
        step=1.0 if spec.unit in ("percent", "points") else 0.1,
        format="%.1f" if spec.unit in ("percent", "points", "score_1_5") else "%.2f",
        key=key,
        help=_help(spec),
        disabled=not editor,
    )


def settings_groups(overrides: dict[str, str], history: list[dict], access, editor: bool) -> None:
    """Every setting, one expander per symptom (then data freshness, survey privacy, every page):
    a labelled, bounded input per setting in its unit, a save button per group for an editor, and
    the group's change history."""
    from metrics.parameters import setting_groups

    values = current_values(overrides)
    for group, name, specs in setting_groups():
        changed = [spec for spec in specs if spec.key in overrides]
        title = f"{name} · {len(changed)} changed" if changed else name
        flash = st.session_state.get(SAVED_KEY)
        just_saved = flash is not None and flash[0] == group
        # Only an open group draws its inputs: some ninety bounded inputs on every rerun would make
        # each click on the page wait for all of them.
        if just_saved:  # the title now counts the change: keep the group open to say it is saved
            st.session_state[f"{GROUP_KEY}{group}"] = True
        expander = st.expander(title, key=f"{GROUP_KEY}{group}", on_change="rerun")
        if not expander.open:
            continue
        with expander:
            if just_saved:
                st.success(st.session_state.pop(SAVED_KEY)[1])
            with st.form(f"pp.settings.form.{group}", border=False):
                entered = {}
                columns = st.columns(2)
                for index, spec in enumerate(specs):
                    entered[spec.key] = _input(spec, values[spec.key], editor, columns[index % 2])
                submitted = st.form_submit_button(
                    f"Save {name}", type="primary", disabled=not editor, key=f"pp.settings.save.{group}"
                )
            if submitted:
                try:
                    with state.transaction() as conn:
                        saved = save_entered(conn, entered, by=access.email, role=access.role)
                except (ValueError, NotAllowed) as exc:
                    st.error(escape_markdown(str(exc)))
                else:
                    st.cache_data.clear()
                    message = f"Saved {len(saved)} change(s)." if saved else "Nothing changed."
                    st.session_state[SAVED_KEY] = (group, message)
                    st.rerun()
            frame = history_frame(history, [spec.key for spec in specs])
            if frame.empty:
                st.caption("No change yet: the defaults apply.")
            else:
                st.caption("Changes, most recent first.")
                render_history(frame, key=f"pp.settings.history.{group}")


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
