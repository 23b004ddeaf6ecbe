"""A sign-in cookie forged with the example's cookie_secret does not sign anyone in.

The server runs with the placeholder secret from secrets.example.toml; the test signs a cookie
naming the executive with that secret, exactly as Streamlit signs its own, and opens the app.
"""

from __future__ import annotations

import json

import pytest

from dashboard.config import EXAMPLE_SECRETS_PATH, read_secrets
from tests.browser import chromium_page, free_port, screenshot, signed_in_server, wait_until_idle
from tests.conftest import copy_database

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXECUTIVE = "morgan.hale@example.com"


@pytest.fixture(scope="module")
def app_with_example_secret(demo_database_url, tmp_path_factory):
    secret = read_secrets(EXAMPLE_SECRETS_PATH)["auth"]["cookie_secret"]
    database = copy_database(demo_database_url, tmp_path_factory.mktemp("forged-db") / "demo.db")
    # No provider runs: nobody can sign in, only a forged cookie could.
    nowhere = f"http://127.0.0.1:{free_port()}"
    with signed_in_server(tmp_path_factory.mktemp("forged"), database, nowhere, secret) as url:
        yield url, secret


def _forged_cookie(secret: str, origin: str, email: str) -> str:
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    payload = {
        "email": email,
        "name": "Forged",
        "origin": origin,
        "is_logged_in": True,
        "provider": "default",
    }
    return create_signed_value(secret, "_streamlit_user", json.dumps(payload)).decode("latin-1")


def test_cookie_signed_with_the_example_secret_is_refused(app_with_example_secret):
    url, secret = app_with_example_secret
    with chromium_page(1280, 720) as page:
        page.context.add_cookies(
            [{"name": "_streamlit_user", "value": _forged_cookie(secret, url, EXECUTIVE), "url": url}]
        )
        page.goto(url)
        wait_until_idle(page)
        body = page.inner_text("body")
        screenshot(page, "forged-cookie-refused")
    assert "placeholder from secrets.example.toml" in body
    assert "Morgan Hale" not in body and "(executive)" not in body and "Teams" not in body
