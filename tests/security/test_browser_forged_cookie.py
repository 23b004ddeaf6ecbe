"""A sign-in cookie forged with the example's cookie_secret does not sign anyone in.

The server runs with the placeholder secret from secrets.example.toml; the test signs a cookie
naming the executive with that secret, exactly as Streamlit signs its own, and opens the app.
"""

from __future__ import annotations

import json

import pytest

from dashboard.config import EXAMPLE_SECRETS_PATH, read_secrets
from tests.browser import (
    chromium_page,
    fresh_copy,
    require_browser,
    screenshot,
    streamlit_server,
    wait_until_idle,
)
from tests.conftest import copy_database
from tests.test_browser_login import _free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXECUTIVE = "morgan.hale@example.com"


@pytest.fixture(scope="module")
def app_with_example_secret(demo_database_url, tmp_path_factory):
    require_browser()
    root = fresh_copy(tmp_path_factory.mktemp("forged") / "purpose-pulse")
    port = _free_port()
    secret = read_secrets(EXAMPLE_SECRETS_PATH)["auth"]["cookie_secret"]
    (root / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secret}"\n'
        'client_id = "purpose-pulse"\n'
        'client_secret = "purpose-pulse-secret"\n'
        f'server_metadata_url = "http://127.0.0.1:{_free_port()}/.well-known/openid-configuration"\n'
    )
    database = copy_database(demo_database_url, tmp_path_factory.mktemp("forged-db") / "demo.db")
    with streamlit_server(root, env={"DATABASE_URL": database}, port=port) as url:
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
