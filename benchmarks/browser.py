"""The stored Overview in a real browser: seconds from opening the address until Chromium is idle.

``python -m benchmarks`` runs it after the pages (``--no-browser`` skips it): the app is started with
``streamlit run`` on the benchmark database, whose result store then holds the Overview of the
benchmark period (the page timings computed it). Each open is a new browser context — a new session,
its ``st.cache_data`` empty in a process that has served the page before — at 1280×720, the
leadership meeting's projector. The figures are medians of :data:`OPENS` opens after one to warm
the server, by a new browser (nothing cached) and by a returning one (the app's scripts cached, as on
a leader's laptop that has opened it before), each beside the same figures for the floor page; "idle" is the first moment the app runs no script and shows no spinner or skeleton
(:func:`time_to_idle`), so the figure is what a leader waits, not a fixed quiet period after it.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.pages import PERIOD
from dashboard.config import REPO_ROOT

OPENS = 3
VIEWPORT = (1280, 720)
# The floor: a page with a form and no chart, whose time to idle is the app's own cost to a browser.
FLOOR_PAGE = "settings"
GOAL_SECONDS = 1.5
BUSY = '[data-testid="stStatusWidget"], [data-testid="stSkeleton"], [data-testid="stSpinner"]'


def unavailable() -> str | None:
    """Why the browser figure cannot be measured here, or None."""
    from tests.browser import CHROMIUM

    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (requirements-dev.txt)"
    return None


def time_to_idle(page, url: str, timeout_s: float = 300) -> float:
    """Open ``url`` and return the seconds until the app first runs no script and shows nothing
    busy, checked every 50 ms."""
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_s * 1000)
    deadline = started + timeout_s
    while time.perf_counter() < deadline:
        state = page.get_attribute('[data-testid="stApp"]', "data-test-script-state")
        # The first run's state attribute appears once the script has started.
        if state == "notRunning" and not page.locator(BUSY).count() and page.locator("h1").count():
            return time.perf_counter() - started
        time.sleep(0.05)
    raise TimeoutError(f"the Overview was still busy after {timeout_s:.0f} s")


def _opens(browser, address: str, timeout_s: float) -> tuple[list[float], list[float]]:
    """``address`` opened :data:`OPENS` times by a new browser (a new context: nothing cached, the
    app's scripts fetched and compiled anew) and :data:`OPENS` times by a returning one (new tabs of
    one context that has opened the app once: the scripts come from its cache). Each open is a new
    session of the app."""
    from tests.browser import chromium_page

    width, height = VIEWPORT
    new = []
    for _ in range(OPENS):
        with chromium_page(width, height, browser) as page:
            page.set_default_timeout(timeout_s * 1000)
            new.append(time_to_idle(page, address, timeout_s))
    returning = []
    with chromium_page(width, height, browser) as first:
        first.set_default_timeout(timeout_s * 1000)
        time_to_idle(first, address, timeout_s)
        for _ in range(OPENS):
            page = first.context.new_page()
            page.set_default_timeout(timeout_s * 1000)
            returning.append(time_to_idle(page, address, timeout_s))
            page.close()
    return new, returning


def stored_overview(url: str, timeout_s: float = 300) -> dict:
    """The stored Overview opened in Chromium by a new and by a returning browser (median of
    :data:`OPENS` each), and the same for the floor: :data:`FLOOR_PAGE`, a page with no chart and
    almost no data, what the app itself costs a browser on this machine."""
    from tests.browser import chromium, chromium_page, streamlit_server

    log = REPO_ROOT / "data" / "bench" / "browser-streamlit.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    address_query = "?" + urlencode(PERIOD)
    width, height = VIEWPORT
    with streamlit_server(REPO_ROOT, env={"DATABASE_URL": url}, log_path=log) as app, chromium() as browser:
        overview, floor = f"{app}/{address_query}", f"{app}/{FLOOR_PAGE}{address_query}"
        for address in (overview, floor):  # the server's first session of each page
            with chromium_page(width, height, browser) as page:
                page.set_default_timeout(timeout_s * 1000)
                time_to_idle(page, address, timeout_s)
        new, returning = _opens(browser, overview, timeout_s)
        floor_new, floor_returning = _opens(browser, floor, timeout_s)
    return {
        "seconds": statistics.median(new),
        "opens": new,
        "returning_seconds": statistics.median(returning),
        "returning_opens": returning,
        "floor_seconds": statistics.median(floor_new),
        "floor_returning_seconds": statistics.median(floor_returning),
        "floor_page": FLOOR_PAGE,
        "viewport": f"{width}×{height}",
    }
