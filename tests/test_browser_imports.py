"""The Imports page's mapping form in Chromium: a marketplace export with no stage column is mapped
with a constant, previewed as it will be stored, at a laptop and a desktop size."""

from __future__ import annotations

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

WON = (
    "mql_id,seller_id,sr_id,won_date,business_segment,lead_type,declared_monthly_revenue\n"
    "5420aad7fec3549a85876ba1c529bd84,2c43fb51,4ef15afb,2018-02-26 19:58:54,pet,online_medium,0.0\n"
    "a555fb36b9368110ede0f043dfc3b9a0,bbb7d789,d3d1e91a,2018-05-08 20:17:59,car_accessories,industry,125000.0\n"
    "327174d3648a2d047e8940d7d15204ca,612170e3,6565aa9c,2018-06-05 17:27:23,home_appliances,online_beginner,\n"
    "9d4fbd5b1d6ba8bc8e3e2bf6a2b7b64c,7e1fb0a3,4ef15afb,,pet,online_medium,80000.0\n"
)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_mapping_form_with_a_constant_previews_the_rows(tmp_path, demo_database_url, width, height):
    require_browser()
    database = copy_database(demo_database_url, tmp_path / "imports.db")
    path = tmp_path / "olist_closed_deals.csv"
    path.write_text(WON)
    with (
        streamlit_server(ROOT, env={"DATABASE_URL": database}, log_path=tmp_path / "st.log") as url,
        chromium_page(width, height) as page,
    ):
        page.goto(f"{url}/imports")
        wait_until_idle(page, timeout_s=180)
        page.set_input_files('input[type="file"]', str(path))
        page.wait_for_selector("text=Map each field", timeout=60_000)
        page.get_by_text("Or type it as on the command line").click()
        box = page.get_by_label("--map")
        box.fill(
            'id=mql_id,owner=sr_id,stage="Closed Won",close_date=won_date,'
            'amount=declared_monthly_revenue,segment=business_segment,currency="BRL"'
        )
        box.press("Enter")
        page.wait_for_selector("text=as they will be stored", timeout=60_000)
        wait_until_idle(page, timeout_s=120)
        page.get_by_text("as they will be stored").scroll_into_view_if_needed()
        body = page.inner_text("[data-testid='stMain']")
        errors = error_texts(page)
        screenshot(page, f"imports-mapping-{width}x{height}")
    assert errors == []
    assert "The first 4 rows as they will be stored" in body
