"""The per-deal history rollups give exactly what the window functions over ``opportunity_history``
gave, on SQLite and PostgreSQL: on the demo organisation and on hand-built histories (no history, two
moves on one day, moves across period ends, pull-ins, corrections after the close, re-imports).

The reference is the SQL the readers ran before the rollups, kept here verbatim. Each comparison runs
the real reader twice: once as it is, once with the old SQL put back in its place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import and_, case, exists, func, insert, or_, select
from sqlalchemy.orm import aliased

from data_access import models as m
from data_access.db import alembic_config, make_engine, migrate
from data_access.history_rollup import (
    DEAL_HISTORY_COLUMNS,
    MOVE_COLUMNS,
    STAGE_FIRST_COLUMNS,
    raw_deal_history,
    raw_moves,
    raw_stage_firsts,
    rebuild_deal_history,
)
from data_access.importers import SOURCES, ImportOptions, prepare, run_import
from data_access.scope import Filters, Period, Scope, quarter_of
from data_access.status import load_counts
from metrics import pushes
from metrics.analyses import coaching, pipeline
from metrics.analyses.coaching import Seller, pushed_deals
from metrics.analyses.pipeline import movement_table, pipeline_movement, repeatedly_pushed
from metrics.common import opportunity_clauses
from metrics.parameters import MetricSettings
from metrics.registry import measure
from metrics.symptoms import deals as deal_symptoms
from tests.conftest import (
    FIXTURES,
    PG_SKIP_REASON,
    demo_engine,
    drop_postgres_schema,
    make_postgres_engine,
    postgres_url,
)

OPP, HIST = m.Opportunity, m.OpportunityHistory
D, T = dt.date, dt.datetime


# The reference: the SQL the readers ran over opportunity_history before the rollups --------------


def old_moves_per_deal(deals, until=None):
    window = {"partition_by": HIST.opportunity_id, "order_by": (HIST.changed_at, HIST.id)}
    clauses = [
        HIST.opportunity_id.in_(deals),
        HIST.close_date.is_not(None),
        or_(OPP.is_closed.is_(False), OPP.close_date.is_(None), func.date(HIST.changed_at) <= OPP.close_date),
    ]
    if until is not None:
        clauses.append(HIST.changed_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    rows = (
        select(
            HIST.opportunity_id.label("opportunity_id"),
            HIST.close_date.label("new"),
            func.lag(HIST.close_date).over(**window).label("old"),
            func.first_value(HIST.close_date).over(**window).label("first"),
        )
        .join(OPP, OPP.id == HIST.opportunity_id)
        .where(*clauses)
        .subquery()
    )
    pushed = and_(rows.c.old.is_not(None), rows.c.new > rows.c.old)
    pulled = and_(rows.c.old.is_not(None), rows.c.new < rows.c.old)
    return (
        select(
            rows.c.opportunity_id,
            func.sum(case((pushed, 1), else_=0)).label("pushes"),
            func.sum(case((pulled, 1), else_=0)).label("pull_ins"),
            func.min(rows.c.first).label("first_close"),
            func.max(rows.c.new).label("last_close"),
        )
        .group_by(rows.c.opportunity_id)
        .subquery()
    )


def old_per_deal_from_history(scope, filters, horizon):
    period = filters.period
    start_at = dt.datetime.combine(period.start, dt.time())
    end_at = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
    due = case((HIST.close_date <= horizon, 1), else_=0)
    order = (HIST.changed_at, HIST.id)
    rows = (
        select(
            HIST.opportunity_id.label("deal"),
            (HIST.changed_at >= start_at).label("in_period"),
            due.label("due"),
            func.lag(due).over(partition_by=HIST.opportunity_id, order_by=order).label("was_due"),
            func.lead(HIST.changed_at)
            .over(partition_by=HIST.opportunity_id, order_by=order)
            .label("next_at"),
        )
        .join(OPP, OPP.id == HIST.opportunity_id)
        .where(
            *pipeline._deals_in_play(scope, filters),
            HIST.close_date.is_not(None),
            HIST.changed_at < end_at,
            or_(
                OPP.is_closed.is_(False),
                OPP.close_date.is_(None),
                func.date(HIST.changed_at) <= OPP.close_date,
            ),
        )
        .subquery()
    )
    in_period = rows.c.in_period.is_(True)

    def total(condition, value=1):
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    return (
        select(
            rows.c.deal,
            total(
                and_(~in_period, or_(rows.c.next_at.is_(None), rows.c.next_at >= start_at)), rows.c.due
            ).label("start"),
            total(and_(in_period, rows.c.was_due.is_(None), rows.c.due == 1)).label("new"),
            total(and_(in_period, rows.c.was_due == 0, rows.c.due == 1)).label("pulled_in"),
            total(and_(in_period, rows.c.was_due == 1, rows.c.due == 0)).label("pushed"),
            total(rows.c.next_at.is_(None), rows.c.due).label("last"),
        )
        .group_by(rows.c.deal)
        .subquery()
    )


def old_without_history():
    return ~exists().where(HIST.opportunity_id == OPP.id)


def old_late_stage(scope, filters):
    flagged = aliased(m.Opportunity)
    late_stages = select(flagged.stage).where(flagged.is_late_stage.is_(True)).distinct()
    reached = exists().where(
        HIST.opportunity_id == OPP.id,
        HIST.stage.in_(late_stages),
        HIST.changed_at < dt.datetime.combine(filters.period.end + dt.timedelta(days=1), dt.time()),
    )
    staged = exists().where(HIST.opportunity_id == OPP.id, HIST.stage.is_not(None))
    return [
        *deal_symptoms._open_during(scope, filters),
        or_(and_(OPP.is_late_stage.is_(True), ~staged), reached),
    ]


def old_with_history(conn, scope, filters, *by):
    if not by:
        probe = exists().where(HIST.opportunity_id == OPP.id, *opportunity_clauses(scope, filters))
        return {None} if conn.execute(select(probe)).scalar_one() else set()
    stmt = (
        select(OPP.team_id)
        .where(*opportunity_clauses(scope, filters), exists().where(HIST.opportunity_id == OPP.id))
        .group_by(OPP.team_id)
    )
    return {int(team_id) for team_id in conn.execute(stmt).scalars()}


def old_history_rows(conn, scope):
    return int(
        conn.execute(
            select(func.count())
            .select_from(HIST)
            .join(OPP, OPP.id == HIST.opportunity_id)
            .where(scope.clause(OPP.team_id))
        ).scalar_one()
    )


def use_old_sql(monkeypatch) -> None:
    """Put the window functions over opportunity_history back wherever the readers use the rollups."""
    for module in (deal_symptoms, pipeline, coaching):
        monkeypatch.setattr(module, "moves_per_deal", old_moves_per_deal)
    monkeypatch.setattr(pipeline, "_per_deal_from_history", old_per_deal_from_history)
    monkeypatch.setattr(pipeline, "_without_history", old_without_history)
    monkeypatch.setattr(deal_symptoms, "_late_stage", old_late_stage)
    monkeypatch.setattr(deal_symptoms, "_with_history", old_with_history)


# Comparing -------------------------------------------------------------------------------------


def plain(value):
    """A value as both databases and both ways of reading give it back: dates as dates, numbers as float."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        return (
            dt.datetime.fromisoformat(value).date() if len(value) == 10 else dt.datetime.fromisoformat(value)
        )
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float) or hasattr(value, "as_integer_ratio"):
        return round(float(value), 6)
    return value


def rows_of(conn, stmt) -> list[tuple]:
    return sorted((tuple(plain(v) for v in row) for row in conn.execute(stmt)), key=repr)


def table_rows(conn, table, columns) -> list[tuple]:
    return rows_of(conn, select(*(table.c[c] for c in columns)))


def assert_rollup_equals_raw(conn) -> None:
    """The stored rollups are exactly what the raw history gives now."""
    dialect = conn.dialect.name
    pairs = (
        (m.DealCloseDateMove.__table__, MOVE_COLUMNS, raw_moves(dialect)),
        (m.DealStageFirst.__table__, STAGE_FIRST_COLUMNS, raw_stage_firsts()),
    )
    for table, columns, raw in pairs:
        assert table_rows(conn, table, columns) == rows_of(conn, raw), table.name
    # The summary is computed from the moves; from the raw history it is the reference's per-deal moves.
    summary = table_rows(conn, m.DealHistory.__table__, DEAL_HISTORY_COLUMNS)
    assert summary == rows_of(conn, raw_deal_history())
    reference = old_moves_per_deal(select(OPP.id))
    expected = rows_of(
        conn,
        select(
            OPP.id,
            reference.c.pushes,
            reference.c.pull_ins,
            reference.c.first_close,
            reference.c.last_close,
        ).join(reference, reference.c.opportunity_id == OPP.id),
    )
    assert [(r[0], *r[4:8]) for r in summary if r[6] is not None] == expected
    counts = rows_of(conn, select(HIST.opportunity_id, func.count()).group_by(HIST.opportunity_id))
    assert [(r[0], r[3]) for r in summary] == counts
    # Each deal's first time at a stage flagged deals are in now, straight from the raw history.
    flagged = aliased(m.Opportunity)
    late_stages = select(flagged.stage).where(flagged.is_late_stage.is_(True)).distinct()
    first_late = (
        select(func.min(HIST.changed_at))
        .where(HIST.opportunity_id == OPP.id, HIST.stage.in_(late_stages))
        .scalar_subquery()
    )
    staged = exists().where(HIST.opportunity_id == OPP.id, HIST.stage.is_not(None))
    marks = [
        (r[0], bool(r[1]), r[2])
        for r in rows_of(conn, select(OPP.id, OPP.has_stage_history, OPP.first_late_stage_at))
    ]
    assert marks == [(r[0], bool(r[1]), r[2]) for r in rows_of(conn, select(OPP.id, staged, first_late))]


def frame_rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(plain(None if pd.isna(v) else v) for v in row) for row in frame.itertuples(index=False)]


def read_everything(
    conn, scope: Scope, filters: Filters, teams: tuple[int, ...], sellers: list[Seller]
) -> dict:
    """What every reader of the history gives for one view."""
    settings = MetricSettings.defaults()
    period = filters.period
    quarter = quarter_of(period.start)
    months = []
    day = quarter.start
    while day <= quarter.end:
        month_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        months.append(Period(day, month_end))
        day = month_end + dt.timedelta(days=1)
    found = {}
    for metric in ("comp_plan_gaming", "late_stage_without_outcome"):
        found[metric] = measure(conn, metric, scope, filters, settings)
        found[f"{metric} by team"] = measure(conn, metric, scope, filters, settings, teams)
    found["comp_plan evidence"] = frame_rows(
        deal_symptoms.comp_plan_evidence(conn, scope, filters, settings, 50)
    )
    found["late_stage evidence"] = frame_rows(
        deal_symptoms.late_stage_evidence(conn, scope, filters, settings, 50)
    )
    movement = pipeline_movement(conn, scope, filters)
    found["movement"] = (movement.deals, {k: round(v, 2) for k, v in movement.amount.items()})
    found["movement table"] = frame_rows(
        movement_table(conn, scope, replace(filters, period=quarter), months)
    )
    found["repeatedly pushed"] = frame_rows(repeatedly_pushed(conn, scope, filters, at_least=1, limit=500))
    found["pushed deals"] = [pushed_deals(conn, scope, filters, seller, min_pushes=1) for seller in sellers]
    found["teams with history"] = (
        deal_symptoms._with_history(conn, scope, filters),
        deal_symptoms._with_history(conn, scope, filters, OPP.team_id),
    )
    return found


def assert_readers_match(conn, monkeypatch, views: list[tuple[Scope, Filters]]) -> None:
    assert_rollup_equals_raw(conn)
    teams = tuple(conn.execute(select(m.Team.id).order_by(m.Team.id)).scalars())
    sellers = [
        Seller(int(r.id), str(r.name), int(r.team_id), "team")
        for r in conn.execute(
            select(m.Person.id, m.Person.name, m.Person.team_id).where(m.Person.team_id.is_not(None))
        )
    ]
    new = [read_everything(conn, scope, filters, teams, sellers) for scope, filters in views]
    counts = [load_counts(conn, scope)["history_rows"] for scope, _ in views]
    for scope, filters in views:
        # The building blocks, deal by deal.
        deals = select(OPP.id).where(*opportunity_clauses(scope, filters))
        for until in (None, filters.period.end, filters.period.start - dt.timedelta(days=1)):
            assert rows_of(conn, select(pushes.moves_per_deal(deals, until))) == rows_of(
                conn, select(old_moves_per_deal(deals, until))
            ), until
        for horizon in (filters.period.end, quarter_of(filters.period.start).end):
            assert rows_of(conn, select(pipeline._per_deal_from_history(scope, filters, horizon))) == rows_of(
                conn, select(old_per_deal_from_history(scope, filters, horizon))
            ), horizon
        assert rows_of(conn, select(OPP.id).where(*deal_symptoms._late_stage(scope, filters))) == rows_of(
            conn, select(OPP.id).where(*old_late_stage(scope, filters))
        )
        assert rows_of(conn, select(OPP.id).where(pipeline._without_history())) == rows_of(
            conn, select(OPP.id).where(old_without_history())
        )
    assert counts == [old_history_rows(conn, scope) for scope, _ in views]
    with monkeypatch.context() as patch:
        use_old_sql(patch)
        old = [read_everything(conn, scope, filters, teams, sellers) for scope, filters in views]
    for view, (got, want) in zip(views, zip(new, old, strict=True), strict=True):
        for key in want:
            assert got[key] == want[key], (key, view)


# The demo organisation ---------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_conn(request, tmp_path_factory):
    """The demo organisation in a database of its own (its load commits), on each engine."""
    with (
        demo_engine(request.param, tmp_path_factory.mktemp("history"), "history_demo") as engine,
        engine.connect() as connection,
    ):
        yield connection


@pytest.mark.slow
def test_the_demo_reads_the_same_from_the_rollups_as_from_the_raw_history(demo_conn, monkeypatch):
    teams = list(demo_conn.execute(select(m.Team.id).order_by(m.Team.id)).scalars())
    segments = [s for s in demo_conn.execute(select(OPP.segment).distinct()).scalars() if s]
    q3 = Period(D(2026, 7, 1), D(2026, 9, 30))
    views = [
        (Scope.everything(), Filters(q3, as_of=D(2026, 10, 31))),
        (Scope.everything(), Filters(Period(D(2026, 1, 1), D(2026, 3, 31)), as_of=D(2026, 10, 31))),
        (Scope.everything(), Filters(Period(D(2025, 11, 1), D(2025, 11, 30)), as_of=D(2026, 10, 31))),
        (Scope.teams(teams[-2:]), Filters(q3, segment=segments[0], as_of=D(2026, 10, 31))),
        (Scope.teams(teams[-1:]), Filters(Period(D(2026, 4, 1), D(2026, 6, 30)), as_of=D(2026, 10, 31))),
    ]
    reads = read_everything(demo_conn, *views[0], tuple(teams), [])
    # The demo has pushed deals, late-stage deals and moves in the quarter: the comparison has teeth.
    assert reads["repeatedly pushed"] and reads["late_stage evidence"]
    assert reads["movement"][0]["pushed"] > 0 and reads["movement"][0]["pulled_in"] > 0
    assert_readers_match(demo_conn, monkeypatch, views)


# Hand-built histories ----------------------------------------------------------------------------

Q1 = Period(D(2025, 1, 1), D(2025, 3, 31))


def add_history(conn, deal: int, *rows) -> None:
    """History rows (changed_at, close date[, stage]) written straight to the table."""
    for row in rows:
        changed_at, close = row[0], row[1]
        stage = row[2] if len(row) > 2 else "Proposal"
        conn.execute(
            insert(HIST).values(opportunity_id=deal, changed_at=changed_at, close_date=close, stage=stage)
        )


def deal(
    conn,
    team: int,
    key: str,
    close: dt.date | None,
    state: str = "open",
    *,
    owner=None,
    late=False,
    segment=None,
):
    stage = {"won": "Closed Won", "lost": "Closed Lost", "open": "Negotiation" if late else "Proposal"}[state]
    return int(
        conn.execute(
            insert(OPP).values(
                external_key=key,
                name=f"Deal {key}",
                team_id=team,
                owner_id=owner,
                segment=segment,
                stage=stage,
                amount=1000,
                is_won=state == "won",
                is_closed=state != "open",
                created_date=D(2024, 10, 1),
                close_date=close,
                is_late_stage=late,
            )
        ).inserted_primary_key[0]
    )


@pytest.fixture
def hand_built(conn):
    atlas = int(conn.execute(insert(m.Team).values(name="Atlas")).inserted_primary_key[0])
    beacon = int(conn.execute(insert(m.Team).values(name="Beacon")).inserted_primary_key[0])
    kim = int(
        conn.execute(
            insert(m.Person).values(external_key="kim", name="Kim Lee", team_id=atlas)
        ).inserted_primary_key[0]
    )
    deal(conn, atlas, "no-history", D(2025, 2, 1), "won", owner=kim)
    deal(conn, beacon, "no-history-open", D(2025, 3, 1), late=True)
    same_day = deal(conn, atlas, "same-day", D(2025, 4, 20), owner=kim, segment="SMB")
    # Two moves on one day, pushed out past the quarter's end then pulled back in before it.
    add_history(
        conn,
        same_day,
        (T(2024, 12, 1, 9), D(2025, 3, 20), "Discovery"),
        (T(2025, 2, 10, 9), D(2025, 4, 20)),
        (T(2025, 2, 10, 15), D(2025, 3, 25), "Negotiation"),
        (T(2025, 3, 31, 23, 59), D(2025, 4, 20)),
    )
    across = deal(conn, atlas, "across", D(2025, 5, 15), owner=kim)
    # Moves written exactly at period boundaries: the last second of Q1, the first of Q2.
    add_history(
        conn,
        across,
        (T(2024, 12, 31, 23, 59, 59), D(2025, 1, 31)),
        (T(2025, 1, 1, 0, 0, 0), D(2025, 3, 31)),
        (T(2025, 3, 31, 23, 59, 59), D(2025, 4, 1)),
        (T(2025, 4, 1, 0, 0, 0), D(2025, 5, 15)),
    )
    pulled = deal(conn, beacon, "pulled", D(2025, 2, 5), "won")
    # Pulled in twice, then a correction written after the close, which is no move.
    add_history(
        conn,
        pulled,
        (T(2024, 11, 1, 9), D(2025, 6, 30)),
        (T(2025, 1, 15, 9), D(2025, 3, 15)),
        (T(2025, 2, 1, 9), D(2025, 2, 5), "Closed Won"),
        (T(2025, 2, 20, 9), D(2025, 9, 1), "Closed Won"),
    )
    stages_only = deal(conn, beacon, "stages-only", D(2025, 3, 10), "lost", late=False)
    # History without close dates: a deal with history but no moves, late stage from its stages.
    add_history(
        conn, stages_only, (T(2025, 1, 5, 9), None, "Discovery"), (T(2025, 2, 5, 9), None, "Negotiation")
    )
    flagged = deal(conn, atlas, "flagged", D(2025, 6, 1), late=True, owner=kim)
    add_history(
        conn,
        flagged,
        (T(2025, 1, 2, 9), D(2025, 3, 1), "Negotiation"),
        (T(2025, 4, 2, 9), D(2025, 6, 1), "Negotiation"),
    )
    rebuild_deal_history(conn)
    return {
        "atlas": atlas,
        "beacon": beacon,
        "kim": kim,
        "same_day": same_day,
        "across": across,
        "pulled": pulled,
        "flagged": flagged,
    }


def hand_views(ids) -> list[tuple[Scope, Filters]]:
    as_of = D(2025, 12, 31)
    return [
        (Scope.everything(), Filters(Q1, as_of=as_of)),
        (Scope.everything(), Filters(Period(D(2025, 2, 1), D(2025, 2, 28)), as_of=as_of)),
        (Scope.everything(), Filters(Period(D(2025, 4, 1), D(2025, 6, 30)), as_of=as_of)),
        (Scope.everything(), Filters(Period(D(2024, 10, 1), D(2024, 12, 31)), as_of=as_of)),
        (Scope.teams([ids["atlas"]]), Filters(Q1, segment="SMB", as_of=as_of)),
        (Scope.teams([ids["beacon"]]), Filters(Q1, as_of=as_of)),
    ]


def test_hand_built_histories_read_the_same_from_the_rollups(conn, hand_built, monkeypatch):
    per = pushes.moves_per_deal(select(OPP.id))
    found = {r.opportunity_id: (r.pushes, r.pull_ins) for r in conn.execute(select(per))}
    # Counted by hand: same-day pushed twice and pulled in once (both moves of 10 Feb count); across
    # pushed three times; pulled pulled in twice, its correction after the close no move; flagged
    # pushed once; the deals without history, or with stages only, have no moves.
    assert found == {
        hand_built["same_day"]: (2, 1),
        hand_built["across"]: (3, 0),
        hand_built["pulled"]: (0, 2),
        hand_built["flagged"]: (1, 0),
    }
    assert_readers_match(conn, monkeypatch, hand_views(hand_built))


def test_the_q1_waterfall_counts_the_hand_built_moves(conn, hand_built):
    movement = pipeline_movement(conn, Scope.everything(), Filters(Q1, as_of=D(2025, 12, 31)))
    # start: no-history, no-history-open, same-day (due 20 Mar), across (due 31 Jan, changed in the
    # last second of 2024); new: flagged; pushed: same-day at 9:00 on 10 Feb and 23:59 on 31 Mar,
    # across in the last second of Q1 (its move at midnight on 1 Apr belongs to Q2); pulled in:
    # same-day at 15:00 on 10 Feb, pulled on 15 Jan; won: no-history, pulled; end: no-history-open,
    # flagged.
    assert movement.deals == {
        "start": 4,
        "new": 1,
        "pulled_in": 2,
        "pushed": 3,
        "won": 2,
        "lost": 0,
        "end": 2,
    }
    assert movement.balances()


def test_every_way_of_rebuilding_gives_the_same_rollups(conn, hand_built, monkeypatch):
    from data_access import history_rollup

    def stored():
        return [
            table_rows(conn, m.DealCloseDateMove.__table__, MOVE_COLUMNS),
            table_rows(conn, m.DealStageFirst.__table__, STAGE_FIRST_COLUMNS),
            table_rows(conn, m.DealHistory.__table__, DEAL_HISTORY_COLUMNS),
        ]

    everything = stored()
    deals = list(conn.execute(select(OPP.id)).scalars())
    monkeypatch.setattr(history_rollup, "DEAL_CHUNK", 2)
    rebuild_deal_history(conn, deals)  # deal by deal, two at a time
    assert stored() == everything
    monkeypatch.setattr(history_rollup, "FULL_REBUILD_FROM", 1)
    rebuild_deal_history(conn, deals[:1])  # one deal of seven: refreshed alone
    rebuild_deal_history(conn, deals)  # all of them: rebuilt as a whole
    assert stored() == everything
    assert len(everything[2]) == 5  # the five deals with history


# Keeping it current ------------------------------------------------------------------------------

OPP_HEADER = "Opportunity Owner,Opportunity Name,Opportunity ID,Stage,Amount,Close Date,Created Date"
HISTORY_HEADER = "OPPORTUNITYID,CREATEDDATE,STAGENAME,AMOUNT,CLOSEDATE"


def load(conn, source: str, data: str, name: str = "upload.csv", changed_at=None):
    opts = ImportOptions(changed_at=changed_at)
    return run_import(conn, prepare(SOURCES[source], data.encode(), name, opts), opts)


def load_people_and_deals(conn, *deals: str) -> None:
    """The fixture's people, then ``deals`` (rows under :data:`OPP_HEADER`) imported as a file."""
    load(conn, "people", (FIXTURES / "imports" / "people.csv").read_text(), "people.csv")
    load(conn, "opportunities", "\n".join((OPP_HEADER, *deals)) + "\n")


def test_imports_keep_the_rollups_equal_to_the_raw_history(conn, monkeypatch):
    load_people_and_deals(
        conn,
        "Ana Costa,A,R1,Proposal,900,2025-03-06,2024-12-01",
        "Ana Costa,B,R2,Negotiation,500,2025-03-20,2024-12-01",
        "Diego Ramos,C,R3,Proposal,700,2025-02-10,2024-12-01",
    )
    assert_rollup_equals_raw(conn)
    history = (
        f"{HISTORY_HEADER}\n"
        "R1,2025-01-05T09:00:00.000Z,Proposal,900,2025-02-28\n"
        "R1,2025-02-01T10:00:00.000Z,Proposal,900,2025-03-06\n"
        "R2,2025-01-07T09:00:00.000Z,Discovery,500,2025-03-20\n"
    )
    load(conn, "history", history, "history.csv")
    assert_readers_match(conn, monkeypatch, [(Scope.everything(), Filters(Q1, as_of=D(2025, 12, 31)))])
    r1 = conn.execute(select(OPP.id).where(OPP.external_key == "R1")).scalar_one()
    assert (
        conn.execute(select(m.DealHistory.pushes).where(m.DealHistory.opportunity_id == r1)).scalar_one() == 1
    )

    # The history re-imported with a row changed (R1's push becomes a pull-in) and one added (R3).
    changed = (
        f"{HISTORY_HEADER}\n"
        "R1,2025-01-05T09:00:00.000Z,Proposal,900,2025-02-28\n"
        "R1,2025-02-01T10:00:00.000Z,Proposal,900,2025-02-20\n"
        "R2,2025-01-07T09:00:00.000Z,Discovery,500,2025-03-20\n"
        "R3,2025-01-09T09:00:00.000Z,Proposal,700,2025-02-10\n"
    )
    load(conn, "history", changed, "history.csv")
    assert_readers_match(conn, monkeypatch, [(Scope.everything(), Filters(Q1, as_of=D(2025, 12, 31)))])
    summary = conn.execute(
        select(m.DealHistory.pushes, m.DealHistory.pull_ins).where(m.DealHistory.opportunity_id == r1)
    ).one()
    assert tuple(summary) == (0, 1)

    # The deals re-imported: R1 won early (its February move now falls after the close and no longer
    # counts), R2 pushed (the importer writes the move), R3 moved to another seller's team.
    load(
        conn,
        "opportunities",
        f"{OPP_HEADER}\n"
        "Ana Costa,A,R1,Closed Won,900,2025-01-20,2024-12-01\n"
        "Ana Costa,B,R2,Negotiation,500,2025-04-30,2024-12-01\n"
        "Ana Costa,C,R3,Proposal,700,2025-02-10,2024-12-01\n",
        changed_at=T(2025, 3, 3, 12),
    )
    assert_readers_match(conn, monkeypatch, [(Scope.everything(), Filters(Q1, as_of=D(2025, 12, 31)))])
    assert conn.execute(
        select(m.DealHistory.pull_ins, m.DealHistory.last_close).where(m.DealHistory.opportunity_id == r1)
    ).one() == (0, D(2025, 2, 28))


def test_flagging_a_new_late_stage_works_out_every_deals_first_late_stage_time_again(conn, monkeypatch):
    load_people_and_deals(
        conn,
        "Ana Costa,A,R1,Proposal,900,2025-03-06,2024-12-01",
        "Ana Costa,B,R2,Proposal,500,2025-03-20,2024-12-01",
    )
    # R1 went through Negotiation in January and is back at Proposal; no deal is flagged yet.
    load(
        conn,
        "history",
        f"{HISTORY_HEADER}\n"
        "R1,2025-01-05T09:00:00.000Z,Proposal,900,2025-03-06\n"
        "R1,2025-01-10T09:00:00.000Z,Negotiation,900,2025-03-06\n"
        "R1,2025-02-01T09:00:00.000Z,Proposal,900,2025-03-06\n",
        "history.csv",
    )
    r1 = conn.execute(select(OPP.id).where(OPP.external_key == "R1")).scalar_one()
    assert conn.execute(select(OPP.first_late_stage_at).where(OPP.id == r1)).scalar_one() is None
    assert_rollup_equals_raw(conn)
    # R2 alone is re-imported, now at Negotiation: the stage is flagged, and R1, not in that file,
    # reached it on 10 January.
    load(conn, "opportunities", f"{OPP_HEADER}\nAna Costa,B,R2,Negotiation,500,2025-03-20,2024-12-01\n")
    assert conn.execute(select(OPP.is_late_stage).where(OPP.external_key == "R2")).scalar_one()
    assert plain(conn.execute(select(OPP.first_late_stage_at).where(OPP.id == r1)).scalar_one()) == T(
        2025, 1, 10, 9
    )
    assert_rollup_equals_raw(conn)
    assert_readers_match(conn, monkeypatch, [(Scope.everything(), Filters(Q1, as_of=D(2025, 12, 31)))])


# The migration -----------------------------------------------------------------------------------


def _fill_before_the_rollups(engine) -> None:
    command.upgrade(alembic_config(engine), "0007_talk_opening")
    with engine.begin() as conn:
        conn.execute(insert(m.Team.__table__).values(id=1, name="Atlas"))
        for ident, closed, close in ((1, False, D(2025, 4, 1)), (2, True, D(2025, 2, 1)), (3, False, None)):
            conn.execute(
                insert(OPP.__table__).values(
                    id=ident,
                    external_key=f"o{ident}",
                    name=f"Deal {ident}",
                    team_id=1,
                    stage="Closed Won" if closed else "Proposal",
                    is_closed=closed,
                    is_won=closed,
                    is_late_stage=False,
                    close_date=close,
                )
            )
        # A deal at Negotiation, flagged late, without history: the stage other deals' history reached.
        conn.execute(
            insert(OPP.__table__).values(
                id=4,
                external_key="o4",
                name="Deal 4",
                team_id=1,
                stage="Negotiation",
                is_closed=False,
                is_won=False,
                is_late_stage=True,
                close_date=D(2025, 5, 1),
            )
        )
        rows = [
            (1, T(2025, 1, 1, 9), D(2025, 3, 1), "Proposal"),
            (1, T(2025, 1, 1, 17), D(2025, 4, 1), "Negotiation"),
            (1, T(2025, 2, 1, 9), D(2025, 3, 15), "Negotiation"),
            (2, T(2025, 1, 10, 9), D(2025, 3, 1), "Proposal"),
            (2, T(2025, 1, 20, 9), D(2025, 2, 1), "Closed Won"),
            (2, T(2025, 3, 1, 9), D(2025, 5, 1), "Closed Won"),  # after the close: no move
            (3, T(2025, 1, 3, 9), None, "Discovery"),
        ]
        for opp, at, close, stage in rows:
            conn.execute(
                insert(HIST.__table__).values(
                    opportunity_id=opp, changed_at=at, close_date=close, stage=stage
                )
            )


def _check_the_migration_fills_them(engine) -> None:
    _fill_before_the_rollups(engine)
    migrate(engine)
    with engine.connect() as conn:
        assert_rollup_equals_raw(conn)
        summary = {
            r.opportunity_id: (
                r.history_rows,
                r.pushes,
                r.pull_ins,
                plain(r.first_close),
                plain(r.last_close),
            )
            for r in conn.execute(select(m.DealHistory))
        }
        assert summary == {
            1: (3, 1, 1, D(2025, 3, 1), D(2025, 4, 1)),
            2: (3, 0, 1, D(2025, 3, 1), D(2025, 3, 1)),
            3: (1, 0, 0, None, None),
        }
        days = [
            r.days for r in conn.execute(select(m.DealCloseDateMove).order_by(m.DealCloseDateMove.changed_at))
        ]
        assert days == [None, 31, None, -28, -17]  # in order of changed_at, deals interleaved
        # Negotiation is flagged (deal 4): deal 1 first reached it on 1 January at 17:00.
        marks = {
            r[0]: (bool(r[1]), plain(r[2]))
            for r in conn.execute(select(OPP.id, OPP.has_stage_history, OPP.first_late_stage_at))
        }
        assert marks == {1: (True, T(2025, 1, 1, 17)), 2: (True, None), 3: (True, None), 4: (False, None)}


def test_the_migration_builds_the_rollups_of_an_existing_sqlite_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    try:
        _check_the_migration_fills_them(engine)
    finally:
        engine.dispose()


def test_the_migration_builds_the_rollups_of_an_existing_postgresql_database():
    if not postgres_url():
        pytest.skip(PG_SKIP_REASON)
    engine = make_postgres_engine("_history")
    try:
        _check_the_migration_fills_them(engine)
    finally:
        drop_postgres_schema(engine)
