"""Every symptom computed for many teams at once equals the symptom computed for each team alone.

The team scorecards (Overview, the report) use the grouped form so that 200 teams cost the queries
of one; these tests hold it to the one-team definition on a two-division demo (16 sales teams), on
SQLite and PostgreSQL, over a quarter and over a year.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict

import pytest
from sqlalchemy import insert, select

from data_access import models as m
from data_access.demo.scale import SCALES, stream_demo
from data_access.scope import Filters, Period, Scope, last_full_quarter, recent_periods
from metrics.common import only_team, reusing_reads
from metrics.parameters import MetricSettings
from metrics.registry import METRICS, measure, measure_periods
from metrics.scorecard import lines_of, sales_teams, scorecard, team_history, team_lines, team_scorecards
from tests.conftest import count_statements
from tests.metrics.conftest import DEMO_END

pytestmark = pytest.mark.slow

QUARTER = last_full_quarter(DEMO_END + dt.timedelta(days=1))
YEAR = Period(DEMO_END - dt.timedelta(days=364), DEMO_END)
EVERYONE = Scope.everything()


@pytest.fixture(scope="module")
def org(db_engine):
    """A connection on a two-division demo organisation, rolled back after the module."""
    with db_engine.connect() as connection:
        trans = connection.begin()
        stream_demo(connection, SCALES["tiny-multi"], seed=7, end=DEMO_END)
        _deals_on_a_region(connection)
        yield connection
        trans.rollback()


def _deals_on_a_region(conn) -> None:
    """Copies of forty deals booked on a region (a team with teams under it, not a sales team): no
    sales team's figure may change when every team's rows are read at once."""
    opp = m.Opportunity
    region = conn.execute(select(m.Team.parent_id).where(m.Team.parent_id.is_not(None)).limit(1)).scalar_one()
    rows = conn.execute(select(opp).where(opp.close_date.is_not(None)).order_by(opp.id).limit(40)).mappings()
    copies = [
        {**row, "id": None, "external_key": f"region-{row['id']}", "team_id": region} for row in rows.all()
    ]
    for copy in copies:
        copy.pop("id")
    conn.execute(insert(opp), copies)


def same(a, b, path: str = "") -> None:
    """Equal, numbers to 1e-9 relative, through dicts and lists; names the first difference."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), f"{path}: keys {sorted(a)} != {sorted(b)}"
        for key in a:
            same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        assert len(a) == len(b), f"{path}: {len(a)} items != {len(b)}"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{index}]")
    elif isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@pytest.mark.parametrize("period", [QUARTER, YEAR], ids=["quarter", "year"])
@pytest.mark.parametrize("metric", METRICS, ids=[metric.id for metric in METRICS])
def test_grouped_equals_one_team_at_a_time(org, metric, period):
    """Each metric's one ``measure`` grouped by team gives, for every team, what it gives over the
    filters narrowed to that team alone."""
    settings = MetricSettings.defaults()
    filters = Filters(period)
    teams = tuple(tid for tid, _ in sales_teams(org, EVERYONE))
    assert len(teams) == 16
    grouped = measure(org, metric, EVERYONE, filters, settings, teams)
    assert sorted(grouped) == sorted(teams)
    # Every sales team asked for by a viewer who sees them all: the rows are read unnarrowed.
    [every] = measure_periods(org, metric, EVERYONE, [filters], settings, teams, every_team=True)
    assert sorted(every) == sorted(teams)
    for tid in teams:
        same(asdict(every[tid]), asdict(grouped[tid]), f"{metric.id}, team {tid}, every team read at once")
    for tid in teams:
        alone = measure(org, metric, EVERYONE, only_team(filters, tid), settings)[None]
        got = grouped[tid]
        where = f"{metric.id}, team {tid}"
        assert (got.needs, got.too_few, got.n) == (alone.needs, alone.too_few, alone.n), where
        assert got.suppressed == alone.suppressed, where
        assert got.detail == alone.detail, where
        same(got.value, alone.value, f"{where}: value")
        same(got.parts, alone.parts, f"{where}: parts")


def test_team_scorecards_cost_the_same_queries_for_two_teams_or_sixteen(org):
    teams = [tid for tid, _ in sales_teams(org, EVERYONE)]
    with count_statements(org.engine) as recorded:
        team_scorecards(org, EVERYONE, Filters(QUARTER), team_ids=teams[:2])
    two = len(recorded)
    with count_statements(org.engine) as recorded:
        cards = team_scorecards(org, EVERYONE, Filters(QUARTER))
    assert len(cards) == 16
    assert len(recorded) <= two + 2  # the same grouped queries, whatever the number of teams


def test_the_teams_history_is_each_periods_scorecards_measured_once(org):
    """The Overview's six periods of team scorecards equal the team scorecards of each period alone,
    and cost about seven measurements of each symptom, not twelve: a period's figures are the next
    one's comparison."""
    periods = recent_periods(QUARTER)
    with count_statements(org.engine) as recorded:
        alone = [team_scorecards(org, EVERYONE, Filters(period)) for period in periods]
    separately = len(recorded)
    with count_statements(org.engine) as recorded:
        history = team_history(org, EVERYONE, Filters(QUARTER))
    assert [[card.name for card in cards] for cards in history] == [
        [c.name for c in cards] for cards in alone
    ]
    for period, cards, expected in zip(periods, history, alone, strict=True):
        for card, other in zip(cards, expected, strict=True):
            for got, want in zip(card.symptoms, other.symptoms, strict=True):
                # PostgreSQL may sum floats in another order from one run to the next: to 1e-9.
                same(asdict(got), asdict(want), f"{period.label()}, {card.name}, {got.id}")
    assert [cards[0].symptoms[0].previous for cards in history[1:]] == [
        cards[0].symptoms[0].value for cards in history[:-1]
    ]
    assert len(recorded) < separately * 0.65, (len(recorded), separately)


def test_the_index_lines_skip_the_earlier_periods_comparisons_and_show_the_same(org):
    """The Overview's team table and heatmap (this period's scorecards, compared with the period
    before) and each team's index over six periods are the same whether or not the five earlier
    periods are compared with the periods before them (an index reads scores only), and skipping
    those comparisons measures six periods, not seven."""
    filters = Filters(QUARTER)
    with count_statements(org.engine) as recorded:
        compared = team_history(org, EVERYONE, filters)
    seven = len(recorded)
    with count_statements(org.engine) as recorded:
        lines = team_lines(org, EVERYONE, filters)
    six = len(recorded)
    expected = lines_of(compared)
    assert len(lines.cards) == 16
    same(lines.lines, expected.lines, "index lines")
    assert any(value is not None for line in lines.lines.values() for value in line[:-1])
    for card, other in zip(lines.cards, expected.cards, strict=True):
        assert card.name == other.name
        for got, want in zip(card.symptoms, other.symptoms, strict=True):
            same(asdict(got), asdict(want), f"{card.name}, {got.id}")
    assert any(result.previous is not None for card in lines.cards for result in card.symptoms)
    assert six < seven * 0.95, (six, seven)
    # The earlier periods, uncompared, keep their scores and lose only what the comparison gave.
    uncompared = team_history(org, EVERYONE, filters, compare_earlier=False)
    for before, after in zip(compared[:-1], uncompared[:-1], strict=True):
        for card, other in zip(before, after, strict=True):
            assert [r.score for r in card.symptoms] == [r.score for r in other.symptoms]
            assert all(r.previous is None and r.trend is None for r in other.symptoms)


def test_the_organisation_and_its_teams_computed_together_read_what_they_share_once(org):
    """The Overview computes the organisation's scorecard and the teams' index lines in one block:
    what both ask alike — the survey respondents the privacy rules count over every team, the
    sales force's headcount and leavers, whether there is an NSP — is read once, and every figure
    is the same as when the two are computed apart."""
    filters = Filters(QUARTER)
    with count_statements(org.engine) as recorded:
        apart = scorecard(org, EVERYONE, filters), team_lines(org, EVERYONE, filters)
    apart_statements = list(recorded)
    with count_statements(org.engine) as recorded, reusing_reads():
        together = scorecard(org, EVERYONE, filters), team_lines(org, EVERYONE, filters)
    together_statements = list(recorded)
    for got, want in zip(together[0].symptoms, apart[0].symptoms, strict=True):
        same(asdict(got), asdict(want), f"organisation, {got.id}")
    assert any(r.value is not None for r in together[0].symptoms if r.id == "morale")
    same(together[1].lines, apart[1].lines, "index lines")
    for card, other in zip(together[1].cards, apart[1].cards, strict=True):
        for got, want in zip(card.symptoms, other.symptoms, strict=True):
            same(asdict(got), asdict(want), f"{card.name}, {got.id}")
    shared = [s for s in apart_statements if "count(distinct" in s.lower() and "survey_responses" in s]
    assert shared, "the privacy rules count survey respondents"
    assert len(together_statements) < len(apart_statements), (len(together_statements), len(apart_statements))
    respondents = [
        s for s in together_statements if "count(distinct" in s.lower() and "survey_responses" in s
    ]
    assert len(respondents) < len(shared), (len(respondents), len(shared))


def test_a_manager_gets_only_their_own_team(org):
    teams = [tid for tid, _ in sales_teams(org, EVERYONE)]
    mine = Scope.teams([teams[3]])
    cards = team_scorecards(org, mine, Filters(QUARTER))
    assert [card.team_id for card in cards] == [teams[3]]
    settings = MetricSettings.defaults()
    assert measure(org, METRICS[0], mine, Filters(QUARTER), settings, tuple(teams)).keys() == {teams[3]}
