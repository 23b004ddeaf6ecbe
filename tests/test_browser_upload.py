"""Issue 4 as a manager meets it: drop a Zoom transcript on Meeting health in Chromium, see the
meeting's customer-impact share and its sentences coloured by label."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser import (
    ROOT,
    chromium_page,
    error_texts,
    require_browser,
    screenshot,
    streamlit_server,
    wait_until_idle,
)
from tests.conftest import copy_database

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ZOOM = ROOT / "tests" / "fixtures" / "transcripts" / "zoom_deal_review.vtt"


def test_manager_drops_a_zoom_transcript_and_reads_it(tmp_path, demo_database_url):
    require_browser()
    database = copy_database(demo_database_url, tmp_path / "upload.db")
    with (
        streamlit_server(ROOT, env={"DATABASE_URL": database}, log_path=tmp_path / "st.log") as url,
        chromium_page(1500, 1400) as page,
    ):
        # The form's date defaults to today: look at a period around today.
        today = dt.date.today()
        around = f"from={today - dt.timedelta(days=3)}&to={today + dt.timedelta(days=3)}"
        page.goto(f"{url}/meeting-health?period=custom&{around}")
        wait_until_idle(page, timeout_s=180)
        page.get_by_text("Add a meeting transcript").click()
        page.set_input_files('input[type="file"]', str(ZOOM))
        page.get_by_label("Title").fill("Globex deal review")
        page.get_by_role("button", name="Add the meeting").click()
        page.wait_for_selector("text=Added zoom_deal_review.vtt", timeout=60_000)
        wait_until_idle(page, timeout_s=120)
        body = page.inner_text("[data-testid='stMain']")
        errors = error_texts(page)
        screenshot(page, "meeting-health-upload")
    assert errors == []
    assert "customer-impact share" in body
    assert "Globex deal review" in body  # the new meeting is listed and picked in the transcript view
    assert "Customer impact" in body and "Revenue" in body
