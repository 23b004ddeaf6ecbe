"""A scorecard reads what does not depend on the period once, and nothing read once outlives it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope
from metrics.common import read_once, reusing_reads
from metrics.scorecard import team_history
from tests.conftest import count_statements
from tests.metrics.builders import Org

EVERYONE = Scope.everything()


def _teams_named(prefix: str):
    return select(func.count()).select_from(m.Team).where(m.Team.name.like(f"{prefix}%"))


def test_a_statement_is_read_once_inside_a_block_and_every_time_outside(conn):
    org = Org(conn)
    org.team("Atlas")
    with count_statements(conn.engine) as log:
        assert read_once(conn, _teams_named("At")) == [(1,)]
        assert read_once(conn, _teams_named("At")) == [(1,)]
    assert len(log) == 2
    with count_statements(conn.engine) as log, reusing_reads():
        first = read_once(conn, _teams_named("At"))
        with reusing_reads():  # a nested block keeps the outer one's rows
            again = read_once(conn, _teams_named("At"))
        other = read_once(conn, _teams_named("Be"))  # another value is another statement
    assert (first, again, other) == ([(1,)], [(1,)], [(0,)])
    assert len(log) == 2


def test_rows_read_once_do_not_outlive_their_block(conn):
    org = Org(conn)
    org.team("Atlas")
    with reusing_reads():
        assert read_once(conn, _teams_named("")) == [(1,)]
    org.team("Beacon")
    with reusing_reads():
        assert read_once(conn, _teams_named("")) == [(2,)]


def test_the_teams_history_asks_once_what_no_period_changes(conn):
    """Which teams have any customer outcome or any deal history is asked once for six periods, not
    once per period and symptom."""
    org = Org(conn)
    atlas = org.team("Atlas")
    org.deal(atlas, 1000, dt.date(2025, 3, 18), outcome="Cut their churn by a third")
    quarter = Filters(Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31)))
    with count_statements(conn.engine) as log:
        history = team_history(conn, EVERYONE, quarter)
    probes = [s for s in log if s.startswith("SELECT teams.id") and "customer_outcome" in s]
    assert len(probes) == 1, probes
    assert [card.name for card in history[-1]] == ["Atlas"]
