"""Pipeline behaviour: how the pipeline due in a period moved, counted from the close-date history.

The pipeline of a period is every open deal expected to close by the period's last day (its close
date, as the history knew it at that moment, on or before the end). Across the period it moves::

    start + new + pulled in - pushed - won - lost = end

- ``start``: open at the first moment of the period and due by its end;
- ``new``: created during the period already due by its end;
- ``pulled in``: a close date moved from after the period's end to on or before it (a deal closed
  in the period that was not due by its end counts as pulled in by its close);
- ``pushed``: a close date moved from on or before the end to after it (a slip);
- ``won`` / ``lost``: deals closed in the period (close date in it);
- ``end``: still open at the end of the period and due by it (overdue).

Every move is read from ``opportunity_history`` rows (through their per-deal rollup,
:mod:`data_access.history_rollup`), never from a vendor's push counter. A deal
moved out and back counts once each way. Deals with no history at all cannot have moved: they enter
by creation and leave by closing. Each deal is valued at its current amount, so a change of amount is
not a movement and the identity holds exactly, in deals and in amount.

Also here: won amount by week of quarter (the quarter-end pile-up), deals pushed again and again, and
deals won in the first days of a quarter. Everything is aggregated in SQL; lists are bounded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import Connection, Select, and_, case, exists, func, literal, or_, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope, quarter_of
from metrics.common import (
    as_date,
    as_float,
    discount_expr,
    on_days,
    opportunity_clauses,
    quarters_touching,
    week_of_quarter,
)
from metrics.pushes import REPEATED_PUSHES, moves_per_deal

OPP = m.Opportunity
MOVES = m.DealCloseDateMove
STEPS = ("start", "new", "pulled_in", "pushed", "won", "lost", "end")
STEP_LABELS = {
    "start": "Start",
    "new": "New",
    "pulled_in": "Pulled in",
    "pushed": "Pushed out",
    "won": "Won",
    "lost": "Lost",
    "end": "End",
}


@dataclass(frozen=True)
class Movement:
    """Deals and amount in each step of the pipeline waterfall of one period."""

    period: Period
    deals: dict[str, int]
    amount: dict[str, float]

    def balances(self) -> bool:
        """True when start + new + pulled in - pushed - won - lost = end, in deals and in amount."""

        def check(values: dict, tolerance: float) -> bool:
            flow = values["start"] + values["new"] + values["pulled_in"]
            flow -= values["pushed"] + values["won"] + values["lost"]
            return abs(flow - values["end"]) <= tolerance

        return check(self.deals, 0) and check(self.amount, 0.01)

    def steps(self, *, money: bool = True) -> list[tuple[str, float]]:
        """The waterfall's steps in order, with outflows negative: ready for a waterfall chart."""
        values = self.amount if money else self.deals
        sign = {"pushed": -1, "won": -1, "lost": -1}
        return [(STEP_LABELS[step], sign.get(step, 1) * float(values[step])) for step in STEPS]


def _next_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def _deals_in_play(scope: Scope, filters: Filters) -> list:
    """Deals in view that could be in the period's pipeline: not closed before it started."""
    period = filters.period
    return [
        *opportunity_clauses(scope, filters),
        or_(OPP.is_closed.is_(False), OPP.close_date.is_(None), OPP.close_date >= period.start),
    ]


def _closed_in(period: Period):
    return and_(OPP.is_closed.is_(True), on_days(OPP.close_date, period))


def _per_deal_from_history(scope: Scope, filters: Filters, horizon: dt.date):
    """One row per deal with history: its due flag (due by ``horizon``) at the start, its moves in the
    period, its last flag.

    Read from the deals' close-date moves (:class:`data_access.models.DealCloseDateMove`): each holds
    the close date before it and when the next move was written, so no window function runs here. A
    move is the last one by the period's end when the next was written after it (or never)."""
    period = filters.period
    start_at = dt.datetime.combine(period.start, dt.time())
    end_at = _next_midnight(period.end)
    in_period = MOVES.changed_at >= start_at
    due = case((MOVES.new_close <= horizon, 1), else_=0)
    first = MOVES.old_close.is_(None)

    def total(condition, value=1):
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    return (
        select(
            MOVES.opportunity_id.label("deal"),
            total(and_(~in_period, or_(MOVES.next_at.is_(None), MOVES.next_at >= start_at)), due).label(
                "start"
            ),
            total(and_(in_period, first, MOVES.new_close <= horizon)).label("new"),
            total(and_(in_period, MOVES.old_close > horizon, MOVES.new_close <= horizon)).label("pulled_in"),
            total(and_(in_period, MOVES.old_close <= horizon, MOVES.new_close > horizon)).label("pushed"),
            total(or_(MOVES.next_at.is_(None), MOVES.next_at >= end_at), due).label("last"),
        )
        .join(OPP, OPP.id == MOVES.opportunity_id)
        .where(*_deals_in_play(scope, filters), MOVES.changed_at < end_at)
        .group_by(MOVES.opportunity_id)
        .subquery()
    )


def _without_history():
    """Deals with no history at all (none in the per-deal history summary)."""
    return ~exists().where(m.DealHistory.opportunity_id == OPP.id)


def pipeline_movement(
    conn: Connection, scope: Scope, filters: Filters, horizon: dt.date | None = None
) -> Movement:
    """The waterfall of the pipeline due by ``horizon`` (default: the end of ``filters.period``) across
    the period (see the module docstring). Months of a quarter share the quarter's horizon, so that
    each month's end is the next month's start."""
    period = filters.period
    horizon = horizon or period.end
    amount = func.coalesce(as_float(OPP.amount), 0.0)
    closed = _closed_in(period)
    won = and_(closed, OPP.is_won.is_(True))
    lost = and_(closed, OPP.is_won.is_(False))
    open_at_end = or_(OPP.is_closed.is_(False), OPP.close_date.is_(None), OPP.close_date > period.end)
    deals: dict[str, int] = dict.fromkeys(STEPS, 0)
    money: dict[str, float] = dict.fromkeys(STEPS, 0.0)

    per = _per_deal_from_history(scope, filters, horizon)
    pulled_by_close = case((and_(closed, per.c.last == 0), 1), else_=0)
    end = case((open_at_end, per.c.last), else_=0)
    flags = {
        "start": per.c.start,
        "new": per.c.new,
        "pulled_in": per.c.pulled_in + pulled_by_close,
        "pushed": per.c.pushed,
        "won": case((won, 1), else_=0),
        "lost": case((lost, 1), else_=0),
        "end": end,
    }
    row = conn.execute(
        select(
            *[func.coalesce(func.sum(flag), 0).label(step) for step, flag in flags.items()],
            *[
                func.coalesce(func.sum(flag * amount), 0.0).label(f"{step}_amount")
                for step, flag in flags.items()
            ],
        ).select_from(per.join(OPP, OPP.id == per.c.deal))
    ).one()
    _add(deals, money, row)

    # Deals without any history cannot have moved: they enter by creation and leave by closing.
    no_history = _without_history()
    due_now = and_(OPP.close_date.is_not(None), OPP.close_date <= horizon)
    created_before = or_(OPP.created_date.is_(None), OPP.created_date < period.start)
    created_during = on_days(OPP.created_date, period)
    plain = {
        "start": case((and_(created_before, due_now), 1), else_=0),
        "new": case((and_(created_during, due_now), 1), else_=0),
        "pulled_in": literal(0),
        "pushed": literal(0),
        "won": case((won, 1), else_=0),
        "lost": case((lost, 1), else_=0),
        "end": case((and_(open_at_end, due_now, or_(created_before, created_during)), 1), else_=0),
    }
    row = conn.execute(
        select(
            *[func.coalesce(func.sum(flag), 0).label(step) for step, flag in plain.items()],
            *[
                func.coalesce(func.sum(flag * amount), 0.0).label(f"{step}_amount")
                for step, flag in plain.items()
            ],
        ).where(
            *_deals_in_play(scope, filters),
            no_history,
            or_(OPP.created_date.is_(None), OPP.created_date <= period.end),
        )
    ).one()
    _add(deals, money, row)
    return Movement(period, deals, money)


def _add(deals: dict[str, int], money: dict[str, float], row) -> None:
    values = row._mapping
    for step in STEPS:
        deals[step] += int(values[step] or 0)
        money[step] += float(values[f"{step}_amount"] or 0.0)


def movement_table(conn: Connection, scope: Scope, filters: Filters, periods: list[Period]) -> pd.DataFrame:
    """One row per period (e.g. the months of a quarter): the deals in each step of its waterfall, for
    one pipeline (the deals due by the end of ``filters.period``), so the rows chain: a month ends with
    exactly the deals and amount the next one starts with."""
    rows = []
    for period in periods:
        movement = pipeline_movement(conn, scope, replace(filters, period=period), horizon=filters.period.end)
        rows.append(
            {"start_date": period.start, "end_date": period.end}
            | {step: movement.deals[step] for step in STEPS}
            | {f"{step}_amount": movement.amount[step] for step in STEPS}
        )
    columns = ["start_date", "end_date", *STEPS, *[f"{step}_amount" for step in STEPS]]
    return pd.DataFrame(rows, columns=columns)


def won_by_week_of_quarter(conn: Connection, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Won amount and deals by week of quarter (1 = the quarter's first seven days) in the period.

    Columns: ``week``, ``won_amount``, ``won_deals``, ``share`` (of the period's won amount). Summed
    per close date in SQL; the week of quarter is calendar arithmetic, done here.
    """
    rows = conn.execute(
        select(OPP.close_date, func.sum(as_float(OPP.amount)), func.count())
        .where(
            *opportunity_clauses(scope, filters),
            OPP.is_won.is_(True),
            on_days(OPP.close_date, filters.period),
            OPP.amount.is_not(None),
        )
        .group_by(OPP.close_date)
    ).all()
    weeks: dict[int, list[float]] = {}
    for day, total, n in rows:
        bucket = weeks.setdefault(week_of_quarter(as_date(day)), [0.0, 0])
        bucket[0] += float(total or 0.0)
        bucket[1] += int(n)
    if not weeks:
        return pd.DataFrame(columns=["week", "won_amount", "won_deals", "share"])
    grand = sum(amount for amount, _ in weeks.values())
    frame = pd.DataFrame(
        [
            {
                "week": week,
                "won_amount": weeks.get(week, [0.0, 0])[0],
                "won_deals": int(weeks.get(week, [0.0, 0])[1]),
            }
            for week in range(1, max(weeks) + 1)
        ]
    )
    frame["share"] = frame["won_amount"] / grand if grand else 0.0
    return frame


def deals_in_scope(scope: Scope, filters: Filters, *extra) -> Select:
    """The deals a list of pushed deals is drawn from: open at some time in the period (created by its
    end, not closed before its start) or closed in it."""
    period = filters.period
    return select(OPP.id).where(
        *opportunity_clauses(scope, filters),
        *extra,
        or_(OPP.created_date.is_(None), OPP.created_date <= period.end),
        or_(OPP.is_closed.is_(False), OPP.close_date.is_(None), OPP.close_date >= period.start),
    )


def repeatedly_pushed(
    conn: Connection, scope: Scope, filters: Filters, *, at_least: int = REPEATED_PUSHES, limit: int = 100
):
    """Deals in view (open during the period or closed in it) whose close date was pushed later
    ``at_least`` times up to the period's end, most pushes first: the same list the one-on-one brief
    shows for a seller (one definition of a push, :mod:`metrics.pushes`).

    Columns: ``opportunity``, ``deal``, ``team``, ``owner``, ``stage``, ``amount``, ``close_date``,
    ``pushes``, ``days_slipped`` (from the first close date the history holds to the last).
    """
    per = moves_per_deal(deals_in_scope(scope, filters), until=filters.period.end)
    result = conn.execute(
        select(
            OPP.external_key.label("opportunity"),
            OPP.name.label("deal"),
            m.Team.name.label("team"),
            m.Person.name.label("owner"),
            OPP.stage,
            as_float(OPP.amount).label("amount"),
            OPP.close_date,
            per.c.pushes,
            per.c.first_close.label("first_date"),
            per.c.last_close.label("last_date"),
        )
        .join(per, per.c.opportunity_id == OPP.id)
        .outerjoin(m.Team, m.Team.id == OPP.team_id)
        .outerjoin(m.Person, m.Person.id == OPP.owner_id)
        .where(per.c.pushes >= at_least)
        .order_by(per.c.pushes.desc(), OPP.amount.desc().nulls_last(), OPP.id)
        .limit(limit)
    )
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    if frame.empty:
        return frame.drop(columns=["first_date", "last_date"]).assign(days_slipped=pd.Series(dtype="Int64"))
    slipped = [
        (as_date(last) - as_date(first)).days if first is not None and last is not None else None
        for first, last in zip(frame["first_date"], frame["last_date"], strict=True)
    ]
    frame = frame.drop(columns=["first_date", "last_date"])
    frame["close_date"] = frame["close_date"].map(as_date)
    frame["days_slipped"] = pd.array(slipped, dtype="Int64")
    return frame


def first_days_closes(conn: Connection, scope: Scope, filters: Filters, days: int, *, limit: int = 100):
    """Deals won in the first ``days`` days of a quarter within the period, largest first.

    Columns: ``opportunity``, ``deal``, ``team``, ``owner``, ``amount``, ``close_date``, ``discount``,
    ``day_of_quarter`` (1 = the quarter's first day).
    """
    windows = []
    for quarter in quarters_touching(filters.period):
        first = max(quarter.start, filters.period.start)
        last = min(quarter.start + dt.timedelta(days=days - 1), filters.period.end)
        if first <= last:
            windows.append(OPP.close_date.between(first, last))
    if not windows:
        return pd.DataFrame(
            columns=[
                "opportunity",
                "deal",
                "team",
                "owner",
                "amount",
                "close_date",
                "discount",
                "day_of_quarter",
            ]
        )
    result = conn.execute(
        select(
            OPP.external_key.label("opportunity"),
            OPP.name.label("deal"),
            m.Team.name.label("team"),
            m.Person.name.label("owner"),
            as_float(OPP.amount).label("amount"),
            OPP.close_date,
            discount_expr().label("discount"),
        )
        .outerjoin(m.Team, m.Team.id == OPP.team_id)
        .outerjoin(m.Person, m.Person.id == OPP.owner_id)
        .where(*opportunity_clauses(scope, filters), OPP.is_won.is_(True), or_(*windows))
        .order_by(OPP.amount.desc().nulls_last(), OPP.id)
        .limit(limit)
    )
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    frame["close_date"] = frame["close_date"].map(as_date)
    frame["day_of_quarter"] = [(day - quarter_of(day).start).days + 1 for day in frame["close_date"]]
    return frame
