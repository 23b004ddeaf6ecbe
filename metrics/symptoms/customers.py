"""Symptoms 11 and 14: renewals in jeopardy over small amounts, and customer churn.

A subscription term is a row; its renewal is a new row whose ``renewed_from_id`` points at it. A
term whose end date falls in the period is up for renewal there: no successor is churn, a
successor with less ARR is contraction, with more is expansion. ``concession_amount`` is the
annual value given away to keep the contract.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pandas as pd
from sqlalchemy import Connection, and_, case, exists, func, null, or_, select
from sqlalchemy.orm import aliased

from data_access import models as m
from data_access.scope import Filters, Period, Scope
from metrics.common import (
    Measurement,
    as_date,
    as_float,
    discount_expr,
    has_text,
    keys_of,
    missing,
    nothing_to_count,
    on_days,
    quarter_end_clause,
    ratio,
    read_frame,
    read_once,
    team_clause,
)
from metrics.metric import LOWER_IS_BETTER, Metric, Thresholds
from metrics.parameters import MetricSettings

SUB = m.Subscription
# The key of the one row a query returns when it is not grouped by team.
TeamKey = int | None


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


def _subscription_clauses(scope: Scope, filters: Filters, table=SUB) -> list:
    clauses = [team_clause(table.team_id, scope, filters)]
    if filters.segment:
        segment_accounts = select(m.Account.id).where(m.Account.segment == filters.segment)
        clauses.append(table.account_id.in_(segment_accounts))
    return clauses


def _live_on(day: dt.date, table=SUB):
    """A term that covers ``day`` (its last day of service is ``end_date``)."""
    return and_(table.start_date <= day, or_(table.end_date.is_(None), table.end_date >= day))


def _after(filters: Filters) -> dt.date:
    """The first day after the period: a customer with no term covering it was lost in the period."""
    return filters.period.end + dt.timedelta(days=1)


def _ending(scope: Scope, filters: Filters) -> list:
    """Terms up for renewal in the period that were live when it started (new customers excluded)."""
    return [
        *_subscription_clauses(scope, filters),
        on_days(SUB.end_date, filters.period),
        SUB.start_date <= filters.period.start,
    ]


def _customer_gone(scope: Scope, filters: Filters):
    """True for a term whose customer holds no term covering the day after the period (in the same
    teams and segment): the customer was lost, whether or not renewals are linked."""
    other = aliased(m.Subscription)
    return ~exists().where(
        other.account_id == SUB.account_id,
        *_subscription_clauses(scope, filters, other),
        _live_on(_after(filters), other),
    )


def _outcomes(succ, gone):
    """Per term due: lost with its customer, ARR, contraction and expansion by its linked renewal,
    and the concession given."""
    linked = succ.c.renews.is_not(None)
    arr = as_float(SUB.arr)
    contraction = case((and_(linked, succ.c.arr < arr), arr - succ.c.arr), else_=0.0)
    expansion = case((and_(linked, succ.c.arr > arr), succ.c.arr - arr), else_=0.0)
    concession = as_float(func.coalesce(SUB.concession_amount, 0)) + func.coalesce(succ.c.concession, 0.0)
    return gone, arr, contraction, expansion, concession


def _team_key(by_team: bool, table=SUB) -> list:
    """The column a by-team query adds to SELECT and GROUP BY; none for one total."""
    return [table.team_id] if by_team else []


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


NO_CUSTOMERS = (0, 0, 0.0, 0.0, 0.0)  # customers at the start, lost, ARR at the start, at the end, capped
NO_RENEWALS_DUE = 0


def customer_churn(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[TeamKey, Measurement]:
    """Logo churn by the cohort method: of the customers live at the period's start, the share with
    no term live at its end, whether or not renewals are linked (a customer often holds several
    subscriptions at once).

    Parts: GRR = sum over those customers of min(ARR at the end, ARR at the start) / their ARR at the
    start; NRR = their ARR at the end / their ARR at the start (expansion through new subscriptions
    of existing customers counts, new customers of the period do not); renewals due; churn of the
    renewals due split by how the deal was sold.
    """
    by_team = teams is not None
    cohort = _cohort(conn, scope, filters, by_team)
    due = _renewals_due(conn, scope, filters, by_team)
    how_sold = _how_sold_rows(conn, scope, filters, settings, by_team)
    return {
        key: _churn_finish(
            cohort.get(key, NO_CUSTOMERS), due.get(key, NO_RENEWALS_DUE), how_sold.get(key, []), settings
        )
        for key in keys_of(teams)
    }


def _cohort(conn: Connection, scope: Scope, filters: Filters, by_team: bool) -> dict[TeamKey, tuple]:
    """Per team (or one total): the customers live at the period's start, those of them lost by its
    end, and their ARR at the start, at the end and at the end capped per customer at the start."""
    keys = _team_key(by_team)
    start, after = filters.period.start, _after(filters)
    arr = as_float(SUB.arr)
    per_customer = (
        select(
            *keys,
            SUB.account_id.label("account_id"),
            func.max(case((_live_on(start), 1), else_=0)).label("was_live"),
            func.max(case((_live_on(after), 1), else_=0)).label("is_live"),
            func.coalesce(func.sum(case((_live_on(start), arr), else_=0.0)), 0.0).label("start_arr"),
            func.coalesce(func.sum(case((_live_on(after), arr), else_=0.0)), 0.0).label("end_arr"),
        )
        .where(*_subscription_clauses(scope, filters), SUB.start_date <= after)
        .group_by(*keys, SUB.account_id)
        .subquery()
    )
    c = per_customer.c
    group = [c.team_id] if by_team else []
    capped = case((c.end_arr < c.start_arr, c.end_arr), else_=c.start_arr)
    stmt = (
        select(
            *group,
            func.count(),
            func.coalesce(func.sum(case((c.is_live == 0, 1), else_=0)), 0),
            func.coalesce(func.sum(c.start_arr), 0.0),
            func.coalesce(func.sum(c.end_arr), 0.0),
            func.coalesce(func.sum(capped), 0.0),
        )
        .where(c.was_live == 1)
        .group_by(*group)
    )
    if not by_team:
        return {None: tuple(conn.execute(stmt).one())}
    return {row[0]: tuple(row[1:]) for row in conn.execute(stmt)}


def _renewals_due(conn: Connection, scope: Scope, filters: Filters, by_team: bool) -> dict[TeamKey, int]:
    """Terms of the period's starting customers that came up for renewal in it."""
    keys = _team_key(by_team)
    stmt = select(*keys, func.count()).where(*_ending(scope, filters)).group_by(*keys)
    if not by_team:
        return {None: int(conn.execute(stmt).one()[0])}
    return {row[0]: int(row[1]) for row in conn.execute(stmt)}


def _churn_finish(cohort: tuple, due: int, how_sold: list[tuple], settings: MetricSettings) -> Measurement:
    """Logo churn of one team (or of everything in view) from :func:`_cohort` and :func:`_renewals_due`."""
    customers, lost, start_arr, end_arr, capped_arr = cohort
    customers, lost = int(customers), int(lost)
    if not customers:
        return missing("needs subscriptions (renewals)")
    start_arr, end_arr, capped_arr = float(start_arr), float(end_arr), float(capped_arr)
    grr = capped_arr / start_arr if start_arr > 0 else None
    nrr = end_arr / start_arr if start_arr > 0 else None
    parts = {
        "customers_at_start": customers,
        "customers_lost": lost,
        "renewals_due": int(due),
        "starting_arr": start_arr,
        "ending_arr": end_arr,
        "churned_arr": start_arr - capped_arr if grr is not None else 0.0,
        "expansion_arr": max(0.0, end_arr - capped_arr),
        "gross_revenue_retention": grr,
        "net_revenue_retention": nrr,
        "churn_by_how_sold": _churn_by_how_sold(how_sold),
    }
    if not due and not lost:
        return nothing_to_count(
            f"no renewals were due in the period ({customers:,} customers at its start)", **parts
        )
    retention = f"; GRR {grr:.0%}, NRR {nrr:.0%}" if grr is not None and nrr is not None else ""
    return Measurement(
        lost / customers,
        parts,
        n=customers,
        detail=f"{lost:,} of {customers:,} customers lost{retention}",
    )


def _how_sold_rows(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, by_team: bool
) -> dict[TeamKey, list[tuple]]:
    """Renewals due in the period and how many churned, counted by the original deal's close date,
    discounted or not and customer outcome documented or not; keyed by team (or None)."""
    keys = _team_key(by_team)
    churned = _customer_gone(scope, filters)
    opp = m.Opportunity
    disc = discount_expr()
    discounted = case((disc >= settings.number("discounted_from"), 1), (disc.is_not(None), 0), else_=None)
    documented = case((has_text(opp.customer_outcome), 1), else_=0)
    quarter_end = _closed_at_quarter_end(conn, settings.integer("quarter_end_days"))
    stmt = (
        select(
            *keys,
            quarter_end.label("quarter_end"),
            discounted.label("discounted"),
            documented.label("documented"),
            func.count(),
            func.sum(case((churned, 1), else_=0)),
        )
        .select_from(SUB)
        .join(opp, opp.id == SUB.opportunity_id)
        .where(*_ending(scope, filters))
        .group_by(*keys, quarter_end, discounted, documented)
    )
    return _keyed_lists(conn, stmt, by_team)


def _closed_at_quarter_end(conn: Connection, days: int):
    """1 for a deal closed in the last ``days`` days of its quarter, 0 for one closed earlier in it,
    None without a close date: over the quarters from the first close date on record to the last
    (read once for a scorecard's periods, :func:`metrics.common.read_once`). Imports keep close dates
    within 1900-2100, so that is at most 804 quarters' date ranges in one statement."""
    opp = m.Opportunity
    [(first, last)] = read_once(conn, select(func.min(opp.close_date), func.max(opp.close_date)))
    if first is None:  # no deal has a close date
        return case((opp.close_date.is_not(None), 0), else_=null())
    window = quarter_end_clause(opp.close_date, Period(as_date(first), as_date(last)), days)
    return case((opp.close_date.is_(None), null()), (window, 1), else_=0)


def _churn_by_how_sold(rows: list[tuple]) -> dict:
    """Churn rate of renewals due by how the original deal was sold: closed in the quarter's last
    days or not, discounted or not, customer outcome documented or not (rows of :func:`_how_sold_rows`)."""
    tallies: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for quarter_end, was_discounted, was_documented, n, lost in rows:
        keys = {"customer_outcome_documented": "yes" if was_documented else "no"}
        if quarter_end is not None:
            keys["quarter_end_close"] = "yes" if quarter_end else "no"
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
    churned, arr, contraction, expansion, concession = _outcomes(succ, _customer_gone(scope, filters))
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
        .order_by(churned.desc(), arr.desc(), SUB.id)
        .limit(limit)
    )
    return read_frame(conn, stmt)


def _jeopardy_case(settings: MetricSettings, succ, gone):
    churned, arr, contraction, _, concession = _outcomes(succ, gone)
    small = settings.number("small_amount_share") * arr
    # What was at stake: the concession given (or asked, on a churned term) and any ARR given up
    # by a downgrade. A churned term with nothing recorded at stake is not a "small amount" case.
    at_stake = concession + contraction
    in_jeopardy = or_(churned, contraction > 0, concession > 0)
    is_small = and_(in_jeopardy, at_stake > 0, at_stake < small)
    return churned, contraction, concession, in_jeopardy, is_small


PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
MONEY = re.compile(r"[$€£]\s?(\d[\d,]*(?:\.\d+)?)")


def stake_in_reason(reason: str | float | None, arr: float) -> float | None:
    """The amount at stake a cancel reason states, as a share of ARR ("Refused a 3% price
    increase" -> 0.03, "Dispute over a $400 invoice" on 10,000 -> 0.04); None when it names none."""
    if not isinstance(reason, str) or not reason or arr <= 0:  # a missing reason reads as NaN in a frame
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
    churned, _, concession, _, _ = _outcomes(succ, _customer_gone(scope, filters))
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


NEEDS_STAKES = "needs concessions, cancel reasons or linked renewals on subscriptions"


def small_amount_jeopardy(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, teams: tuple[int, ...] | None
) -> dict[TeamKey, Measurement]:
    """Renewals due in the period that churned, were downgraded or needed a concession where the
    amount at stake was under 5% of the contract's annual value / renewals due in the period.

    The amount at stake is the concession (on the term or its renewal) plus any ARR given up by a
    downgrade; for a churned term with neither, the amount its cancel reason names, if any. Without
    any of that data (no concession, no cancel reason, no linked renewal) the figure cannot be known.
    """
    by_team = teams is not None
    counts, reasons = _jeopardy_gather(conn, scope, filters, settings, by_team)
    known = _stakes_recorded(conn, scope, filters, by_team)
    return {
        key: _jeopardy_finish(counts.get(key, NO_RENEWALS), reasons.get(key, []), settings)
        if key in known
        else missing(NEEDS_STAKES)
        for key in keys_of(teams)
    }


def _stakes_recorded(conn: Connection, scope: Scope, filters: Filters, by_team: bool) -> set[TeamKey]:
    """The teams (or None for everything in view) whose subscriptions record anything that can show
    an amount at stake: a concession, a cancel reason, or a renewal linked to its term."""
    keys = _team_key(by_team)
    recorded = or_(
        SUB.concession_amount.is_not(None), has_text(SUB.cancel_reason), SUB.renewed_from_id.is_not(None)
    )
    stmt = select(*keys, func.count()).where(*_subscription_clauses(scope, filters), recorded).group_by(*keys)
    rows = read_once(conn, stmt)  # no period enters: a scorecard's periods ask once
    if not by_team:
        return {None} if int(rows[0][0]) else set()
    return {row[0] for row in rows if row[1]}


def _jeopardy_gather(
    conn: Connection, scope: Scope, filters: Filters, settings: MetricSettings, by_team: bool
):
    """The renewals due in the period counted by outcome (see :data:`NO_RENEWALS`), and the churned
    terms whose cancel reason may name the amount at stake; both keyed by team (or None)."""
    keys = _team_key(by_team)
    succ = _successors()
    churned, contraction, concession, in_jeopardy, is_small = _jeopardy_case(
        settings, succ, _customer_gone(scope, filters)
    )
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
        return nothing_to_count("no renewals were due in the period")
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
        n=int(due),
        detail=f"{int(small):,} of {int(due):,} renewals were put in jeopardy over less than "
        f"{settings.number('small_amount_share'):.0%} of their annual value",
    )


def jeopardy_evidence(conn, scope, filters, settings, limit) -> pd.DataFrame:
    succ = _successors()
    churned, contraction, concession, in_jeopardy, is_small = _jeopardy_case(
        settings, succ, _customer_gone(scope, filters)
    )
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
        .order_by(is_small.desc(), SUB.end_date.desc(), SUB.id)
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
        kind="custom",
        data_needed=(SUBS + " with concessions, cancel reasons or linked renewals",),
        formula="renewals due with 0 < concession + contraction < 5% of ARR / renewals due in the period",
        thresholds=Thresholds(
            green=0.22,
            red=0.35,
            rationale="Seed 002: contracts put in jeopardy over small amounts are a sign of a transactional "
            "relationship. Under about a fifth of renewals is ordinary negotiation; over a third means "
            "small amounts routinely decide renewals.",
        ),
        weight=1.0,
        sample="renewals due",
        min_sample=10,
        measure=small_amount_jeopardy,
        evidence=jeopardy_evidence,
        worst=0.5,
        best=0.0,
        grain="month",
    ),
    Metric(
        id="customer_churn",
        number=14,
        label="Customer churn",
        description="Logo churn (customers lost / customers at the start, a customer lost when none of its "
        "subscriptions is live at the end), with gross and net revenue retention by the cohort method "
        "and churn split by how the deal was sold (quarter-end close, discount, customer outcome documented).",
        unit="share",
        direction=LOWER_IS_BETTER,
        kind="custom",
        data_needed=(SUBS,),
        formula="customers live at the start with no subscription live at the end / customers live at the start",
        thresholds=Thresholds(
            green=0.03,
            red=0.05,
            rationale="Per period of a quarter: B2B SaaS benchmarks put healthy annual logo churn at 10% or "
            "less (about 2.5% a quarter) and 20% a year (about 5% a quarter) as a problem.",
        ),
        weight=1.5,
        sample="customers at the start",
        min_sample=10,
        measure=customer_churn,
        evidence=churn_evidence,
        worst=0.3,
        best=0.0,
        grain="month",
    ),
)
