"""A new user's first start: a fresh copy with no database, `streamlit run`, a real Chromium."""

from __future__ import annotations

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

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_first_run_creates_the_demo_and_shows_home(tmp_path):
    require_browser()
    app_root = fresh_copy(tmp_path / "purpose-pulse")
    assert not (app_root / "data").exists()
    with streamlit_server(app_root) as url, chromium_page() as page:
        page.goto(url)
        # The demo takes several seconds to generate: the set-up screen and its progress bar show.
        page.wait_for_selector("text=Setting up Purpose Pulse", timeout=60_000)
        # The bar arrives in the message after the heading: wait for it rather than count at once.
        page.wait_for_selector('[data-testid="stProgress"]', timeout=30_000)
        assert page.locator('[data-testid="stProgress"]').count() == 1
        wait_until_idle(page, timeout_s=240)
        first_page_errors = error_texts(page)
        page.goto(f"{url}/home")
        wait_until_idle(page, timeout_s=120)
        page.wait_for_selector("text=Internal meetings", timeout=60_000)
        body = page.inner_text("body")
        errors = error_texts(page)
        shot = screenshot(page, "first-run-home")
    assert first_page_errors == [] and errors == []
    assert "Traceback" not in body
    assert "Our Noble Sales Purpose" in body
    for label in ("Teams", "People", "Deals", "Internal meetings", "Survey responses"):
        assert label in body
    assert "local executive" in body
    assert (app_root / "data" / "purpose_pulse.db").exists()
    assert shot.stat().st_size > 10_000
