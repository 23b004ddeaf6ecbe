"""The one-on-one page's pure parts: chart builders (tested on the figure's data), the seller labels,
the Markdown escaping and the downloadable brief."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.charts.coaching import attainment_chart, talk_split_bars
from dashboard.charts.theme import STATUS_COLORS, TALK_COLORS
from dashboard.components.coaching import (
    attainment_frame,
    brief_markdown,
    download_name,
    escape_markdown,
    headline,
    headline_samples,
    match_seller,
    seller_labels,
    talk_frame,
)
from data_access.one_on_one import Action
from data_access.scope import Period
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
    Question,
    Seller,
    questions_for,
)

Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def _quarter(start: dt.date, won: float, quota: float | None) -> QuarterAttainment:
    end = (pd.Timestamp(start) + pd.offsets.QuarterEnd(0)).date()
    return QuarterAttainment(start, end, won, 1 if won else 0, quota)


@pytest.fixture
def facts() -> CoachingFacts:
    return CoachingFacts(
        seller=Seller(7, "Kim *Lee*", 1, "Atlas | East"),
        period=Q3,
        pipeline=OpenPipeline(
            4,
            200_000.0,
            2,
            150_000.0,
            1,
            [
                OpenDeal(
                    1, "Globex – Planning", "Globex", "Negotiation", 120_000.0, dt.date(2026, 11, 30), True
                ),
                OpenDeal(2, "=HYPERLINK(evil)", None, "Discovery", 30_000.0, None, False),
            ],
        ),
        pushed=PushedDeals(
            1,
            [
                PushedDeal(
                    3,
                    "Initech – Suite",
                    "Initech",
                    "Proposal",
                    9_000.0,
                    dt.date(2026, 7, 1),
                    dt.date(2026, 10, 1),
                    3,
                    False,
                    False,
                )
            ],
        ),
        discounts=DiscountComparison(
            DiscountStats(3, 3, 0.22, 0.3, 1.0),
            DiscountStats(20, 18, 0.08, 0.25, 0.6),
            [DiscountedDeal(5, "Acme – Suite", "Acme", 7_800.0, 10_000.0, 0.22, dt.date(2026, 8, 3))],
        ),
        talk=[KindTalk("deal_review", 3, 20, 60, 4, 12), KindTalk("one_on_one", 0, 0, 0, 0, 0)],
        attainment=[
            _quarter(dt.date(2025, 10, 1), 0.0, None),
            _quarter(dt.date(2026, 1, 1), 50_000.0, 100_000.0),
            _quarter(dt.date(2026, 4, 1), 0.0, 100_000.0),
            _quarter(dt.date(2026, 7, 1), 130_000.0, 100_000.0),
        ],
    )


def test_escape_keeps_imported_text_literal():
    assert escape_markdown("**Acme** [x](http://e) $5 | :red[no] <b>") == (
        r"\*\*Acme\*\* \[x\]\(http\:" "\u2060" r"//e\) \$5 \| \:red\[no\] \<b\>"
    )
    assert escape_markdown("Plain name") == "Plain name"


def test_seller_labels_name_the_team_sorted_by_team_then_name():
    sellers = [
        Seller(4, "Alex Kim", 2, "Beacon"),
        Seller(2, "Zoe Ward", 1, "Atlas"),
        Seller(3, "Sue Seller", 1, "Atlas"),
        Seller(1, "Alex Kim", 2, "Beacon"),
    ]
    labels = seller_labels(sellers)
    assert list(labels) == [
        "Sue Seller — Atlas",
        "Zoe Ward — Atlas",
        "Alex Kim — Beacon",
        "Alex Kim — Beacon (2)",
    ]
    assert match_seller("  sue SELLER — atlas ", labels).id == 3
    assert match_seller("Zoe Ward", labels).id == 2  # a link naming one seller alone
    assert match_seller("Alex Kim", labels) is None  # two of that name: ambiguous
    assert match_seller("Ben Beacon", labels) is None
    assert match_seller(None, labels) is None


def test_each_headline_figure_has_its_sample(facts):
    assert headline_samples(facts) == [
        "n = 4 open deals",
        "n = 0 deals with close-date history",
        "n = 3 won deals with a known discount (team 18)",
        "n = 16 purpose-relevant utterances in 3 meetings",
        "n = 1 won deal in Q3 2026",
    ]


def test_the_brief_starts_with_what_was_agreed_last_time(facts):
    agreed = [Action(1, "Ask Acme's CFO what *success* is", dt.date(2026, 9, 28))]
    brief = brief_markdown(facts, [], dt.date(2026, 10, 5), agreed)
    section = brief[brief.index("## Agreed last time (still open)") : brief.index("## Questions to ask")]
    assert "- [ ] Ask Acme's CFO what \\*success\\* is (agreed 28 Sep 2026)" in section
    assert "Agreed last time" not in brief_markdown(facts, [], dt.date(2026, 10, 5))


def test_attainment_chart_bars_quota_and_colours(facts):
    frame = attainment_frame(facts)
    # The quarter before the seller had a quota or a win is left out.
    assert list(frame["quarter"]) == ["Q1 2026", "Q2 2026", "Q3 2026"]
    fig = attainment_chart(frame)
    bars, quota = fig.data
    assert list(bars.y) == [50_000.0, 0.0, 130_000.0]
    assert list(bars.text) == ["$50K · 50%", "$0 · 0%", "$130K · 130%"]
    assert bars.marker.color[2] == STATUS_COLORS["green"] and bars.marker.color[0] != STATUS_COLORS["green"]
    assert list(quota.y) == [100_000.0] * 3
    assert fig.layout.yaxis.range[1] == pytest.approx(156_000.0)


def test_attainment_without_quota_shows_no_percentage():
    frame = pd.DataFrame(
        {
            "quarter": ["Q1 2026"],
            "won_amount": [12_000.0],
            "won_deals": [1],
            "quota": [None],
            "attainment": [None],
        }
    ).astype({"quota": "Float64", "attainment": "Float64"})
    bars, quota = attainment_chart(frame).data
    assert list(bars.text) == ["$12K"]
    assert pd.isna(quota.y[0])


def test_talk_bars_keep_the_palette_and_never_read_no_talk_as_zero(facts):
    frame = talk_frame(facts)
    assert list(frame["group"]) == [
        "Deal reviews: you",
        "Deal reviews: whole meeting",
        "One-on-ones: you",
        "One-on-ones: whole meeting",
    ]
    fig = talk_split_bars(frame)
    customer, revenue = fig.data
    assert customer.marker.color == TALK_COLORS["customer_impact"]
    assert revenue.marker.color == TALK_COLORS["revenue"]
    assert list(customer.x) == [0.25, 0.25, None, None]
    assert list(revenue.x) == [0.75, 0.75, None, None]
    assert [a.text for a in fig.layout.annotations] == ["no talk recorded", "no talk recorded"]


def test_headline_formats_every_number(facts):
    assert headline(facts) == {
        "Deals without an outcome": "2 of 4",
        "Pushed twice or more": "1",
        "Median discount (team)": "22% (8%)",
        "Customer talk share": "25%",
        "Attainment Q3 2026": "130%",
    }


def test_brief_holds_the_questions_and_every_fact(facts):
    questions = questions_for(facts, today=dt.date(2026, 10, 5))
    brief = brief_markdown(facts, questions, dt.date(2026, 10, 5))
    assert brief.startswith("# One-on-one prep: Kim \\*Lee\\*\n")
    assert f"Team Atlas \\| East · {Q3.label()} · prepared 5 Oct 2026" in brief
    assert "1. What is Globex trying to achieve, and what happens if they don't?" in brief
    assert "The Initech deal moved its close date three times\\: what is the customer waiting for?" in brief
    assert (
        "You discounted 22% on Acme while the team's median is 8%\\: what did the customer get for it?"
        in brief
    )
    assert len([line for line in brief.splitlines() if line[:2] in {f"{n}." for n in range(1, 8)}]) == len(
        questions
    )
    assert "2 of 4 open deals (\\$150K of \\$200K) have no customer outcome, 1 of them late-stage." in brief
    assert "| Globex – Planning | Globex | Negotiation (late stage) | \\$120K | 30 Nov 2026 |" in brief
    assert "| =HYPERLINK\\(evil\\) | — | Discovery | \\$30K | — |" in brief
    assert "| Initech – Suite | 3 | 1 Jul 2026 | 1 Oct 2026 | Proposal |" in brief
    assert "| Median discount | 22% | 8% |" in brief
    assert "| Deal reviews | 3 | 25% | 25% |" in brief
    assert "| One-on-ones | 0 | — | — |" in brief
    assert "| Q3 2026 | \\$130K | \\$100K | 130% |" in brief
    assert "| Q4 2025 | \\$0 | — | — |" in brief


def test_headline_of_a_seller_with_nothing_yet():
    empty = _empty()
    assert headline(empty) == {
        "Deals without an outcome": "0 of 0",
        "Pushed twice or more": "0",
        "Median discount (team)": "no wins (—)",
        "Customer talk share": "no talk recorded",
        "Attainment": "no quota",
    }


def _empty() -> CoachingFacts:
    return CoachingFacts(
        Seller(1, "New Hire", 1, "Atlas"),
        Q3,
        OpenPipeline(0, 0.0, 0, 0.0, 0, []),
        PushedDeals(0, []),
        DiscountComparison(DiscountStats(0, 0, None, None, None), DiscountStats(0, 0, None, None, None)),
        [KindTalk("deal_review", 0, 0, 0, 0, 0), KindTalk("one_on_one", 0, 0, 0, 0, 0)],
        [],
    )


def test_brief_of_a_seller_with_nothing_yet():
    empty = _empty()
    brief = brief_markdown(
        empty, [Question("What matters to your customers?", "General.", "general")], Q3.end
    )
    assert "0 of 0 open deals" in brief
    assert "No deal had its close date pushed twice or more." in brief
    assert "| Median discount | — | — |" in brief


def test_download_names_are_safe_file_names():
    assert download_name("One-on-one prep", "Kim/Lee: *", "2026-10-05", suffix=".md") == (
        "One-on-one prep - Kim_Lee_ _ - 2026-10-05.md"
    )
