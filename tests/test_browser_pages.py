"""Every page in a real Chromium against `streamlit run`, on the demo organisation.

Asserts each page renders real content with no error box, and saves one screenshot per page in
test-output/screenshots/ for a person to look at.
"""

from __future__ import annotations

import pytest

from dashboard.shell.navigation import PAGE_SPECS
from tests.browser import (
    chromium_page,
    error_texts,
    screenshot,
    wait_until_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("spec", PAGE_SPECS, ids=[spec.url_path for spec in PAGE_SPECS])
def test_page_renders_in_chromium(demo_app, browser, spec):
    path = "" if spec.default else spec.url_path
    with chromium_page(browser=browser) as page:
        page.goto(f"{demo_app}/{path}?period=custom&from=2026-07-01&to=2026-09-30")
        wait_until_idle(page, timeout_s=180)
        page.wait_for_selector("h1", timeout=30_000)
        heading = page.locator("h1").first.inner_text()
        body = page.inner_text("section.main, [data-testid='stMain']")
        errors = error_texts(page)
        shot = screenshot(page, f"page-{spec.url_path}")
    assert errors == [], f"{spec.title}: {errors}"
    assert "Traceback" not in body
    assert heading.strip(), f"{spec.title} shows no heading"
    assert len(body) > 120, f"{spec.title} shows almost nothing: {body!r}"
    assert shot.stat().st_size > 20_000
