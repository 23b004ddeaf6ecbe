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

        analytics_settings(settings.database_url)  # a mistyped setting stops the command before it starts

        with engine.connect() as conn:
            set_currency(read_currency(conn))
    return engine


def analytics_settings(url: str):
    """The analytical copy's settings for ``url`` (:func:`data_access.analytics.analytics_for`); a
    setting that cannot be read is a :class:`UserError`."""
    from data_access.analytics import analytics_for

    try:
        return analytics_for(url)
    except ValueError as exc:
        from dashboard.cli.errors import UserError

        raise UserError(str(exc).rstrip(".")) from None


def refresh_analytics(engine: Engine, progress=None):
    """Bring the columnar copy of the data up to date (:mod:`data_access.analytics`), reporting
    ``progress(fraction, message)`` while tables are copied; the :class:`~data_access.analytics.Refresh`."""
    from data_access.analytics import Refresh, copied_tables, refresh_now

    settings = analytics_settings(engine.url.render_as_string(hide_password=False))
    tables = copied_tables()

    def copied(table: str, rows: int) -> None:
        if progress is not None:
            progress(tables.index(table) / len(tables), f"analytical copy: {table} {rows:,} rows")

    try:
        result = refresh_now(engine, settings, progress=copied)
    except Exception as exc:  # what the command wrote is stored; the pages read the database meanwhile
        import logging

        logging.getLogger(__name__).warning("The analytical copy could not be taken", exc_info=True)
        return Refresh(False, None, 0, reason=f"could not be taken: {exc}", failed=True)
    if progress is not None and result.built:
        progress(1.0, "analytical copy taken")
    return result


def analytics_line(result) -> str | None:
    """One line for the command line when a copy was taken or could not be, else None."""
    if result.failed:
        return (
            f"The data is stored, but the analytical copy {result.reason.rstrip('.')}; "
            "the pages read the database until the next import or `python -m dashboard precompute`."
        )
    if not result.built:
        return None
    return f"Took the analytical copy of {result.deals:,} deals in {result.seconds:.1f} s ({result.path})."
