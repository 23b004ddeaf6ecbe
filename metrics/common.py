"""Small building blocks shared by the symptom modules: scoped WHERE clauses, periods, percentiles.

Date arithmetic differs between databases, so anything calendar-shaped (quarters, weeks of a
quarter) is computed here in Python and reaches SQL as date literals.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Float, Select, and_, cast, func, literal, or_, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope, quarter_of

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Measurement:
    """What a metric function returns for one period.

    ``value`` is None whenever ``needs`` says what data is missing or ``suppressed`` is True: a
    metric never makes a number up. ``detail`` is the evidence in one line, for briefs.

    ``n`` is the sample the figure stands on (the size of a ratio's denominator, the respondents,
    the deals): the engine calls a figure "too few" when ``n`` is under the metric's minimum.
    ``too_few`` lets a measure say so itself, in words, when its rule is more than one count
    (a top quartile needs enough sellers with won deals); ``to_date`` marks a figure over a period
    that has not ended yet.
    """

    value: float | None
    parts: dict[str, Any] = field(default_factory=dict)
    needs: str | None = None
    suppressed: bool = False
    detail: str = ""
    n: int | None = None
    too_few: str | None = None


def missing(needs: str, **parts: Any) -> Measurement:
    return Measurement(None, dict(parts), needs=needs)


def nothing_to_count(why: str, **parts: Any) -> Measurement:
    """A figure over an empty sample (no renewals due, nobody eligible): unknown, never 0%.

    The data exists, so this is "too few" with n = 0 rather than "needs data"."""
    return Measurement(None, dict(parts), n=0, too_few=why)


def keys_of(teams: tuple[int, ...] | None) -> tuple[int | None, ...]:
    """The keys a metric's ``measure`` returns: ``(None,)`` for one total, else the team ids."""
    return (None,) if teams is None else tuple(teams)


# The rows read by :func:`read_once` in the current :func:`reusing_reads` block, by statement.
_read_once: ContextVar[dict | None] = ContextVar("read_once", default=None)


@contextlib.contextmanager
def reusing_reads() -> Iterator[None]:
    """Within the block, a statement read by :func:`read_once` twice is run once.

    A scorecard measures seventeen symptoms over several periods; some of what they read does not
    depend on the period (which teams have any opportunity history, any customer outcome) or is one
    period's "now" and the next one's "before" (the sellers' won amounts); some does not depend on
    who is looking (the survey respondents the privacy rules count over every team, the sales
    force's headcount), so the organisation's scorecard and the teams' lines read it once when a
    page computes both in one block. Blocks nest: the outer one keeps the rows."""
    if _read_once.get() is not None:
        yield
        return
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def read_once(conn: Connection, stmt) -> list:
    """``conn.execute(stmt).all()``, run once per database and statement (with its values) inside a
    :func:`reusing_reads` block, and every time outside one. The connections of one engine share the
    rows (two symptoms measured side by side on the analytical copy, the organisation's scorecard
    and the teams' lines of one page); another engine — the database when the copy refused a
    statement, another test's database — reads its own."""
    memo = _read_once.get()
    if memo is None:
        return conn.execute(stmt).all()
    compiled = stmt.compile(dialect=conn.dialect)
    # The engine itself, not its id: the key keeps it alive, so no other engine takes its id within
    # the block.
    key = (conn.engine, str(compiled), repr(sorted(compiled.params.items())))
    if key not in memo:
        memo[key] = conn.execute(stmt).all()
    return memo[key]


# Connections that measure symptoms side by side on the analytical copy (see :func:`each_metric`).
COPY_WORKERS = 2


def each_metric(conn: Connection, compute: Callable[[Connection, T], R], items: Sequence[T]) -> list[R]:
    """``[compute(conn, item) for item in items]``, in that order.

    On the analytical copy (DuckDB) the items are shared by :data:`COPY_WORKERS` connections to it,
    side by side: DuckDB runs a statement without holding Python's lock, so one symptom's statements
    run while another's rows are turned into figures, and a 7 ms statement leaves a core idle that
    another statement can use (a scorecard of 200 teams at a million deals: 3.8 s one after the
    other, 3.1 s side by side). Each item runs in a copy of the caller's context, so a
    :func:`reusing_reads` block around the call still holds; an error in any item is raised here.
    SQLite, PostgreSQL and a DuckDB database in memory (another connection would open another,
    empty one) read on ``conn``, one item after the other."""
    database = conn.engine.url.database
    if conn.dialect.name != "duckdb" or database in (None, "", ":memory:") or len(items) < 2:
        return [compute(conn, item) for item in items]
    local = threading.local()
    opened: list[Connection] = []
    lock = threading.Lock()

    def run(item: T) -> R:
        own = getattr(local, "conn", None)
        if own is None:
            own = local.conn = conn.engine.connect()
            with lock:
                opened.append(own)
        return compute(own, item)

    context = contextvars.copy_context()
    try:
        with ThreadPoolExecutor(COPY_WORKERS, thread_name_prefix="copy-reader") as pool:
            return list(pool.map(lambda item: context.copy().run(run, item), items))
    finally:
        for own in opened:
            own.close()


def team_clause(column, scope: Scope, filters: Filters) -> ColumnElement[bool]:
    """Rows of the teams the viewer may see and asked for."""
    return filters.team_ids_within(scope).clause(column)


def opportunity_clauses(scope: Scope, filters: Filters) -> list[ColumnElement[bool]]:
    """Scope, teams and segment for opportunities (period left to the caller)."""
    opp = m.Opportunity
    clauses = [team_clause(opp.team_id, scope, filters)]
    if filters.segment:
        clauses.append(opp.segment == filters.segment)
    return clauses


def history_clauses(scope: Scope, filters: Filters) -> list[ColumnElement[bool]]:
    """:func:`opportunity_clauses` on the per-deal history summary, which copies each deal's team and
    segment (:class:`data_access.models.DealHistory`): its deals with history in scope and filters."""
    deals = m.DealHistory
    clauses = [team_clause(deals.team_id, scope, filters)]
    if filters.segment:
        clauses.append(deals.segment == filters.segment)
    return clauses


def for_teams(filters: Filters, team_ids) -> Filters:
    """``filters`` narrowed to ``team_ids`` (period, segment and reference day kept): the rows a
    by-team computation reads before grouping them by team."""
    return replace(filters, team_ids=frozenset(team_ids))


def only_team(filters: Filters, team_id: int) -> Filters:
    return replace(filters, team_ids=frozenset({team_id}))


def with_period(filters: Filters, period: Period) -> Filters:
    return replace(filters, period=period)


def on_days(column, period: Period) -> ColumnElement[bool]:
    return column.between(period.start, period.end)


def at_times(column, period: Period) -> ColumnElement[bool]:
    """A DateTime column within the period's days (its last day included whole)."""
    start = dt.datetime.combine(period.start, dt.time())
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
    return (column >= start) & (column < end)


def as_float(expr) -> Any:
    return cast(expr, Float)


def discount_expr():
    """The discount of a deal: the explicit field, else 1 - amount / list amount."""
    from sqlalchemy import case

    opp = m.Opportunity
    return case(
        (opp.discount.is_not(None), as_float(opp.discount)),
        (
            (opp.list_amount > 0) & opp.amount.is_not(None),
            1.0 - as_float(opp.amount) / as_float(opp.list_amount),
        ),
        else_=None,
    )


def has_text(column) -> ColumnElement[bool]:
    return column.is_not(None) & (func.length(func.trim(column)) > 0)


def read_frame(conn: Connection, stmt) -> pd.DataFrame:
    """The (aggregated or bounded) rows of ``stmt`` as a DataFrame with the statement's column names."""
    result = conn.execute(stmt)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def money(amount: float) -> str:
    """A compact amount for one-line evidence in the organisation's currency: $4.3M, R$86K, €950."""
    from metrics.money import money as compact

    return compact(amount)


def ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else float(numerator) / float(denominator)


def quarters_touching(period: Period) -> list[Period]:
    """Every calendar quarter that overlaps ``period``, in order."""
    quarters = []
    quarter = quarter_of(period.start)
    while quarter.start <= period.end:
        quarters.append(quarter)
        quarter = quarter_of(quarter.end + dt.timedelta(days=1))
    return quarters


def quarter_end_clause(column, period: Period, days: int) -> ColumnElement[bool]:
    """``column`` (a date) in the last ``days`` days of one of the quarters ``period`` touches: SQL's
    form of :func:`in_quarter_end` for dates within the period."""
    return or_(
        *[
            column.between(quarter.end - dt.timedelta(days=days - 1), quarter.end)
            for quarter in quarters_touching(period)
        ]
    )


def in_quarter_end(day: dt.date, days: int) -> bool:
    return (quarter_of(day).end - day).days < days


def in_quarter_start(day: dt.date, days: int) -> bool:
    return (day - quarter_of(day).start).days < days


def week_of_quarter(day: dt.date) -> int:
    """1 for the quarter's first seven days, and so on (the last week may be 14)."""
    return (day - quarter_of(day).start).days // 7 + 1


def as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def percentile(conn: Connection, values: Select, q: float) -> float | None:
    """The ``q`` quantile (0..1, linear interpolation like ``percentile_cont``) of a one-column select.

    Portable: counts the rows, then reads at most two of them in order with LIMIT/OFFSET, so
    nothing but two numbers leaves the database.
    """
    sub = values.subquery()
    column = sub.c[0]
    n = int(conn.execute(select(func.count()).select_from(sub).where(column.is_not(None))).scalar_one())
    if n == 0:
        return None
    position = q * (n - 1)
    low = math.floor(position)
    rows = (
        conn.execute(select(column).where(column.is_not(None)).order_by(column).offset(low).limit(2))
        .scalars()
        .all()
    )
    lower = float(rows[0])
    upper = float(rows[1]) if len(rows) > 1 else lower
    return lower + (upper - lower) * (position - low)


def percentiles_by_group(
    conn: Connection, values: Select, qs: tuple[float, ...]
) -> dict[float, dict[Any, float]]:
    """Each quantile of ``qs`` of each group of a two-column select ``(group, value)``, in one query.

    Same definition as :func:`percentile` (linear interpolation between the two ranks around
    ``q * (n - 1)``); window functions number each group's values so only the two rows around each
    quantile per group leave the database.
    """
    sub = values.subquery()
    group, column = sub.c[0], sub.c[1]
    ranked = (
        select(
            group.label("grp"),
            column.label("v"),
            func.row_number().over(partition_by=group, order_by=column).label("rn"),
            func.count().over(partition_by=group).label("n"),
        )
        .where(column.is_not(None))
        .subquery()
    )
    # The rows at 0-based ranks floor(x) and floor(x) + 1, x = q * (n - 1): rn - 2 <= x < rn.
    # (No FLOOR: SQLite may lack it, and PostgreSQL's integer cast rounds.)
    around = [
        and_(ranked.c.rn - 2 <= x, x < ranked.c.rn)
        for x in (literal(float(q), Float) * (ranked.c.n - 1) for q in qs)
    ]
    rows = conn.execute(select(ranked.c.grp, ranked.c.v, ranked.c.rn, ranked.c.n).where(or_(*around))).all()
    picked: dict[Any, dict[int, float]] = {}
    sizes: dict[Any, int] = {}
    for grp, value, rn, n in rows:
        picked.setdefault(grp, {})[int(rn) - 1] = float(value)
        sizes[grp] = int(n)
    result: dict[float, dict[Any, float]] = {q: {} for q in qs}
    for grp, ranks in picked.items():
        for q in qs:
            position_q = q * (sizes[grp] - 1)
            lower_rank = math.floor(position_q)
            lower = ranks[lower_rank]
            upper = ranks.get(lower_rank + 1, lower)
            result[q][grp] = lower + (upper - lower) * (position_q - lower_rank)
    return result


def buckets(period: Period, grain: str) -> Iterator[Period]:
    """The period cut into weeks (Monday-based), calendar months or quarters, clipped to it."""
    if grain == "week":
        start = period.start - dt.timedelta(days=period.start.weekday())
        step = lambda day: day + dt.timedelta(days=7)  # noqa: E731
    elif grain == "month":
        start = period.start.replace(day=1)
        step = lambda day: (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)  # noqa: E731
    elif grain == "quarter":
        start = quarter_of(period.start).start
        step = lambda day: quarter_of(day).end + dt.timedelta(days=1)  # noqa: E731
    else:
        raise ValueError(f"Unknown grain {grain!r}: use week, month or quarter.")
    while start <= period.end:
        nxt = step(start)
        yield Period(max(start, period.start), min(nxt - dt.timedelta(days=1), period.end))
        start = nxt
