"""First run: create the database and load the demo organisation, with visible progress."""

from __future__ import annotations

import threading

import streamlit as st
from sqlalchemy import func, select

from dashboard.config import Settings, default_database_url
from dashboard.setup import initialise
from data_access import models as m
from data_access.db import make_engine, migrate, schema_exists


@st.cache_resource(show_spinner=False)
def _first_run_lock(_url: str) -> threading.Lock:
    # One lock per database per server process, so two browsers opening a fresh install don't both
    # generate the demo.
    return threading.Lock()


def database_is_empty(settings: Settings) -> bool:
    engine = make_engine(settings.database_url)
    try:
        if not schema_exists(engine):
            return True
        with engine.connect() as conn:
            return not conn.execute(select(func.count()).select_from(m.Team)).scalar_one()
    finally:
        engine.dispose()


@st.cache_resource(show_spinner="Upgrading the database…")
def _upgraded(url: str) -> str | None:
    """Bring an existing database to the newest schema, once per process; None when it is current.

    The embedded SQLite file is upgraded in place (one process owns it). A server database is
    migrated as a release step (``python -m dashboard init``), never by a replica at start, so
    replicas do not race; a replica that finds it behind says so instead."""
    from data_access.db import schema_revisions

    engine = make_engine(url)
    try:
        current, head = schema_revisions(engine)
        if current == head:
            return None
        if engine.dialect.name == "sqlite":
            migrate(engine)
            return None
        return (
            f"The database schema is at revision {current or 'none'} and this version of Purpose Pulse "
            f"needs {head}: run `python -m dashboard init` once, then restart the app."
        )
    finally:
        engine.dispose()


def ensure_database(settings: Settings) -> None:
    """Create and fill the embedded default database on first start; migrate any other database.

    A database named by ``DATABASE_URL`` is never filled with demo data automatically: an empty one
    gets its schema and the pages explain how to import data (or load the demo from Settings).
    """
    if not database_is_empty(settings):
        problem = _upgraded(settings.database_url)
        if problem:
            st.error(problem)
            st.stop()
        return
    with _first_run_lock(settings.database_url):
        if not database_is_empty(settings):
            return
        if settings.database_url != default_database_url():
            initialise(settings)
            return
        box = st.empty()
        with box.container():
            st.subheader("Setting up Purpose Pulse")
            st.write(
                "This is the first start: creating the embedded database and a demo organisation "
                "(8 teams, two years of deals, meetings and pulse surveys). This takes under a minute."
            )
            bar = st.progress(0.0, text="Starting…")

            def progress(fraction: float, message: str) -> None:
                bar.progress(max(0.0, min(1.0, fraction)), text=message)

            initialise(settings, demo=True, seed=settings.demo_seed, progress=progress)
        box.empty()
