"""Symptoms 5-10, 12 and 17: how sellers behave, read from the pipeline and its history.

Deals belong to the period of their close date (won and lost) or, for pipeline symptoms, to every
period they were open in: created on or before its last day and not closed before its first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, and_, case, exists, func, literal, or_, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope, quarter_of
from metrics.common import (
    Measurement,
    as_float,
    discount_expr,
    has_text,
    history_clauses,
    keys_of,
    missing,
    money,
    nothing_to_count,
    on_days,
    opportunity_clauses,
    percentile,
    percentiles_by_group,
    quarter_end_clause,
    quarters_touching,
    ratio,
    read_frame,
    read_once,
    team_clause,
    week_of_quarter,
)
from metrics.engine import Ratio, Required, ratio_measure
from metrics.metric import HIGHER_IS_BETTER, LOWER_IS_BETTER, Depth, Metric, Thresholds
from metrics.parameters import MetricSettings
from metrics.pushes import moves_per_deal

OPP = m.Opportunity


def _closed_in(scope: Scope, filters: Filters) -> list:
    return [
        *opportunity_clauses(scope, filters),
        OPP.is_closed.is_(True),
        on_days(OPP.close_date, filters.period),
    ]


def _won_in(scope: Scope, filters: Filters) -> list:
    return [
        *opportunity_clauses(scope, filters),
        OPP.is_won.is_(True),
        on_days(OPP.close_date, filters.period),
    ]


def _open_during(scope: Scope, filters: Filters) -> list:
    period = filters.period
    return [
        *opportunity_clauses(scope, filters),
        or_(OPP.created_date.is_(None), OPP.created_date <= period.end),
        or_(OPP.is_closed.is_(False), OPP.close_date.is_(None), OPP.close_date >= period.start),
    ]


def _evidence_columns():
    return (
        OPP.external_key.label("opportunity"),
        OPP.name.label("deal"),
        m.Team.name.label("team"),
        m.Person.name.label("owner"),
        OPP.stage,
        as_float(OPP.amount).label("amount"),
        OPP.close_date,
    )


def _deal_evidence(*clauses, extra=(), order_by=None, limit: int = 200):
    return (
        select(*_evidence_columns(), *extra)
        .outerjoin(m.Team, m.Team.id == OPP.team_id)
        .outerjoin(m.Person, m.Person.id == OPP.owner_id)
        .where(*clauses)
        # The deal's id breaks ties, so equal amounts list (and the limit cuts) the same way every time.
        .order_by(*(order_by if order_by is not None else (OPP.close_date.desc(),)), OPP.id)
        .limit(limit)
    )


# 5 -------------------------------------------------------------------------------------------


def _quarter_end_sums(
    conn: Connection, scope: Scope, filters: Filters, days: int, by_team: bool
) -> dict[int | None, tuple[float, int, float, int]]:
    """Won amount and won deals (with an amount) closed in the period, and those closed in the last
    ``days`` days of their quarter: per team (teams without won deals left out) or under None. One
    grouped row per team: the quarter-end days reach SQL as date ranges."""
    by = (OPP.team_id,) if by_team else ()
    late = _quarter_end_window(filters.period, days)
    amount = as_float(OPP.amount)
    stmt = (
        select(
            *by,
            func.sum(amount),
            func.count(),
            func.sum(case((late, amount), else_=0.0)),
            func.sum(case((late, 1), else_=0)),
        )
        .where(*_won_in(scope, filters), OPP.amount.is_not(None))
        .group_by(*by)
    )
    return {
        key: (float(total or 0), int(n), float(late_total or 0), int(late_n or 0))
        for key, [(total, n, late_total, late_n)] in _rows_by_team(conn, stmt, by).items()
    }


def quarter_end_close_share(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """Won amount closed in the last N (14) days of its quarter / won amount closed in the period."""
    days = settings.integer("quarter_end_days")
    sums = _quarter_end_sums(conn, scope, filters, days, teams is not None)
    return {key: _quarter_end_share(sums.get(key), days) for key in keys_of(teams)}


def _quarter_end_share(sums: tuple[float, int, float, int] | None, days: int) -> Measurement:
    """Symptom 5 from the won amount and deals of the period and of its quarter ends."""
    total, won_deals, late, late_deals = sums or (0.0, 0, 0.0, 0)
    if not won_deals or total <= 0:
        return nothing_to_count("no won deals with an amount in the period")
    parts = {
        "won_amount": total,
        "quarter_end_amount": late,
        "won_deals": won_deals,
        "quarter_end_deals": late_deals,
        "even_spread_share": days / 91.0,
    }
    return Measurement(
        late / total,
        parts,
        n=won_deals,
        detail=f"{late_deals:,} won deals worth {money(late)} of {money(total)} closed in the last {days} days of a quarter",
    )


def _quarter_end_window(period: Period, days: int):
    return quarter_end_clause(OPP.close_date, period, days)


def quarter_end_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    window = _quarter_end_window(filters.period, settings.integer("quarter_end_days"))
    return read_frame(
        conn,
        _deal_evidence(
            *_won_in(scope, filters),
            extra=(discount_expr().label("discount"),),
            order_by=(window.desc(), OPP.amount.desc()),
            limit=limit,
        ),
    )


# 6, 7, 8 -------------------------------------------------------------------------------------

NEEDS_OUTCOME_FIELD = "needs a customer outcome field on opportunities"
NEEDS_SPONSOR_FIELD = "needs an executive sponsor field on opportunities"


def _priced_pipeline(scope: Scope, filters: Filters) -> list:
    return [*_open_during(scope, filters), OPP.amount.is_not(None)]


def _documented():
    return has_text(OPP.customer_outcome)


PIPELINE_WITH_OUTCOME = Ratio(
    table=OPP,
    base=_priced_pipeline,
    numerator=lambda: case((_documented(), as_float(OPP.amount)), else_=0.0),
    denominator=lambda: as_float(OPP.amount),
    parts={
        "pipeline_amount": lambda: as_float(OPP.amount),
        "documented_amount": lambda: case((_documented(), as_float(OPP.amount)), else_=0.0),
        "deals_documented": lambda: case((_documented(), 1), else_=0),
    },
    required=Required(lambda: OPP.customer_outcome, NEEDS_OUTCOME_FIELD, opportunity_clauses),
    empty="no open pipeline with amounts in the period",
    detail=lambda p: (
        f"{money(p['documented_amount'])} of {money(p['pipeline_amount'])} open pipeline "
        "has a documented customer outcome"
    ),
)


def pipeline_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    return read_frame(
        conn,
        _deal_evidence(
            *_open_during(scope, filters),
            extra=(OPP.customer_outcome,),
            order_by=(has_text(OPP.customer_outcome), OPP.amount.desc()),
            limit=limit,
        ),
    )


def _late_stage(scope: Scope, filters: Filters) -> list:
    """Deals at a late stage at some time in the period: open during it and, from the history, at
    a late stage (a stage that flagged deals are in) by its end; without stage history, the flag.

    The history matters for past periods: a deal won since no longer carries the flag. Each deal
    carries when it first reached a late stage (:attr:`data_access.models.Opportunity.first_late_stage_at`,
    kept by :mod:`data_access.history_rollup`), so this is a test of two of its columns.
    """
    end = dt.datetime.combine(filters.period.end + dt.timedelta(days=1), dt.time())
    reached = OPP.first_late_stage_at < end
    return [
        *_open_during(scope, filters),
        or_(and_(OPP.is_late_stage.is_(True), OPP.has_stage_history.is_not(True)), reached),
    ]


LATE_STAGE_WITHOUT_OUTCOME = Ratio(
    table=OPP,
    base=lambda scope, filters: _late_stage(scope, filters),
    numerator=lambda: case((~_documented(), 1), else_=0),
    denominator=lambda: literal(1),
    parts={
        "without_outcome": lambda: case((~_documented(), 1), else_=0),
        "amount": lambda: case((~_documented(), as_float(OPP.amount)), else_=0.0),
    },
    required=Required(lambda: OPP.customer_outcome, NEEDS_OUTCOME_FIELD, opportunity_clauses),
    empty="no late-stage deals in the period",
    detail=lambda p: (
        f"{p['without_outcome']:,} of {p['n']:,} late-stage deals, worth {money(p['amount'])}, "
        "have no customer outcome"
    ),
)


def late_stage_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    return read_frame(
        conn,
        _deal_evidence(
            *_late_stage(scope, filters),
            ~has_text(OPP.customer_outcome),
            extra=(OPP.executive_sponsor,),
            order_by=(OPP.amount.desc(),),
            limit=limit,
        ),
    )


LATE_STAGE_WITH_SPONSOR = Ratio(
    table=OPP,
    base=lambda scope, filters: _late_stage(scope, filters),
    numerator=lambda: case((has_text(OPP.executive_sponsor), 1), else_=0),
    denominator=lambda: literal(1),
    parts={"with_sponsor": lambda: case((has_text(OPP.executive_sponsor), 1), else_=0)},
    required=Required(lambda: OPP.executive_sponsor, NEEDS_SPONSOR_FIELD, opportunity_clauses),
    empty="no late-stage deals in the period",
    detail=lambda p: f"{p['with_sponsor']:,} of {p['n']:,} late-stage deals have an executive sponsor",
)


def sponsor_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    return read_frame(
        conn,
        _deal_evidence(
            *_late_stage(scope, filters),
            extra=(OPP.executive_sponsor,),
            order_by=(has_text(OPP.executive_sponsor), OPP.amount.desc()),
            limit=limit,
        ),
    )


# 9 -------------------------------------------------------------------------------------------


def _band_case(edges: tuple[float, ...]):
    disc = discount_expr()
    whens = [(disc < edge - 1e-9, index) for index, edge in enumerate(edges)]
    return case(*whens, else_=len(edges))


def _band_labels(edges: tuple[float, ...]) -> list[str]:
    labels, low = [], 0.0
    for edge in edges:
        labels.append(f"{low:.0%}-{edge:.0%}")
        low = edge
    labels.append(f"{low:.0%}+")
    return labels


def _week_of_quarter(period: Period):
    """The week of its quarter a deal closed in (:func:`metrics.common.week_of_quarter`: 1 for the
    quarter's first seven days, the last week may be 14) as SQL: date ranges of the quarters the
    period touches."""
    whens = []
    for quarter in quarters_touching(period):
        start = quarter.start
        while start <= quarter.end:
            week = week_of_quarter(start)
            end = min(start + dt.timedelta(days=6), quarter.end)
            whens.append((OPP.close_date.between(start, end), week))
            start = end + dt.timedelta(days=1)
    return case(*whens, else_=None)


def _rows_by_team(conn: Connection, stmt, by: tuple) -> dict[int | None, list[tuple]]:
    """The rows of ``stmt`` as {team id: [the rest of each row]} when ``by`` is the team column (its
    first column); with ``by`` empty, all rows under the key None (every team of the filters together)."""
    found: dict[int | None, list[tuple]] = defaultdict(list)
    for row in conn.execute(stmt).all():
        if by:
            found[int(row[0])].append(tuple(row[1:]))
        else:
            found[None].append(tuple(row))
    return dict(found)


def _quantiles(
    conn: Connection, values, qs: tuple[float, ...], by: tuple
) -> dict[float, dict[int | None, float]]:
    """Each quantile of ``qs`` of ``values`` (``select(*by, value)``) per team (in one query), or of
    all of them under None."""
    if by:
        found = percentiles_by_group(conn, values, qs)
        return {q: {int(team_id): value for team_id, value in found[q].items()} for q in qs}
    result: dict[float, dict[int | None, float]] = {}
    for q in qs:
        value = percentile(conn, values, q)
        result[q] = {} if value is None else {None: value}
    return result


@dataclass
class _Discounts:
    """What :func:`discounting` reads for one team, or for all the teams of the filters together."""

    won_deals: int = 0
    median: float | None = None
    p90: float | None = None
    known: int = 0
    discounted: int = 0
    bunched: int = 0
    by_week: list[tuple] = field(default_factory=list)
    bands: list[tuple] = field(default_factory=list)


def _just_under_a_limit(disc, settings: MetricSettings):
    """A discount within the approval margin under one of the approval limits."""
    margin = settings.number("approval_margin")
    limits = settings.numbers("approval_limits")
    if not limits:
        return literal(False)
    # The epsilon keeps 1 - 900/1000 (0.0999...) from reading as "just under" a 10% limit.
    return or_(*[and_(disc >= limit - margin, disc < limit - 1e-9) for limit in limits])


def _gather_discounts(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, *by
) -> dict[int | None, _Discounts]:
    """The discount figures of deals closed in the period: per team when ``by`` is the team column
    (every query grouped by it), else for all the teams of the filters together under the key None."""
    disc = discount_expr()
    won = _won_in(scope, filters)
    found: dict[int | None, _Discounts] = defaultdict(_Discounts)
    counts = (
        select(
            *by,
            func.count(),
            func.sum(case((disc.is_not(None), 1), else_=0)),
            func.sum(case((disc >= settings.number("discounted_from"), 1), else_=0)),
            func.sum(case((_just_under_a_limit(disc, settings), 1), else_=0)),
        )
        .where(*won)
        .group_by(*by)
    )
    for key, [(won_deals, known, discounted, bunched)] in _rows_by_team(conn, counts, by).items():
        found[key].won_deals = int(won_deals)
        found[key].known = int(known or 0)
        found[key].discounted = int(discounted or 0)
        found[key].bunched = int(bunched or 0)
    values = select(*by, disc.label("d")).where(*won, disc.is_not(None))
    quantiles = _quantiles(conn, values, (0.5, 0.9), by)
    for key, median in quantiles[0.5].items():
        found[key].median = median
    for key, p90 in quantiles[0.9].items():
        found[key].p90 = p90
    week = _week_of_quarter(filters.period)
    by_week = (
        select(*by, week, func.sum(disc), func.count()).where(*won, disc.is_not(None)).group_by(*by, week)
    )
    for key, rows in _rows_by_team(conn, by_week, by).items():
        found[key].by_week = rows
    band = _band_case(settings.numbers("discount_bands"))
    bands = (
        select(*by, band, func.sum(case((OPP.is_won.is_(True), 1), else_=0)), func.count())
        .where(*_closed_in(scope, filters), disc.is_not(None))
        .group_by(*by, band)
    )
    for key, rows in _rows_by_team(conn, bands, by).items():
        found[key].bands = rows
    return dict(found)


def _discount_measurement(found: _Discounts, settings: MetricSettings) -> Measurement:
    """The discounting symptom from what :func:`_gather_discounts` read for one team (or all)."""
    if not found.won_deals:
        return nothing_to_count("no won deals in the period")
    median, p90, known = found.median, found.p90, found.known
    if median is None:
        return missing("needs list amounts or discounts on won deals")
    weekly = {int(week): (float(total), int(n)) for week, total, n in found.by_week}
    labels = _band_labels(settings.numbers("discount_bands"))
    win_rate_by_band = {label: None for label in labels}
    deals_by_band = dict.fromkeys(labels, 0)
    for index, won_n, n in found.bands:
        win_rate_by_band[labels[int(index)]] = ratio(int(won_n), int(n))
        deals_by_band[labels[int(index)]] = int(n)
    parts = {
        "median_discount": median,
        "p90_discount": p90,
        "share_discounted": found.discounted / known,
        "won_deals_with_discount": known,
        "discount_by_week_of_quarter": {week: total / n for week, (total, n) in sorted(weekly.items())},
        "win_rate_by_discount_band": win_rate_by_band,
        "closed_deals_by_discount_band": deals_by_band,
        "just_under_approval_limit": found.bunched / known,
    }
    return Measurement(
        found.discounted / known,
        parts,
        n=known,
        detail=f"{found.discounted:,} of {known:,} won deals discounted; "
        f"median discount {median:.0%}, P90 {p90:.0%}",
    )


def discounting(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """Share of won deals discounted beyond the small tolerance (discount = 1 - amount / list amount,
    or the field), banded by that share and by how deep the discounts go (P90).

    Parts: median and P90, mean discount by week of quarter, win rate by discount band and the share
    of discounts bunched just under an approval limit.
    """
    found = _gather_discounts(conn, scope, filters, settings, *((OPP.team_id,) if teams is not None else ()))
    return {key: _discount_measurement(found.get(key, _Discounts()), settings) for key in keys_of(teams)}


def discount_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    disc = discount_expr()
    return read_frame(
        conn,
        _deal_evidence(
            *_won_in(scope, filters),
            disc.is_not(None),
            extra=(as_float(OPP.list_amount).label("list_amount"), disc.label("discount")),
            order_by=(disc.desc(),),
            limit=limit,
        ),
    )


# 10, 17 --------------------------------------------------------------------------------------


def _loss_counts_stmt(scope: Scope, filters: Filters, *by):
    """Deals closed in the period per outcome and loss category, grouped first by the ``by`` columns."""
    return (
        select(*by, OPP.is_won, OPP.loss_category, func.count())
        .where(*_closed_in(scope, filters))
        .group_by(*by, OPP.is_won, OPP.loss_category)
    )


def _loss_counts(
    conn: Connection, scope: Scope, filters: Filters, teams: tuple[int, ...] | None
) -> dict[int | None, tuple[int, int, dict[str, int]]]:
    """Won deals, lost deals and lost deals per loss category closed in the period, per team (in one
    grouped query) or under None."""
    by = (OPP.team_id,) if teams is not None else ()
    rows = _rows_by_team(conn, _loss_counts_stmt(scope, filters, *by), by)
    return {key: _loss_tally(rows.get(key, [])) for key in keys_of(teams)}


def _loss_tally(rows) -> tuple[int, int, dict[str, int]]:
    """Won, lost and lost per category from ``(is_won, loss_category, deals)`` rows."""
    won = sum(int(n) for is_won, _, n in rows if is_won)
    lost = sum(int(n) for is_won, _, n in rows if not is_won)
    categories = {str(cat): int(n) for is_won, cat, n in rows if not is_won and cat is not None}
    return won, lost, categories


def price_loss_share(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """Lost deals whose loss reason is price / lost deals with a loss reason. Part: win rate."""
    return {key: _price_loss(*counts) for key, counts in _loss_counts(conn, scope, filters, teams).items()}


def _price_loss(won: int, lost: int, categories: dict[str, int]) -> Measurement:
    """The price-loss symptom from the counts of :func:`_loss_counts`."""
    if not lost:
        return nothing_to_count("no lost deals in the period", win_rate=ratio(won, won + lost))
    explained = sum(categories.values())
    if not explained:
        return missing("needs loss reasons on lost deals", win_rate=ratio(won, won + lost))
    price = categories.get("price", 0)
    parts = {
        "win_rate": ratio(won, won + lost),
        "won": won,
        "lost": lost,
        "lost_on_price": price,
        "loss_reasons": categories,
    }
    return Measurement(
        price / explained,
        parts,
        n=explained,
        detail=f"{price:,} of {explained:,} lost deals were lost on price; win rate {won / (won + lost):.0%}",
    )


def price_loss_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    return read_frame(
        conn,
        _deal_evidence(
            *_closed_in(scope, filters),
            OPP.is_won.is_(False),
            extra=(OPP.loss_category, OPP.loss_reason),
            order_by=((OPP.loss_category == "price").desc(), OPP.amount.desc()),
            limit=limit,
        ),
    )


def walk_away_rate(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """Lost deals we disqualified for poor fit / lost deals with a loss reason (a positive signal)."""
    return {key: _walk_away(*counts) for key, counts in _loss_counts(conn, scope, filters, teams).items()}


def _walk_away(won: int, lost: int, categories: dict[str, int]) -> Measurement:
    """The walk-away symptom from the counts of :func:`_loss_counts`."""
    if not lost:
        return nothing_to_count("no lost deals in the period")
    explained = sum(categories.values())
    if not explained:
        return missing("needs loss reasons on lost deals")
    walked = categories.get("disqualified", 0)
    return Measurement(
        walked / explained,
        {"lost": lost, "disqualified": walked},
        n=explained,
        detail=f"{walked:,} of {explained:,} lost deals were walked away from for poor fit",
    )


def walk_away_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    return read_frame(
        conn,
        _deal_evidence(
            *_closed_in(scope, filters),
            OPP.is_won.is_(False),
            OPP.loss_category == "disqualified",
            extra=(OPP.loss_reason,),
            limit=limit,
        ),
    )


# 12 ------------------------------------------------------------------------------------------


def _close_date_moves(scope: Scope, filters: Filters):
    """Per deal closed in the period, with its team: close-date pushes and pull-ins counted from its
    history (:mod:`metrics.pushes`, the one definition of a push)."""
    closed = select(OPP.id).where(*_closed_in(scope, filters))
    per = moves_per_deal(closed)
    return (
        select(per.c.opportunity_id, OPP.team_id.label("team_id"), per.c.pushes, per.c.pull_ins)
        .join(OPP, OPP.id == per.c.opportunity_id)
        .subquery()
    )


def _move_totals(scope: Scope, filters: Filters, *by):
    """Close-date pushes, pull-ins and deals pushed at least once, of the deals closed in the period
    (grouped first by the ``by`` columns): each deal's row of the history rollup, joined to the deal
    (the same counts as :func:`_close_date_moves`, in one join rather than a lookup of the period's
    deals and a second join for their teams)."""
    deals = m.DealHistory
    return (
        select(
            *by,
            func.coalesce(func.sum(deals.pushes), 0),
            func.coalesce(func.sum(deals.pull_ins), 0),
            func.coalesce(func.sum(case((deals.pushes > 0, 1), else_=0)), 0),
        )
        .select_from(OPP)
        .join(deals, deals.opportunity_id == OPP.id)
        .where(*_closed_in(scope, filters), deals.first_close.is_not(None))
        .group_by(*by)
    )


def _first_days(quarter: Period, period: Period, days: int) -> Period | None:
    """The first ``days`` days of ``quarter`` that fall in ``period``, or None if none do."""
    first = max(quarter.start, period.start)
    last_day = min(quarter.start + dt.timedelta(days=days - 1), quarter.end, period.end)
    return Period(first, last_day) if last_day >= first else None


# Up to this many sellers, :func:`_over_quota_shares` asks for their figures by id.
MAX_LISTED_SELLERS = 100


def _over_quota_shares(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, *by
) -> dict[int | None, float | None]:
    """Share of won amount closed in a quarter's first days by sellers already over last quarter's quota.

    Per team when ``by`` is the team column, else for all the teams of the filters together under the
    key None; a key is left out when none of its first-days closes count (the share is then None).
    """
    days = settings.integer("quarter_start_days")
    total: dict[int | None, float] = defaultdict(float)
    held_back: dict[int | None, float] = defaultdict(float)
    for quarter in quarters_touching(filters.period):
        window = _first_days(quarter, filters.period, days)
        if window is None:
            continue
        last = quarter_of(quarter.start - dt.timedelta(days=1))
        early_stmt = (
            select(*by, OPP.owner_id, func.sum(as_float(OPP.amount)))
            .where(
                *opportunity_clauses(scope, filters), OPP.is_won.is_(True), on_days(OPP.close_date, window)
            )
            .group_by(*by, OPP.owner_id)
        )
        early = _rows_by_team(conn, early_stmt, by)
        if not early:
            continue
        # A seller's last quarter counts whole, whichever team they sold for.
        owners = sorted({owner for rows in early.values() for owner, _ in rows if owner is not None})
        # A few sellers are looked up by id; for many (every team at once) the list would cost more
        # to send and match than reading every seller's figures for the quarter.
        few = len(owners) <= MAX_LISTED_SELLERS
        won_last = dict(
            conn.execute(
                select(OPP.owner_id, func.sum(as_float(OPP.amount)))
                .where(
                    OPP.owner_id.in_(owners) if few else OPP.owner_id.is_not(None),
                    OPP.is_won.is_(True),
                    on_days(OPP.close_date, last),
                )
                .group_by(OPP.owner_id)
            ).all()
        )
        quota = dict(
            conn.execute(
                select(m.Quota.person_id, func.sum(as_float(m.Quota.amount)))
                .where(
                    m.Quota.person_id.in_(owners) if few else m.Quota.person_id.is_not(None),
                    m.Quota.period_start == last.start,
                )
                .group_by(m.Quota.person_id)
            ).all()
        )
        for key, rows in early.items():
            if not any(owner in quota for owner, _ in rows):
                continue  # none of these sellers had a quota last quarter: nothing to compare with
            for owner, amount in rows:
                total[key] += float(amount or 0)
                target = quota.get(owner)
                if target and float(won_last.get(owner) or 0) >= float(target):
                    held_back[key] += float(amount or 0)
    return {key: ratio(held_back[key], total[key]) for key in total}


def _with_history(conn: Connection, scope: Scope, filters: Filters, *by) -> set[int | None]:
    """The teams (``by`` the team column) with a deal in scope that has a history, or {None} when any
    deal of the filters has one (``by`` empty). Read from the per-deal history summary, which carries
    each deal's team and segment: one lookup per team, not a read of every deal; the period does not
    enter, so a scorecard's periods ask once (:func:`metrics.common.read_once`)."""
    deals = m.DealHistory
    if not by:
        probe = exists().select_from(deals).where(*history_clauses(scope, filters))
        return {None} if read_once(conn, select(probe))[0][0] else set()
    stmt = select(m.Team.id).where(
        team_clause(m.Team.id, scope, filters),
        exists().where(deals.team_id == m.Team.id, *history_clauses(scope, filters)),
    )
    return {int(team_id) for (team_id,) in read_once(conn, stmt)}


@dataclass
class _CloseDates:
    """What :func:`comp_plan_gaming` reads for one team, or for all the teams of the filters together."""

    has_history: bool = False
    closed: int = 0
    pushes: int = 0
    pull_ins: int = 0
    pushed_deals: int = 0
    quarter_end_won: int = 0
    quarter_end_deep: int = 0
    over_quota_share: float | None = None


def _gather_close_dates(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, *by
) -> dict[int | None, _CloseDates]:
    """The close-date figures of deals closed in the period: per team when ``by`` is the team column
    (every query grouped by it), else for all the teams of the filters together under the key None."""
    found: dict[int | None, _CloseDates] = defaultdict(_CloseDates)
    for key in _with_history(conn, scope, filters, *by):
        found[key].has_history = True
    closed = select(*by, func.count()).where(*_closed_in(scope, filters)).group_by(*by)
    for key, [(n,)] in _rows_by_team(conn, closed, by).items():
        found[key].closed = int(n)
    for key, [(pushes, pull_ins, pushed_deals)] in _rows_by_team(
        conn, _move_totals(scope, filters, *by), by
    ).items():
        found[key].pushes = int(pushes)
        found[key].pull_ins = int(pull_ins)
        found[key].pushed_deals = int(pushed_deals)
    disc = discount_expr()
    days = settings.integer("quarter_end_days")
    deep = case((disc >= settings.number("deep_discount_from"), 1), else_=0)
    quarter_end_won = (
        select(*by, func.count(), func.sum(deep))
        .where(*_won_in(scope, filters), disc.is_not(None), _quarter_end_window(filters.period, days))
        .group_by(*by)
    )
    for key, [(n, deep_n)] in _rows_by_team(conn, quarter_end_won, by).items():
        found[key].quarter_end_won = int(n)
        found[key].quarter_end_deep = int(deep_n or 0)
    for key, share in _over_quota_shares(conn, scope, filters, settings, *by).items():
        found[key].over_quota_share = share
    return dict(found)


def _comp_plan_measurement(found: _CloseDates) -> Measurement:
    """The comp-plan gaming symptom from what :func:`_gather_close_dates` read for one team (or all)."""
    if not found.has_history:
        return missing("needs opportunity history (close-date changes)")
    closed = found.closed
    if not closed:
        return nothing_to_count("no deals closed in the period")
    parts = {
        "closed_deals": closed,
        "pushes": found.pushes,
        "pushes_per_deal": found.pushes / closed,
        "pull_ins": found.pull_ins,
        "deals_pushed_share": found.pushed_deals / closed,
        "first_days_closes_by_sellers_over_quota": found.over_quota_share,
        "deep_discount_share_at_quarter_end": ratio(found.quarter_end_deep, found.quarter_end_won),
    }
    return Measurement(
        found.pushes / closed,
        parts,
        n=closed,
        detail=f"{found.pushes:,} close-date pushes over {closed:,} closed deals; "
        f"{found.pull_ins:,} pull-ins",
    )


def comp_plan_gaming(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[int | None, Measurement]:
    """Close-date pushes per deal closed in the period, counted from the close-date history.

    Parts: pull-ins, share of deals pushed at least once, share of first-days-of-quarter won amount
    from sellers already over quota, share of quarter-end won deals with a deep discount.
    """
    found = _gather_close_dates(
        conn, scope, filters, settings, *((OPP.team_id,) if teams is not None else ())
    )
    return {key: _comp_plan_measurement(found.get(key, _CloseDates())) for key in keys_of(teams)}


def comp_plan_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    moves = _close_date_moves(scope, filters)
    stmt = (
        select(*_evidence_columns(), moves.c.pushes, moves.c.pull_ins)
        .join(moves, moves.c.opportunity_id == OPP.id)
        .outerjoin(m.Team, m.Team.id == OPP.team_id)
        .outerjoin(m.Person, m.Person.id == OPP.owner_id)
        .order_by(moves.c.pushes.desc(), OPP.close_date.desc(), OPP.id)
        .limit(limit)
    )
    return read_frame(conn, stmt)


CRM = "opportunities (CRM)"

METRICS = (
    Metric(
        id="quarter_end_close_share",
        number=5,
        label="Quarter-end closing",
        description="Short-term thinking: share of won amount closed in the last 14 days of a quarter "
        "(an even spread would be about 15%).",
        unit="share",
        direction=LOWER_IS_BETTER,
        kind="ratio",
        data_needed=(CRM + ": won deals with amount and close date",),
        formula="won amount with close date in the last 14 days of its quarter / won amount, close date in the period",
        thresholds=Thresholds(
            green=0.22,
            red=0.30,
            rationale="An even spread over a 13-week quarter puts about 15% of won amount in its last two "
            "weeks. Up to half again as much (22%) is the ordinary end-of-quarter pull; twice the even "
            "spread (30%) is the hockey stick of seed 002's short-term thinking.",
        ),
        weight=1.0,
        sample="won deals",
        min_sample=10,
        measure=quarter_end_close_share,
        evidence=quarter_end_evidence,
        worst=0.7,
        best=0.15,
        grain="month",
        whole_period=True,
    ),
    Metric(
        id="pipeline_with_customer_outcome",
        number=6,
        label="Pipeline with a customer outcome",
        description="Understanding the customer's environment: share of open pipeline amount with a "
        "documented customer outcome (what will be different for the customer).",
        unit="share",
        direction=HIGHER_IS_BETTER,
        kind="ratio",
        data_needed=(CRM + ": Customer Outcome field",),
        formula="amount of deals open during the period with a customer outcome / amount of deals open during the period",
        thresholds=Thresholds(
            green=0.60,
            red=0.35,
            rationale="Seed 003 asks every deal to answer 'what will be different for the customer'. Most of "
            "the pipeline's value documented (60%) shows the habit; under about a third it is the exception.",
        ),
        weight=1.0,
        sample="open deals",
        min_sample=10,
        measure=ratio_measure(PIPELINE_WITH_OUTCOME),
        evidence=pipeline_evidence,
        worst=0.0,
        best=1.0,
        grain="month",
    ),
    Metric(
        id="late_stage_without_outcome",
        number=7,
        label="Late-stage deals without a customer outcome",
        description="Cannot connect products to customer goals: late-stage (commit / negotiation) deals with "
        "no documented customer outcome; parts give the count and amount.",
        unit="share",
        direction=LOWER_IS_BETTER,
        kind="ratio",
        data_needed=(CRM + ": late stage flag and Customer Outcome field",),
        formula="late-stage deals open during the period without a customer outcome / late-stage deals open during it",
        thresholds=Thresholds(
            green=0.25,
            red=0.5,
            rationale="A deal in commit or negotiation should know the customer's outcome; one in four "
            "without is tolerable, half without means products are sold without the customer's goal.",
        ),
        weight=1.0,
        sample="late-stage deals",
        min_sample=10,
        measure=ratio_measure(LATE_STAGE_WITHOUT_OUTCOME),
        evidence=late_stage_evidence,
        worst=1.0,
        best=0.0,
        grain="month",
    ),
    Metric(
        id="late_stage_with_exec_sponsor",
        number=8,
        label="Late-stage deals with an executive sponsor",
        description="Access to senior levels: share of late-stage deals with an executive sponsor or senior contact.",
        unit="share",
        direction=HIGHER_IS_BETTER,
        kind="ratio",
        data_needed=(CRM + ": late stage flag and Executive Sponsor field",),
        formula="late-stage deals open during the period with an executive sponsor / late-stage deals open during it",
        thresholds=Thresholds(
            green=0.50,
            red=0.30,
            rationale="B2B buying studies find senior sponsors in most large wins; half of late-stage deals "
            "with one is healthy, under 30% means sellers cannot reach the people who own the outcome.",
        ),
        weight=1.0,
        sample="late-stage deals",
        min_sample=10,
        measure=ratio_measure(LATE_STAGE_WITH_SPONSOR),
        evidence=sponsor_evidence,
        worst=0.0,
        best=1.0,
        grain="month",
    ),
    Metric(
        id="discounting",
        number=9,
        label="Discounting",
        description="Default response is to lower the price: share of won deals discounted beyond a small "
        "tolerance, banded also by how deep the discounts go (P90); with the median, discount by week of "
        "quarter, win rate by discount band and bunching under approval limits.",
        unit="share",
        direction=LOWER_IS_BETTER,
        kind="percentile",
        data_needed=(CRM + ": won deals with list amount or discount",),
        formula="won deals closed in the period with a discount of at least 1% / won deals with a known "
        "discount; band: the worse of that share and the P90 discount",
        thresholds=Thresholds(
            green=0.35,
            red=0.55,
            rationale="Seed 002: discounting as the default move. B2B pricing studies find about a third of "
            "deals carry some concession; past half of them it is the habit. The median alone hides it (2.5% median with 53% "
            "of deals discounted and a P90 of 31%).",
        ),
        weight=1.5,
        sample="won deals with a known discount",
        min_sample=10,
        measure=discounting,
        evidence=discount_evidence,
        worst=1.0,
        best=0.0,
        grain="month",
        depth=Depth(
            part="p90_discount",
            label="Discounting depth (P90 discount of won deals)",
            thresholds=Thresholds(
                green=0.15,
                red=0.25,
                rationale="Typical B2B approval limits sit at 10-20%; a tenth of deals at 25% or deeper is "
                "price doing the selling.",
            ),
            worst=0.5,
            best=0.0,
        ),
    ),
    Metric(
        id="price_loss_share",
        number=10,
        label="Losses on price",
        description="Customers treat us as a commodity: share of lost deals whose loss reason is price; the "
        "win rate is a part.",
        unit="share",
        direction=LOWER_IS_BETTER,
        kind="ratio",
        data_needed=(CRM + ": lost deals with a loss reason",),
        formula="lost deals with loss category price / lost deals with a loss category, closed in the period",
        thresholds=Thresholds(
            green=0.25,
            red=0.42,
            rationale="Win-loss studies find price named in about a quarter to a third of losses; above about "
            "40% the customer sees no difference but price.",
        ),
        weight=1.0,
        sample="lost deals with a loss reason",
        min_sample=10,
        measure=price_loss_share,
        evidence=price_loss_evidence,
        worst=1.0,
        best=0.0,
        grain="month",
    ),
    Metric(
        id="comp_plan_gaming",
        number=12,
        label="Comp-plan gaming",
        description="Close dates pushed out or pulled in around period ends: close-date pushes per closed deal "
        "from the history, pull-ins, first-days-of-quarter closes by sellers over quota, deep quarter-end discounts.",
        unit="per_deal",
        direction=LOWER_IS_BETTER,
        kind="custom",
        data_needed=("opportunity history (close-date changes)", "quotas"),
        formula="close-date changes to a later date in the history of deals closed in the period / those deals",
        thresholds=Thresholds(
            green=1.0,
            red=2.0,
            rationale="One re-forecast close date per deal is normal pipeline hygiene; two or more pushes per "
            "closed deal is slippage managed around period ends.",
        ),
        weight=1.0,
        sample="closed deals",
        min_sample=10,
        measure=comp_plan_gaming,
        evidence=comp_plan_evidence,
        worst=4.0,
        best=0.0,
        grain="month",
    ),
    Metric(
        id="walk_away_rate",
        number=17,
        label="Walking away for poor fit",
        description="A strength, not a symptom: share of closed-lost deals we disqualified because we could "
        "not help the customer.",
        unit="share",
        direction=HIGHER_IS_BETTER,
        kind="ratio",
        data_needed=(CRM + ": lost deals with a loss reason",),
        formula="lost deals with loss category disqualified / lost deals with a loss category, closed in the period",
        thresholds=Thresholds(
            green=0.10,
            red=0.05,
            rationale="Seeds 000 and 001 praise saying no to customers we cannot help; one loss in ten by our "
            "own choice shows the discipline, under one in twenty that every deal is chased.",
        ),
        weight=0.5,
        sample="lost deals with a loss reason",
        min_sample=10,
        measure=walk_away_rate,
        evidence=walk_away_evidence,
        worst=0.0,
        best=0.4,
        grain="month",
        positive_signal=True,
    ),
)
