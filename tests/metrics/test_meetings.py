"""Talk mix by kind, team and week, the meeting list and one transcript (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.scope import Scope
from metrics.analyses.meetings import meeting_list, talk_mix, transcript, weekly_talk
from metrics.registry import evaluate
from tests.metrics.builders import Org, filters

CI, REV, OTHER = "customer_impact", "revenue", "other"


@pytest.fixture
def talk(conn):
    org = Org(conn)
    atlas, beacon = org.team("Atlas"), org.team("Beacon")
    ids = {
        # Monday 3 Feb: 1 customer (a question) of 3 purpose-relevant utterances.
        "review_a": org.meeting(
            atlas, "deal_review", dt.datetime(2025, 2, 3, 10), ((CI, True, False), REV, REV, OTHER)
        ),
        # Monday 10 Feb: 2 of 3.
        "one_on_one": org.meeting(atlas, "one_on_one", dt.datetime(2025, 2, 10, 9), (CI, CI, REV)),
        # Tuesday 4 Feb, another team: none of 2.
        "review_b": org.meeting(beacon, "deal_review", dt.datetime(2025, 2, 4, 15), (REV, REV)),
        # Not labelled yet: it has no share.
        "unlabelled": org.meeting(atlas, "leadership", dt.datetime(2025, 2, 12, 9), (None, None)),
        # After the period.
        "april": org.meeting(atlas, "deal_review", dt.datetime(2025, 4, 1, 9), (CI, CI)),
    }
    return {"atlas": atlas, "beacon": beacon, **ids}


def test_talk_mix_by_kind_counts_each_label(conn, talk):
    frame = talk_mix(conn, Scope.everything(), filters(), "kind")
    rows = {r["group"]: r for r in frame.to_dict("records")}
    assert list(frame["group"]) == ["Deal review", "One on one"]  # least customer talk first
    assert (
        rows["Deal review"]["customer_impact"],
        rows["Deal review"]["revenue"],
        rows["Deal review"]["other"],
    ) == (1, 4, 1)
    assert rows["Deal review"]["meetings"] == 2
    assert rows["Deal review"]["customer_share"] == pytest.approx(0.2)
    assert rows["One on one"]["customer_share"] == pytest.approx(2 / 3)


def test_talk_mix_agrees_with_the_metric(conn, talk):
    by_kind = evaluate(conn, "customer_talk_share", Scope.everything(), filters()).parts["by_meeting_kind"]
    frame = talk_mix(conn, Scope.everything(), filters(), "kind")
    assert dict(zip(frame["group"], frame["customer_share"], strict=True)) == pytest.approx(
        {"Deal review": by_kind["deal_review"], "One on one": by_kind["one_on_one"]}
    )


def test_talk_mix_by_team_respects_the_scope(conn, talk):
    frame = talk_mix(conn, Scope.everything(), filters(), "team")
    assert dict(zip(frame["group"], frame["customer_share"], strict=True)) == pytest.approx(
        {"Beacon": 0.0, "Atlas": 0.5}
    )
    only_atlas = talk_mix(conn, Scope.teams([talk["atlas"]]), filters(), "team")
    assert list(only_atlas["group"]) == ["Atlas"]
    with pytest.raises(ValueError, match="by 'kind' or 'team'"):
        talk_mix(conn, Scope.everything(), filters(), "seller")


def test_weekly_shares(conn, talk):
    frame = weekly_talk(conn, Scope.everything(), filters())
    week = {row["week"]: row for row in frame.to_dict("records")}
    assert week[dt.date(2025, 2, 3)]["customer_share"] == pytest.approx(0.2)  # 1 of 5 (3 and 4 Feb)
    assert week[dt.date(2025, 2, 10)]["customer_share"] == pytest.approx(2 / 3)
    assert week[dt.date(2025, 2, 10)]["revenue_share"] == pytest.approx(1 / 3)
    assert pd_isna(week[dt.date(2025, 1, 6)]["customer_share"])
    assert frame["week"].iloc[0] == dt.date(2025, 1, 1) and len(frame) == 14


def test_meeting_list_sorted_by_share_and_bounded(conn, talk):
    frame = meeting_list(conn, Scope.everything(), filters())
    assert frame["meeting_id"].tolist() == [
        talk["review_b"],
        talk["review_a"],
        talk["one_on_one"],
        talk["unlabelled"],
    ]
    first = frame.iloc[1]
    assert (first["team"], first["kind"], first["utterances"]) == ("Atlas", "Deal review", 4)
    assert first["customer_share"] == pytest.approx(1 / 3) and first["revenue_share"] == pytest.approx(2 / 3)
    assert first["opens_with_customer"] and first["customer_questions"] == 1
    most = meeting_list(conn, Scope.everything(), filters(), sort="customer_share_desc", limit=2)
    assert most["meeting_id"].tolist() == [talk["one_on_one"], talk["review_a"]]
    recent = meeting_list(conn, Scope.everything(), filters(), sort="recent", limit=1)
    assert recent["meeting_id"].tolist() == [talk["unlabelled"]]
    assert set(meeting_list(conn, Scope.teams([talk["beacon"]]), filters())["team"]) == {"Beacon"}


def test_transcript_of_a_meeting_in_view_only(conn, talk):
    found = transcript(conn, Scope.everything(), filters(), talk["review_a"])
    assert found["meeting"]["team"] == "Atlas" and found["total"] == 4
    assert [u["label"] for u in found["utterances"]] == [CI, REV, REV, OTHER]
    assert found["utterances"][0]["is_question"]
    assert found["speakers"][0]["speaker"] == "A" and found["speakers"][0]["seconds"] is None
    hidden = transcript(conn, Scope.teams([talk["beacon"]]), filters(), talk["review_a"])
    assert hidden == {"meeting": None, "utterances": [], "speakers": [], "total": 0}


def pd_isna(value) -> bool:
    import pandas as pd

    return value is None or pd.isna(value)


def test_the_list_opens_with_a_customer_by_the_same_settings_as_the_scorecard(conn):
    """A customer first raised at the 12th of 14 utterances: outside the default opening (the first
    10, no timings), inside it once a leader widens it to 12; the list and the symptom move together."""
    from metrics.parameters import MetricSettings

    org = Org(conn)
    atlas = org.team("Atlas")
    org.meeting(atlas, "deal_review", dt.datetime(2025, 2, 3, 10), (REV,) * 11 + (CI,) + (REV,) * 2)
    for overrides, opens in (({}, False), ({"opening_max_utterances": "12"}, True)):
        settings = MetricSettings.defaults().with_overrides(overrides)
        listed = meeting_list(conn, Scope.everything(), filters(), settings=settings)
        symptom = evaluate(conn, "meetings_opening_with_customer", Scope.everything(), filters(), settings)
        assert listed["opens_with_customer"].tolist() == [opens]
        # The builder's utterances carry no timings: the list says the opening was judged by count.
        assert listed["opening_judged_on"].tolist() == ["utterance count (no timings)"]
        assert symptom.value == (1.0 if opens else 0.0)
