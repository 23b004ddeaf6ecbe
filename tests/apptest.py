"""Opening the real app through Streamlit's AppTest, shared by every app and page test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_access import models as m
from data_access.db import make_engine, migrate
from data_access.scope import Filters, Period, Scope
from metrics import registry

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
# An OpenID Connect section for secrets.toml; AppTest never calls the provider (``at.user`` signs in).
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-test-secret-kN3qV8zPw2",
    "client_id": "purpose-pulse",
    "client_secret": "test",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def period_query(period: Period) -> dict[str, str]:
    """The URL parameters of a custom period, as a shared link carries them."""
    return {"period": "custom", "from": period.start.isoformat(), "to": period.end.isoformat()}


def start_app(
    query: dict[str, str] | None = None,
    *,
    email: str | None = None,
    user: dict | None = None,
    auth: dict | None = None,
    timeout: float = 120,
) -> AppTest:
    """The app, not run yet, with ``query`` in the URL. With ``email`` (or a whole ``user`` as
    ``st.user`` holds it) the app has an ``[auth]`` section (``auth``, default :data:`AUTH`) and the
    viewer is signed in as that person; with ``auth`` alone nobody is signed in yet."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if email is not None:
        user = {"is_logged_in": True, "email": email}
    if user is not None or auth is not None:
        at.secrets["auth"] = auth or AUTH
    if user is not None:
        at.user = user
    at.query_params.update(query or {})
    return at


def open_page(
    page: str, period: Period | None = Q3, *, query: dict[str, str] | None = None, **start
) -> AppTest:
    """Run the app with ``period`` in the URL (as a shared link would; None: the app's default
    period, as a bookmark without one opens) and any other ``query``, then switch to ``page``.
    ``start`` goes to :func:`start_app` (``email``, ``auth``, ``timeout``)."""
    at = start_app({**(period_query(period) if period else {}), **(query or {})}, **start)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def small_roster(url: str) -> dict[str, int]:
    """A new database at ``url`` with a company of two teams and its people: Eve (executive), Max
    (manager of Atlas), Sue (seller in Atlas), Bea (manager of Beacon). Returns the team ids by name."""
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        company = conn.execute(m.Team.__table__.insert().values(name="Company")).inserted_primary_key[0]
        atlas = conn.execute(
            m.Team.__table__.insert().values(name="Atlas", parent_id=company)
        ).inserted_primary_key[0]
        beacon = conn.execute(
            m.Team.__table__.insert().values(name="Beacon", parent_id=company)
        ).inserted_primary_key[0]
        people = m.Person.__table__
        conn.execute(
            people.insert(),
            [
                {
                    "external_key": "e",
                    "name": "Eve Exec",
                    "email": "eve@example.com",
                    "role": "executive",
                    "team_id": company,
                },
                {
                    "external_key": "m",
                    "name": "Max Manager",
                    "email": "max@example.com",
                    "role": "manager",
                    "team_id": atlas,
                },
                {
                    "external_key": "s",
                    "name": "Sue Seller",
                    "email": "sue@example.com",
                    "role": "seller",
                    "team_id": atlas,
                },
                {
                    "external_key": "b",
                    "name": "Bea Beacon",
                    "email": "bea@example.com",
                    "role": "manager",
                    "team_id": beacon,
                },
            ],
        )
    engine.dispose()
    return {"Company": company, "Atlas": atlas, "Beacon": beacon}


def evaluate(url: str, metric_id: str, filters: Filters, scope: Scope | None = None):
    """The metric layer's answer for the same filters, to compare with what a page shows."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return registry.evaluate(conn, metric_id, scope or Scope.everything(), filters)
    finally:
        engine.dispose()
