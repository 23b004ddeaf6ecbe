"""Symptoms 11 and 14: renewals in jeopardy over small amounts, and customer churn.

A subscription term is a row; its renewal is a new row whose ``renewed_from_id`` points at it. A
term whose end date falls in the period is up for renewal there: no successor is churn, a
successor with less ARR is contraction, with more is expansion. ``concession_amount`` is the
annual value given away to keep the contract.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd
from sqlalchemy import Connection, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from data_access import models as m
from data_access.scope import Filters, Scope
from metrics.common import (
    Measurement,
    as_date,
    as_float,
    discount_expr,
    has_text,
    in_quarter_end,
    missing,
    on_days,
    ratio,
    read_frame,
    team_clause,
)
from metrics.metric import LOWER_IS_BETTER, Metric
from metrics.settings import MetricSettings

SUB = m.Subscription


def _successors():
    later = aliased(m.Subscription)
    return (
        select(
            later.renewed_from_id.label("renews"),
            func.sum(as_float(later.arr)).label("arr"),
            func.sum(as_float(func.coalesce(later.concession_amount, 0))).label("concession"),
        )
        .where(later.renewed_from_id.is_not(None))
        .group_by(later.renewed_from_id)
        .subquery()
    )


def _subscription_clauses(scope: Scope, filters: Filters) -> list:
    clauses = [team_clause(SUB.team_id, scope, filters)]
    if filters.segment:
        segment_accounts = select(m.Account.id).where(m.Account.segment == filters.segment)
        clauses.append(SUB.account_id.in_(segment_accounts))
    return clauses


def _ending(scope: Scope, filters: Filters) -> list:
    """Terms up for renewal in the period that were live when it started (new customers excluded)."""
    return [
        *_subscription_clauses(scope, filters),
        on_days(SUB.end_date, filters.period),
        SUB.start_date <= filters.period.start,
    ]


def _outcomes(succ):
    churned = succ.c.renews.is_(None)
    arr = as_float(SUB.arr)
    contraction = case((and_(~churned, succ.c.arr < arr), arr - succ.c.arr), else_=0.0)
    expansion = case((and_(~churned, succ.c.arr > arr), succ.c.arr - arr), else_=0.0)
    concession = as_float(func.coalesce(SUB.concession_amount, 0)) + func.coalesce(succ.c.concession, 0.0)
    return churned, arr, contraction, expansion, concession


# The key of the one row a query returns when it is not grouped by team.
TeamKey = int | None
NO_CUSTOMERS = (0, 0.0)  # customers and ARR live at the start, for a team with no subscription
NO_RENEWALS_DUE = (0, 0, 0.0, 0.0, 0.0)  # due, logos lost, churned, contracted and expanded ARR


def _team_key(by_team: bool) -> list:
    """The column a by-team query adds to SELECT and GROUP BY; none for one total."""
    return [SUB.team_id] if by_team else []


def _keyed_totals(conn: Connection, stmt, by_team: bool) -> dict[TeamKey, tuple]:
    """The rows of an aggregate query by team (its first column when ``by_team``), or its one row
    under the key None."""
    if not by_team:
        return {None: tuple(conn.execute(stmt).one())}
    return {row[0]: tuple(row[1:]) for row in conn.execute(stmt)}


def _keyed_lists(conn: Connection, stmt, by_team: bool) -> dict[TeamKey, list[tuple]]:
    """The rows of ``stmt`` in one list per team (its first column when ``by_team``), or all under None."""
    lists: dict[TeamKey, list[tuple]] = defaultdict(list)
    for row in conn.execute(stmt):
        if by_team:
            lists[row[0]].append(tuple(row[1:]))
        else:
            lists[None].append(tuple(row))
    return lists


def customer_churn(conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings) -> Measurement:
    """Logo churn: customers lost in the period / customers at its start.

    Parts: GRR = (start ARR - churned - contraction) / start ARR capped at 1; NRR = (start ARR -
    churned - contraction + expansion) / start ARR, new customers of the period excluded; churn rate
    of renewals split by how the deal was sold.
    """
    live, renewals, how_sold = _churn_gather(conn, scope, filters, settings, by_team=False)
    return _churn_finish(live[None], renewals[None], how_sold.get(None, []), settings)


def customer_churn_by_team(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, team_ids: tuple[int, ...]
) -> dict[int, Measurement]:
    """:func:`customer_churn` of each of ``team_ids`` alone, in the same three queries grouped by team."""
    live, renewals, how_sold = _churn_gather(conn, scope, filters, settings, by_team=True)
    return {
        tid: _churn_finish(
            live.get(tid, NO_CUSTOMERS), renewals.get(tid, NO_RENEWALS_DUE), how_sold.get(tid, []), settings
        )
        for tid in team_ids
    }


def _churn_gather(conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, by_team: bool):
    """What logo churn is computed from, each keyed by team (or None when not ``by_team``):
    customers and ARR live at the period's start, the outcomes of the renewals due in it (see
    :data:`NO_RENEWALS_DUE`), and the renewals due by how the original deal was sold."""
    keys = _team_key(by_team)
    period = filters.period
    live_at_start = [
        *_subscription_clauses(scope, filters),
        SUB.start_date <= period.start,
        or_(SUB.end_date.is_(None), SUB.end_date >= period.start),
    ]
    live = _keyed_totals(
        conn,
        select(
            *keys,
            func.count(func.distinct(SUB.account_id)),
            func.coalesce(func.sum(as_float(SUB.arr)), 0.0),
        )
        .where(*live_at_start)
        .group_by(*keys),
        by_team,
    )
    succ = _successors()
    churned, arr, contraction, expansion, _ = _outcomes(succ)
    renewals = _keyed_totals(
        conn,
        select(
            *keys,
            func.count(),
            func.count(func.distinct(case((churned, SUB.account_id), else_=None))),
            func.coalesce(func.sum(case((churned, arr), else_=0.0)), 0.0),
            func.coalesce(func.sum(contraction), 0.0),
            func.coalesce(func.sum(expansion), 0.0),
        )
        .select_from(SUB)
        .outerjoin(succ, succ.c.renews == SUB.id)
        .where(*_ending(scope, filters))
        .group_by(*keys),
        by_team,
    )
    return live, renewals, _how_sold_rows(conn, scope, filters, settings, by_team)


def _churn_finish(live: tuple, renewals: tuple, how_sold: list[tuple], settings: MetricSettings) -> Measurement:
    """Logo churn of one team (or of all the teams asked for) from what :func:`_churn_gather` read."""
    customers, start_arr = live
    if not customers:
        return missing("needs subscriptions (renewals)")
    due, lost_logos, churned_arr, contracted, expanded = renewals
    start_arr = float(start_arr)
    grr = nrr = None
    if start_arr > 0:
        grr = min(1.0, (start_arr - float(churned_arr) - float(contracted)) / start_arr)
        nrr = (start_arr - float(churned_arr) - float(contracted) + float(expanded)) / start_arr
    parts = {
        "customers_at_start": int(customers),
        "customers_lost": int(lost_logos),
        "renewals_due": int(due),
        "starting_arr": start_arr,
        "churned_arr": float(churned_arr),
        "contraction_arr": float(contracted),
        "expansion_arr": float(expanded),
        "gross_revenue_retention": grr,
        "net_revenue_retention": nrr,
        "churn_by_how_sold": _churn_by_how_sold(how_sold, settings),
    }
    value = int(lost_logos) / int(customers)
    return Measurement(
        value,
        parts,
        detail=f"{int(lost_logos):,} of {int(customers):,} customers lost; GRR {grr:.0%}, NRR {nrr:.0%}"
        if grr is not None and nrr is not None
        else f"{int(lost_logos)} of {int(customers)} customers lost",
    )


def _how_sold_rows(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, by_team: bool
) -> dict[TeamKey, list[tuple]]:
    """Renewals due in the period and how many churned, counted by the original deal's close date,
    discounted or not and customer outcome documented or not; keyed by team (or None)."""
    keys = _team_key(by_team)
    succ = _successors()
    churned = succ.c.renews.is_(None)
    opp = m.Opportunity
    disc = discount_expr()
    discounted = case((disc >= settings.number("discounted_from"), 1), (disc.is_not(None), 0), else_=None)
    documented = case((has_text(opp.customer_outcome), 1), else_=0)
    stmt = (
        select(
            *keys,
            opp.close_date,
            discounted.label("discounted"),
            documented.label("documented"),
            func.count(),
            func.sum(case((churned, 1), else_=0)),
        )
        .select_from(SUB)
        .join(opp, opp.id == SUB.opportunity_id)
        .outerjoin(succ, succ.c.renews == SUB.id)
        .where(*_ending(scope, filters))
        .group_by(*keys, opp.close_date, discounted, documented)
    )
    return _keyed_lists(conn, stmt, by_team)


def _churn_by_how_sold(rows: list[tuple], settings: MetricSettings) -> dict:
    """Churn rate of renewals due by how the original deal was sold: closed in the quarter's last
    days or not, discounted or not, customer outcome documented or not (rows of :func:`_how_sold_rows`)."""
    days = settings.integer("quarter_end_days")
    tallies: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for day, was_discounted, was_documented, n, lost in rows:
        keys = {"customer_outcome_documented": "yes" if was_documented else "no"}
        if day is not None:
            keys["quarter_end_close"] = "yes" if in_quarter_end(as_date(day), days) else "no"
        if was_discounted is not None:
            keys["discounted"] = "yes" if was_discounted else "no"
        for split, side in keys.items():
            tallies[split][side][0] += int(lost or 0)
            tallies[split][side][1] += int(n)
    return {
        split: {side: ratio(lost, n) for side, (lost, n) in sorted(sides.items())}
        for split, sides in sorted(tallies.items())
    }


def churn_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    succ = _successors()
    churned, arr, contraction, expansion, concession = _outcomes(succ)
    outcome = case(
        (churned, "churned"), (contraction > 0, "contracted"), (expansion > 0, "expanded"), else_="renewed"
    )
    stmt = (
        select(
            m.Account.name.label("account"),
            m.Team.name.label("team"),
            SUB.external_key.label("subscription"),
            SUB.start_date,
            SUB.end_date,
            arr.label("arr"),
            succ.c.arr.label("renewed_arr"),
            outcome.label("outcome"),
            concession.label("concession"),
            SUB.cancel_reason,
        )
        .select_from(SUB)
        .join(m.Account, m.Account.id == SUB.account_id)
        .outerjoin(m.Team, m.Team.id == SUB.team_id)
        .outerjoin(succ, succ.c.renews == SUB.id)
        .where(*_ending(scope, filters))
        .order_by(churned.desc(), arr.desc())
        .limit(limit)
    )
    return read_frame(conn, stmt)


def _jeopardy_case(settings: MetricSettings, succ):
    churned, arr, contraction, _, concession = _outcomes(succ)
    small = settings.number("small_amount_share") * arr
    # What was at stake: the concession given (or asked, on a churned term) and any ARR given up
    # by a downgrade. A churned term with nothing recorded at stake is not a "small amount" case.
    at_stake = concession + contraction
    in_jeopardy = or_(churned, contraction > 0, concession > 0)
    is_small = and_(in_jeopardy, at_stake > 0, at_stake < small)
    return churned, contraction, concession, in_jeopardy, is_small


PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
MONEY = re.compile(r"[$€£]\s?(\d[\d,]*(?:\.\d+)?)")


def stake_in_reason(reason: str | None, arr: float) -> float | None:
    """The amount at stake a cancel reason states, as a share of ARR ("Refused a 3% price
    increase" -> 0.03, "Dispute over a $400 invoice" on 10,000 -> 0.04); None when it names none."""
    if not reason or arr <= 0:
        return None
    money = MONEY.search(reason)
    if money:
        return float(money.group(1).replace(",", "")) / arr
    percent = PERCENT.search(reason)
    if percent:
        return float(percent.group(1)) / 100.0
    return None


def _churned_reasons(conn: Connection, scope: Scope, filters: Filters, by_team: bool) -> dict[TeamKey, list]:
    """ARR and cancel reason of the churned renewals due with nothing recorded at stake, keyed by team
    (or None).

    Reads only the churned terms due in the period (a handful of short texts), never the table.
    """
    keys = _team_key(by_team)
    succ = _successors()
    churned, _, concession, _, _ = _outcomes(succ)
    stmt = (
        select(*keys, as_float(SUB.arr), SUB.cancel_reason)
        .select_from(SUB)
        .outerjoin(succ, succ.c.renews == SUB.id)
        .where(*_ending(scope, filters), churned, concession <= 0, SUB.cancel_reason.is_not(None))
    )
    return _keyed_lists(conn, stmt, by_team)


def _small_reasons(rows: list[tuple], settings: MetricSettings) -> int:
    """How many of the churned terms ``(arr, cancel reason)`` name an amount at stake under the
    small-amount share of their ARR."""
    limit = settings.number("small_amount_share")
    shares = (stake_in_reason(reason, float(arr)) for arr, reason in rows)
    return sum(1 for share in shares if share is not None and 0 < share < limit)


NO_RENEWALS = (0, 0, 0, 0, 0, 0)  # due, churned, downgraded, conceded, in jeopardy, small: no term due


def small_amount_jeopardy(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings
) -> Measurement:
    """Renewals due in the period that churned, were downgraded or needed a concession where the
    amount at stake was under 5% of the contract's annual value / renewals due in the period.

    The amount at stake is the concession (on the term or its renewal) plus any ARR given up by a
    downgrade; for a churned term with neither, the amount its cancel reason names, if any.
    """
    counts, reasons = _jeopardy_gather(conn, scope, filters, settings, by_team=False)
    return _jeopardy_finish(counts[None], reasons.get(None, []), settings)


def small_amount_jeopardy_by_team(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, team_ids: tuple[int, ...]
) -> dict[int, Measurement]:
    """:func:`small_amount_jeopardy` of each of ``team_ids`` alone, in the same two queries grouped by team."""
    counts, reasons = _jeopardy_gather(conn, scope, filters, settings, by_team=True)
    return {
        tid: _jeopardy_finish(counts.get(tid, NO_RENEWALS), reasons.get(tid, []), settings) for tid in team_ids
    }


def _jeopardy_gather(conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, by_team: bool):
    """The renewals due in the period counted by outcome (see :data:`NO_RENEWALS`), and the churned
    terms whose cancel reason may name the amount at stake; both keyed by team (or None)."""
    keys = _team_key(by_team)
    succ = _successors()
    churned, contraction, concession, in_jeopardy, is_small = _jeopardy_case(settings, succ)
    counts = _keyed_totals(
        conn,
        select(
            *keys,
            func.count(),
            func.coalesce(func.sum(case((churned, 1), else_=0)), 0),
            func.coalesce(func.sum(case((contraction > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(case((concession > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(case((in_jeopardy, 1), else_=0)), 0),
            func.coalesce(func.sum(case((is_small, 1), else_=0)), 0),
        )
        .select_from(SUB)
        .outerjoin(succ, succ.c.renews == SUB.id)
        .where(*_ending(scope, filters))
        .group_by(*keys),
        by_team,
    )
    return counts, _churned_reasons(conn, scope, filters, by_team)


def _jeopardy_finish(counts: tuple, reasons: list[tuple], settings: MetricSettings) -> Measurement:
    """Small-amount jeopardy of one team (or of all the teams asked for) from :func:`_jeopardy_gather`."""
    due, lost, downgraded, conceded, jeopardy, small = counts
    if not due:
        return missing("needs subscriptions (renewals) due in the period")
    small = int(small) + _small_reasons(reasons, settings)
    parts = {
        "renewals_due": int(due),
        "churned": int(lost),
        "downgraded": int(downgraded),
        "needed_concession": int(conceded),
        "in_jeopardy": int(jeopardy),
        "over_small_amount": int(small),
    }
    return Measurement(
        int(small) / int(due),
        parts,
        detail=f"{int(small):,} of {int(due):,} renewals were put in jeopardy over less than "
        f"{settings.number('small_amount_share'):.0%} of their annual value",
    )


def jeopardy_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    succ = _successors()
    churned, contraction, concession, in_jeopardy, is_small = _jeopardy_case(settings, succ)
    stmt = (
        select(
            m.Account.name.label("account"),
            m.Team.name.label("team"),
            SUB.external_key.label("subscription"),
            SUB.end_date,
            as_float(SUB.arr).label("arr"),
            succ.c.arr.label("renewed_arr"),
            concession.label("concession"),
            (concession + contraction).label("at_stake"),
            is_small.label("small_amount"),
            SUB.cancel_reason,
        )
        .select_from(SUB)
        .join(m.Account, m.Account.id == SUB.account_id)
        .outerjoin(m.Team, m.Team.id == SUB.team_id)
        .outerjoin(succ, succ.c.renews == SUB.id)
        .where(*_ending(scope, filters), in_jeopardy)
        .order_by(is_small.desc(), SUB.end_date.desc())
        .limit(limit)
    )
    frame = read_frame(conn, stmt)
    share = settings.number("small_amount_share")
    for index in frame.index[frame["renewed_arr"].isna() & (frame["at_stake"] <= 0)]:
        stake = stake_in_reason(frame.loc[index, "cancel_reason"], float(frame.loc[index, "arr"]))
        if stake is not None:
            frame.loc[index, "at_stake"] = stake * float(frame.loc[index, "arr"])
            frame.loc[index, "small_amount"] = 0 < stake < share
    return frame


SUBS = "subscriptions / renewals"

METRICS = (
    Metric(
        id="small_amount_jeopardy",
        number=11,
        label="Contracts in jeopardy over small amounts",
        description="Renewals that churned, were downgraded or needed a concession where the amount at stake "
        "was small (default under 5%) relative to the contract's annual value.",
        unit="share",
        direction=LOWER_IS_BETTER,
        data_needed=(SUBS + " with concessions",),
        compute=small_amount_jeopardy,
        compute_by_team=small_amount_jeopardy_by_team,
        evidence=jeopardy_evidence,
        formula="renewals due with 0 < concession + contraction < 5% of ARR / renewals due in the period",
        worst=0.5,
        best=0.0,
        grain="month",
    ),
    Metric(
        id="customer_churn",
        number=14,
        label="Customer churn",
        description="Logo churn (customers lost / customers at the start), with gross and net revenue retention "
        "and churn split by how the deal was sold (quarter-end close, discount, customer outcome documented).",
        unit="share",
        direction=LOWER_IS_BETTER,
        data_needed=(SUBS,),
        compute=customer_churn,
        compute_by_team=customer_churn_by_team,
        evidence=churn_evidence,
        formula="accounts whose term ended in the period with no renewal / accounts with a live term at its start",
        worst=0.3,
        best=0.0,
        grain="month",
    ),
)
