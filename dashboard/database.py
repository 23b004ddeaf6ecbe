"""Opening the configured database from the command line or the app (no streamlit here)."""

from __future__ import annotations

from sqlalchemy import Engine

from dashboard.config import Settings
from data_access.db import make_engine, schema_exists


def open_engine(settings: Settings, *, must_exist: bool = False) -> Engine:
    """The Engine for the configured database; with ``must_exist`` a missing schema is a UserError."""
    engine = make_engine(settings.database_url)
    if must_exist and not schema_exists(engine):
        from dashboard.cli.errors import UserError

        raise UserError(
            f"{settings.database_label} has no Purpose Pulse schema yet; run `python -m dashboard init` first."
        )
    if must_exist:
        from data_access.currency import read_currency
        from metrics.money import set_currency

        with engine.connect() as conn:
            set_currency(read_currency(conn))
    return engine
