"""Figures that know what they stand on: the defects real exports showed, each on a small hand-built
organisation with the answer worked out here.

Every figure carries its sample ``n`` and a state: scored, too few, needs data, incomplete (the period
has not ended) or suppressed; only scored figures are coloured and count in the Purpose Health Index.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.scope import Filters, Period, Scope
from metrics.parameters import MetricSettings
from metrics.registry import METRICS, evaluate, evidence
from metrics.scorecard import coverage_of, scorecard, team_scorecards
from tests.metrics.builders import Org, any_sample, filters

D = dt.date
EVERYONE = Scope.everything()
Q1 = Period(D(2025, 1, 1), D(2025, 3, 31))


def churn(conn, period=Q1, scope=EVERYONE, settings=None, as_of=None):
    return evaluate(conn, "customer_churn", scope, Filters(period, as_of=as_of), settings or any_sample())


# --- churn: customers, not subscriptions -------------------------------------------------------


def test_a_customer_with_a_live_subscription_is_not_lost_when_another_one_ends(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    a, b = org.account("A"), org.account("B")
    # A holds two subscriptions; one ends in February, the other runs on: A is still a customer.
    org.subscription(a, atlas, D(2024, 1, 1), D(2025, 2, 28), 1000)
    org.subscription(a, atlas, D(2024, 6, 1), D(2025, 12, 31), 1000)
    # B's only subscription ends in March with nothing after it: B is lost.
    org.subscription(b, atlas, D(2024, 1, 1), D(2025, 3, 15), 2000)
    result = churn(conn)
    assert result.value == pytest.approx(1 / 2)  # B of A and B
    assert (result.parts["customers_at_start"], result.parts["customers_lost"]) == (2, 1)
    # GRR: A keeps 1,000 of its 2,000, B keeps nothing: 1,000 / 4,000.
    assert result.parts["gross_revenue_retention"] == pytest.approx(1000 / 4000)
    assert result.parts["net_revenue_retention"] == pytest.approx(1000 / 4000)


def test_renewals_that_are_not_linked_are_still_renewals(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    a = org.account("A")
    # The export does not link the renewal to the term it renews: the customer stays all the same.
    org.subscription(a, atlas, D(2024, 2, 1), D(2025, 1, 31), 1000)
    org.subscription(a, atlas, D(2025, 2, 1), D(2026, 1, 31), 1100)
    result = churn(conn)
    assert result.value == 0.0
    assert result.parts["net_revenue_retention"] == pytest.approx(1.1)
    assert result.parts["gross_revenue_retention"] == pytest.approx(1.0)


def test_expansion_through_a_new_subscription_of_an_existing_customer_counts_in_nrr(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    a, b = org.account("A"), org.account("B")
    org.subscription(a, atlas, D(2024, 1, 1), D(2025, 2, 28), 1000)  # due in Q1, renewed below
    org.subscription(a, atlas, D(2025, 3, 1), D(2026, 2, 28), 1000)
    org.subscription(a, atlas, D(2025, 2, 1), D(2026, 1, 31), 2000)  # a second product in February
    org.subscription(b, atlas, D(2025, 2, 1), D(2026, 1, 31), 5000)  # a new customer: not in NRR
    result = churn(conn)
    # A started at 1,000 and ends at 3,000: NRR 300%, GRR capped at 100%.
    assert result.parts["net_revenue_retention"] == pytest.approx(3.0)
    assert result.parts["gross_revenue_retention"] == pytest.approx(1.0)
    assert result.parts["customers_at_start"] == 1


def test_nothing_due_is_unknown_not_zero(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    for name in "ABC":
        org.subscription(org.account(name), atlas, D(2024, 6, 1), D(2025, 12, 31), 1000)
    result = churn(conn)
    assert (result.value, result.state, result.score) == (None, "too_few", None)
    assert result.reason == "no renewals were due in the period (3 customers at its start)"


def test_renewals_not_yet_due_are_never_churned_in_a_running_quarter(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    later, gone = org.account("Later"), org.account("Gone")
    org.subscription(later, atlas, D(2024, 4, 1), D(2025, 3, 20), 1000)  # due after "today"
    org.subscription(gone, atlas, D(2024, 4, 1), D(2025, 2, 10), 1000)  # due and not renewed
    # Read on 1 March: the quarter runs until 31 March; "Later" has weeks to renew.
    result = churn(conn, as_of=D(2025, 3, 1))
    assert result.value == pytest.approx(1 / 2)
    assert result.parts["customers_lost"] == 1
    assert "to date" in result.comparison
    # Once the quarter is over, both are lost.
    assert churn(conn, as_of=D(2025, 4, 1)).value == pytest.approx(1.0)


def test_churn_under_ten_customers_is_too_few(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.subscription(org.account("A"), atlas, D(2024, 1, 1), D(2025, 1, 31), 1000)
    result = churn(conn, settings=MetricSettings.defaults())
    assert result.value == 1.0 and result.n == 1
    assert (result.state, result.status, result.score) == ("too_few", "too_few", None)
    assert "1 customers at the start (scored from 10)" in result.reason


def test_small_amount_jeopardy_needs_the_data_that_could_show_it(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    # Renewals due but no concession, no cancel reason and no linked renewal: nothing can show a stake.
    for name in "ABCDEFGHIJKL":
        org.subscription(org.account(name), atlas, D(2024, 1, 1), D(2025, 2, 1), 1000)
    result = evaluate(conn, "small_amount_jeopardy", EVERYONE, filters(), any_sample())
    assert (result.value, result.state) == (None, "needs")
    assert "concessions, cancel reasons or linked renewals" in result.needs


# --- too few, incomplete and unknown -----------------------------------------------------------


def test_quarter_end_closing_is_incomplete_until_the_quarter_ends(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    for day in range(1, 21):
        org.deal(atlas, 1000, D(2025, 1, day))
    running = evaluate(
        conn, "quarter_end_close_share", EVERYONE, Filters(Q1, as_of=D(2025, 2, 1)), MetricSettings.defaults()
    )
    assert (running.state, running.score) == ("incomplete", None)
    assert running.value == 0.0  # to date: nothing closed in the last two weeks of a quarter not yet there
    assert "not ended" in running.reason
    ended = evaluate(
        conn, "quarter_end_close_share", EVERYONE, Filters(Q1, as_of=D(2025, 4, 2)), MetricSettings.defaults()
    )
    assert ended.state == "scored" and ended.n == 20


def test_a_running_period_is_compared_with_the_same_days_of_the_previous_one(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    for _ in range(4):
        org.deal(atlas, 1000, D(2024, 10, 20), won=False, loss="price")  # in Q4's first 31 days
    for _ in range(4):
        org.deal(atlas, 1000, D(2024, 12, 20), won=False, loss="competition")  # later in Q4
    org.deal(atlas, 1000, D(2025, 1, 10), won=False, loss="price")
    result = evaluate(conn, "price_loss_share", EVERYONE, Filters(Q1, as_of=D(2025, 2, 1)), any_sample())
    # 1 Jan - 31 Jan (31 days) against 1 Oct - 31 Oct: all four October losses were on price.
    assert result.value == 1.0 and result.previous == 1.0
    assert result.comparison == "to date (31 days) against the first 31 days of the previous period"


def test_enps_from_six_people_is_scored_but_low_confidence_and_from_four_is_hidden(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.answers(atlas, "enps", [10, 9, 9, 8, 3, 2])
    result = evaluate(conn, "morale", Scope.teams([atlas]), filters(), MetricSettings.defaults())
    assert result.state == "scored" and result.n == 6
    assert result.parts["low_confidence"] is True
    assert result.value == pytest.approx(100 * (3 - 2) / 6)


def test_talk_share_from_six_utterances_is_too_few(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    ci, rev = ("customer_impact", False, False), ("revenue", False, False)
    org.meeting(atlas, "deal_review", labels=(ci, ci, ci, rev, rev, rev))
    result = evaluate(conn, "customer_talk_share", EVERYONE, filters(), MetricSettings.defaults())
    assert result.value == pytest.approx(0.5) and result.n == 6
    assert result.state == "too_few" and "6 purpose-relevant utterances (scored from 30)" in result.reason


# --- discounting follows how often and how deep ------------------------------------------------


def test_discounting_is_not_green_when_most_deals_are_discounted_behind_a_small_median(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    # 19 won deals: 9 at list price, 7 at 2.5% to 4%, 3 at 31% to 35%. The median is 2.5%, yet 10 of
    # 19 (53%) are discounted and the P90 is 31%.
    discounts = [0.0] * 9 + [0.025] * 5 + [0.04, 0.04] + [0.31, 0.33, 0.35]
    for discount in discounts:
        org.deal(atlas, round(1000 * (1 - discount)), D(2025, 2, 3), list_amount=1000)
    result = evaluate(conn, "discounting", EVERYONE, filters(), MetricSettings.defaults())
    assert result.parts["median_discount"] == pytest.approx(0.025)
    assert result.value == pytest.approx(10 / 19)
    assert result.parts["p90_discount"] == pytest.approx(0.31 + 0.2 * 0.02)
    assert result.status == "red"  # the depth (P90 31% against a red edge of 25%) decides
    shallow = MetricSettings.defaults().with_overrides(
        {"depth.discounting.green": "0.4", "depth.discounting.red": "0.5"}
    )
    how_often = evaluate(conn, "discounting", EVERYONE, filters(), shallow)
    assert how_often.status == "amber"  # 53% discounted alone: between 35% and 55%


# --- the index stands on its coverage ----------------------------------------------------------


def test_the_index_from_one_symptom_has_no_band(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    for i in range(10):
        org.deal(atlas, 1000, D(2025, 2, 3), won=False, loss="disqualified" if i < 5 else "competition")
    card = scorecard(conn, EVERYONE, filters(), MetricSettings.defaults())
    scored = [r.id for r in card.symptoms if r.scored]
    assert scored == ["price_loss_share", "walk_away_rate"]
    assert card.health_index == pytest.approx(100.0)
    coverage = card.coverage
    total_weight = sum(metric.weight for metric in METRICS)
    assert (coverage.scored, coverage.total) == (2, len(METRICS))
    assert coverage.weight_share == pytest.approx(1.5 / total_weight)
    assert card.band is None  # 100 from a sliver of the weight is no "green"
    assert coverage.words() == f"from 2 of {len(METRICS)} symptoms ({1.5 / total_weight:.0%} of the weight)"


def test_coverage_counts_scored_weight_only(conn):
    results = scorecard(conn, EVERYONE, filters(), MetricSettings.defaults()).symptoms
    assert coverage_of(results).scored == 0 and coverage_of(results).weight_share == 0.0


# --- a filter narrows every grouped view --------------------------------------------------------


def test_team_scorecards_honour_the_teams_filter(conn):
    org = Org(conn)
    atlas, beacon, cedar = org.team("Atlas"), org.team("Beacon"), org.team("Cedar")
    for team in (atlas, beacon, cedar):
        org.deal(team, 1000, D(2025, 2, 3), won=False, loss="price")
    cards = team_scorecards(conn, EVERYONE, filters(teams=[beacon]))
    assert [card.name for card in cards] == ["Beacon"]
    # A filter never widens a manager's scope: asking for Beacon as Atlas's manager shows nothing.
    assert team_scorecards(conn, Scope.teams([atlas]), filters(teams=[beacon])) == []


def test_evidence_is_bounded_on_the_page_and_whole_in_the_download(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    for i in range(7):
        org.deal(atlas, 1000 - 10 * i, D(2025, 2, 3), list_amount=1000)
    capped = MetricSettings.defaults().with_overrides({"evidence_limit": "5"})
    assert len(evidence(conn, "discounting", EVERYONE, filters(), settings=capped)) == 5
    everything = evidence(conn, "discounting", EVERYONE, filters(), settings=capped, every_row=True)
    assert len(everything) == 7
    assert list(everything["discount"]) == pytest.approx([0.06, 0.05, 0.04, 0.03, 0.02, 0.01, 0.0])


# --- one definition of a close-date push --------------------------------------------------------


def test_the_pipeline_page_and_the_one_on_one_brief_list_the_same_pushed_deals(conn):
    from metrics.analyses import coaching
    from metrics.analyses.pipeline import repeatedly_pushed

    org = Org(conn)
    atlas = org.team("Atlas")
    kim = org.person(atlas, "Kim Lee")
    # Pushed three times before the quarter and still open in it.
    thrice = org.deal(atlas, 5000, D(2025, 5, 30), won=None, owner=kim, name="Thrice")
    org.history(thrice, D(2024, 9, 30), D(2024, 12, 31), D(2025, 3, 31), D(2025, 5, 30))
    # Pushed twice within the quarter, then won in it.
    twice = org.deal(atlas, 3000, D(2025, 3, 20), owner=kim, name="Twice")
    org.history(twice, D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 20), first_change=dt.datetime(2025, 1, 5))
    # Pulled in twice: no push at all.
    pulled = org.deal(atlas, 1000, D(2025, 1, 31), owner=kim, name="Pulled")
    org.history(pulled, D(2025, 3, 31), D(2025, 2, 28), D(2025, 1, 31), first_change=dt.datetime(2025, 1, 2))
    # A push written after the deal closed is a correction, not a move.
    corrected = org.deal(atlas, 1000, D(2025, 2, 10), owner=kim, name="Corrected")
    org.history(
        corrected, D(2025, 1, 31), D(2025, 2, 10), D(2025, 3, 15), first_change=dt.datetime(2025, 2, 9)
    )

    page = repeatedly_pushed(conn, EVERYONE, filters())
    assert list(page["deal"]) == ["Thrice", "Twice"]
    assert list(page["pushes"]) == [3, 2]
    assert list(page["days_slipped"]) == [
        (D(2025, 5, 30) - D(2024, 9, 30)).days,
        (D(2025, 3, 20) - D(2025, 1, 31)).days,
    ]
    seller = coaching.find_seller(conn, EVERYONE, kim)
    brief = coaching.pushed_deals(conn, EVERYONE, filters(), seller)
    assert brief.total == 2
    assert [(d.deal, d.pushes) for d in brief.deals] == [("Thrice", 3), ("Twice", 2)]
    # The symptom counts the same pushes on the deals closed in the quarter: Twice 2, Pulled 0, and
    # Corrected 1 (31 Jan -> 10 Feb on the day it closed; the move to 15 March written after it is not).
    symptom = evaluate(conn, "comp_plan_gaming", EVERYONE, filters(), any_sample())
    assert symptom.parts["pushes"] == 2 + 0 + 1
    assert symptom.parts["pull_ins"] == 2


def test_the_top_performer_slide_waits_for_the_quarter_to_end(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    sellers = [org.person(atlas) for _ in range(8)]
    for rank, seller in enumerate(sellers):
        org.deal(atlas, 1000 * (rank + 1), D(2024, 11, 10), owner=seller)
    # Two weeks into the quarter nobody has won anything yet: to date, every top performer "slid".
    early = evaluate(conn, "top_performer_slide", EVERYONE, Filters(Q1, as_of=D(2025, 1, 15)), any_sample())
    assert (early.value, early.state, early.score) == (1.0, "incomplete", None)


def test_since_launch_keeps_the_chosen_period_until_the_launch_has_a_day_behind_it():
    from metrics.analyses.adoption import since_launch

    chosen = Filters(Q1, as_of=D(2025, 3, 1))
    assert since_launch(chosen, D(2025, 4, 1)) == chosen
    assert since_launch(chosen, D(2025, 1, 10)).period == Period(D(2025, 1, 10), D(2025, 2, 28))


def test_monthly_churn_and_the_nsp_comparison_never_churn_a_renewal_not_yet_due(conn):
    from metrics.analyses.adoption import before_after
    from metrics.analyses.cohorts import retention_by_month

    org = Org(conn)
    atlas = org.team("Atlas")
    for name in "ABCDEFGHIJ":
        org.subscription(org.account(name), atlas, D(2024, 6, 1), D(2025, 3, 20), 1000)  # due on 20 March
    today = D(2025, 3, 10)
    months = retention_by_month(conn, EVERYONE, Filters(Q1, as_of=today), any_sample())
    # March is read to date (1-9 March): nobody was due yet, so nobody is lost; April is not shown.
    march = months.loc[months["month"] == D(2025, 3, 1)].iloc[0]
    assert march["customers_lost"] == 0 and months["month"].max() == D(2025, 3, 1)
    frame = before_after(
        conn, EVERYONE, Filters(Q1, as_of=today), D(2025, 2, 1), any_sample(), ("customer_churn",)
    )
    after = frame.loc[frame["team_id"].isna()].iloc[0]
    # After the 1 February launch, to date: the renewals due on 20 March are not due yet.
    assert after["after_needs"] == "no renewals were due in the period (10 customers at its start)"


def test_the_churn_evidence_of_a_running_period_lists_no_renewal_not_yet_due(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.subscription(org.account("Later"), atlas, D(2024, 6, 1), D(2025, 3, 20), 1000)
    org.subscription(org.account("Gone"), atlas, D(2024, 6, 1), D(2025, 2, 10), 1000)
    rows = evidence(conn, "customer_churn", EVERYONE, Filters(Q1, as_of=D(2025, 3, 1)))
    assert list(zip(rows["account"], rows["outcome"], strict=True)) == [("Gone", "churned")]
