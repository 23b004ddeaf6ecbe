"""Several quantiles of every group in one statement, by hand (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from data_access import models as m
from metrics.common import as_float, percentile, percentiles_by_group
from tests.conftest import count_statements
from tests.metrics.builders import Org


def test_each_quantile_of_each_group_in_one_statement(conn):
    org = Org(conn)
    one, two, five = org.team("One"), org.team("Two"), org.team("Five")
    org.deal(one, 70)
    for amount in (10, 30):
        org.deal(two, amount)
    for amount in (50, 10, 40, 20, 30):  # written out of order
        org.deal(five, amount)
    org.deal(five, None)  # no amount: not a value
    opp = m.Opportunity
    values = select(opp.team_id, as_float(opp.amount))
    with count_statements(conn.engine) as log:
        found = percentiles_by_group(conn, values, (0.0, 0.5, 0.9, 1.0))
    assert len(log) == 1
    # Five values 10..50: ranks 0..4; q = 0.9 sits at 3.6, between 40 and 50.
    assert found[0.5] == {one: 70.0, two: pytest.approx(20.0), five: pytest.approx(30.0)}
    assert found[0.9] == {one: 70.0, two: pytest.approx(28.0), five: pytest.approx(46.0)}
    assert found[0.0] == {one: 70.0, two: 10.0, five: 10.0}
    assert found[1.0] == {one: 70.0, two: 30.0, five: 50.0}
    for team in (one, two, five):  # the same definition as the one-group percentile
        alone = select(as_float(opp.amount)).where(opp.team_id == team)
        assert found[0.9][team] == pytest.approx(percentile(conn, alone, 0.9))
