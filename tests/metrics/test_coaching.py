"""One-on-one prep facts on a small hand-built organisation (SQLite and PostgreSQL), and the questions
drawn from them.

Atlas has two sellers, Kim Lee and Sam Roe, and a manager; Beacon has one seller, Bo Other. The period
is Q1 2025. Every expected number below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from data_access import models as m
from data_access.scope import Period, Scope
from metrics.analyses import coaching
from metrics.analyses.coaching import (
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
    Seller,
    questions_for,
)
from metrics.parameters import MetricSettings
from metrics.registry import evaluate
from tests.metrics.builders import Q1, Q4, Org, filters

SETTINGS = MetricSettings.defaults()
EVERYONE = Scope.everything()


def _utterances(conn, meeting: int, lines: list[tuple[str, str]]) -> None:
    conn.execute(
        insert(m.Utterance),
        [
            {"meeting_id": meeting, "seq": i, "speaker": speaker, "text": f"line {i}", "label": label}
            for i, (speaker, label) in enumerate(lines)
        ],
    )


def _meeting(conn, team: int, kind: str, held: dt.datetime, key: str, person: int | None = None) -> int:
    return int(
        conn.execute(
            insert(m.Meeting).values(
                external_key=key, kind=kind, held_at=held, team_id=team, title=key, person_id=person
            )
        ).inserted_primary_key[0]
    )


@pytest.fixture
def world(conn):
    org = Org(conn)
    atlas, beacon = org.team("Atlas"), org.team("Beacon")
    kim = org.person(atlas, "Kim Lee")
    sam = org.person(atlas, "Sam Roe")
    org.person(atlas, "Max Manager", role="manager")
    org.person(atlas, "Gone Before", left=dt.date(2024, 12, 1))
    left_during = org.person(atlas, "Left During", left=dt.date(2025, 2, 1))
    bo = org.person(beacon, "Bo Other")
    globex, initech, acme = org.account("Globex"), org.account("Initech"), org.account("Acme")

    # Kim's open deals: Globex late-stage without outcome, Initech early without, Acme with an outcome.
    globex_deal = org.deal(atlas, 5000, dt.date(2025, 3, 20), None, owner=kim, late=True, account=globex)
    initech_deal = org.deal(atlas, 9000, dt.date(2025, 6, 1), None, owner=kim, account=initech)
    org.deal(
        atlas,
        1000,
        dt.date(2025, 5, 1),
        None,
        owner=kim,
        outcome="Cut month-end close to 3 days",
        account=acme,
    )
    # Initech: 1 Mar -> 1 Apr (push) -> 15 Mar (pull-in) -> 1 May (push) -> 1 Jun (push) = 3 pushes.
    org.history(
        initech_deal,
        dt.date(2025, 3, 1),
        dt.date(2025, 4, 1),
        dt.date(2025, 3, 15),
        dt.date(2025, 5, 1),
        dt.date(2025, 6, 1),
    )
    org.history(globex_deal, dt.date(2025, 3, 1), dt.date(2025, 3, 20))  # one push: not repeated
    old = org.deal(atlas, 700, dt.date(2024, 11, 1), True, owner=kim)  # closed before the period
    org.history(old, dt.date(2024, 9, 1), dt.date(2024, 10, 1), dt.date(2024, 10, 15), dt.date(2024, 11, 1))
    bo_deal = org.deal(beacon, 800, dt.date(2025, 6, 1), None, owner=bo)
    org.history(bo_deal, dt.date(2025, 2, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2025, 5, 1))

    # Won in Q1. Kim: 22% on Acme and 0%. Sam: 8%, 5%, 0%. Bo (Beacon): 50%, never Atlas's.
    org.deal(atlas, 780, dt.date(2025, 2, 10), True, owner=kim, list_amount=1000, account=acme)
    org.deal(atlas, 1000, dt.date(2025, 3, 1), True, owner=kim, list_amount=1000)
    org.deal(atlas, 920, dt.date(2025, 2, 1), True, owner=sam, list_amount=1000)
    org.deal(atlas, 950, dt.date(2025, 2, 2), True, owner=sam, list_amount=1000)
    org.deal(atlas, 1000, dt.date(2025, 2, 3), True, owner=sam, list_amount=1000)
    org.deal(beacon, 500, dt.date(2025, 2, 3), True, owner=bo, list_amount=1000)
    # Kim's attainment: Q4 2024 won 700 + 1300 = 2000 of 4000; Q1 2025 won 780 + 1000 = 1780 of 2000.
    org.deal(atlas, 1300, dt.date(2024, 12, 15), True, owner=kim)
    org.quota(kim, Q4, 4000)
    org.quota(kim, Q1, 2000)

    # Talk. Kim speaks in one Q1 deal review (name in another case, spaces around it).
    review = _meeting(conn, atlas, "deal_review", dt.datetime(2025, 2, 4, 10), "review")
    _utterances(
        conn,
        review,
        [
            (" kim lee ", "customer_impact"),
            ("Kim Lee", "revenue"),
            ("KIM LEE", "revenue"),
            ("Max Manager", "customer_impact"),
            ("Max Manager", "revenue"),
            ("Max Manager", "other"),
        ],
    )
    one_on_one = _meeting(conn, atlas, "one_on_one", dt.datetime(2025, 2, 5, 10), "1:1", person=kim)
    _utterances(conn, one_on_one, [("Max Manager", "customer_impact")])
    without_kim = _meeting(conn, atlas, "deal_review", dt.datetime(2025, 2, 18, 10), "review-2")
    _utterances(conn, without_kim, [("Sam Roe", "revenue")])
    earlier = _meeting(conn, atlas, "deal_review", dt.datetime(2024, 12, 3, 10), "review-old")
    _utterances(conn, earlier, [("Kim Lee", "revenue")])
    pipeline = _meeting(conn, atlas, "pipeline_review", dt.datetime(2025, 2, 6, 10), "pipeline")
    _utterances(conn, pipeline, [("Kim Lee", "revenue")])
    return {"atlas": atlas, "beacon": beacon, "kim": kim, "sam": sam, "bo": bo, "left_during": left_during}


def _kim(conn, world, scope=EVERYONE) -> Seller:
    seller = coaching.find_seller(conn, scope, world["kim"])
    assert seller is not None
    return seller


def test_picker_lists_only_sellers_of_the_teams_in_scope(conn, world):
    atlas_only = Scope.teams([world["atlas"]])
    names = [s.name for s in coaching.sellers_in_scope(conn, atlas_only, filters())]
    # Not the manager, not Beacon's seller, not someone who left before the period began.
    assert names == ["Kim Lee", "Left During", "Sam Roe"]
    everyone = [s.name for s in coaching.sellers_in_scope(conn, EVERYONE, filters(teams=[world["beacon"]]))]
    assert everyone == ["Bo Other"]
    assert coaching.sellers_in_scope(conn, Scope.teams([]), filters()) == []


def test_a_seller_outside_the_scope_reads_as_nobody(conn, world):
    beacon_only = Scope.teams([world["beacon"]])
    assert coaching.find_seller(conn, beacon_only, world["kim"]) is None
    assert coaching.coaching_facts(conn, beacon_only, filters(), world["kim"], SETTINGS) is None
    assert coaching.find_seller(conn, EVERYONE, 10_000) is None
    assert coaching.find_seller(conn, EVERYONE, world["kim"]).team == "Atlas"


def test_open_deals_without_outcome_late_stage_first(conn, world):
    pipeline = coaching.open_pipeline(conn, EVERYONE, filters(), _kim(conn, world))
    assert (pipeline.deals, pipeline.amount) == (3, 15000.0)
    assert (pipeline.without_outcome, pipeline.without_outcome_amount) == (2, 14000.0)
    assert pipeline.late_stage_without_outcome == 1
    # Globex (5,000, late stage) comes before the bigger Initech deal (9,000, early stage).
    assert [(d.account, d.amount, d.late_stage) for d in pipeline.missing] == [
        ("Globex", 5000.0, True),
        ("Initech", 9000.0, False),
    ]
    assert coaching.open_pipeline(conn, EVERYONE, filters(segment="Enterprise"), _kim(conn, world)).deals == 0


def test_repeated_pushes_are_counted_from_the_history(conn, world):
    pushed = coaching.pushed_deals(conn, EVERYONE, filters(), _kim(conn, world))
    assert pushed.total == 1
    assert pushed.considered == 2  # Initech (three pushes) and Globex (one) have close-date history
    (deal,) = pushed.deals
    assert (deal.account, deal.pushes, deal.first_close, deal.close_date) == (
        "Initech",
        3,
        dt.date(2025, 3, 1),
        dt.date(2025, 6, 1),
    )
    assert deal.days_slipped == 92
    # The deal closed in Q4 2024 had 3 pushes too: it shows when Q4 is the period.
    q4 = coaching.pushed_deals(conn, EVERYONE, filters(Q4), _kim(conn, world))
    assert sorted(d.pushes for d in q4.deals) == [3, 3]


def test_discounts_against_the_team(conn, world):
    result = coaching.discount_comparison(conn, EVERYONE, filters(), _kim(conn, world), SETTINGS)
    kim, team = result.seller, result.team
    # Kim: 0.22 and 0.0 -> median 0.11, P90 0 + 0.9 * 0.22, one of two discounted.
    assert (kim.won_deals, kim.with_discount, kim.share_discounted) == (2, 2, 0.5)
    assert kim.median == pytest.approx(0.11)
    assert kim.p90 == pytest.approx(0.198)
    # Atlas: 0, 0, 0.05, 0.08, 0.22 -> median 0.05; P90 at 3.6 -> 0.08 + 0.6 * 0.14; 3 of 5 discounted.
    assert (team.won_deals, team.with_discount, team.share_discounted) == (5, 5, 0.6)
    assert team.median == pytest.approx(0.05)
    assert team.p90 == pytest.approx(0.164)
    assert [(d.account, round(d.discount, 4)) for d in result.deepest] == [("Acme", 0.22)]
    # The team's median and share are the registry's discounting symptom for that team.
    symptom = evaluate(conn, "discounting", EVERYONE, filters(teams=[world["atlas"]]), SETTINGS)
    assert team.median == pytest.approx(symptom.parts["median_discount"])
    assert team.share_discounted == pytest.approx(symptom.value)


def test_talk_mix_of_the_meetings_the_seller_was_in(conn, world):
    review, one_on_one = coaching.talk_mix(conn, EVERYONE, filters(), _kim(conn, world))
    assert (review.kind, review.meetings, review.customer_impact, review.revenue) == ("deal_review", 1, 2, 3)
    assert (review.seller_customer_impact, review.seller_revenue) == (1, 2)
    assert review.seller_customer_share == pytest.approx(1 / 3)
    assert review.customer_share == pytest.approx(2 / 5)
    # The one-on-one is Kim's by its person, though Kim said nothing labelled in it.
    assert (one_on_one.meetings, one_on_one.customer_impact, one_on_one.seller_customer_impact) == (1, 1, 0)
    assert one_on_one.seller_customer_share is None
    beacon = coaching.talk_mix(conn, EVERYONE, filters(teams=[world["beacon"]]), _kim(conn, world))
    assert [k.meetings for k in beacon] == [0, 0]


def test_attainment_per_quarter_against_quota(conn, world):
    quarters = coaching.attainment_trajectory(conn, EVERYONE, filters(), _kim(conn, world))
    assert [q.label for q in quarters] == ["Q4 2023", "Q1 2024", "Q2 2024", "Q3 2024", "Q4 2024", "Q1 2025"]
    assert [(q.won_amount, q.quota) for q in quarters[-2:]] == [(2000.0, 4000.0), (1780.0, 2000.0)]
    assert [q.attainment for q in quarters[-2:]] == [0.5, pytest.approx(0.89)]
    assert quarters[0].quota is None and quarters[0].attainment is None


def test_recent_quarters_cross_a_year():
    assert [
        q.start for q in coaching.recent_quarters(Period(dt.date(2025, 2, 1), dt.date(2025, 2, 20)), 3)
    ] == [
        dt.date(2024, 7, 1),
        dt.date(2024, 10, 1),
        dt.date(2025, 1, 1),
    ]


def test_questions_name_the_real_deals(conn, world):
    facts = coaching.coaching_facts(conn, EVERYONE, filters(), world["kim"], SETTINGS)
    texts = [q.text for q in questions_for(facts, today=dt.date(2025, 3, 10))]
    assert 3 <= len(texts) <= 7
    assert texts[0] == "What is Globex trying to achieve, and what happens if they don't?"
    assert "The Initech deal moved its close date three times: what is the customer waiting for?" in texts
    assert (
        "You discounted 22% on Acme while the team's median is 5%: what did the customer get for it?" in texts
    )
    # Q1 2025 is still running on 10 March: 1,780 of 2,000 is 89%.
    assert any(t.startswith("You are at 89% of your Q1 2025 quota") for t in texts)
    # Kim's own deal-review talk is only 3 utterances: too few to question.
    assert not any("of what you said was about revenue" in t for t in texts)


# --- The question generator on facts written by hand -------------------------------------------


def _facts(**changes) -> CoachingFacts:
    base = {
        "seller": Seller(1, "Kim Lee", 1, "Atlas"),
        "period": Q1,
        "pipeline": OpenPipeline(0, 0.0, 0, 0.0, 0, []),
        "pushed": PushedDeals(0, []),
        "discounts": DiscountComparison(
            DiscountStats(0, 0, None, None, None), DiscountStats(0, 0, None, None, None)
        ),
        "talk": [KindTalk("deal_review", 0, 0, 0, 0, 0), KindTalk("one_on_one", 0, 0, 0, 0, 0)],
        "attainment": [],
    }
    return CoachingFacts(**{**base, **changes})


def test_without_facts_three_general_questions_remain():
    questions = questions_for(_facts())
    assert len(questions) == 3
    assert {q.topic for q in questions} == {"general"}


def test_revenue_heavy_talk_and_a_finished_quarter():
    talk = [KindTalk("deal_review", 4, 10, 30, 2, 8), KindTalk("one_on_one", 2, 5, 5, 3, 3)]
    quarter = QuarterAttainment(dt.date(2025, 1, 1), dt.date(2025, 3, 31), 2600.0, 3, 2000.0)
    missing = [OpenDeal(9, "Umbrella – Suite", "Umbrella", "Discovery", 100.0, None, False)]
    texts = [
        q.text
        for q in questions_for(
            _facts(talk=talk, attainment=[quarter], pipeline=OpenPipeline(1, 100.0, 1, 100.0, 0, missing)),
            today=dt.date(2025, 4, 2),
        )
    ]
    assert texts[0] == (
        "In deal reviews 80% of what you said was about revenue: which customer's goal could you "
        "open with next time — Umbrella, say?"
    )
    assert texts[1].startswith("You finished Q1 2025 at 130% of quota")
    assert (
        texts[2] == "What will be different for Umbrella once this is in place, and how will they measure it?"
    )


def test_a_closed_pushed_deal_and_a_small_discount_gap():
    pushed = PushedDeals(
        1,
        [
            PushedDeal(
                3,
                "Hooli – Suite",
                "Hooli",
                "Closed Lost",
                10.0,
                dt.date(2025, 1, 1),
                dt.date(2025, 3, 1),
                4,
                True,
                False,
            )
        ],
    )
    # 10% against a 7% median is under the 5-point gap: no discount question.
    discounts = DiscountComparison(
        DiscountStats(1, 1, 0.10, 0.10, 1.0),
        DiscountStats(4, 4, 0.07, 0.2, 1.0),
        [DiscountedDeal(4, "Vandelay – Suite", "Vandelay", 900.0, 1000.0, 0.10, dt.date(2025, 2, 1))],
    )
    questions = questions_for(_facts(pushed=pushed, discounts=discounts))
    assert questions[0].text == (
        "The Hooli deal moved its close date four times before it was lost: what was the "
        "customer really waiting for?"
    )
    assert not any(q.topic == "discount" for q in questions)
    assert len(questions) == 3


def test_never_more_than_seven_questions():
    missing = [OpenDeal(i, f"Deal {i}", f"Account {i}", "Negotiation", 10.0, None, True) for i in range(20)]
    questions = questions_for(_facts(pipeline=OpenPipeline(20, 200.0, 20, 200.0, 20, missing)))
    assert len(questions) == 7
    assert len({q.text for q in questions}) == 7
