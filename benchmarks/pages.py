"""Each page's render time through Streamlit's AppTest: first, cold and warm.

The app runs in this process against the benchmark database (``DATABASE_URL``), signed in locally
as the executive, for the demo's last full quarter. The shell has run once on the Home page first (so
imports are not counted). Then:

- **first**: the database's result store emptied and every ``st.cache_data`` entry cleared: the page
  computes everything, the shell's own queries included, as right after an import with nothing
  precomputed. Its SQL is recorded for the floor (see :mod:`benchmarks.floor`).
- **cold**: ``st.cache_data`` cleared again, the result store kept: a new session, process or replica
  opening the page once someone (or ``python -m dashboard precompute``) has computed it. The median
  of three such opens, each after clearing the cache (one open alone swings by half on a shared
  machine: 0.27 against 0.49 s for the same stored Overview).
- **warm**: the same session runs the page again, three times: the median (one rerun alone swings by
  a third on a shared machine).
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass

from benchmarks.floor import Recorded, recording
from dashboard.config import REPO_ROOT
from dashboard.shell.navigation import PAGE_SPECS

APP = str(REPO_ROOT / "dashboard" / "app.py")
PERIOD = {"period": "custom", "from": "2026-07-01", "to": "2026-09-30"}
TIMEOUT = 900
WARM_UP = "home.py"
WARM_RUNS = 3
COLD_RUNS = 3


@dataclass
class PageTiming:
    page: str
    first: float
    cold: float
    warm: float
    recorded: Recorded
    cold_queries: int
    error: str | None = None


def available_pages() -> list[tuple[str, str]]:
    """(title, file) of every registered page whose script exists."""
    return [(spec.title, spec.file) for spec in PAGE_SPECS if spec.path.exists()]


def time_page(url: str, file: str, title: str) -> PageTiming:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(PERIOD)
    # Warm the imports and the shell on the lightest page, never on the default one (the Overview):
    # at a large scale the default page alone would be most of every other page's "cold" time.
    at.switch_page(f"../pages/{WARM_UP}").run()
    forget_stored_results(url)
    st.cache_data.clear()
    with recording() as recorded:
        started = time.perf_counter()
        at.switch_page(f"../pages/{file}").run()
        first = time.perf_counter() - started
    error = str(at.exception[0].value) if at.exception else None
    colds = []
    for run in range(COLD_RUNS):
        st.cache_data.clear()
        with recording() as recorded_run:
            started = time.perf_counter()
            at.run()
            colds.append(time.perf_counter() - started)
        if run == 0:
            cold_recorded = recorded_run
    cold = statistics.median(colds)
    reruns = []
    for _ in range(WARM_RUNS):
        started = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - started)
    warm = statistics.median(reruns)
    if at.exception and error is None:
        error = str(at.exception[0].value)
    return PageTiming(title, first, cold, warm, recorded, cold_recorded.count, error)


def forget_stored_results(url: str) -> None:
    from data_access.db import make_engine
    from data_access.result_store import forget_all

    engine = make_engine(url)
    with engine.begin() as conn:
        forget_all(conn)
    engine.dispose()
