"""The app shell and home page through Streamlit's AppTest, on a small seeded database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from data_access import models as m
from data_access.db import make_engine, migrate
from tests.apptest import open_page


@pytest.fixture
def seeded_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'home.db'}"
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        team = m.Team(name="Northwind")
        seller = m.Person(external_key="s1", name="Kim Lee", team=team, role="seller")
        session.add_all([team, seller])
        session.flush()
        for i in range(3):
            session.add(
                m.Opportunity(
                    external_key=f"o{i}",
                    name=f"Deal {i}",
                    owner_id=seller.id,
                    team_id=team.id,
                    stage="Closed Won",
                    is_won=True,
                    is_closed=True,
                    amount=Decimal("1250000"),
                    close_date=dt.date(2026, 1 + i, 15),
                )
            )
        session.add(
            m.NobleSalesPurpose(
                statement="We help clinics spend more time with patients.",
                key_phrases=["time with patients"],
                launch_date=dt.date(2026, 2, 1),
            )
        )
        session.commit()
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_home_shows_what_is_loaded(seeded_url):
    at = open_page("../pages/home.py", period=None, timeout=60)
    text = " ".join(md.value for md in at.markdown)
    assert "We help clinics spend more time with patients." in text.replace("\\", "")  # shown as typed
    assert "15 Jan 2026" in text and "15 Mar 2026" in text
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Deals"] == "3"
    assert metrics["Won amount"] == "$3.8M"
    assert metrics["Teams"] == "1"
    banner = " ".join(i.value for i in at.sidebar.info)
    assert "Local mode" in banner and "local executive" in banner


def test_empty_database_explains_itself(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    at = open_page("../pages/home.py", period=None, timeout=60)
    infos = " ".join(i.value for i in at.info)
    assert "No Noble Sales Purpose" in infos and "Nothing has been imported yet" in infos
    assert {metric.label: metric.value for metric in at.metric}["Deals"] == "0"
