"""The data model round-trips on SQLite and PostgreSQL (the ``conn`` fixture runs both)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access import models as m
from data_access.history_rollup import rebuild_deal_history
from data_access.scope import Scope
from data_access.status import load_counts


def _org(session: Session) -> dict:
    company = m.Team(name="Company")
    east = m.Team(name="East", parent=company, nsp_adopted_on=dt.date(2026, 1, 1))
    west = m.Team(name="West", parent=company)
    boss = m.Person(
        external_key="p-boss", name="Ada Boss", email="ada@example.com", team=company, role="executive"
    )
    seller = m.Person(
        external_key="p-1",
        name="Bo Seller",
        email="bo@example.com",
        team=east,
        manager=boss,
        role="seller",
        hire_date=dt.date(2024, 2, 1),
        termination_date=dt.date(2026, 3, 31),
        termination_voluntary=True,
    )
    acme = m.Account(external_key="a-1", name="Acme Ltd", segment="SMB", employees=40)
    deal = m.Opportunity(
        external_key="o-1",
        name="Acme renewal",
        account=acme,
        owner=seller,
        team_id=None,
        stage="Closed Won",
        amount=Decimal("9000.00"),
        list_amount=Decimal("10000.00"),
        discount=0.1,
        is_won=True,
        is_closed=True,
        created_date=dt.date(2026, 1, 5),
        close_date=dt.date(2026, 3, 30),
        customer_outcome="Cut their month-end close from ten days to four",
        executive_sponsor="Jane Roe, CFO",
    )
    session.add_all([company, east, west, boss, seller, acme, deal])
    session.flush()
    deal.team_id = east.id
    session.add_all(
        [
            m.OpportunityHistory(
                opportunity_id=deal.id,
                changed_at=dt.datetime(2026, 1, 5, 9),
                stage="Discovery",
                amount=Decimal("10000"),
                close_date=dt.date(2026, 2, 28),
            ),
            m.OpportunityHistory(
                opportunity_id=deal.id,
                changed_at=dt.datetime(2026, 3, 30, 17),
                stage="Closed Won",
                amount=Decimal("9000"),
                close_date=dt.date(2026, 3, 30),
            ),
            m.Quota(
                person_id=seller.id,
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 3, 31),
                amount=Decimal("120000"),
            ),
            m.Subscription(
                external_key="s-1",
                account_id=acme.id,
                opportunity_id=deal.id,
                team_id=east.id,
                start_date=dt.date(2026, 4, 1),
                arr=Decimal("9000"),
                mrr=Decimal("750"),
            ),
            m.SurveyResponse(
                respondent_key="r1",
                team_id=east.id,
                submitted_at=dt.datetime(2026, 3, 1),
                question_code="enps",
                score=9,
                scale=10,
            ),
            m.NobleSalesPurpose(
                statement="We help small businesses be more successful.",
                key_phrases=["small businesses", "more successful"],
                launch_date=dt.date(2026, 1, 1),
            ),
        ]
    )
    meeting = m.Meeting(
        external_key="mtg-1",
        kind="deal_review",
        held_at=dt.datetime(2026, 3, 2, 10),
        team_id=east.id,
        title="Acme deal review",
        duration_seconds=1800,
    )
    meeting.utterances = [
        m.Utterance(
            seq=0,
            speaker="Ada Boss",
            start_seconds=0.0,
            end_seconds=4.5,
            text="What is Acme trying to achieve?",
            label="customer_impact",
            is_question=True,
        ),
        m.Utterance(
            seq=1,
            speaker="Bo Seller",
            text="Can we close it this quarter?",
            label="revenue",
            is_question=True,
        ),
    ]
    session.add(meeting)
    session.flush()
    return {"east": east.id, "west": west.id, "deal": deal.id, "meeting": meeting.id}


def test_every_table_round_trips(conn):
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        ids = _org(session)
        session.commit()
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        deal = session.get(m.Opportunity, ids["deal"])
        assert deal.amount == Decimal("9000.00")
        assert deal.owner.manager.name == "Ada Boss"
        assert deal.owner.termination_voluntary is True
        assert [h.stage for h in deal.history] == ["Discovery", "Closed Won"]
        assert deal.history[0].close_date == dt.date(2026, 2, 28)
        meeting = session.get(m.Meeting, ids["meeting"])
        assert [u.speaker for u in meeting.utterances] == ["Ada Boss", "Bo Seller"]
        assert meeting.utterances[0].is_question is True
        nsp = session.scalars(select(m.NobleSalesPurpose)).one()
        assert nsp.key_phrases == ["small businesses", "more successful"]
        east = session.get(m.Team, ids["east"])
        assert east.parent.name == "Company" and east.nsp_adopted_on == dt.date(2026, 1, 1)


def test_counts_respect_scope(conn):
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        ids = _org(session)
        session.commit()
    # Written straight to the tables, so the history rollup is brought up to date as every writer does.
    rebuild_deal_history(conn)
    everything = load_counts(conn, Scope.everything())
    assert everything["opportunities"] == 1 and everything["won_amount"] == 9000.0
    assert everything["utterances"] == 2 and everything["history_rows"] == 2
    assert load_counts(conn, Scope.teams([ids["west"]]))["history_rows"] == 0
    assert everything["accounts"] == 1 and load_counts(conn, Scope.teams([ids["east"]]))["accounts"] == 1
    west_only = load_counts(conn, Scope.teams([ids["west"]]))
    assert west_only["accounts"] == 0
    assert (
        west_only["opportunities"] == 0
        and west_only["utterances"] == 0
        and west_only["survey_responses"] == 0
    )
    nobody = load_counts(conn, Scope.teams([]))
    assert nobody["people"] == 0 and nobody["meetings"] == 0


def test_duplicate_external_key_is_refused(conn):
    conn.execute(m.Account.__table__.insert(), [{"external_key": "dup", "name": "One"}])
    with pytest.raises(IntegrityError), conn.begin_nested():
        conn.execute(m.Account.__table__.insert(), [{"external_key": "dup", "name": "Two"}])
    assert conn.execute(select(func.count()).select_from(m.Account)).scalar_one() == 1


def test_foreign_keys_are_enforced(conn):
    with pytest.raises(IntegrityError), conn.begin_nested():
        conn.execute(
            m.Utterance.__table__.insert(),
            [{"meeting_id": 987654, "seq": 0, "text": "orphan", "is_question": False, "nsp_mention": False}],
        )
