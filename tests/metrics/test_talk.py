"""Meeting symptoms read the stored talk labels; hand-built meetings with expected shares."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.scope import Scope
from metrics.registry import evaluate
from tests.metrics.builders import Org, any_sample, filters

EVERYONE = Scope.everything()
CI, REV, OTHER = "customer_impact", "revenue", "other"


def value(conn, metric_id, scope=EVERYONE, **kw):
    return evaluate(conn, metric_id, scope, filters(**kw), any_sample())


def test_customer_talk_share_by_team_and_kind(conn):
    org = Org(conn)
    atlas, beacon = org.team("Atlas"), org.team("Beacon")
    org.meeting(atlas, "deal_review", labels=(CI, REV, REV, OTHER))
    org.meeting(beacon, "leadership", labels=(CI, CI))
    org.meeting(beacon, "leadership", held=dt.datetime(2025, 4, 1, 9), labels=(REV,))  # next quarter
    org_wide = value(conn, "customer_talk_share")
    assert org_wide.value == pytest.approx(3 / 5)
    assert org_wide.parts["by_meeting_kind"] == {"deal_review": pytest.approx(1 / 3), "leadership": 1.0}
    atlas_only = value(conn, "customer_talk_share", Scope.teams([atlas]))
    assert atlas_only.value == pytest.approx(1 / 3)
    assert atlas_only.status == "amber"


def test_meeting_on_last_day_of_period_counts(conn):
    org = Org(conn)
    org.meeting(org.team("Atlas"), held=dt.datetime(2025, 3, 31, 23, 30), labels=(CI,))
    assert value(conn, "customer_talk_share").value == 1.0


def test_talk_needs_transcripts_then_labels(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    assert value(conn, "customer_talk_share").needs == "needs meeting transcripts"
    org.meeting(atlas, labels=(None, None))
    result = value(conn, "customer_talk_share")
    assert result.value is None
    assert result.needs.startswith("needs talk labels")
    assert value(conn, "meetings_opening_with_customer").needs.startswith("needs talk labels")


def test_deal_reviews_with_customer_questions(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.meeting(atlas, "deal_review", labels=((CI, True, False), REV, (CI, True, False)))
    org.meeting(atlas, "deal_review", labels=(REV, (CI, False, False), (REV, True, False)))
    org.meeting(atlas, "forecast_call", labels=((CI, True, False),))  # not a deal review
    result = value(conn, "deal_reviews_with_customer_questions")
    assert result.value == pytest.approx(0.5)
    assert result.parts["customer_questions_per_review"] == pytest.approx(1.0)
    assert result.parts["deal_reviews"] == 2


def test_deal_reviews_need_deal_reviews(conn):
    org = Org(conn)
    org.meeting(org.team("Atlas"), "forecast_call", labels=(CI,))
    assert value(conn, "deal_reviews_with_customer_questions").needs == "needs deal review transcripts"


def test_meetings_opening_with_customer_reads_the_first_10_utterances_without_timings(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.meeting(atlas, labels=(OTHER,) * 9 + (CI,) + (REV,) * 2)  # 10th of 12: in the opening
    org.meeting(atlas, labels=(OTHER,) * 10 + (CI,) + (REV,))  # 11th of 12: outside it
    org.meeting(atlas, labels=(OTHER,) + (CI,) + (REV,) * 198)  # 2nd of 200: a share no longer counts
    result = value(conn, "meetings_opening_with_customer")
    assert result.value == pytest.approx(2 / 3)
    assert result.parts == {"meetings": 3, "opening_with_customer": 2}


def test_nsp_mention_rate(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    org.meeting(atlas, labels=(REV, (CI, False, True)))
    org.meeting(atlas, labels=(REV, OTHER))
    org.meeting(atlas, labels=(REV,))
    org.meeting(atlas, labels=(OTHER,))
    assert value(conn, "nsp_mention_rate").needs == "needs the Noble Sales Purpose statement"
    org.nsp()
    result = value(conn, "nsp_mention_rate")
    assert result.value == pytest.approx(1 / 4)
    assert result.status == "amber"
