"""Roster-based access on SQLite and PostgreSQL: each role gets exactly the teams it should."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access import models as m
from data_access.access import access_for_email


@pytest.fixture
def org(conn):
    teams = m.Team.__table__
    people = m.Person.__table__
    ids = {}
    for name, parent in [
        ("Company", None),
        ("Americas", "Company"),
        ("EMEA", "Company"),
        ("Atlas", "Americas"),
        ("Beacon", "Americas"),
        ("Falcon", "EMEA"),
    ]:
        ids[name] = conn.execute(
            teams.insert().values(name=name, parent_id=ids.get(parent))
        ).inserted_primary_key[0]
    for key, email, role, team, left in [
        ("e", "exec@example.com", "executive", "Company", None),
        ("l", "leader@example.com", "leader", "Americas", None),
        ("m", "Manager@Example.com", "manager", "Atlas", None),
        ("s", "seller@example.com", "seller", "Atlas", None),
        ("a", "admin@example.com", "admin", "Company", None),
        ("x", "gone@example.com", "manager", "Beacon", dt.date(2025, 1, 31)),
    ]:
        conn.execute(
            people.insert().values(
                external_key=key,
                name=key.upper(),
                email=email,
                role=role,
                team_id=ids[team],
                termination_date=left,
            )
        )
    return ids


def test_executive_sees_everything(conn, org):
    access = access_for_email(conn, "exec@example.com")
    assert access.allowed and access.scope.all_teams and access.sees_people_data


def test_leader_sees_their_region_and_its_teams_only(conn, org):
    access = access_for_email(conn, "leader@example.com")
    assert access.scope.team_ids == {org["Americas"], org["Atlas"], org["Beacon"]}
    assert not access.scope.allows(org["Falcon"])


def test_manager_sees_own_team_and_email_case_does_not_matter(conn, org):
    access = access_for_email(conn, "manager@example.COM")
    assert access.role == "manager" and access.scope.team_ids == {org["Atlas"]}
    assert not access.scope.allows(org["Beacon"])


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("seller@example.com", "sellers have no access"),
        ("stranger@example.com", "not in the Purpose Pulse roster"),
        ("gone@example.com", "has left"),
        ("", "not signed in"),
    ],
)
def test_no_access_gives_a_reason_and_no_teams(conn, org, email, reason):
    access = access_for_email(conn, email, today=dt.date(2026, 6, 1))
    assert not access.allowed and reason in access.denied_reason
    assert access.scope.team_ids == frozenset() and not access.scope.all_teams


def test_admin_gets_data_pages_but_no_people_data(conn, org):
    access = access_for_email(conn, "admin@example.com")
    assert access.allowed and access.is_admin and not access.sees_people_data
    assert access.scope.team_ids == frozenset() and not access.scope.all_teams


def test_groups_raise_a_rostered_role_but_never_admit_strangers(conn, org):
    mapping = {"sales-execs": "executive"}
    promoted = access_for_email(conn, "manager@example.com", groups=("sales-execs",), group_roles=mapping)
    assert promoted.role == "executive" and promoted.scope.all_teams
    stranger = access_for_email(conn, "stranger@example.com", groups=("sales-execs",), group_roles=mapping)
    assert not stranger.allowed
