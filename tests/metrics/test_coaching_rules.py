"""Each rule behind the one-on-one questions, on facts written by hand: what it asks, and when it
stays silent. The order of the rules and the three-to-seven bounds are in test_coaching.py."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.scope import Period
from metrics.analyses import coaching
from metrics.analyses.coaching import (
    GENERAL_QUESTIONS,
    RULES,
    CoachingFacts,
    DiscountComparison,
    DiscountedDeal,
    DiscountStats,
    KindTalk,
    OpenDeal,
    OpenPipeline,
    PushedDeal,
    PushedDeals,
    QuarterAttainment,
    Question,
    Rule,
    Seller,
    questions_for,
)

Q1 = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
NO_DISCOUNTS = DiscountStats(0, 0, None, None, None)
QUIET_TALK = [KindTalk("deal_review", 0, 0, 0, 0, 0), KindTalk("one_on_one", 0, 0, 0, 0, 0)]


def facts(**changes) -> CoachingFacts:
    base = {
        "seller": Seller(1, "Kim Lee", 1, "Atlas"),
        "period": Q1,
        "pipeline": OpenPipeline(0, 0.0, 0, 0.0, 0, []),
        "pushed": PushedDeals(0, []),
        "discounts": DiscountComparison(NO_DISCOUNTS, NO_DISCOUNTS),
        "talk": QUIET_TALK,
        "attainment": [],
    }
    return CoachingFacts(**{**base, **changes})


def missing(*deals: OpenDeal) -> OpenPipeline:
    return OpenPipeline(len(deals), 0.0, len(deals), 0.0, sum(d.late_stage for d in deals), list(deals))


def open_deal(name: str, account: str | None, late: bool, stage: str = "Negotiation") -> OpenDeal:
    return OpenDeal(1, name, account, stage, 1000.0, None, late)


def pushed(account: str, pushes: int, closed: bool = False, won: bool = False) -> PushedDeal:
    return PushedDeal(
        2, f"{account} – Suite", account, "Proposal", 1.0, dt.date(2025, 1, 1), None, pushes, closed, won
    )


def quarter(won: float, quota: float | None) -> QuarterAttainment:
    return QuarterAttainment(dt.date(2025, 1, 1), dt.date(2025, 3, 31), won, 2, quota)


def test_every_rule_has_a_name_and_no_two_share_one():
    names = [rule.name for rule in RULES]
    assert all(names) and len(set(names)) == len(names)


def test_the_late_stage_rule_asks_about_the_nth_late_deal_only():
    pipeline = missing(open_deal("Early", "Early Co", False), open_deal("Globex – Suite", "Globex", True))
    first = coaching.late_stage_without_outcome(facts(pipeline=pipeline), None)
    assert first == Question(
        "What is Globex trying to achieve, and what happens if they don't?",
        "Globex – Suite is in Negotiation with no customer outcome written down.",
        "outcome",
    )
    assert first.about == "Globex"
    assert coaching.late_stage_without_outcome(facts(pipeline=pipeline), None, nth=1) is None
    assert coaching.late_stage_without_outcome(facts(), None) is None


def test_a_deal_without_an_account_is_named_by_the_deal():
    pipeline = missing(open_deal("Renewal 2025", None, True))
    assert coaching.late_stage_without_outcome(facts(pipeline=pipeline), None).text.startswith(
        "What is Renewal 2025 trying"
    )


def test_the_push_rule_puts_open_deals_first_and_words_how_a_closed_one_ended():
    deals = PushedDeals(2, [pushed("Hooli", 4, closed=True, won=True), pushed("Initech", 2)])
    first = coaching.pushed_repeatedly(facts(pushed=deals), None)
    second = coaching.pushed_repeatedly(facts(pushed=deals), None, nth=1)
    assert first.text == "The Initech deal moved its close date twice: what is the customer waiting for?"
    assert first.about == "Initech#push" and first.topic == "push"
    assert second.text == (
        "The Hooli deal moved its close date four times before it was won: what was the customer "
        "really waiting for?"
    )
    assert second.because == "Hooli – Suite: close date pushed 4 times."
    assert coaching.pushed_repeatedly(facts(pushed=deals), None, nth=2) is None


@pytest.mark.parametrize(("discount", "asked"), [(0.13, True), (0.11, False), (0.30, True)])
def test_the_discount_rule_needs_five_points_over_the_team_median(discount, asked):
    deepest = [DiscountedDeal(4, "Acme – Suite", "Acme", 780.0, 1000.0, discount, dt.date(2025, 2, 1))]
    stats = DiscountStats(4, 4, 0.07, 0.2, 1.0)
    question = coaching.deeper_discount_than_team(
        facts(discounts=DiscountComparison(stats, stats, deepest)), None
    )
    assert (question is not None) == asked
    if asked:
        assert question.text.startswith(f"You discounted {discount * 100:.0f}% on Acme while the team's median is 7%")


def test_the_discount_rule_is_silent_without_a_team_median_or_a_deep_deal():
    deal = DiscountedDeal(4, "Acme – Suite", "Acme", 500.0, 1000.0, 0.5, None)
    no_median = DiscountComparison(NO_DISCOUNTS, NO_DISCOUNTS, [deal])
    assert coaching.deeper_discount_than_team(facts(discounts=no_median), None) is None
    no_deal = DiscountComparison(NO_DISCOUNTS, DiscountStats(4, 4, 0.07, 0.2, 1.0), [])
    assert coaching.deeper_discount_than_team(facts(discounts=no_deal), None) is None


def test_the_talk_rule_needs_five_of_the_sellers_own_utterances_mostly_about_revenue():
    # 2 of 6 about the customer in one-on-ones; deal reviews only 4 utterances: too few.
    talk = [KindTalk("deal_review", 3, 20, 20, 0, 4), KindTalk("one_on_one", 2, 5, 5, 2, 4)]
    question = coaching.revenue_heavy_talk(facts(talk=talk), None)
    assert question.text == (
        "In one-on-ones 67% of what you said was about revenue: which customer's goal could you open "
        "with next time?"
    )
    assert question.because == "2 customer-impact and 4 revenue utterances of yours in 2 one-on-ones."
    half = [KindTalk("deal_review", 3, 0, 0, 5, 5)]
    assert coaching.revenue_heavy_talk(facts(talk=half), None) is None
    assert coaching.revenue_heavy_talk(facts(), None) is None


def test_the_talk_rule_suggests_the_first_deal_without_an_outcome():
    talk = [KindTalk("deal_review", 1, 0, 5, 0, 5)]
    pipeline = missing(open_deal("Umbrella – Suite", "Umbrella", False))
    assert coaching.revenue_heavy_talk(facts(talk=talk, pipeline=pipeline), None).text.endswith(
        "next time — Umbrella, say?"
    )


def test_the_attainment_rule_words_a_finished_an_under_and_an_over_quarter():
    under, over = facts(attainment=[quarter(1780.0, 2000.0)]), facts(attainment=[quarter(2600.0, 2000.0)])
    finished = coaching.attainment(under, dt.date(2025, 4, 2))
    assert finished.text.startswith("You finished Q1 2025 at 89% of quota: which customer did you help most")
    assert finished.because == "Won $1,780 against a quota of $2,000 in Q1 2025."
    assert "genuinely be better off buying this quarter" in coaching.attainment(under, dt.date(2025, 3, 10)).text
    assert "being held for next quarter" in coaching.attainment(over, None).text
    assert coaching.attainment(facts(attainment=[quarter(100.0, None)]), None) is None
    assert coaching.attainment(facts(), None) is None


def test_the_open_deal_rule_asks_about_any_deal_without_an_outcome():
    pipeline = missing(open_deal("A – Suite", "A", True), open_deal("B – Suite", "B", False, "Discovery"))
    second = coaching.open_deal_without_outcome(facts(pipeline=pipeline), None, nth=1)
    assert second.text == "What will be different for B once this is in place, and how will they measure it?"
    assert second.because == "B – Suite (Discovery) has no customer outcome written down."
    assert coaching.open_deal_without_outcome(facts(pipeline=pipeline), None, nth=2) is None


def test_general_questions_fill_up_to_three_and_never_more():
    assert [coaching.general(facts(), None, nth=n).text for n in range(3)] == list(GENERAL_QUESTIONS)
    assert all(rule.fill for rule in RULES if rule.name.startswith("general"))
    pipeline = missing(*(open_deal(f"{n} – Suite", f"Account {n}", False) for n in range(2)))
    topics = [q.topic for q in questions_for(facts(pipeline=pipeline))]
    assert topics == ["outcome", "outcome", "general"]


def test_a_late_deal_is_asked_about_once_though_two_rules_see_it():
    pipeline = missing(open_deal("Globex – Suite", "Globex", True))
    texts = [q.text for q in questions_for(facts(pipeline=pipeline))]
    assert sum("Globex" in t for t in texts) == 1


def test_adding_a_rule_adds_its_question_where_it_is_listed():
    def churned_customers(facts, today):
        return Question("Which customer left us this quarter, and why?", "Two customers churned.", "churn")

    rules = (Rule("churned customers", churned_customers), *RULES)
    questions = questions_for(facts(), rules=rules)
    assert [q.topic for q in questions] == ["churn", "general", "general"]
    assert questions_for(facts(), rules=rules, limit=1)[0].topic == "churn"
