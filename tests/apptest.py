"""Opening a page of the real app through Streamlit's AppTest, shared by the page tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope
from metrics import registry

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def open_page(page: str, period: Period | None = Q3) -> AppTest:
    """Run the app with ``period`` in the URL (as a shared link would; None: the app's default
    period, as a bookmark without one opens), then switch to ``page``."""
    at = AppTest.from_file(APP, default_timeout=120)
    if period is not None:
        at.query_params.update(
            {"period": "custom", "from": period.start.isoformat(), "to": period.end.isoformat()}
        )
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def evaluate(url: str, metric_id: str, filters: Filters, scope: Scope | None = None):
    """The metric layer's answer for the same filters, to compare with what a page shows."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return registry.evaluate(conn, metric_id, scope or Scope.everything(), filters)
    finally:
        engine.dispose()
