"""Renewal symptoms: churn, GRR, NRR and small-amount jeopardy on hand-built subscriptions."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.scope import Scope
from metrics.registry import evaluate
from tests.metrics.builders import Org, any_sample, filters

EVERYONE = Scope.everything()
D = dt.date


def value(conn, metric_id, scope=EVERYONE, **kw):
    return evaluate(conn, metric_id, scope, filters(**kw), any_sample())


def renewals(org: Org, team: int) -> dict[str, int]:
    """Four customers live on 1 Jan 2025 (ARR 5,000) and one new in Q1."""
    a, b, c, d, e = (org.account(name) for name in "ABCDE")
    org.subscription(a, team, D(2024, 1, 1), D(2025, 1, 31), 1000)  # churns
    b1 = org.subscription(b, team, D(2024, 3, 1), D(2025, 2, 28), 2000)
    org.subscription(b, team, D(2025, 3, 1), D(2026, 2, 28), 1800, renews=b1)  # contraction 200
    c1 = org.subscription(c, team, D(2024, 2, 1), D(2025, 3, 15), 1000)
    org.subscription(c, team, D(2025, 3, 16), D(2026, 3, 15), 1200, renews=c1, concession=30)  # expansion 200
    org.subscription(d, team, D(2024, 6, 1), D(2025, 12, 31), 1000)  # not due
    org.subscription(e, team, D(2025, 2, 1), D(2026, 1, 31), 5000)  # new customer: excluded
    return {"A": a, "B": b, "C": c}


def test_logo_churn_grr_nrr(conn):
    org = Org(conn)
    renewals(org, org.team("Atlas"))
    result = value(conn, "customer_churn")
    assert result.value == pytest.approx(1 / 4)
    parts = result.parts
    assert parts["starting_arr"] == pytest.approx(5000)
    assert parts["gross_revenue_retention"] == pytest.approx((5000 - 1000 - 200) / 5000)
    assert parts["net_revenue_retention"] == pytest.approx((5000 - 1000 - 200 + 200) / 5000)
    assert result.status == "red"


def test_grr_is_capped_at_100_percent_and_nrr_is_not(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    a = org.account("A")
    first = org.subscription(a, atlas, D(2024, 1, 1), D(2025, 1, 31), 1000)
    org.subscription(a, atlas, D(2025, 2, 1), D(2026, 1, 31), 1500, renews=first)
    parts = value(conn, "customer_churn").parts
    assert parts["gross_revenue_retention"] == 1.0
    assert parts["net_revenue_retention"] == pytest.approx(1.5)


def test_churn_needs_subscriptions_and_respects_scope(conn):
    org = Org(conn)
    atlas, beacon = org.team("Atlas"), org.team("Beacon")
    assert value(conn, "customer_churn").needs == "needs subscriptions (renewals)"
    renewals(org, beacon)
    assert value(conn, "customer_churn", Scope.teams([atlas])).status == "needs"
    assert value(conn, "customer_churn", Scope.teams([beacon])).value == pytest.approx(0.25)


def _due_in_january(org, team, deals) -> None:
    """For each (deal, renewed): a customer whose year's term, sold by that deal, ends 31 Jan 2025,
    renewed for a year or lost."""
    for deal, renewed in deals:
        account = org.account()
        term = org.subscription(account, team, D(2024, 1, 1), D(2025, 1, 31), 1000, deal=deal)
        if renewed:
            org.subscription(account, team, D(2025, 2, 1), D(2026, 1, 31), 1000, renews=term)


def test_churn_by_how_the_deal_was_sold(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    pushed = org.deal(atlas, 800, D(2023, 12, 28), list_amount=1000)  # quarter end, 20% off
    calm = org.deal(atlas, 1000, D(2023, 11, 2), list_amount=1000, outcome="Halve stock-outs")
    # The last 14 days of Q4 start on 18 December; a deal with no close date has no quarter end.
    first_day = org.deal(atlas, 1000, D(2023, 12, 18))
    day_before = org.deal(atlas, 1000, D(2023, 12, 17))
    undated = org.deal(atlas, 1000, None)
    deals = ((pushed, False), (calm, True), (first_day, False), (day_before, True), (undated, False))
    _due_in_january(org, atlas, deals)
    split = value(conn, "customer_churn").parts["churn_by_how_sold"]
    assert split["quarter_end_close"] == {"no": 0.0, "yes": 1.0}
    assert split["discounted"] == {"no": 0.0, "yes": 1.0}
    assert split["customer_outcome_documented"] == {"no": 0.75, "yes": 0.0}


def test_churn_by_how_sold_with_close_dates_two_centuries_apart(conn):
    """Imports take close dates from 1900 to 2100: the quarter-end split still reads every quarter
    in between (804 of them) in one statement, on both databases."""
    org = Org(conn)
    atlas = org.team("Atlas")
    org.deal(atlas, 1, D(1900, 1, 1))
    org.deal(atlas, 1, D(2100, 12, 31))
    pushed = org.deal(atlas, 800, D(2023, 12, 28))
    calm = org.deal(atlas, 1000, D(2023, 11, 2))
    _due_in_january(org, atlas, ((pushed, False), (calm, True)))
    split = value(conn, "customer_churn").parts["churn_by_how_sold"]
    assert split["quarter_end_close"] == {"no": 0.0, "yes": 1.0}


def test_small_amount_jeopardy(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    renewals(org, atlas)  # A churned (nothing at stake recorded), B -10%, C conceded 30 of 1000
    f = org.account("F")
    f1 = org.subscription(f, atlas, D(2024, 1, 1), D(2025, 3, 1), 10000)
    org.subscription(f, atlas, D(2025, 3, 2), D(2026, 3, 1), 9800, renews=f1)  # gave up 2%
    result = value(conn, "small_amount_jeopardy")
    assert result.parts["renewals_due"] == 4
    assert result.parts["in_jeopardy"] == 4
    assert result.value == pytest.approx(2 / 4)
    assert result.status == "red"


def test_small_amount_threshold_is_a_setting(conn):
    from metrics.parameters import MetricSettings

    org = Org(conn)
    renewals(org, org.team("Atlas"))
    loose = MetricSettings.defaults().with_overrides({"small_amount_share": "0.15"})
    result = evaluate(conn, "small_amount_jeopardy", EVERYONE, filters(), loose)
    assert result.value == pytest.approx(2 / 3)  # B's 10% now counts too


@pytest.mark.parametrize(
    ("reason", "arr", "share"),
    [
        ("Refused a 3% price increase", 10000, 0.03),
        ("Dispute over a $400 invoice", 10000, 0.04),
        ("Would not pay $1,200 for the extra module", 60000, 0.02),
        ("Moved to a competitor", 10000, None),
        (None, 10000, None),
    ],
)
def test_stake_in_cancel_reason(reason, arr, share):
    from metrics.symptoms.customers import stake_in_reason

    assert stake_in_reason(reason, arr) == (pytest.approx(share) if share is not None else None)


def test_churn_over_a_small_amount_counts_from_its_reason(conn):
    from sqlalchemy import update

    from data_access import models as m

    org = Org(conn)
    atlas = org.team("Atlas")
    for reason in ("Refused a 3% price increase", "Moved to a competitor"):
        term = org.subscription(org.account(), atlas, D(2024, 1, 1), D(2025, 1, 31), 10000)
        conn.execute(update(m.Subscription).where(m.Subscription.id == term).values(cancel_reason=reason))
    result = value(conn, "small_amount_jeopardy")
    assert result.parts["churned"] == 2
    assert result.value == pytest.approx(1 / 2)
    rows = evidence_rows(conn)
    assert rows.loc[rows["cancel_reason"] == "Refused a 3% price increase", "small_amount"].item()


def evidence_rows(conn):
    from metrics.registry import evidence

    return evidence(conn, "small_amount_jeopardy", EVERYONE, filters())


def test_jeopardy_evidence_lists_churn_with_and_without_a_stated_reason(conn):
    """A churned renewal with no cancel reason is listed with nothing at stake from its reason, beside
    one whose reason names an amount."""
    from sqlalchemy import update

    from data_access import models as m
    from metrics.registry import evidence

    org = Org(conn)
    team = org.team("Atlas")
    silent, priced = org.account("Silent"), org.account("Priced")
    org.subscription(silent, team, D(2024, 1, 1), D(2025, 1, 31), 1000)  # churns, no reason given
    stated = org.subscription(priced, team, D(2024, 1, 1), D(2025, 2, 28), 10000)  # churns over $400
    reason = update(m.Subscription).where(m.Subscription.id == stated)
    conn.execute(reason.values(cancel_reason="Dispute over a $400 invoice"))
    frame = evidence(conn, "small_amount_jeopardy", EVERYONE, filters(), 10)
    rows = {row.account: row for row in frame.itertuples()}
    assert set(rows) == {"Silent", "Priced"}
    assert rows["Priced"].at_stake == pytest.approx(400) and bool(rows["Priced"].small_amount)
    assert rows["Silent"].at_stake == pytest.approx(0) and not bool(rows["Silent"].small_amount)
