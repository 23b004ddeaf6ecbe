"""The filter bar's logic: presets, the URL round trip, and that filters never widen the scope."""

from __future__ import annotations

import datetime as dt

from dashboard.shell.filters import FilterChoice, choice_from_query, preset_period, resolve, team_families
from data_access.org import TeamRow
from data_access.scope import Period, Scope

TODAY = dt.date(2026, 11, 22)
ROWS = [
    TeamRow(1, "Americas", None, None, True),
    TeamRow(2, "Atlas", 1, "Americas", False),
    TeamRow(3, "Beacon", 1, "Americas", False),
]


def test_presets_on_a_known_day():
    assert preset_period("last_quarter", TODAY) == Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert preset_period("this_quarter", TODAY) == Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert preset_period("last_12_months", TODAY) == Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    assert preset_period("last_12_months", dt.date(2026, 1, 5)) == Period(
        dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    )


def test_query_round_trip_reproduces_the_view():
    choice = FilterChoice("custom", dt.date(2026, 2, 1), dt.date(2026, 4, 30), ("Atlas", "Beacon"), "SMB")
    assert choice_from_query(choice.to_query()) == choice


def test_unreadable_query_falls_back_to_last_quarter():
    choice = choice_from_query({"period": "custom", "from": "not a date", "teams": " , "})
    assert choice.preset == "last_quarter" and choice.teams == ()


def test_region_includes_its_teams():
    families = team_families(ROWS)
    assert families["Americas"] == frozenset({1, 2, 3}) and families["Beacon"] == frozenset({3})


def test_team_outside_the_scope_is_ignored_and_said():
    visible = team_families([r for r in ROWS if r.id == 2])  # a manager of Atlas only
    filters, notes = resolve(FilterChoice(teams=("Atlas", "Beacon")), visible, ["SMB"], TODAY)
    assert filters.team_ids == frozenset({2})
    assert notes == ["Ignored team(s) outside your view: Beacon."]
    narrowed = filters.team_ids_within(Scope.teams([2]))
    assert narrowed.team_ids == frozenset({2})


def test_filters_never_widen_a_scope():
    filters, _ = resolve(FilterChoice(teams=("Americas",)), team_families(ROWS), [], TODAY)
    assert filters.team_ids_within(Scope.teams([2])).team_ids == frozenset({2})
    assert filters.team_ids_within(Scope.teams([])).team_ids == frozenset()
