"""The transcript upload behind Meeting health: a manager's file in, labelled and measured, in scope only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.transcript_import import import_uploaded_transcript
from data_access import models as m
from data_access.scope import Scope

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "transcripts"
HELD = dt.datetime(2026, 9, 14, 10, 0)


@pytest.fixture
def teams(fresh_engine):
    with fresh_engine.begin() as conn:
        atlas = conn.execute(m.Team.__table__.insert().values(name="Atlas")).inserted_primary_key[0]
        beacon = conn.execute(m.Team.__table__.insert().values(name="Beacon")).inserted_primary_key[0]
    return {"Atlas": atlas, "Beacon": beacon}


def _upload(engine, teams, name="zoom_deal_review.vtt", team="Atlas", scope=None, data=None):
    with engine.begin() as conn:
        return import_uploaded_transcript(
            conn,
            data if data is not None else (FIXTURES / name).read_bytes(),
            name,
            kind="deal_review",
            team_id=teams[team],
            held_at=HELD,
            title="Globex deal review",
            scope=scope or Scope.teams([teams["Atlas"]]),
            imported_by="claire@example.com",
        )


def _meetings(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.Meeting)).scalar_one()


def test_upload_labels_and_measures_the_meeting(fresh_engine, teams):
    result = _upload(fresh_engine, teams)
    assert result["created"] and result["speakers"]
    with fresh_engine.connect() as conn:
        meeting = conn.execute(select(m.Meeting)).one()
        labels = conn.execute(select(m.Utterance.label, m.Utterance.evidence)).all()
    assert (
        meeting.team_id == teams["Atlas"]
        and meeting.kind == "deal_review"
        and meeting.title == "Globex deal review"
    )
    assert len(labels) == result["utterances"] >= 3
    assert {label for label, _ in labels} <= {"revenue", "customer_impact", "other"}
    assert all(evidence for label, evidence in labels if label != "other")
    relevant = [label for label, _ in labels if label != "other"]
    assert result["customer_impact_share"] == pytest.approx(relevant.count("customer_impact") / len(relevant))


def test_same_file_twice_changes_nothing(fresh_engine, teams):
    first = _upload(fresh_engine, teams)
    again = _upload(fresh_engine, teams)
    assert not again["created"] and again["meeting_id"] == first["meeting_id"]
    assert _meetings(fresh_engine) == 1


def test_a_team_outside_the_scope_is_refused_and_nothing_written(fresh_engine, teams):
    with pytest.raises(ValueError, match="only for your own teams"):
        _upload(fresh_engine, teams, team="Beacon")
    assert _meetings(fresh_engine) == 0


@pytest.mark.parametrize("name", ["binary.vtt", "truncated.vtt", "latin1.txt"])
def test_an_unreadable_file_is_one_sentence_naming_it(fresh_engine, teams, name):
    with pytest.raises(ValueError) as error:
        _upload(fresh_engine, teams, name=name)
    assert name in str(error.value) and "\\n" not in str(error.value)
    assert _meetings(fresh_engine) == 0
