"""The organisation's currency: one formatter for pages, charts and reports, set in Settings or by
``init --currency``, with symbols from Babel's CLDR data."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dashboard.formatting import fmt_currency
from data_access.currency import read_currency
from data_access.db import make_engine, migrate
from metrics import money
from tests.apptest import open_page
from tests.conftest import REPO_ROOT


@pytest.fixture(autouse=True)
def back_to_dollars():
    yield
    money.set_currency(None)


def test_babel_symbols_agree_with_the_small_table():
    for code, expected in money.SYMBOLS.items():
        assert money.symbol(code) == expected


@pytest.mark.parametrize(
    ("code", "amount", "shown"),
    [("USD", 4_300_000, "$4.3M"), ("BRL", 125_000, "R$125K"), ("EUR", 950, "€950"), ("CHF", 950, "CHF 950")],
)
def test_every_money_format_follows_the_organisation_currency(code, amount, shown):
    money.set_currency(code)
    assert fmt_currency(amount) == shown
    assert money.money(amount) == shown
    from metrics.common import money as evidence

    assert evidence(amount) == shown
    assert money.column_format() == money.symbol() + "%,.0f"


@pytest.mark.parametrize("code", ["XYZ", "usd1", "€", ""])
def test_unknown_codes_are_refused_in_one_sentence(code):
    with pytest.raises(ValueError, match="is not an ISO 4217 currency code such as USD, EUR or BRL"):
        money.normalise(code)


def test_init_sets_the_currency_and_refuses_a_wrong_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    env = {**os.environ, "DATABASE_URL": url}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "dashboard", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True
        )

    done = run("init", "--currency", "eur")
    assert done.returncode == 0, done.stderr
    assert "The organisation's currency is EUR." in done.stdout
    engine = make_engine(url)
    with engine.connect() as conn:
        assert read_currency(conn) == "EUR"
    engine.dispose()
    wrong = run("init", "--currency", "EURO")
    assert wrong.returncode == 2
    assert wrong.stderr == "error: 'EURO' is not an ISO 4217 currency code such as USD, EUR or BRL\n"


def test_settings_saves_the_currency_and_amounts_follow(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 's.db'}"
    engine = make_engine(url)
    migrate(engine)
    monkeypatch.setenv("DATABASE_URL", url)
    at = open_page("../pages/settings.py", period=None, timeout=60)
    box = next(t for t in at.text_input if t.label.startswith("Organisation currency"))
    box.input("BRL")
    next(b for b in at.button if b.label == "Save the currency").click().run()
    assert not at.exception, at.exception
    assert "Saved. Amounts now read like R$1.2M." in [s.value for s in at.success]
    with engine.connect() as conn:
        assert read_currency(conn) == "BRL"
    engine.dispose()


def test_the_first_page_opened_already_shows_the_stored_currency(tmp_path, monkeypatch):
    """A new server process reads the organisation's currency on its first run, whichever page that is."""
    import datetime as dt

    from data_access.currency import write_currency
    from tests.metrics.builders import Org

    url = f"sqlite:///{tmp_path / 'c.db'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        write_currency(conn, "BRL")
        Org(conn).deal(Org(conn).team("Atlas"), 125_000, dt.date(2026, 8, 10))
    engine.dispose()
    money.set_currency(None)  # a fresh process: nothing has set the currency yet
    monkeypatch.setenv("DATABASE_URL", url)
    at = open_page("../pages/pipeline.py", timeout=60)
    assert {m.label: m.value for m in at.metric}["Won"] == "R$125K"
