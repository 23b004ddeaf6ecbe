"""The pipeline waterfall, counted from a hand-built close-date history (SQLite and PostgreSQL).

Period: Q1 2025. The pipeline is every open deal due to close by 31 Mar 2025. Each deal below says
what it should contribute; the expected totals are summed by hand in each test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from data_access import models as m
from data_access.history_rollup import rebuild_deal_history
from data_access.scope import Period, Scope
from metrics.analyses.pipeline import (
    first_days_closes,
    movement_table,
    pipeline_movement,
    repeatedly_pushed,
    won_by_week_of_quarter,
)
from tests.metrics.builders import Q1, Org, filters

D = dt.date
T = dt.datetime


def history(conn, deal: int, *rows: tuple[dt.datetime, dt.date]) -> None:
    """History rows for ``deal``, then its history rollup recomputed as every writer of history does."""
    for changed_at, close_date in rows:
        conn.execute(
            insert(m.OpportunityHistory).values(
                opportunity_id=deal, changed_at=changed_at, close_date=close_date, stage="Proposal"
            )
        )
    rebuild_deal_history(conn, [deal])


@pytest.fixture
def book(conn):
    """Deals A..M of team Atlas and one deal of team Beacon (out of the tests' scope)."""
    org = Org(conn)
    atlas, beacon = org.team("Atlas"), org.team("Beacon")
    deals = {}
    # A: due at the start, won in the period.                        start 1, won 1
    deals["A"] = org.deal(atlas, 100, D(2025, 2, 15), True, created=D(2024, 11, 1))
    history(conn, deals["A"], (T(2024, 11, 1, 9), D(2025, 2, 15)), (T(2025, 2, 15, 16), D(2025, 2, 15)))
    # B: due at the start, pushed into Q2, still open.              start 1, pushed 1
    deals["B"] = org.deal(atlas, 200, D(2025, 4, 15), None, created=D(2024, 12, 1))
    history(conn, deals["B"], (T(2024, 12, 1, 9), D(2025, 3, 20)), (T(2025, 3, 10, 9), D(2025, 4, 15)))
    # C: created in the period due in it, lost.                      new 1, lost 1
    deals["C"] = org.deal(atlas, 300, D(2025, 3, 5), False, created=D(2025, 1, 10))
    history(conn, deals["C"], (T(2025, 1, 10, 9), D(2025, 3, 1)), (T(2025, 3, 5, 12), D(2025, 3, 5)))
    # D: due in Q2 at the start, pulled into March, still open.       pulled in 1, end 1
    deals["D"] = org.deal(atlas, 400, D(2025, 3, 15), None, created=D(2024, 10, 1))
    history(conn, deals["D"], (T(2024, 10, 1, 9), D(2025, 5, 1)), (T(2025, 2, 1, 9), D(2025, 3, 15)))
    # E: due at the start, pushed, pulled back, pushed again.         start 1, pushed 2, pulled in 1
    deals["E"] = org.deal(atlas, 500, D(2025, 6, 30), None, created=D(2024, 10, 1))
    history(
        conn,
        deals["E"],
        (T(2024, 10, 1, 9), D(2025, 2, 10)),
        (T(2025, 1, 20, 9), D(2025, 4, 10)),
        (T(2025, 2, 20, 9), D(2025, 3, 25)),
        (T(2025, 3, 20, 9), D(2025, 6, 30)),
    )
    # F: created in the period, due in Q2 throughout.                 nothing
    deals["F"] = org.deal(atlas, 600, D(2025, 6, 1), None, created=D(2025, 2, 1))
    history(conn, deals["F"], (T(2025, 2, 1, 9), D(2025, 6, 1)))
    # G: won before the period.                                       nothing
    deals["G"] = org.deal(atlas, 700, D(2024, 12, 15), True, created=D(2024, 9, 1))
    history(conn, deals["G"], (T(2024, 9, 1, 9), D(2024, 12, 15)))
    # H: no history, created before, won in the period.               start 1, won 1
    deals["H"] = org.deal(atlas, 800, D(2025, 3, 10), True, created=D(2024, 12, 1))
    # I: no history, created in the period, due in it, open.          new 1, end 1
    deals["I"] = org.deal(atlas, 900, D(2025, 3, 30), None, created=D(2025, 2, 1))
    # J: due in Q2, won early in February.                            pulled in 1, won 1
    deals["J"] = org.deal(atlas, 1000, D(2025, 2, 25), True, created=D(2024, 11, 1))
    history(conn, deals["J"], (T(2024, 11, 1, 9), D(2025, 5, 20)), (T(2025, 2, 25, 10), D(2025, 2, 25)))
    # K: won in February; a correction written after the close is no move.  start 1, won 1
    deals["K"] = org.deal(atlas, 1100, D(2025, 2, 10), True, created=D(2024, 12, 1))
    history(
        conn,
        deals["K"],
        (T(2024, 12, 1, 9), D(2025, 2, 10)),
        (T(2025, 2, 10, 15), D(2025, 2, 10)),
        (T(2025, 3, 1, 9), D(2025, 4, 30)),
    )
    # M: no history, won on 3 January.                                start 1, won 1
    deals["M"] = org.deal(atlas, 50, D(2025, 1, 3), True, created=D(2024, 12, 1))
    # Beacon's deal: due at the start and open at the end.
    deals["Z"] = org.deal(beacon, 5000, D(2025, 3, 31), None, created=D(2024, 12, 1))
    history(conn, deals["Z"], (T(2024, 12, 1, 9), D(2025, 3, 31)))
    return {"atlas": atlas, "beacon": beacon, **deals}


def test_each_step_counts_what_the_history_says(conn, book):
    movement = pipeline_movement(conn, Scope.teams([book["atlas"]]), filters())
    assert movement.deals == {
        "start": 6,  # A B E H K M
        "new": 2,  # C I
        "pulled_in": 3,  # D, E back in March, J closed early
        "pushed": 3,  # B, E twice
        "won": 5,  # A H J K M
        "lost": 1,  # C
        "end": 2,  # D I
    }
    assert movement.amount == {
        "start": 100 + 200 + 500 + 800 + 1100 + 50,
        "new": 300 + 900,
        "pulled_in": 400 + 500 + 1000,
        "pushed": 200 + 500 + 500,
        "won": 100 + 800 + 1000 + 1100 + 50,
        "lost": 300,
        "end": 400 + 900,
    }
    assert movement.balances()


def test_the_waterfall_steps_add_up_to_the_end(conn, book):
    steps = pipeline_movement(conn, Scope.teams([book["atlas"]]), filters()).steps()
    assert [name for name, _ in steps] == ["Start", "New", "Pulled in", "Pushed out", "Won", "Lost", "End"]
    assert sum(value for _, value in steps[:-1]) == pytest.approx(steps[-1][1])
    assert steps[3][1] == -1200


def test_scope_and_team_filter_never_see_other_teams(conn, book):
    everything = pipeline_movement(conn, Scope.everything(), filters())
    assert everything.deals["start"] == 7 and everything.deals["end"] == 3
    only_beacon = pipeline_movement(conn, Scope.everything(), filters(teams=[book["beacon"]]))
    assert only_beacon.deals == {
        "start": 1,
        "new": 0,
        "pulled_in": 0,
        "pushed": 0,
        "won": 0,
        "lost": 0,
        "end": 1,
    }
    # Asking for Beacon from Atlas's scope shows nothing at all.
    hidden = pipeline_movement(conn, Scope.teams([book["atlas"]]), filters(teams=[book["beacon"]]))
    assert sum(hidden.deals.values()) == 0


def test_every_month_balances_and_wins_add_up_to_the_quarter(conn, book):
    months = [
        Period(D(2025, 1, 1), D(2025, 1, 31)),
        Period(D(2025, 2, 1), D(2025, 2, 28)),
        Period(D(2025, 3, 1), Q1.end),
    ]
    table = movement_table(conn, Scope.teams([book["atlas"]]), filters(), months)
    assert list(table["won"]) == [1, 3, 1]  # M; A J K; H
    # Every month follows the quarter's pipeline (due by 31 March): E's January move (10 Feb to April)
    # takes it out of that pipeline in January; B and E leave it again in March.
    assert list(table["pushed"]) == [1, 0, 2]
    assert list(table["start"]) == [6, 5, 6]  # A B E H K M; A B C H K; B C D E H I
    for _, row in table.iterrows():
        assert (
            row["start"] + row["new"] + row["pulled_in"] - row["pushed"] - row["won"] - row["lost"]
            == row["end"]
        )


def test_an_empty_period_is_all_zeros(conn, book):
    movement = pipeline_movement(
        conn, Scope.teams([book["atlas"]]), filters(Period(D(2023, 1, 1), D(2023, 3, 31)))
    )
    assert set(movement.deals.values()) == {0} and movement.balances()


def test_won_amount_by_week_of_quarter(conn, book):
    weeks = won_by_week_of_quarter(conn, Scope.teams([book["atlas"]]), filters())
    assert list(weeks["week"]) == list(range(1, 11))
    by_week = dict(zip(weeks["week"], weeks["won_amount"], strict=True))
    # M 3 Jan -> week 1; K 10 Feb -> 6; A 15 Feb -> 7; J 25 Feb -> 8; H 10 Mar -> 10.
    assert by_week == {1: 50, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1100, 7: 100, 8: 1000, 9: 0, 10: 800}
    assert weeks.loc[weeks["week"] == 6, "share"].item() == pytest.approx(1100 / 3050)


def test_deals_pushed_twice_or_more(conn, book):
    pushed = repeatedly_pushed(conn, Scope.teams([book["atlas"]]), filters())
    assert list(pushed["opportunity"]) == [_key(conn, book["E"])]
    assert pushed.loc[0, "pushes"] == 2
    assert pushed.loc[0, "days_slipped"] == (D(2025, 6, 30) - D(2025, 2, 10)).days
    # Any later close date is a push: C closed on 5 Mar, four days after it was due; K's correction
    # after its close is not counted.
    once = repeatedly_pushed(conn, Scope.teams([book["atlas"]]), filters(), at_least=1)
    assert once["opportunity"].tolist() == [_key(conn, book[k]) for k in ("E", "C", "B")]
    assert once["pushes"].tolist() == [2, 1, 1]


def test_first_days_of_quarter_closes(conn, book):
    early = first_days_closes(conn, Scope.teams([book["atlas"]]), filters(), 7)
    assert early["amount"].tolist() == [50]
    assert early["day_of_quarter"].tolist() == [3]
    assert first_days_closes(conn, Scope.teams([book["atlas"]]), filters(), 2).empty


def _key(conn, deal_id: int) -> str:
    return conn.execute(select(m.Opportunity.external_key).where(m.Opportunity.id == deal_id)).scalar_one()


def test_the_months_of_a_quarter_chain(conn, book):
    """Each month of the table ends with exactly the deals (and amount) the next one starts with:
    every month follows the quarter's pipeline, the deals due by its last day."""
    months = [
        Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
        Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
    ]
    table = movement_table(conn, Scope.everything(), filters(), months)
    for before, after in zip(table.itertuples(), table.iloc[1:].itertuples(), strict=False):
        assert before.end == after.start
        assert before.end_amount == pytest.approx(after.start_amount)
    # And the quarter as a whole starts where January starts and ends where March ends.
    quarter = pipeline_movement(conn, Scope.everything(), filters())
    assert quarter.deals["start"] == table.iloc[0]["start"] and quarter.deals["end"] == table.iloc[-1]["end"]
