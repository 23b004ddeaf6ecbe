"""Cohort retention and churn by month on a hand-built book of subscriptions (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access.scope import Period, Scope
from metrics.analyses.cohorts import cohort_retention, retention_by_month
from metrics.registry import evaluate
from tests.metrics.builders import Org, filters

D = dt.date
Q3_2025 = Period(D(2025, 7, 1), D(2025, 9, 30))


@pytest.fixture
def book(conn):
    org = Org(conn)
    atlas, beacon = org.team("Atlas"), org.team("Beacon")
    a1, a2, a3, a4, a5 = (org.account(f"Account {i}") for i in range(1, 6))
    org.subscription(a1, atlas, D(2025, 1, 15), D(2025, 12, 31), 1000)  # Q1 cohort, live all year
    org.subscription(a2, atlas, D(2025, 2, 1), D(2025, 5, 31), 500)  # Q1 cohort, churns in May
    org.subscription(a3, atlas, D(2025, 4, 10), None, 300)  # Q2 cohort
    first = org.subscription(a4, atlas, D(2025, 3, 1), D(2025, 8, 31), 2000)  # Q1 cohort, renews higher
    org.subscription(a4, atlas, D(2025, 9, 1), None, 2400, renews=first)
    org.subscription(a5, beacon, D(2025, 1, 5), D(2025, 2, 28), 9000)  # another team's customer
    return {"atlas": atlas, "beacon": beacon}


def test_cohorts_retain_by_quarter(conn, book):
    frame = cohort_retention(conn, Scope.teams([book["atlas"]]), filters(Q3_2025))
    q1 = frame.loc[frame["cohort"] == "2025 Q1"]
    assert q1["cohort_size"].unique().tolist() == [3]
    assert q1["quarters_since"].tolist() == [0, 1, 2]
    assert q1["retained"].tolist() == [3, 2, 2]  # a2 gone by 30 Jun
    assert q1["retention"].tolist() == pytest.approx([1.0, 2 / 3, 2 / 3])
    # ARR against the cohort's ARR on 31 Mar (3,500): a1 + a4 (2,000, then renewed at 2,400).
    assert q1["arr_retention"].tolist() == pytest.approx([1.0, 3000 / 3500, 3400 / 3500])
    q2 = frame.loc[frame["cohort"] == "2025 Q2"]
    assert q2["retained"].tolist() == [1, 1] and q2["quarters_since"].tolist() == [0, 1]
    assert q2["checkpoint"].tolist() == [D(2025, 6, 30), D(2025, 9, 30)]
    # No account started in Q3: no row for an empty cohort.
    assert set(frame["cohort"]) == {"2025 Q1", "2025 Q2"}


def test_a_period_ending_mid_quarter_reads_retention_on_its_last_day(conn, book):
    frame = cohort_retention(
        conn, Scope.teams([book["atlas"]]), filters(Period(D(2025, 5, 1), D(2025, 5, 15)))
    )
    q1 = frame.loc[frame["cohort"] == "2025 Q1"]
    assert q1["checkpoint"].tolist() == [D(2025, 3, 31), D(2025, 5, 15)]
    assert q1["retained"].tolist() == [3, 3]  # a2 is live until 31 May


def test_cohorts_stay_inside_the_scope(conn, book):
    everyone = cohort_retention(conn, Scope.everything(), filters(Q3_2025))
    assert everyone.loc[everyone["cohort"] == "2025 Q1", "cohort_size"].iloc[0] == 4
    beacon = cohort_retention(conn, Scope.everything(), filters(Q3_2025, teams=[book["beacon"]]))
    assert beacon["retained"].tolist() == [
        0,
        0,
        0,
    ]  # its one customer left on 28 Feb, inside its first quarter
    assert cohort_retention(
        conn, Scope.teams([book["atlas"]]), filters(Q3_2025, teams=[book["beacon"]])
    ).empty


def test_before_any_subscription_there_are_no_cohorts(conn, book):
    assert cohort_retention(conn, Scope.everything(), filters(Period(D(2024, 1, 1), D(2024, 3, 31)))).empty


def test_churn_by_month_is_the_churn_metric_of_each_month(conn, book):
    scope = Scope.teams([book["atlas"]])
    months = retention_by_month(conn, scope, filters(Q3_2025), months=6)
    assert [d.isoformat() for d in months["month"]] == [
        "2025-04-01",
        "2025-05-01",
        "2025-06-01",
        "2025-07-01",
        "2025-08-01",
        "2025-09-01",
    ]
    may = months.loc[months["month"] == D(2025, 5, 1)].iloc[0]
    assert (may["customers_at_start"], may["customers_lost"]) == (4, 1)  # a1 a2 a3 a4; a2 churned
    assert may["logo_churn"] == pytest.approx(0.25)
    for _, row in months.iterrows():
        month = Period(
            row["month"],
            (row["month"].replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1),
        )
        result = evaluate(conn, "customer_churn", scope, filters(month))
        assert (row["logo_churn"] == result.value) or (pd.isna(row["logo_churn"]) and result.value is None)
        assert row["net_revenue_retention"] == result.parts.get("net_revenue_retention")
