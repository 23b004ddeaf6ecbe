"""One-on-one notes: kept for the seller's management line only, and what was agreed carried forward."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, delete, insert

from data_access import models as m
from data_access.one_on_one import (
    NotInLine,
    agreed_last_time,
    in_line,
    management_line,
    one_on_ones,
    record_one_on_one,
    set_action_done,
)
from data_access.scope import Scope

ENGINE = create_engine("sqlite://")
m.Base.metadata.create_all(ENGINE)
TODAY = dt.date.today()


def as_viewer(email: str) -> Scope:
    return Scope.teams([], viewer=email)


def write_roster(conn, managers: list[int | None], roles: list[str], left: list[bool] | None = None) -> None:
    """People 1..n; person i+1 reports to ``managers[i]`` (a person number or None); emails p<i>@x.com."""
    for table in (m.OneOnOneAction, m.OneOnOne, m.Person, m.Team):
        conn.execute(delete(table))
    conn.execute(insert(m.Team), [{"id": 1, "name": "Atlas"}])
    rows = [
        {
            "id": i + 1,
            "external_key": f"p{i + 1}",
            "name": f"Person {i + 1}",
            "email": f"p{i + 1}@x.com",
            "team_id": 1,
            "role": roles[i],
            "termination_date": TODAY - dt.timedelta(days=3) if left and left[i] else None,
        }
        for i in range(len(managers))
    ]
    conn.execute(insert(m.Person), rows)
    for i, manager in enumerate(managers):
        if manager is not None:
            conn.execute(m.Person.__table__.update().where(m.Person.id == i + 1).values(manager_id=manager))


@pytest.fixture
def conn():
    with ENGINE.connect() as connection:
        transaction = connection.begin()
        # Sue (3) reports to Max (2), who reports to Eve (1); Bea (4) manages another line under Eve;
        # Cal (5) is an executive outside any line; Ola (6) is Max's old manager, who has left.
        write_roster(
            connection,
            [None, 1, 2, 1, None, None],
            ["executive", "manager", "seller", "manager", "executive", "leader"],
        )
        yield connection
        transaction.rollback()


def test_the_line_is_the_manager_and_those_above(conn):
    assert management_line(conn, 3) == [2, 1]
    assert [in_line(conn, as_viewer(f"p{i}@x.com"), 3) for i in range(1, 7)] == [
        True,
        True,
        False,  # the seller themself
        False,  # a peer manager
        False,  # an executive of no line above
        False,
    ]
    assert in_line(conn, as_viewer("P2@X.com "), 3)  # the email as the identity provider spells it


def test_agreed_actions_are_carried_into_the_next_prep_until_done(conn):
    max_ = as_viewer("p2@x.com")
    first = record_one_on_one(
        conn, max_, 3, TODAY - dt.timedelta(days=14), "Talked about Acme.", ["Ask Acme's CFO what success is", " "]
    )
    record_one_on_one(conn, max_, 3, TODAY - dt.timedelta(days=7), "", ["Add outcomes to the three commit deals"])
    assert [(a.text, a.agreed_on) for a in agreed_last_time(conn, max_, 3)] == [
        ("Add outcomes to the three commit deals", TODAY - dt.timedelta(days=7)),
        ("Ask Acme's CFO what success is", TODAY - dt.timedelta(days=14)),
    ]
    done = next(a for a in agreed_last_time(conn, max_, 3) if a.agreed_on == TODAY - dt.timedelta(days=14))
    set_action_done(conn, as_viewer("p1@x.com"), done.id)  # Eve, above Max, may too
    assert [a.text for a in agreed_last_time(conn, max_, 3)] == ["Add outcomes to the three commit deals"]
    notes = one_on_ones(conn, max_, 3)
    assert [n.held_on for n in notes] == [TODAY - dt.timedelta(days=7), TODAY - dt.timedelta(days=14)]
    assert notes[1].id == first and notes[1].notes == "Talked about Acme." and notes[1].written_by == "p2@x.com"
    assert notes[1].actions[0].done_by == "p1@x.com" and not notes[1].actions[0].open


def test_an_empty_or_future_one_on_one_is_refused_in_one_sentence(conn):
    max_ = as_viewer("p2@x.com")
    with pytest.raises(ValueError, match="Write some notes or at least one agreed action"):
        record_one_on_one(conn, max_, 3, TODAY, "  ", ["", " "])
    with pytest.raises(ValueError, match="is in the future"):
        record_one_on_one(conn, max_, 3, TODAY + dt.timedelta(days=1), "Notes", [])


def test_someone_who_has_left_is_out_of_the_line(conn):
    write_roster(conn, [None, 1, 2], ["executive", "manager", "seller"], left=[False, True, False])
    assert not in_line(conn, as_viewer("p2@x.com"), 3)
    assert in_line(conn, as_viewer("p1@x.com"), 3)


@st.composite
def rosters(draw):
    """A roster of 2..10 people where each reports to someone earlier or to no one, with a loop
    sometimes (a bad import), a seller in it and a viewer (or an email not in it)."""
    n = draw(st.integers(2, 10))
    managers = [None] + [draw(st.none() | st.integers(1, i)) for i in range(1, n)]
    if draw(st.booleans()):
        managers[0] = draw(st.integers(1, n))  # the top reports to someone below: a loop
    roles = [draw(st.sampled_from(["seller", "manager", "leader", "executive", "admin"])) for _ in range(n)]
    left = [draw(st.booleans()) for _ in range(n)]
    seller = draw(st.integers(1, n))
    viewer = draw(st.integers(1, n + 1))  # n + 1: not in the roster
    return managers, roles, left, seller, viewer


def _above(managers: list[int | None], seller: int) -> set[int]:
    """The seller's line computed independently: walk up until no manager or a repeat."""
    seen: list[int] = []
    current = managers[seller - 1]
    while current is not None and current not in seen and current != seller:
        seen.append(current)
        current = managers[current - 1]
    return set(seen)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rosters())
def test_nobody_outside_the_sellers_management_line_can_read_or_write_a_note(conn, roster):
    managers, roles, left, seller, viewer = roster
    write_roster(conn, managers, roles, left)
    allowed = viewer in _above(managers, seller) and not left[viewer - 1] if viewer <= len(managers) else False
    # A note exists, written by the nearest employed manager when there is one.
    writers = [p for p in _above(managers, seller) if not left[p - 1]]
    if writers:
        record_one_on_one(conn, as_viewer(f"p{writers[0]}@x.com"), seller, TODAY, "Private notes", ["Follow up"])
    who = as_viewer(f"p{viewer}@x.com")
    attempts = [
        lambda: one_on_ones(conn, who, seller),
        lambda: agreed_last_time(conn, who, seller),
        lambda: record_one_on_one(conn, who, seller, TODAY, "Mine", []),
    ]
    if writers:
        action = agreed_last_time(conn, as_viewer(f"p{writers[0]}@x.com"), seller)[0].id
        attempts.append(lambda: set_action_done(conn, who, action))
    for attempt in attempts:
        if allowed:
            attempt()
        else:
            with pytest.raises(NotInLine, match="not in this seller's management line"):
                attempt()
