"""Symptoms 5-10, 12 and 17: how sellers behave, read from the pipeline and its history.

Deals belong to the period of their close date (won and lost) or, for pipeline symptoms, to every
period they were open in: created on or before its last day and not closed before its first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd
from sqlalchemy import Connection, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from data_access import models as m
from data_access.scope import Filters, Period, Scope, quarter_of
from metrics.common import (
    Measurement,
    as_date,
    as_float,
    discount_expr,
    has_text,
    in_quarter_end,
    missing,
    money,
    on_days,
    opportunity_clauses,
    percentile,
    quarters_touching,
    ratio,
    read_frame,
    week_of_quarter,
)
from metrics.metric import HIGHER_IS_BETTER, LOWER_IS_BETTER, Metric
from metrics.settings import MetricSettings

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


def _field_never_filled(conn: Connection, scope: Scope, filters: Filters, column) -> bool:
    """True when no deal in scope has the optional field at all: the source does not carry it."""
    stmt = select(OPP.id).where(*opportunity_clauses(scope, filters), has_text(column)).limit(1)
    return conn.execute(stmt).first() is None


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
        .order_by(*(order_by if order_by is not None else (OPP.close_date.desc(), OPP.id)))
        .limit(limit)
    )


# 5 -------------------------------------------------------------------------------------------


def _won_by_day(conn: Connection, scope: Scope, filters: Filters) -> list[tuple[dt.date, float, int]]:
    rows = conn.execute(
        select(OPP.close_date, func.sum(as_float(OPP.amount)), func.count())
        .where(*_won_in(scope, filters), OPP.amount.is_not(None))
        .group_by(OPP.close_date)
    ).all()
    return [(as_date(day), float(amount or 0), int(n)) for day, amount, n in rows]


def quarter_end_close_share(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Won amount closed in the last N (14) days of its quarter / won amount closed in the period."""
    days = settings.integer("quarter_end_days")
    by_day = _won_by_day(conn, scope, filters)
    total = sum(amount for _, amount, _ in by_day)
    if not by_day or total <= 0:
        return missing("needs won deals with an amount")
    late = sum(amount for day, amount, _ in by_day if in_quarter_end(day, days))
    late_deals = sum(n for day, _, n in by_day if in_quarter_end(day, days))
    parts = {
        "won_amount": total,
        "quarter_end_amount": late,
        "won_deals": sum(n for _, _, n in by_day),
        "quarter_end_deals": late_deals,
        "even_spread_share": days / 91.0,
    }
    return Measurement(
        late / total,
        parts,
        detail=f"{late_deals:,} won deals worth {money(late)} of {money(total)} closed in the last {days} days of a quarter",
    )


def _quarter_end_window(period: Period, days: int):
    windows = []
    for quarter in quarters_touching(period):
        windows.append(OPP.close_date.between(quarter.end - dt.timedelta(days=days - 1), quarter.end))
    return or_(*windows)


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


def pipeline_with_customer_outcome(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Amount of deals open during the period with a documented customer outcome / their amount."""
    if _field_never_filled(conn, scope, filters, OPP.customer_outcome):
        return missing("needs a customer outcome field on opportunities")
    total, documented, deals, deals_documented = conn.execute(
        select(
            func.coalesce(func.sum(as_float(OPP.amount)), 0.0),
            func.coalesce(
                func.sum(case((has_text(OPP.customer_outcome), as_float(OPP.amount)), else_=0.0)), 0.0
            ),
            func.count(),
            func.coalesce(func.sum(case((has_text(OPP.customer_outcome), 1), else_=0)), 0),
        ).where(*_open_during(scope, filters), OPP.amount.is_not(None))
    ).one()
    if not deals or float(total) <= 0:
        return missing("needs open pipeline with amounts")
    parts = {
        "pipeline_amount": float(total),
        "documented_amount": float(documented),
        "deals": int(deals),
        "deals_documented": int(deals_documented),
    }
    return Measurement(
        float(documented) / float(total),
        parts,
        detail=f"{money(documented)} of {money(total)} open pipeline has a documented customer outcome",
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

    The history matters for past periods: a deal won since no longer carries the flag.
    """
    hist = m.OpportunityHistory
    flagged = aliased(m.Opportunity)
    late_stages = select(flagged.stage).where(flagged.is_late_stage.is_(True)).distinct()
    reached = exists().where(
        hist.opportunity_id == OPP.id,
        hist.stage.in_(late_stages),
        hist.changed_at < dt.datetime.combine(filters.period.end + dt.timedelta(days=1), dt.time()),
    )
    staged = exists().where(hist.opportunity_id == OPP.id, hist.stage.is_not(None))
    return [*_open_during(scope, filters), or_(and_(OPP.is_late_stage.is_(True), ~staged), reached)]


def late_stage_without_outcome(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Late-stage (commit / negotiation) deals open in the period without a customer outcome: share,
    count and amount."""
    if _field_never_filled(conn, scope, filters, OPP.customer_outcome):
        return missing("needs a customer outcome field on opportunities")
    without = ~has_text(OPP.customer_outcome)
    deals, missing_count, missing_amount = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((without, 1), else_=0)), 0),
            func.coalesce(func.sum(case((without, as_float(OPP.amount)), else_=0.0)), 0.0),
        ).where(*_late_stage(scope, filters))
    ).one()
    if not deals:
        return missing("needs late-stage deals")
    parts = {
        "late_stage_deals": int(deals),
        "without_outcome": int(missing_count),
        "amount": float(missing_amount),
    }
    return Measurement(
        int(missing_count) / int(deals),
        parts,
        detail=f"{int(missing_count):,} late-stage deals worth {money(missing_amount)} have no customer outcome",
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


def late_stage_with_exec_sponsor(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Late-stage deals open in the period with an executive sponsor or senior contact / late-stage deals."""
    if _field_never_filled(conn, scope, filters, OPP.executive_sponsor):
        return missing("needs an executive sponsor field on opportunities")
    deals, sponsored = conn.execute(
        select(
            func.count(), func.coalesce(func.sum(case((has_text(OPP.executive_sponsor), 1), else_=0)), 0)
        ).where(*_late_stage(scope, filters))
    ).one()
    if not deals:
        return missing("needs late-stage deals")
    return Measurement(
        int(sponsored) / int(deals),
        {"late_stage_deals": int(deals), "with_sponsor": int(sponsored)},
        detail=f"{int(sponsored):,} of {int(deals):,} late-stage deals have an executive sponsor",
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


def discounting(conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings) -> Measurement:
    """Median discount of won deals in the period (discount = 1 - amount / list amount, or the field).

    Parts: P90, share discounted, mean discount by week of quarter, win rate by discount band and
    the share of discounts bunched just under an approval limit.
    """
    disc = discount_expr()
    won = _won_in(scope, filters)
    won_count = conn.execute(select(func.count()).where(*won)).scalar_one()
    if not won_count:
        return missing("needs won deals")
    values = select(disc.label("d")).where(*won, disc.is_not(None))
    median = percentile(conn, values, 0.5)
    if median is None:
        return missing("needs list amounts or discounts on won deals")
    p90 = percentile(conn, values, 0.9)
    threshold = settings.number("discounted_from")
    margin = settings.number("approval_margin")
    limits = settings.numbers("approval_limits")
    # The epsilon keeps 1 - 900/1000 (0.0999...) from reading as "just under" a 10% limit.
    just_under = (
        or_(*[and_(disc >= limit - margin, disc < limit - 1e-9) for limit in limits])
        if limits
        else literal(False)
    )
    known, discounted, bunched = conn.execute(
        select(
            func.count(),
            func.sum(case((disc >= threshold, 1), else_=0)),
            func.sum(case((just_under, 1), else_=0)),
        ).where(*won, disc.is_not(None))
    ).one()
    by_day = conn.execute(
        select(OPP.close_date, func.sum(disc), func.count())
        .where(*won, disc.is_not(None))
        .group_by(OPP.close_date)
    ).all()
    weekly: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    for day, total, n in by_day:
        week = week_of_quarter(as_date(day))
        weekly[week][0] += float(total)
        weekly[week][1] += int(n)
    edges = settings.numbers("discount_bands")
    band = _band_case(edges)
    band_rows = conn.execute(
        select(band, func.sum(case((OPP.is_won.is_(True), 1), else_=0)), func.count())
        .where(*_closed_in(scope, filters), disc.is_not(None))
        .group_by(band)
    ).all()
    labels = _band_labels(edges)
    win_rate_by_band = {label: None for label in labels}
    for index, won_n, n in band_rows:
        win_rate_by_band[labels[int(index)]] = ratio(int(won_n), int(n))
    parts = {
        "median_discount": median,
        "p90_discount": p90,
        "share_discounted": int(discounted) / int(known),
        "won_deals_with_discount": int(known),
        "discount_by_week_of_quarter": {week: total / n for week, (total, n) in sorted(weekly.items())},
        "win_rate_by_discount_band": win_rate_by_band,
        "just_under_approval_limit": int(bunched) / int(known),
    }
    return Measurement(
        median,
        parts,
        detail=f"median discount {median:.0%}, P90 {p90:.0%}; {int(discounted):,} of {int(known):,} won deals discounted",
    )


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


def _loss_counts(conn: Connection, scope: Scope, filters: Filters) -> tuple[int, int, dict[str, int]]:
    rows = conn.execute(
        select(OPP.is_won, OPP.loss_category, func.count())
        .where(*_closed_in(scope, filters))
        .group_by(OPP.is_won, OPP.loss_category)
    ).all()
    won = sum(int(n) for is_won, _, n in rows if is_won)
    lost = sum(int(n) for is_won, _, n in rows if not is_won)
    categories = {str(cat): int(n) for is_won, cat, n in rows if not is_won and cat is not None}
    return won, lost, categories


def price_loss_share(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Lost deals whose loss reason is price / lost deals with a loss reason. Part: win rate."""
    won, lost, categories = _loss_counts(conn, scope, filters)
    if not lost:
        return missing("needs lost deals", win_rate=ratio(won, won + lost))
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


def walk_away_rate(conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings) -> Measurement:
    """Lost deals we disqualified for poor fit / lost deals with a loss reason (a positive signal)."""
    won, lost, categories = _loss_counts(conn, scope, filters)
    if not lost:
        return missing("needs lost deals")
    explained = sum(categories.values())
    if not explained:
        return missing("needs loss reasons on lost deals")
    walked = categories.get("disqualified", 0)
    return Measurement(
        walked / explained,
        {"lost": lost, "disqualified": walked},
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
    """Per deal closed in the period: close-date pushes and pull-ins counted from its history."""
    hist = m.OpportunityHistory
    before = func.lag(hist.close_date).over(partition_by=hist.opportunity_id, order_by=hist.changed_at)
    moves = (
        select(hist.opportunity_id.label("opportunity_id"), hist.close_date.label("new"), before.label("old"))
        .join(OPP, OPP.id == hist.opportunity_id)
        .where(*_closed_in(scope, filters), hist.close_date.is_not(None))
        .subquery()
    )
    return (
        select(
            moves.c.opportunity_id,
            func.sum(case((moves.c.new > moves.c.old, 1), else_=0)).label("pushes"),
            func.sum(case((moves.c.new < moves.c.old, 1), else_=0)).label("pull_ins"),
        )
        .group_by(moves.c.opportunity_id)
        .subquery()
    )


def _over_quota_share(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> float | None:
    """Share of won amount closed in a quarter's first days by sellers already over last quarter's quota."""
    days = settings.integer("quarter_start_days")
    total = held_back = 0.0
    for quarter in quarters_touching(filters.period):
        first = max(quarter.start, filters.period.start)
        last_day = min(quarter.start + dt.timedelta(days=days - 1), quarter.end, filters.period.end)
        if last_day < first:
            continue
        window = Period(first, last_day)
        last = quarter_of(quarter.start - dt.timedelta(days=1))
        early = dict(
            conn.execute(
                select(OPP.owner_id, func.sum(as_float(OPP.amount)))
                .where(
                    *opportunity_clauses(scope, filters),
                    OPP.is_won.is_(True),
                    on_days(OPP.close_date, window),
                )
                .group_by(OPP.owner_id)
            ).all()
        )
        if not early:
            continue
        owners = [owner for owner in early if owner is not None]
        won_last = dict(
            conn.execute(
                select(OPP.owner_id, func.sum(as_float(OPP.amount)))
                .where(OPP.owner_id.in_(owners), OPP.is_won.is_(True), on_days(OPP.close_date, last))
                .group_by(OPP.owner_id)
            ).all()
        )
        quota = dict(
            conn.execute(
                select(m.Quota.person_id, func.sum(as_float(m.Quota.amount)))
                .where(m.Quota.person_id.in_(owners), m.Quota.period_start == last.start)
                .group_by(m.Quota.person_id)
            ).all()
        )
        if not quota:
            continue
        for owner, amount in early.items():
            total += float(amount or 0)
            target = quota.get(owner)
            if target and float(won_last.get(owner) or 0) >= float(target):
                held_back += float(amount or 0)
    return ratio(held_back, total)


def comp_plan_gaming(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Close-date pushes per deal closed in the period, counted from the close-date history.

    Parts: pull-ins, share of deals pushed at least once, share of first-days-of-quarter won amount
    from sellers already over quota, share of quarter-end won deals with a deep discount.
    """
    has_history = conn.execute(
        select(
            exists().where(
                m.OpportunityHistory.opportunity_id == OPP.id, *opportunity_clauses(scope, filters)
            )
        )
    ).scalar_one()
    if not has_history:
        return missing("needs opportunity history (close-date changes)")
    closed = conn.execute(select(func.count()).where(*_closed_in(scope, filters))).scalar_one()
    if not closed:
        return missing("needs closed deals")
    moves = _close_date_moves(scope, filters)
    pushes, pull_ins, pushed_deals = conn.execute(
        select(
            func.coalesce(func.sum(moves.c.pushes), 0),
            func.coalesce(func.sum(moves.c.pull_ins), 0),
            func.coalesce(func.sum(case((moves.c.pushes > 0, 1), else_=0)), 0),
        )
    ).one()
    disc = discount_expr()
    days = settings.integer("quarter_end_days")
    deep = settings.number("deep_discount_from")
    late_rows = conn.execute(
        select(OPP.close_date, func.count(), func.sum(case((disc >= deep, 1), else_=0)))
        .where(*_won_in(scope, filters), disc.is_not(None))
        .group_by(OPP.close_date)
    ).all()
    late_n = sum(int(n) for day, n, _ in late_rows if in_quarter_end(as_date(day), days))
    late_deep = sum(int(d or 0) for day, _, d in late_rows if in_quarter_end(as_date(day), days))
    parts = {
        "closed_deals": int(closed),
        "pushes": int(pushes),
        "pushes_per_deal": int(pushes) / int(closed),
        "pull_ins": int(pull_ins),
        "deals_pushed_share": int(pushed_deals) / int(closed),
        "first_days_closes_by_sellers_over_quota": _over_quota_share(conn, scope, filters, settings),
        "deep_discount_share_at_quarter_end": ratio(late_deep, late_n),
    }
    return Measurement(
        int(pushes) / int(closed),
        parts,
        detail=f"{int(pushes):,} close-date pushes over {int(closed):,} closed deals; {int(pull_ins):,} pull-ins",
    )


def comp_plan_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    moves = _close_date_moves(scope, filters)
    stmt = (
        select(*_evidence_columns(), moves.c.pushes, moves.c.pull_ins)
        .join(moves, moves.c.opportunity_id == OPP.id)
        .outerjoin(m.Team, m.Team.id == OPP.team_id)
        .outerjoin(m.Person, m.Person.id == OPP.owner_id)
        .order_by(moves.c.pushes.desc(), OPP.close_date.desc())
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
        data_needed=(CRM + ": won deals with amount and close date",),
        compute=quarter_end_close_share,
        evidence=quarter_end_evidence,
        formula="won amount with close date in the last 14 days of its quarter / won amount, close date in the period",
        worst=0.7,
        best=0.15,
        grain="month",
    ),
    Metric(
        id="pipeline_with_customer_outcome",
        number=6,
        label="Pipeline with a customer outcome",
        description="Understanding the customer's environment: share of open pipeline amount with a "
        "documented customer outcome (what will be different for the customer).",
        unit="share",
        direction=HIGHER_IS_BETTER,
        data_needed=(CRM + ": Customer Outcome field",),
        compute=pipeline_with_customer_outcome,
        evidence=pipeline_evidence,
        formula="amount of deals open during the period with a customer outcome / amount of deals open during the period",
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
        data_needed=(CRM + ": late stage flag and Customer Outcome field",),
        compute=late_stage_without_outcome,
        evidence=late_stage_evidence,
        formula="late-stage deals open during the period without a customer outcome / late-stage deals open during it",
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
        data_needed=(CRM + ": late stage flag and Executive Sponsor field",),
        compute=late_stage_with_exec_sponsor,
        evidence=sponsor_evidence,
        formula="late-stage deals open during the period with an executive sponsor / late-stage deals open during it",
        worst=0.0,
        best=1.0,
        grain="month",
    ),
    Metric(
        id="discounting",
        number=9,
        label="Discounting",
        description="Default response is to lower the price: median discount of won deals, with P90, share "
        "discounted, discount by week of quarter, win rate by discount band and bunching under approval limits.",
        unit="share",
        direction=LOWER_IS_BETTER,
        data_needed=(CRM + ": won deals with list amount or discount",),
        compute=discounting,
        evidence=discount_evidence,
        formula="median of (1 - amount / list amount) over won deals closed in the period",
        worst=0.4,
        best=0.0,
        grain="month",
    ),
    Metric(
        id="price_loss_share",
        number=10,
        label="Losses on price",
        description="Customers treat us as a commodity: share of lost deals whose loss reason is price; the "
        "win rate is a part.",
        unit="share",
        direction=LOWER_IS_BETTER,
        data_needed=(CRM + ": lost deals with a loss reason",),
        compute=price_loss_share,
        evidence=price_loss_evidence,
        formula="lost deals with loss category price / lost deals with a loss category, closed in the period",
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
        data_needed=("opportunity history (close-date changes)", "quotas"),
        compute=comp_plan_gaming,
        evidence=comp_plan_evidence,
        formula="close-date changes to a later date in the history of deals closed in the period / those deals",
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
        data_needed=(CRM + ": lost deals with a loss reason",),
        compute=walk_away_rate,
        evidence=walk_away_evidence,
        formula="lost deals with loss category disqualified / lost deals with a loss category, closed in the period",
        worst=0.0,
        best=0.4,
        grain="month",
        positive_signal=True,
    ),
)
