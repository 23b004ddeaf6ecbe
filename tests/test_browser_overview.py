"""The Overview on a 1280 x 720 projector, in a real Chromium against `streamlit run` on the demo.

What a sales leader sees without scrolling (every team with its index), and the drill-through:
a heatmap cell opens that team's evidence, its link opens the symptom's page for the team, and a
seller's name opens their one-on-one prep with them selected. Screenshots go to
test-output/screenshots/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import (
    error_texts,
    screenshot,
    wait_until_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUERY = "period=custom&from=2026-07-01&to=2026-09-30"
WIDTH, HEIGHT = 1280, 720


@pytest.fixture(scope="module")
def demo_teams(demo_database_url) -> list[tuple[str, str]]:
    """The demo's teams, lowest index first, each with its index as the page prints it."""
    from data_access.db import make_engine
    from data_access.scope import Filters, Period, Scope
    from metrics.scorecard import team_scorecards

    engine = make_engine(demo_database_url)
    filters = Filters(Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)))
    with engine.connect() as conn:
        cards = team_scorecards(conn, Scope.everything(viewer="test"), filters)
    engine.dispose()
    ranked = sorted(cards, key=lambda c: (c.health_index is None, c.health_index or 0, c.name))
    return [(c.name, "—" if c.health_index is None else f"{c.health_index:.0f}") for c in ranked]


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    page.goto(url)
    wait_until_idle(page, timeout_s=240)
    return context, page


def _teams_table(page):
    return page.locator("[data-testid='stDataFrame']").filter(has_text="Last 6 periods").first


def _rows(grid, columns: int) -> list[list[str]]:
    cells = grid.locator("[role='gridcell']").all_inner_texts()
    return [cells[i : i + columns] for i in range(0, len(cells), columns)]


def _on_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenting"])
def test_the_first_screen_at_1280x720_shows_every_team_with_its_index(demo_app, browser, demo_teams, present):
    context, page = _open(browser, f"{demo_app}/?{QUERY}" + ("&present=1" if present else ""))
    try:
        grid = _teams_table(page)
        headline = page.locator("[data-testid='stMetric']").filter(has_text="Purpose Health Index").first
        movers = page.get_by_text("Worst movers").first
        on_screen = {
            name: _on_first_screen(page, item)
            for name, item in [("teams", grid), ("index", headline), ("movers", movers)]
        }
        rows = _rows(grid, 6)
        sidebar_shown = page.locator("[data-testid='stSidebar']").is_visible()
        errors = error_texts(page)
        screenshot(page, "overview-1280x720" + ("-presenting" if present else ""))
    finally:
        context.close()
    assert errors == []
    assert on_screen == {"teams": True, "index": True, "movers": True}, "scrolling needed at 1280 x 720"
    # Every team of the demo, lowest index first, with the index the scorecards compute.
    assert [(row[0], row[1]) for row in rows] == demo_teams
    assert len(demo_teams) == 8
    # Each with its band in words and a line of six periods.
    assert all(row[2].split()[-1] in {"Red", "Amber", "Green"} for row in rows)
    assert all(len(row[4].split(",")) == 6 for row in rows)
    assert sidebar_shown is not present


def _click_heatmap_cell(page, team: str, number: int) -> None:
    """Click the heatmap's cell of ``team`` and symptom ``number``: the table's columns have the widths
    the page gives them (at 1280 px they do not fit, so none is stretched)."""
    from dashboard.components.scorecard import INDEX_WIDTH, ROW_HEIGHT, SYMPTOM_WIDTH, TEAM_WIDTH

    grid = page.locator("[data-testid='stDataFrame']").filter(has_text="Beacon").nth(1)
    grid.scroll_into_view_if_needed()
    time.sleep(0.5)
    headers = grid.locator("[role='columnheader']").all_inner_texts()
    assert headers[:3] == ["Team", "Index", "1"], headers
    row = [cells[0] for cells in _rows(grid, len(headers))].index(team)
    box = grid.bounding_box()
    page.mouse.click(
        box["x"] + TEAM_WIDTH + INDEX_WIDTH + SYMPTOM_WIDTH * (number - 0.5),
        box["y"] + ROW_HEIGHT * (row + 1.5),
    )
    time.sleep(0.5)
    wait_until_idle(page, timeout_s=120)


def test_clicking_a_heatmap_cell_opens_that_teams_evidence_and_its_page(demo_app, browser):
    context, page = _open(browser, f"{demo_app}/?{QUERY}")
    try:
        _click_heatmap_cell(page, "Beacon", 9)
        dialog = page.locator("[role='dialog']")
        dialog.wait_for(timeout=30_000)
        text = dialog.inner_text()
        grid = dialog.locator("[data-testid='stDataFrame']").first
        headers = grid.locator("[role='columnheader']").all_inner_texts()
        rows = _rows(grid, len(headers))
        screenshot(page, "overview-heatmap-cell-1280x720")
        dialog.get_by_role("link", name="Open Discounting on its own page, for Beacon").click()
        wait_until_idle(page, timeout_s=240)
        landed = urlparse(page.url)
        teams_filter = page.locator(
            "[data-testid='stSidebar'] [data-testid='stMultiSelect']"
        ).first.inner_text()
        title = page.locator("h1").first.inner_text()
        errors = error_texts(page)
    finally:
        context.close()
    assert text.startswith("Beacon · Discounting")
    assert "n = " in text and any(band in text for band in ("Red", "Amber", "Green"))
    # Beacon's own deals, not the organisation's.
    team = headers.index("Team")
    assert rows and {row[team] for row in rows} == {"Beacon"}
    # The symptom's page, narrowed to the team, the period kept.
    assert title == "Discounting" and landed.path.endswith("/discounting")
    assert parse_qs(landed.query)["teams"] == ["Beacon"] and parse_qs(landed.query)["from"] == ["2026-07-01"]
    assert "Beacon" in teams_filter
    assert errors == []


def test_clicking_a_sellers_name_opens_their_prep_with_them_selected(demo_app, browser):
    context, page = _open(browser, f"{demo_app}/?{QUERY}")
    opened = []
    context.on("page", lambda new_page: opened.append(new_page))
    try:
        _click_heatmap_cell(page, "Beacon", 9)
        dialog = page.locator("[role='dialog']")
        dialog.wait_for(timeout=30_000)
        grid = dialog.locator("[data-testid='stDataFrame']").first
        headers = grid.locator("[role='columnheader']").all_inner_texts()
        first_row = _rows(grid, len(headers))[0]
        owner = first_row[headers.index("Owner")]
        box = grid.bounding_box()
        y = box["y"] + 35 + 17  # the middle of the first row, under the header
        x = box["x"] + 10
        while not opened and x < box["x"] + box["width"]:  # the owner's name is a link; other cells are not
            page.mouse.click(x, y)
            time.sleep(0.3)
            x += 25
        assert opened, "no cell of the first row opened a link"
        prep = opened[0]
        prep.wait_for_load_state()
        wait_until_idle(prep, timeout_s=240)
        landed = parse_qs(urlparse(prep.url).query)
        picker_box = prep.locator("[data-testid='stSelectbox']").filter(has_text="Seller").first
        # The picker shows the chosen seller as its text or, while it accepts typing, its input's value.
        picker = " ".join(
            [picker_box.inner_text(), *(field.input_value() for field in picker_box.locator("input").all())]
        )
        caption = prep.inner_text("[data-testid='stMain']")
        errors = error_texts(prep)
        screenshot(prep, "one-on-one-from-overview-1280x720")
    finally:
        context.close()
    name = owner.split("#")[-1].replace("%20", " ")
    # The link names the seller by id; the page shows (and keeps in the URL) their "Name — Team" label.
    assert landed["seller"] == [f"{name} — Beacon"] and landed["from"] == ["2026-07-01"]
    assert name in picker
    assert "Team Beacon" in caption
    assert errors == []
