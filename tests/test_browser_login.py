"""The real sign-in flow: Chromium, `streamlit run` with an [auth] section, and a local OpenID
Connect provider (oidc-provider-mock on loopback) started by the test. No internet is used."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from tests.browser import (
    chromium_page,
    error_texts,
    fresh_copy,
    require_browser,
    screenshot,
    streamlit_server,
    wait_until_idle,
)
from tests.conftest import copy_database

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ATLAS_MANAGER = "claire.donovan@example.com"
ATLAS_SELLER = "jonas.vasquez@example.com"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def provider():
    pytest.importorskip(
        "oidc_provider_mock", reason="oidc-provider-mock is not installed (requirements-dev.txt)"
    )
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def signed_app(provider, demo_database_url, tmp_path_factory):
    require_browser()
    root = fresh_copy(tmp_path_factory.mktemp("login") / "purpose-pulse")
    port = _free_port()
    (root / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "test-cookie-secret-that-is-long-enough"\n'
        'client_id = "purpose-pulse"\n'
        'client_secret = "purpose-pulse-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    # The server process writes stored results: give it a copy, not the session's shared demo file.
    database = copy_database(demo_database_url, tmp_path_factory.mktemp("login-db") / "demo.db")
    with streamlit_server(root, env={"DATABASE_URL": database}, port=port) as url:
        yield url


def _sign_in(page, app_url: str, email: str) -> str:
    page.goto(app_url)
    wait_until_idle(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("input[name=sub]", timeout=30_000)
    page.fill("input[name=sub]", email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**", timeout=30_000)
    wait_until_idle(page)
    return page.inner_text("body")


def test_manager_signs_in_and_sees_only_their_team(signed_app):
    with chromium_page() as page:
        body = _sign_in(page, signed_app, ATLAS_MANAGER)
        page.get_by_text("Teams", exact=True).first.wait_for()
        screenshot(page, "login-manager")
        page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
        options = page.locator('[role="option"]').all_inner_texts()
        errors = error_texts(page)
    assert errors == []
    assert "Claire Donovan" in body and "(manager)" in body
    assert options == ["Atlas"]


def test_seller_signs_in_and_gets_no_access(signed_app):
    with chromium_page() as page:
        body = _sign_in(page, signed_app, ATLAS_SELLER)
        screenshot(page, "login-seller")
    assert "No access" in body and "sellers have no access" in body
    assert "Atlas" not in body
