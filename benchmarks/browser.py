"""The stored Overview in a real browser: seconds from opening the address until Chromium is idle.

``python -m benchmarks`` runs it after the pages (``--no-browser`` skips it): the app is started with
``streamlit run`` on the benchmark database, whose result store then holds the Overview of the
benchmark period (the page timings computed it). Each open is a new browser context — a new session,
its ``st.cache_data`` empty in a process that has served the page before — at 1280×720, the
leadership meeting's projector. The figure is the median of :data:`OPENS` opens after one to warm
the server; "idle" is the first moment the app runs no script and shows no spinner or skeleton
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


def stored_overview(url: str, timeout_s: float = 300) -> dict:
    """The stored Overview opened :data:`OPENS` times in Chromium: median and every figure."""
    from tests.browser import chromium, chromium_page, streamlit_server

    log = REPO_ROOT / "data" / "bench" / "browser-streamlit.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    address_query = "?" + urlencode(PERIOD)
    width, height = VIEWPORT
    with streamlit_server(REPO_ROOT, env={"DATABASE_URL": url}, log_path=log) as app, chromium() as browser:
        with chromium_page(width, height, browser) as page:
            page.set_default_timeout(timeout_s * 1000)
            time_to_idle(page, app + "/" + address_query, timeout_s)  # the server's first session
        opens = []
        for _ in range(OPENS):
            with chromium_page(width, height, browser) as page:
                page.set_default_timeout(timeout_s * 1000)
                opens.append(time_to_idle(page, app + "/" + address_query, timeout_s))
    return {"seconds": statistics.median(opens), "opens": opens, "viewport": f"{width}×{height}"}
