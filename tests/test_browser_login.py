"""The real sign-in flow: Chromium, `streamlit run` with an [auth] section, and a local OpenID
Connect provider (oidc-provider-mock on loopback) started by the test. No internet is used."""

from __future__ import annotations

import pytest

from tests.browser import chromium_page, error_texts, screenshot, sign_in, signed_in_server
from tests.conftest import copy_database

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ATLAS_MANAGER = "claire.donovan@example.com"
ATLAS_SELLER = "jonas.vasquez@example.com"


@pytest.fixture(scope="module")
def signed_app(provider, demo_database_url, tmp_path_factory):
    # The server process writes stored results: give it a copy, not the session's shared demo file.
    database = copy_database(demo_database_url, tmp_path_factory.mktemp("login-db") / "demo.db")
    with signed_in_server(
        tmp_path_factory.mktemp("login"), database, provider, "test-cookie-secret-that-is-long-enough"
    ) as url:
        yield url


def test_manager_signs_in_and_sees_only_their_team(signed_app):
    with chromium_page() as page:
        body = sign_in(page, signed_app, ATLAS_MANAGER)
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
        body = sign_in(page, signed_app, ATLAS_SELLER)
        screenshot(page, "login-seller")
    assert "No access" in body and "sellers have no access" in body
    assert "Atlas" not in body
