"""The demo organisation for metric tests: an Engine on the session's shared demo database."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import DEMO_END as DEMO_END_TEXT

DEMO_END = dt.date.fromisoformat(DEMO_END_TEXT)


@pytest.fixture(scope="session")
def demo_engine(demo_database_url):
    """An Engine on the demo organisation (generated once per session by ``demo_database_url`` the
    way ``python -m dashboard init --demo`` loads it, talk classifier included). Read it, never write."""
    from data_access.db import make_engine

    engine = make_engine(demo_database_url)
    yield engine
    engine.dispose()
