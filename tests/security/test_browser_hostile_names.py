"""Names written by someone else (imported team and person names, the NSP, meeting titles, the URL,
the identity provider's e-mail) never become a link, an image or a script in the app.

A copy of the demo organisation is given hostile names; a real Chromium signs in through a local
OpenID Connect provider and opens every page. The DOM must hold no element whose attributes point
at the attacker's host, the browser must never request it, and no injected script may run.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import urlparse

import pytest

from dashboard.shell.navigation import PAGE_SPECS
from tests.browser import chromium_page, screenshot, sign_in, signed_in_server, wait_until_idle
from tests.conftest import copy_database

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EVIL = "evil.example"
EXECUTIVE = "morgan.hale@example.com"


def hostile(tag: str) -> str:
    return (
        f"[Session expired {tag}](https://{EVIL}/login/{tag}) ![p](https://{EVIL}/{tag}.png) "
        f"<img src=https://{EVIL}/{tag}-img.png onerror=window.pwned=1> <script>window.pwned=1</script> "
        f"www.{EVIL}/{tag} :red[{tag}] $x^{tag}$ <a href=https://{EVIL}/{tag}-a>{tag}</a>"
    )


@pytest.fixture(scope="module")
def hostile_app(provider, demo_database_url, tmp_path_factory):
    database = copy_database(demo_database_url, tmp_path_factory.mktemp("hostile-db") / "demo.db")
    with sqlite3.connect(database.split("///", 1)[1]) as db:
        for (team_id,) in db.execute("SELECT id FROM teams").fetchall():
            db.execute(
                "UPDATE teams SET name = ? WHERE id = ?",
                (f"T{team_id} " + hostile(f"team{team_id}"), team_id),
            )
        db.execute("UPDATE people SET name = ? || id", (hostile("person"),))
        db.execute("UPDATE meetings SET title = ? || id", (hostile("meeting"),))
        db.execute("UPDATE nsp SET statement = ?", (hostile("nsp"),))
        db.execute("DELETE FROM stored_results")
    with signed_in_server(
        tmp_path_factory.mktemp("hostile"), database, provider, "kq8Zr2vN5xLp0Ws7Yt4Hb9Jc3Fd6Gm1QeUaRoSiT"
    ) as url:
        yield url


_POINTING_AT_EVIL = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const loads = ['href', 'src', 'xlink:href', 'srcset', 'action', 'formaction', 'poster', 'data', 'background'];
      const points = loads.includes(attr.name) || (attr.name === 'style' && attr.value.includes('url('));
      if (points && attr.value.includes('evil.example')) found.push(`<${el.tagName.toLowerCase()} ${attr.name}=${attr.value}> in ${(el.closest('[data-testid]') || el).getAttribute('data-testid')}`);
    }
  }
  return found;
}"""


def _assert_inert(page, requests: list[str], where: str) -> None:
    found = page.evaluate(_POINTING_AT_EVIL)
    assert found == [], f"{where}: {found}"
    assert page.evaluate("() => window.pwned === undefined"), f"{where}: an injected script ran"
    fetched = [r for r in requests if (urlparse(r).hostname or "").endswith(EVIL)]
    assert fetched == [], f"{where}: the browser fetched the attacker's host"


def test_every_page_shows_hostile_names_as_text(hostile_app):
    requests: list[str] = []
    with chromium_page(1280, 720) as page:
        page.on("request", lambda request: requests.append(request.url))
        body = sign_in(page, hostile_app, EXECUTIVE)
        assert "[Session expired person](https" in body.replace("\u2060", "")  # the name, shown as typed
        _assert_inert(page, requests, "sign-in")
        query = (
            "period=custom&from=2026-07-01&to=2026-09-30"
            f"&teams=[Session expired](https://{EVIL}/login),![p](https://{EVIL}/p.png)"
        )
        for spec in PAGE_SPECS:
            path = "" if spec.default else spec.url_path
            page.goto(f"{hostile_app}/{path}?{query}")
            wait_until_idle(page, timeout_s=180)
            text = page.inner_text("body")
            if spec.url_path in ("home", "overview"):
                screenshot(page, f"hostile-{spec.url_path}")
            _assert_inert(page, requests, spec.title)
            assert "Traceback" not in text, spec.title


def test_no_access_page_shows_a_hostile_email_as_text(hostile_app):
    requests: list[str] = []
    email = f"[x](https://{EVIL}/n)<img src=https://{EVIL}/n.png>@example.com"
    with chromium_page(1280, 720) as page:
        page.on("request", lambda request: requests.append(request.url))
        body = sign_in(page, hostile_app, email)
        screenshot(page, "hostile-no-access")
        _assert_inert(page, requests, "No access")
    shown = body.replace("\u2060", "")  # the invisible joiners that keep addresses from linking
    assert "No access" in body and f"[x](https://{EVIL}/n)<img" in shown
