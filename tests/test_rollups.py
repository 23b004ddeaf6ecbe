"""The team-week rollup of closed deals stays equal to the same aggregate over the raw rows, through
imports, updates that move deals between weeks and teams, and re-imports; and the demo loads with it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from data_access import models as m
from data_access.importers import SOURCES, ImportOptions, prepare, run_import
from data_access.rollups import raw_team_weeks, rebuild_rollups, won_by_team
from data_access.scope import Period, Scope
from tests.conftest import FIXTURES

HEADER = "Opportunity Owner,Opportunity Name,Opportunity ID,Stage,Amount,List Amount,Close Date,Created Date"


def load(conn, source: str, data: bytes, name: str = "upload.csv"):
    opts = ImportOptions()
    return run_import(conn, prepare(SOURCES[source], data, name, opts), opts)


def rollup(conn) -> dict[tuple[int, str], tuple]:
    t = m.TeamWeekDeals.__table__
    return {
        (r.team_id, str(r.week_start)[:10]): (
            r.closed_count,
            r.won_count,
            Decimal(str(r.won_amount)).quantize(Decimal("0.01")),
            round(float(r.won_discount_sum), 6),
            r.won_discount_count,
        )
        for r in conn.execute(select(t))
    }


def raw(conn) -> dict[tuple[int, str], tuple]:
    return {
        (r.team_id, str(r.week_start)[:10]): (
            r.closed_count,
            r.won_count,
            Decimal(str(r.won_amount)).quantize(Decimal("0.01")),
            round(float(r.won_discount_sum), 6),
            r.won_discount_count,
        )
        for r in conn.execute(raw_team_weeks(conn))
    }


def team_id(conn, name: str) -> int:
    return conn.execute(select(m.Team.id).where(m.Team.name == name)).scalar_one()


def test_rollup_equals_the_raw_aggregate_through_imports_updates_and_reimports(conn):
    load(conn, "people", (FIXTURES / "imports" / "people.csv").read_bytes(), "people.csv")
    first = (
        f"{HEADER}\n"
        # Wednesday 6 March 2024: week of Monday 4 March.
        "Ana Costa,A,R1,Closed Won,900,1000,2024-03-06,2024-01-01\n"
        "Ana Costa,B,R2,Closed Won,500,500,2024-03-08,2024-01-01\n"
        "Ana Costa,C,R3,Closed Lost,700,700,2024-03-04,2024-01-01\n"
        "Ana Costa,D,R4,Prospecting,300,300,2024-03-05,2024-01-01\n"
        "Diego Ramos,E,R5,Closed Won,2000,2500,2024-03-10,2024-01-01\n"
    ).encode()
    load(conn, "opportunities", first)
    atlas, beacon = team_id(conn, "Atlas"), team_id(conn, "Beacon")
    assert rollup(conn) == raw(conn)
    # Hand-computed: Atlas that week closed 3, won 2 for 1,400 (discounts 0.1 and 0); Sunday 10
    # March still belongs to the week of Monday 4 March.
    assert rollup(conn)[(atlas, "2024-03-04")] == (3, 2, Decimal("1400.00"), 0.1, 2)
    assert rollup(conn)[(beacon, "2024-03-04")] == (1, 1, Decimal("2000.00"), 0.2, 1)

    second = (
        f"{HEADER}\n"
        # R1 pushed a week, R2 lost, R5 moved to Atlas's seller (Beacon's week empties), R6 new.
        "Ana Costa,A,R1,Closed Won,900,1000,2024-03-13,2024-01-01\n"
        "Ana Costa,B,R2,Closed Lost,500,500,2024-03-08,2024-01-01\n"
        "Ana Costa,C,R3,Closed Lost,700,700,2024-03-04,2024-01-01\n"
        "Ana Costa,D,R4,Prospecting,300,300,2024-03-05,2024-01-01\n"
        "Ana Costa,E,R5,Closed Won,2000,2500,2024-03-10,2024-01-01\n"
        "Diego Ramos,F,R6,Closed Won,100,100,2024-03-12,2024-01-01\n"
    ).encode()
    for _ in range(2):  # the second time is a re-import that changes nothing
        load(conn, "opportunities", second)
        assert rollup(conn) == raw(conn)
    assert rollup(conn)[(atlas, "2024-03-04")] == (3, 1, Decimal("2000.00"), 0.2, 1)
    assert rollup(conn)[(atlas, "2024-03-11")] == (1, 1, Decimal("900.00"), 0.1, 1)
    assert (beacon, "2024-03-04") not in rollup(conn)
    quarter = Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert won_by_team(conn, Scope.everything(), quarter) == {atlas: (2, 2900.0), beacon: (1, 100.0)}
    assert won_by_team(conn, Scope.teams([beacon]), quarter) == {beacon: (1, 100.0)}


def test_a_rebuild_gives_the_same_rollup_as_incremental_refreshes(conn):
    load(conn, "people", (FIXTURES / "imports" / "people.csv").read_bytes(), "people.csv")
    load(conn, "opportunities", (FIXTURES / "imports" / "salesforce_report_opportunities.csv").read_bytes())
    incremental = rollup(conn)
    assert incremental, "the fixture has closed deals, so the rollup has rows"
    rebuild_rollups(conn)
    assert rollup(conn) == incremental == raw(conn)


def test_the_streamed_demo_loads_every_division_with_its_rollup(fresh_engine):
    from data_access.demo.scale import SCALES, stream_demo

    with fresh_engine.begin() as conn:
        summary = stream_demo(conn, SCALES["tiny-multi"], seed=3, end=dt.date(2026, 10, 31))
        teams = conn.execute(select(m.Team.name, m.Team.parent_id)).all()
        emails = conn.execute(select(m.Person.email)).scalars().all()
        assert summary["opportunities"] == conn.execute(select(m.Opportunity.id)).all().__len__()
        assert rollup(conn) == raw(conn) != {}
    names = [name for name, _ in teams]
    # Two divisions of eight sales teams, names unique, the second under the company.
    assert len(names) == len(set(names)) == 22
    assert {"Atlas", "Atlas 02", "Division 02"} <= set(names)
    assert len(emails) == len(set(emails))
