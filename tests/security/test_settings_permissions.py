"""Who may change what: organisation-wide thresholds, weights, privacy settings and the NSP only by
executives and admins, every change recorded (who, when, old value, new value) and shown."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access import models as m
from data_access.nsp import save_nsp
from data_access.parameter_history import NotAllowed, change_history
from data_access.parameter_store import apply_changes, read_overrides
from metrics.parameters import spec_for
from tests.apptest import open_page
from tests.test_app_access import APP, AUTH, roster_url  # noqa: F401 - roster_url is a fixture


@pytest.mark.parametrize("role", ["leader", "manager", "seller", None])
def test_only_executives_and_admins_change_organisation_wide_settings(conn, role):
    with pytest.raises(NotAllowed, match="only executives and admins"):
        apply_changes(conn, {"privacy.min_respondents": "6"}, by="rita@example.com", role=role)
    with pytest.raises(NotAllowed):
        save_nsp(conn, "We sell for the customer's sake.", [], None, by="rita@example.com", role=role)
    assert read_overrides(conn) == {}
    assert conn.execute(select(func.count()).select_from(m.NobleSalesPurpose)).scalar_one() == 0
    assert change_history(conn) == []


def test_every_change_is_recorded_with_who_old_and_new(conn):
    apply_changes(conn, {"weight.morale": "2"}, by="eve@example.com", role="executive")
    apply_changes(conn, {"weight.morale": "3"}, by="sam@example.com", role="admin")
    apply_changes(conn, {"weight.morale": None}, by="eve@example.com", role="executive")
    save_nsp(
        conn, "We help clinics.", ["clinics"], dt.date(2026, 4, 1), by="eve@example.com", role="executive"
    )
    history = change_history(conn)
    assert sorted(
        ((h["changed_by"], h["key"], h["old_value"], h["new_value"]) for h in history), key=str
    ) == sorted(
        [
            ("eve@example.com", "nsp.statement", None, "We help clinics."),
            ("eve@example.com", "nsp.key_phrases", None, "clinics"),
            ("eve@example.com", "nsp.launch_date", None, "2026-04-01"),
            ("eve@example.com", "weight.morale", None, "2"),
            ("sam@example.com", "weight.morale", "2", "3"),
            ("eve@example.com", "weight.morale", "3", None),
        ],
        key=str,
    )
    assert [h["role"] for h in history].count("admin") == 1
    assert all(isinstance(h["changed_at"], dt.datetime) for h in history)


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("privacy.min_respondents", "1"),
        ("privacy.min_respondents", "0"),
        ("privacy.min_respondents", "-3"),
        ("privacy.min_comments", "9"),
    ],
)
def test_the_survey_minimums_cannot_go_below_their_floors(key, text):
    with pytest.raises(ValueError, match="cannot be below"):
        spec_for(key).validate(text)


def test_the_settings_page_refuses_a_lower_minimum(conn):
    import pandas as pd

    from dashboard.components.threshold_table import save_settings

    table = pd.DataFrame([{"key": "privacy.min_respondents", "value": "1"}])
    with pytest.raises(ValueError, match="cannot be below 5"):
        save_settings(conn, table, by="eve@example.com", role="executive")


def _settings_page(email: str) -> AppTest:
    return open_page("../pages/settings.py", period=None, email=email, timeout=60)


def test_a_leader_reads_the_settings_but_cannot_save_them(roster_url):  # noqa: F811
    from data_access.db import make_engine

    engine = make_engine(roster_url)
    with engine.begin() as conn:
        company = conn.execute(select(m.Team.id).where(m.Team.name == "Company")).scalar_one()
        conn.execute(
            m.Person.__table__.insert().values(
                external_key="l",
                name="Lea Leader",
                email="lea@example.com",
                role="leader",
                team_id=company,
            )
        )
    engine.dispose()
    at = _settings_page("lea@example.com")
    assert not at.exception, at.exception
    assert "only executives and admins can change them" in at.info[0].value
    assert all(button.disabled for button in at.button if button.label.startswith("Save"))


def test_an_executives_change_shows_in_the_history(roster_url):  # noqa: F811
    at = _settings_page("eve@example.com")
    assert not at.exception, at.exception
    at.text_area[0].input("We help clinics spend more time with patients.")
    at.button[0].click().run()
    assert not at.exception, at.exception
    history = at.dataframe[-1].value
    assert list(history["changed_by"]) == ["eve@example.com"]
    assert list(history["setting"]) == ["Statement"]
    assert history["new_value"][0] == "We help clinics spend more time with patients."
