"""Migrations: ``init`` twice is harmless and the migrations describe exactly the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from dashboard.config import Settings
from dashboard.setup import initialise
from data_access import models as m
from data_access.db import make_engine


def test_migrations_match_the_models(db_engine):
    with db_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, m.Base.metadata)
    assert diff == [], f"models and migrations disagree; add a migration: {diff}"


def test_init_twice_is_harmless(tmp_path):
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    first = initialise(Settings(database_url=url))
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(m.Team.__table__.insert(), [{"name": "Keep me"}])
    second = initialise(Settings(database_url=url))
    assert first["revision"] == second["revision"] != ""
    with engine.connect() as conn:
        assert conn.execute(m.Team.__table__.select()).all()[0].name == "Keep me"
    assert set(m.Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_sqlite_default_uses_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'pp.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert (tmp_path / "nested" / "pp.db").exists()
    engine.dispose()
