"""The app's database connections are set up for its workload."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from data_access.db import make_engine
from tests.conftest import PG_SKIP_REASON, postgres_url


def test_postgres_connections_run_without_jit():
    """PostgreSQL's JIT compiles every short aggregate anew; the app's connections turn it off."""
    url = postgres_url()
    if not url:
        pytest.skip(PG_SKIP_REASON)
    engine = make_engine(url)
    try:
        for _ in range(2):  # a new connection and one from the pool
            with engine.connect() as conn:
                assert conn.execute(text("SHOW jit")).scalar_one() == "off"
    finally:
        engine.dispose()
