"""Data › Settings: the NSP form and the thresholds table save what a leader changed, and only that."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.components import threshold_table
from data_access.db import make_engine, migrate
from data_access.nsp import parse_key_phrases
from data_access.parameter_store import read_overrides
from data_access.status import current_nsp
from metrics.parameters import all_settings, setting_groups, spec_for
from tests.apptest import open_page


@pytest.fixture
def engine(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'settings.db'}"
    engine = make_engine(url)
    migrate(engine)
    monkeypatch.setenv("DATABASE_URL", url)
    yield engine
    engine.dispose()


def save_entered(engine, entered, **who):
    with engine.begin() as conn:
        return threshold_table.save_entered(conn, entered, **who)


EVE = {"by": "eve@example.com", "role": "executive"}


def test_key_phrases_from_lines_or_commas():
    assert parse_key_phrases("run with confidence, growing companies\n\n growing companies \nclinics") == [
        "run with confidence",
        "growing companies",
        "clinics",
    ]


def test_every_setting_has_a_label_a_unit_bounds_and_a_group_named_like_its_symptom():
    groups = setting_groups()
    listed = [spec.key for _, _, specs in groups for spec in specs]
    assert sorted(listed) == sorted(spec.key for spec in all_settings())
    names = dict((group, name) for group, name, _ in groups)
    assert names["discounting"] == "Discounting" and names["privacy"] == "Survey privacy"
    for spec in all_settings():
        assert spec.label and spec.minimum is not None and spec.maximum is not None, spec.key
        for value in spec.default if isinstance(spec.default, tuple) else (spec.default,):
            assert spec.minimum <= value <= spec.maximum, spec.key
    assert spec_for("discounted_from").show(0.01) == "1%"
    assert spec_for("quarter_end_days").show(14) == "14 days"
    assert spec_for("threshold.morale.green").show(20) == "20 points"


def test_only_changed_values_are_stored_and_defaults_clear_them(engine):
    assert save_entered(engine, {"threshold.customer_talk_share.green": 55, "quarter_end_days": 14}, **EVE) == [
        "threshold.customer_talk_share.green"
    ]
    with engine.connect() as conn:
        assert read_overrides(conn) == {"threshold.customer_talk_share.green": "0.55"}
    assert save_entered(engine, {"threshold.customer_talk_share.green": 55}, **EVE) == []
    assert save_entered(engine, {"threshold.customer_talk_share.green": 40}, **EVE) == [
        "threshold.customer_talk_share.green"
    ]
    with engine.connect() as conn:
        assert read_overrides(conn) == {}


def test_a_list_of_percents_is_entered_as_percent(engine):
    assert save_entered(engine, {"approval_limits": "10, 20, 35"}, **EVE) == ["approval_limits"]
    with engine.connect() as conn:
        assert read_overrides(conn) == {"approval_limits": "0.1, 0.2, 0.35"}


@pytest.mark.parametrize(
    ("key", "entered", "words"),
    [
        ("discounted_from", 150, "cannot be above 100%, not 150%"),
        ("quarter_end_days", 0, "cannot be below 1 days, not 0 days"),
        ("approval_limits", "10, 120", "cannot be above 100%, not 120%"),
        ("approval_limits", "ten", "must be a comma-separated list of numbers"),
    ],
)
def test_an_out_of_bounds_or_unreadable_value_saves_nothing(engine, key, entered, words):
    with pytest.raises(ValueError, match=words):
        save_entered(engine, {"weight.morale": 2, key: entered}, **EVE)
    with engine.connect() as conn:
        assert read_overrides(conn) == {}


def _discounting(at):
    return at.number_input(key="pp.settings.discounted_from")


def _open(at, group: str):
    """Open a group's expander, as a click on it does: only an open group draws its inputs."""
    at.session_state[f"{threshold_table.GROUP_KEY}{group}"] = True
    return at.run()


def test_a_percent_setting_shows_as_percent_and_saving_7_stores_007(engine):
    at = open_page("../pages/settings.py", period=None, timeout=60)
    assert any(e.label == "Discounting" for e in at.expander)
    assert not at.number_input  # every group closed: no input drawn
    field = _discounting(_open(at, "discounting"))
    assert field.label == "Counts as discounted from (%)" and field.value == 1.0
    assert field.max == 100 and field.min == 0
    field.set_value(7.0)
    at.button(key="pp.settings.save.discounting").click().run()
    assert not at.exception, at.exception
    assert "Saved 1 change(s)." in [s.value for s in at.success]
    with engine.connect() as conn:
        assert read_overrides(conn) == {"discounted_from": "0.07"}
    assert _discounting(at).value == 7.0
    assert any(e.label == "Discounting · 1 changed" for e in at.expander)
    history = at.dataframe[0].value  # the only history with a change
    assert list(history["setting"]) == ["Counts as discounted from"]
    assert list(history["old_value"]) == ["default (1%)"] and list(history["new_value"]) == ["7%"]


def test_the_page_refuses_out_of_bounds_values(engine):
    at = _open(open_page("../pages/settings.py", period=None, timeout=60), "discounting")
    _discounting(at).set_value(250.0)  # the bounded input does not take it
    at.button(key="pp.settings.save.discounting").click().run()
    assert not at.exception, at.exception
    assert _discounting(at).value == 1.0
    assert "Nothing changed." in [s.value for s in at.success]
    at.text_input(key="pp.settings.approval_limits").input("10, 120")
    at.button(key="pp.settings.save.discounting").click().run()
    assert [e.value.replace("\\", "") for e in at.error] == [
        "Setting approval_limits (Approval limits) cannot be above 100%, not 120%."
    ]
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
