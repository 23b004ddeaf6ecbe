"""`--as EMAIL`: the command line applies a person's access exactly as the web app does."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import run_cli

PERIOD = ("--from", "2026-07-01", "--to", "2026-09-30")


def _report(url: str, email: str):
    return run_cli("report", *PERIOD, "--as", email, database_url=url)


@pytest.mark.parametrize(
    ("email", "teams"),
    [
        ("claire.donovan@example.com", ["Atlas"]),
        ("priya.raman@example.com", ["Atlas", "Beacon", "Cedar", "Delta"]),
        (
            "morgan.hale@example.com",
            ["Atlas", "Beacon", "Cedar", "Delta", "Evergreen", "Falcon", "Granite", "Harbor"],
        ),
    ],
)
def test_report_as_sees_exactly_the_teams_of_that_role(demo_database_url, email, teams):
    result = _report(demo_database_url, email)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [t["team"] for t in report["teams"]] == teams


def test_manager_cannot_ask_for_another_team(demo_database_url):
    result = run_cli(
        "report",
        *PERIOD,
        "--as",
        "claire.donovan@example.com",
        "--team",
        "Beacon",
        database_url=demo_database_url,
    )
    assert result.returncode == 2
    assert "Beacon" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("jonas.vasquez@example.com", "sellers have no access"),
        ("stranger@example.com", "not in the Purpose Pulse roster"),
        ("sam.ortiz@example.com", "sees no people data"),
    ],
)
def test_no_access_is_one_line_and_no_data(demo_database_url, email, reason):
    result = _report(demo_database_url, email)
    assert result.returncode == 2
    assert reason in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_status_as_manager_counts_only_their_team(demo_database_url):
    manager = json.loads(
        run_cli(
            "status", "--json", "--as", "claire.donovan@example.com", database_url=demo_database_url
        ).stdout
    )
    everyone = json.loads(run_cli("status", "--json", database_url=demo_database_url).stdout)
    admin = json.loads(
        run_cli("status", "--json", "--as", "sam.ortiz@example.com", database_url=demo_database_url).stdout
    )
    assert manager["teams"] == 1 and 0 < manager["opportunities"] < everyone["opportunities"]
    assert admin == everyone


@pytest.mark.parametrize("command", ["report", "status"])
@pytest.mark.parametrize("email", ["", "   ", "nobody@example.com"])
def test_as_must_name_a_person_in_the_roster(demo_database_url, command, email):
    extra = PERIOD if command == "report" else ("--json",)
    result = run_cli(command, *extra, "--as", email, database_url=demo_database_url)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""
