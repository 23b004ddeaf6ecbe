"""Opening the app on a database made by an earlier version: the embedded SQLite file is upgraded in
place and the page works; a server database is left to the release step and the app says so."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import insert

from data_access import models as m
from data_access.db import alembic_config, make_engine, schema_revisions
from tests.apptest import start_app
from tests.conftest import PG_SKIP_REASON, drop_postgres_schema, make_postgres_engine, postgres_url

OLD = "0002_scale"


def _old_database(engine) -> None:
    """The schema of an earlier release, with a team in it (so it is not a first run)."""
    command.upgrade(alembic_config(engine), OLD)
    with engine.begin() as conn:
        conn.execute(insert(m.Team).values(id=1, name="Atlas"))


def test_an_older_sqlite_file_is_upgraded_when_the_app_opens(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'older.db'}"
    engine = make_engine(url)
    _old_database(engine)
    monkeypatch.setenv("DATABASE_URL", url)
    at = start_app(timeout=60).run()
    assert not at.exception, at.exception
    assert not at.error
    current, head = schema_revisions(engine)
    assert current == head != OLD
    engine.dispose()


def test_an_older_server_database_is_not_migrated_by_a_replica(monkeypatch):
    if not postgres_url():
        pytest.skip(PG_SKIP_REASON)
    engine = make_postgres_engine("_upgrade")
    try:
        _old_database(engine)
        schema = engine.info["schema"]
        url = engine.url.render_as_string(hide_password=False) + f"?options=-csearch_path%3D{schema}"
        monkeypatch.setenv("DATABASE_URL", url)
        at = start_app(timeout=60).run()
        assert len(at.error) == 1
        assert "python -m dashboard init" in at.error[0].value
        assert f"at revision {OLD}" in at.error[0].value
        assert schema_revisions(engine)[0] == OLD  # untouched
    finally:
        drop_postgres_schema(engine)
