"""Sign-in through AppTest: each state a viewer can be in, on a small rostered organisation."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import APP, AUTH, small_roster, start_app  # noqa: F401 - APP for the security tests


@pytest.fixture
def roster_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'roster.db'}"
    small_roster(url)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _app(user: dict | None, auth: dict | None = AUTH) -> AppTest:
    return start_app(user=user, auth=auth, timeout=60).run()


def _home(user: dict) -> AppTest:
    at = _app(user)
    return at.switch_page("../pages/home.py").run()


def test_signed_out_viewer_sees_only_the_sign_in_button(roster_url):
    at = _app({"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("sue@example.com", "sellers have no access"),
        ("nobody@example.com", "not in the Purpose Pulse roster"),
    ],
)
def test_seller_and_stranger_get_the_no_access_page(roster_url, email, reason):
    at = _app({"is_logged_in": True, "email": email})
    assert not at.exception
    assert at.title[0].value == "No access"
    assert reason in at.warning[0].value
    assert not at.metric and not at.dataframe


def test_manager_is_signed_in_with_their_name(roster_url):
    at = _home({"is_logged_in": True, "email": "max@example.com"})
    assert not at.exception
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "Max Manager" in captions and "(manager)" in captions
    assert {m.label: m.value for m in at.metric}["Teams"] == "1"


def test_executive_sees_every_team(roster_url):
    at = _home({"is_logged_in": True, "email": "eve@example.com"})
    assert {m.label: m.value for m in at.metric}["Teams"] == "3"


def test_missing_cookie_secret_stops_with_one_clear_sentence(roster_url):
    at = _app({"is_logged_in": True, "email": "eve@example.com"}, auth={**AUTH, "cookie_secret": ""})
    assert "cookie_secret is missing" in at.error[0].value
    assert not at.metric
