"""Whatever the URL says, a page answers with its figures or one sentence, never a traceback."""

from __future__ import annotations

import pytest

from dashboard.shell.navigation import pages_by_section
from tests.apptest import start_app

PAGES = sorted({spec.path for specs in pages_by_section("executive").values() for spec in specs})


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01", "9999-12-31"), ("1989-12-31", "2026-09-30"), ("2026-07-01", "2100-01-01")],
)
def test_a_period_out_of_range_is_refused_in_one_sentence(demo_app_env, page, start, end):
    at = start_app({"period": "custom", "from": start, "to": end}, timeout=180).run()
    assert not at.exception, at.exception
    warnings = " ".join(w.value for w in at.sidebar.warning)
    assert f"Ignored the custom period {start} – {end} in the link: a period must fall between" in warnings
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="pp.filter.preset").value == "last_quarter"
    assert at.title, "the page drew nothing"
