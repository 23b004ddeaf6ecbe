"""Data › Settings: the NSP form and the thresholds table save what a leader changed, and only that."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.components import threshold_table
from data_access.db import make_engine, migrate
from data_access.nsp import parse_key_phrases
from data_access.parameter_store import read_overrides
from data_access.status import current_nsp
from metrics.parameters import all_settings
from tests.apptest import open_page


@pytest.fixture
def engine(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'settings.db'}"
    engine = make_engine(url)
    migrate(engine)
    monkeypatch.setenv("DATABASE_URL", url)
    yield engine
    engine.dispose()


def settings_table(engine):
    with engine.connect() as conn:
        return threshold_table.settings_table(read_overrides(conn))


def save_settings(engine, edited, **who):
    with engine.begin() as conn:
        return threshold_table.save_settings(conn, edited, **who)


def test_key_phrases_from_lines_or_commas():
    assert parse_key_phrases("run with confidence, growing companies\n\n growing companies \nclinics") == [
        "run with confidence",
        "growing companies",
        "clinics",
    ]


def test_table_lists_every_setting_with_help(engine):
    table = settings_table(engine)
    assert len(table) == len(all_settings())
    assert table["help"].str.len().min() > 10
    assert not table["changed"].any()


def test_only_changed_values_are_stored_and_defaults_clear_them(engine):
    table = settings_table(engine)
    edited = table.copy()
    edited.loc[edited["key"] == "threshold.customer_talk_share.green", "value"] = "0.55"
    assert save_settings(engine, edited, by="eve@example.com", role="executive") == [
        "threshold.customer_talk_share.green"
    ]
    with engine.connect() as conn:
        assert read_overrides(conn) == {"threshold.customer_talk_share.green": "0.55"}
    assert save_settings(engine, settings_table(engine), by="eve@example.com", role="executive") == []
    with engine.connect() as conn:
        assert read_overrides(conn) == {"threshold.customer_talk_share.green": "0.55"}
    assert save_settings(engine, table, by="eve@example.com", role="executive") == [
        "threshold.customer_talk_share.green"
    ]
    with engine.connect() as conn:
        assert read_overrides(conn) == {}


def test_an_unreadable_value_saves_nothing(engine):
    edited = settings_table(engine)
    edited.loc[edited["key"] == "weight.morale", "value"] = "2"
    edited.loc[edited["key"] == "threshold.morale.green", "value"] = "lots"
    with pytest.raises(ValueError, match="threshold.morale.green must be a number"):
        save_settings(engine, edited, by="eve@example.com", role="executive")
    with engine.connect() as conn:
        assert read_overrides(conn) == {}


def test_nsp_form_saves_the_statement(engine):
    at = open_page("../pages/settings.py", period=None, timeout=60)
    at.text_area[0].input("We help clinics spend more time with patients.")
    at.text_area[1].input("time with patients\nclinics")
    at.date_input[0].set_value(dt.date(2026, 4, 1))
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Saved" in at.success[0].value
    with engine.connect() as conn:
        assert current_nsp(conn) == {
            "statement": "We help clinics spend more time with patients.",
            "key_phrases": ["time with patients", "clinics"],
            "launch_date": dt.date(2026, 4, 1),
        }


def test_empty_statement_is_refused_in_one_sentence(engine):
    at = open_page("../pages/settings.py", period=None, timeout=60)
    at.text_area[0].input("   ")
    at.button[0].click().run()
    assert at.error[0].value.replace("\\", "") == "The Noble Sales Purpose statement cannot be empty."
