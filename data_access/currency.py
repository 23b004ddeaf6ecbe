"""The organisation's currency (ISO 4217), stored beside the other settings a leader changes.

It is kept in ``setting_overrides`` under :data:`KEY` (the metric settings ignore keys they do not
know), so it needs no table of its own. The caller owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.exc import SQLAlchemyError

from data_access import models as m
from data_access.parameter_store import write_override

KEY = "organisation.currency"


def normalise_code(code: str | None) -> str:
    """An ISO 4217 code in capitals; ValueError with one sentence for anything else."""
    text = (code or "").strip().upper()
    if len(text) != 3 or not text.isascii() or not text.isalpha() or not is_known(text):
        raise ValueError(
            f"'{(code or '').strip()}' is not an ISO 4217 currency code such as USD, EUR or BRL."
        )
    return text


def is_known(code: str) -> bool:
    """Whether Babel's CLDR data knows ``code`` as a currency."""
    from babel.numbers import list_currencies

    return code in list_currencies()


def read_currency(conn: Connection) -> str | None:
    """The stored currency code, or None when none was set (or the schema is older)."""
    try:
        found = conn.execute(select(m.SettingOverride.value).where(m.SettingOverride.key == KEY)).scalar()
    except SQLAlchemyError:
        return None
    return str(found).strip().upper() if found else None


def write_currency(conn: Connection, code: str, *, updated_by: str | None = None) -> str:
    """Store ``code`` (checked: an ISO 4217 code) as the organisation's currency and return it."""
    value = normalise_code(code)
    write_override(conn, KEY, value, updated_by=updated_by)
    return value
