"""Run the real app (`streamlit run dashboard/app.py`) and drive it with Debian's Chromium.

Playwright is used as a driver only: it launches ``/usr/bin/chromium`` through
``executable_path`` and never downloads a browser. Tests that need it skip, saying why, when
Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
_COPY_IGNORE = shutil.ignore_patterns(
    ".git", "data", "__pycache__", ".pytest_cache", ".ruff_cache", "test-output"
)


def require_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); browser tests skipped."
        )
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")


def fresh_copy(destination: Path) -> Path:
    """A copy of the working tree with no database and no caches, like a fresh clone."""
    shutil.copytree(ROOT, destination, ignore=_COPY_IGNORE)
    shared = ROOT.parent / "shared"
    if shared.exists() and not (destination.parent / "shared").exists():
        (destination.parent / "shared").symlink_to(shared)
    return destination


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout_s: float) -> bool:
    """Wait until something listens on ``port``; False if ``proc`` exited first."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            if proc.poll() is not None:
                return False
            time.sleep(0.25)
    return True  # the test that uses it says what does not answer


@contextmanager
def streamlit_server(
    app_root: Path, env: dict | None = None, log_path: Path | None = None, port: int | None = None
):
    """Start ``streamlit run dashboard/app.py`` in ``app_root``; yield its URL; stop it afterwards."""
    port = port or free_port()
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    environment.update(env or {})
    log_file = log_path or (app_root / "streamlit.log")
    log = open(log_file, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=app_root,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not _wait_for_port(port, proc, timeout_s=60):
            raise RuntimeError(f"streamlit exited: {log_file.read_text()[-2000:]}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def chromium():
    """One Chromium for a whole test module (see the ``browser`` fixture in tests/conftest.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def chromium_page(width: int = 1440, height: int = 1000, browser=None):
    """A fresh page (its own cookies and storage) in ``browser``, or in a Chromium of its own."""
    if browser is None:
        with chromium() as own, chromium_page(width, height, own) as page:
            yield page
        return
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        yield context.new_page()
    finally:
        context.close()


def wait_until_idle(page, timeout_s: float = 120) -> None:
    """Wait until the app has rendered and is not running a script (quiet for ~1.5 s)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        # The app root says whether a script is running; spinners and skeletons cover cached reads.
        state = page.get_attribute('[data-testid="stApp"]', "data-test-script-state")
        busy = (
            state != "notRunning"
            or page.locator(
                '[data-testid="stStatusWidget"], [data-testid="stSkeleton"], [data-testid="stSpinner"]'
            ).count()
        )
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.5:
            return
        time.sleep(0.25)
    raise TimeoutError("the app was still running a script when the wait ended")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def error_texts(page) -> list[str]:
    """Texts of Streamlit error and exception boxes on the page."""
    boxes = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


@contextmanager
def oidc_provider():
    """A local OpenID Connect provider (oidc-provider-mock on loopback); yields its URL."""
    pytest.importorskip("oidc_provider_mock", reason="oidc-provider-mock is not installed (requirements-dev.txt)")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, proc, timeout_s=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def signed_in_server(copy_to: Path, database_url: str, provider_url: str, cookie_secret: str):
    """``streamlit run`` on a fresh copy of the app whose secrets.toml has an [auth] section signing in
    through ``provider_url``; yields the app's URL."""
    require_browser()
    root = fresh_copy(copy_to / "purpose-pulse")
    port = free_port()
    (root / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "purpose-pulse"\n'
        'client_secret = "purpose-pulse-secret"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n'
    )
    with streamlit_server(root, env={"DATABASE_URL": database_url}, port=port) as url:
        yield url


def sign_in(page, app_url: str, email: str) -> str:
    """Sign in through the provider's form as ``email``; returns the text of the page signed in to."""
    page.goto(app_url)
    wait_until_idle(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("input[name=sub]", timeout=30_000)
    page.fill("input[name=sub]", email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**", timeout=30_000)
    wait_until_idle(page)
    return page.inner_text("body")
