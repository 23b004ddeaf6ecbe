"""Discounting seen from every side: the distribution, by seller and team, and what it buys.

Won deals closed in the period, with discount = the explicit field, else 1 - amount / list amount
(:func:`metrics.common.discount_expr`, the ``discounting`` metric's definition). Percentiles per
group are computed in SQL with window functions and linear interpolation (like ``percentile_cont``,
and like :func:`metrics.common.percentile` for the whole period), so they agree with the metric.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Float, case, cast, func, select

from data_access import models as m
from data_access.scope import Filters, Scope
from metrics.common import discount_expr, on_days, opportunity_clauses

OPP = m.Opportunity
BIN_WIDTH = 0.025
BIN_TOP = 0.5
GROUP_COLUMNS = ["name", "won_deals", "discounted", "share_discounted", "median_discount", "p90_discount"]


def _won_with_discount(scope: Scope, filters: Filters) -> list:
    return [
        *opportunity_clauses(scope, filters),
        OPP.is_won.is_(True),
        on_days(OPP.close_date, filters.period),
        discount_expr().is_not(None),
    ]


def discount_histogram(conn: Connection, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Won deals per discount bin of 2.5 points from 0% to 50% (plus "above list" and "50%+").

    Columns: ``low`` and ``high`` (fractions; None at the open ends), ``label``, ``deals``. Every bin
    is listed, empty ones with 0, so the shape of the distribution reads at a glance.
    """
    disc = discount_expr()
    steps = round(BIN_TOP / BIN_WIDTH)
    # Bins are edges compared in SQL: portable, and free of float floor/round differences.
    whens = [(disc < -1e-9, -1)] + [(disc < (i + 1) * BIN_WIDTH - 1e-9, i) for i in range(steps)]
    bin_of = case(*whens, else_=steps)
    counts = dict(
        conn.execute(
            select(bin_of, func.count()).where(*_won_with_discount(scope, filters)).group_by(bin_of)
        ).all()
    )
    rows = [{"low": None, "high": 0.0, "label": "above list", "deals": int(counts.get(-1, 0))}]
    for i in range(steps):
        low, high = i * BIN_WIDTH, (i + 1) * BIN_WIDTH
        rows.append(
            {"low": low, "high": high, "label": f"{low:.1%}–{high:.1%}", "deals": int(counts.get(i, 0))}
        )
    rows.append(
        {"low": BIN_TOP, "high": None, "label": f"{BIN_TOP:.0%}+", "deals": int(counts.get(steps, 0))}
    )
    frame = pd.DataFrame(rows, columns=["low", "high", "label", "deals"])
    if frame.loc[0, "deals"] == 0:
        frame = frame.iloc[1:].reset_index(drop=True)
    return frame


def _group_stats(
    conn: Connection, key, name, scope: Scope, filters: Filters, discounted_from: float, limit: int
):
    """Median, P90 and share discounted per group, interpolated in SQL (see the module docstring)."""
    disc = discount_expr()
    ranked = (
        select(
            key.label("key"),
            disc.label("d"),
            func.row_number().over(partition_by=key, order_by=disc).label("rn"),
            func.count().over(partition_by=key).label("n"),
        )
        .select_from(OPP)
        .where(*_won_with_discount(scope, filters))
        .subquery()
    )
    n1 = ranked.c.n - 1
    position = ranked.c.rn - 1

    def quantile(numerator: int, denominator: int):
        # q * (n - 1) = low + frac, with integer division for low: portable linear interpolation.
        low = (n1 * numerator) // denominator
        frac = cast((n1 * numerator) % denominator, Float) / float(denominator)
        weight = case((position == low, 1.0 - frac), (position == low + 1, frac), else_=0.0)
        return func.sum(ranked.c.d * weight)

    stats = (
        select(
            ranked.c.key,
            func.count().label("won_deals"),
            func.sum(case((ranked.c.d >= discounted_from, 1), else_=0)).label("discounted"),
            quantile(1, 2).label("median_discount"),
            quantile(9, 10).label("p90_discount"),
        )
        .group_by(ranked.c.key)
        .subquery()
    )
    result = conn.execute(
        select(
            name.label("name"),
            stats.c.won_deals,
            stats.c.discounted,
            (cast(stats.c.discounted, Float) / stats.c.won_deals).label("share_discounted"),
            stats.c.median_discount,
            stats.c.p90_discount,
        )
        .select_from(stats)
        .outerjoin(name.table, name.table.c.id == stats.c.key)
        .order_by(stats.c.median_discount.desc(), stats.c.won_deals.desc(), name)
        .limit(limit)
    )
    frame = pd.DataFrame(result.all(), columns=GROUP_COLUMNS)
    frame["name"] = frame["name"].fillna("(none)").astype("str")
    return frame


def discount_by_seller(
    conn: Connection, scope: Scope, filters: Filters, discounted_from: float, *, limit: int = 100
) -> pd.DataFrame:
    """Per seller (deal owner) of won deals in view: won deals with a discount, how many were
    discounted (at least ``discounted_from``), the share, median and P90 discount; deepest first.

    Only owners of deals in the viewer's scope appear: names never leak across teams.
    """
    person = m.Person.__table__
    return _group_stats(conn, OPP.owner_id, person.c.name, scope, filters, discounted_from, limit)


def discount_by_team(
    conn: Connection, scope: Scope, filters: Filters, discounted_from: float, *, limit: int = 100
) -> pd.DataFrame:
    """The same as :func:`discount_by_seller`, per team of the deal."""
    team = m.Team.__table__
    return _group_stats(conn, OPP.team_id, team.c.name, scope, filters, discounted_from, limit)
