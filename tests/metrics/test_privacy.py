"""Survey confidentiality: small groups hidden, their sibling hidden with them, no subtraction."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.scope import Scope
from metrics.privacy import hidden_groups, selection_visible
from metrics.registry import evaluate, evidence
from tests.metrics.builders import Org, filters

EVERYONE = Scope.everything()


def test_hidden_groups_pure_rules():
    parents = {"E": "emea", "F": "emea", "G": "emea", "H": "emea", "A": "amer", "B": "amer"}
    counts = {"E": 6, "F": 8, "G": 12, "H": 4, "A": 3, "B": 2}
    # H alone under EMEA would be derivable: E, the next smallest, goes too. A and B hide each other.
    assert hidden_groups(counts, parents, 5) == {"H", "E", "A", "B"}
    assert hidden_groups({"X": 0, "Y": 9}, {}, 5) == set()


@pytest.mark.parametrize(
    ("selected", "shown"),
    [
        ({"F", "G"}, True),
        ({"E", "F", "G"}, False),
        ({"E", "H"}, True),
        ({"H"}, False),
        ({"E", "F", "G", "H"}, True),
    ],
)
def test_selection_never_reveals_a_hidden_group(selected, shown):
    parents = dict.fromkeys("EFGH", "emea")
    counts = {"E": 6, "F": 8, "G": 12, "H": 4}
    assert selection_visible(selected, counts, parents, 5) is shown


def emea(org: Org) -> dict[str, int]:
    region = org.team("EMEA")
    teams = {name: org.team(name, parent=region) for name in ("Evergreen", "Falcon", "Granite", "Harbor")}
    sizes = {"Evergreen": 6, "Falcon": 8, "Granite": 12, "Harbor": 4}
    for name, team in teams.items():
        org.answers(team, "enps", [9] * sizes[name], prefix=name)
        org.answers(team, "peer_relationships", [4] * sizes[name], prefix=name)
    return teams


def test_group_of_four_hidden_and_its_sibling_with_it(conn):
    org = Org(conn)
    teams = emea(org)
    harbor = evaluate(conn, "morale", EVERYONE, filters(teams=[teams["Harbor"]]))
    assert (harbor.status, harbor.value, harbor.score, harbor.previous) == ("suppressed", None, None, None)
    sibling = evaluate(conn, "morale", EVERYONE, filters(teams=[teams["Evergreen"]]))
    assert sibling.status == "suppressed"
    falcon = evaluate(conn, "morale", EVERYONE, filters(teams=[teams["Falcon"]]))
    assert falcon.value == pytest.approx(100.0)
    assert evaluate(conn, "morale", EVERYONE, filters()).parts["respondents"] == 30
    # Everything but Harbor would give Harbor away by subtraction from the organisation.
    rest = [teams[name] for name in ("Evergreen", "Falcon", "Granite")]
    assert evaluate(conn, "peer_competition", EVERYONE, filters(teams=rest)).status == "suppressed"


def test_a_manager_of_a_small_team_sees_nothing(conn):
    org = Org(conn)
    teams = emea(org)
    own = evaluate(conn, "morale", Scope.teams([teams["Harbor"]]), filters())
    assert own.status == "suppressed"


def test_filter_isolating_three_people_shows_nothing(conn):
    org = Org(conn)
    solo = org.team("Solo")
    org.answers(solo, "enps", [10, 0, 5])
    result = evaluate(conn, "morale", EVERYONE, filters(teams=[solo]))
    assert result.status == "suppressed" and result.value is None
    assert "enps" not in str(result.parts.get("drivers"))


def test_survey_evidence_is_aggregated_and_blanks_hidden_teams(conn):
    org = Org(conn)
    emea(org)
    rows = evidence(conn, "morale", EVERYONE, filters())
    assert list(rows["team"]) == ["Evergreen", "Falcon", "Granite", "Harbor"]
    hidden = rows.loc[rows["team"].isin(["Evergreen", "Harbor"])]
    assert hidden["respondents"].isna().all() and hidden["mean_score"].isna().all()
    assert rows.loc[rows["team"] == "Granite", "respondents"].item() == 12
    assert "respondent_key" not in rows.columns


def test_previous_period_of_suppressed_group_is_not_shown(conn):
    org = Org(conn)
    small = org.team("Small")
    org.answers(small, "enps", [10] * 6, when=dt.datetime(2024, 11, 1))
    org.answers(small, "enps", [10] * 2, when=dt.datetime(2025, 2, 1))
    result = evaluate(conn, "morale", EVERYONE, filters())
    assert result.status == "suppressed" and result.previous is None
