"""The per-meeting talk rollup (``meeting_talk``) stays equal to the same aggregate over the raw
utterances, through transcript imports, re-imports, relabelling, the demo load and the migration that
creates it; and the talk symptoms read it."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import Engine, insert, select

from dashboard.transcript_import import label_and_store
from data_access import models as m
from data_access.db import alembic_config, make_engine, migrate
from data_access.scope import Period, Scope
from data_access.talk_rollup import MEETING_TALK_COLUMNS, raw_meeting_talk, rebuild_meeting_talk
from data_access.transcripts import parse_file
from metrics.registry import evaluate
from metrics.talk.classifier import TalkClassifier, default_classifier
from metrics.talk.reclassify import reclassify, stored_nsp_matcher
from tests.conftest import (
    FIXTURES,
    PG_SKIP_REASON,
    drop_postgres_schema,
    make_postgres_engine,
    postgres_url,
)
from tests.metrics.builders import Org, filters

TRANSCRIPTS = FIXTURES / "transcripts"
MARCH = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
CI, REV, OTHER = "customer_impact", "revenue", "other"


def _row(r) -> tuple:
    return tuple(str(r.held_at)[:19] if c == "held_at" else r._mapping[c] for c in MEETING_TALK_COLUMNS[1:])


def rollup(conn) -> dict[int, tuple]:
    """The stored rollup: meeting id -> the other columns, in :data:`MEETING_TALK_COLUMNS` order."""
    return {r.meeting_id: _row(r) for r in conn.execute(select(m.MeetingTalk.__table__))}


def raw(conn) -> dict[int, tuple]:
    """The same computed from the raw meetings and utterances."""
    return {r.meeting_id: _row(r) for r in conn.execute(raw_meeting_talk())}


def counts(conn, meeting_id: int) -> dict:
    """One meeting's rollup row as a dict, for hand-checked expectations."""
    return dict(zip(MEETING_TALK_COLUMNS[1:], rollup(conn)[meeting_id], strict=True))


def pick(row: dict, *names: str) -> tuple:
    return tuple(row[name] for name in names)


def _import(conn, name: str, team_id: int, kind: str = "deal_review", day: int = 14):
    """Import a fixture transcript the way the command line and the upload do: labelled, then stored."""
    return label_and_store(
        conn,
        parse_file(TRANSCRIPTS / name),
        default_classifier(),
        stored_nsp_matcher(conn),
        kind=kind,
        held_at=dt.datetime(2025, 3, day, 9, 30),
        title=name,
        team_id=team_id,
    )


def _share(conn, metric: str):
    return evaluate(conn, metric, Scope.everything(), filters(MARCH)).value


def test_rollup_equals_the_raw_aggregate_through_imports_reimports_and_relabelling(conn):
    org = Org(conn)
    east = org.team("Talk East")
    org.nsp()  # "We help small businesses be more successful.", key phrase "small businesses"
    zoom = _import(conn, "zoom_deal_review.vtt", east)
    assert rollup(conn) == raw(conn)
    # Hand-checked from the file: 4 utterances, the 2nd a customer-impact question, the 3rd a revenue
    # question, the 4th names the NSP. Dana and Sam say two each; Dana spoke first, so Dana leads, and
    # the customer talk is Sam's: the lead never talks about the customer.
    first = counts(conn, zoom.meeting_id)
    assert pick(first, "team_id", "kind", "held_at") == (east, "deal_review", "2025-03-14 09:30:00")
    assert pick(first, "utterances", "labelled", "customer_questions") == (4, 4, 1)
    assert pick(first, "nsp_mentions", "labelled_nsp_mentions", "timed") == (1, 1, 1)
    assert pick(first, "first_customer_position", "first_customer_seconds") == (None, None)
    assert first["purpose_relevant"] == first[CI] + first[REV] >= 2
    assert first["revenue"] >= 1 and sum(first[label] for label in (CI, REV, OTHER)) == 4

    pipeline = _import(conn, "teams_pipeline.vtt", east, "pipeline_review", day=17)
    assert rollup(conn) == raw(conn)
    assert counts(conn, pipeline.meeting_id)["utterances"] == 3
    before_reimport = rollup(conn)
    again = _import(conn, "zoom_deal_review.vtt", east)
    assert not again.created and rollup(conn) == raw(conn) == before_reimport
    # A re-import with other meeting facts updates the meeting, and its rollup row follows.
    moved = _import(conn, "zoom_deal_review.vtt", east, "leadership", day=20)
    assert moved.changed == ("kind", "held_at") and rollup(conn) == raw(conn) != before_reimport
    assert pick(counts(conn, zoom.meeting_id), "kind", "held_at") == ("leadership", "2025-03-20 09:30:00")
    _import(conn, "zoom_deal_review.vtt", east)
    assert rollup(conn) == raw(conn) == before_reimport
    assert _share(conn, "deal_reviews_with_customer_questions") == 1.0

    # A new classifier version relabels everything; this one has no words, so every label is "other".
    blank = TalkClassifier({}, [5.0, 0.0, 0.0], version="bias-only")
    assert reclassify(conn, Scope.everything(), classifier=blank, batch_size=2).examined == 7
    assert rollup(conn) == raw(conn) != before_reimport
    relabelled = counts(conn, zoom.meeting_id)
    assert pick(relabelled, OTHER, CI, "customer_questions", "first_customer_position") == (4, 0, 0, None)
    assert _share(conn, "deal_reviews_with_customer_questions") == 0.0
    assert evaluate(conn, "customer_talk_share", Scope.everything(), filters(MARCH)).needs.startswith(
        "needs talk labels"
    )
    # And back with the real classifier: the rollup is what it was after the imports.
    reclassify(conn, Scope.everything())
    assert rollup(conn) == raw(conn) == before_reimport


def test_a_rebuild_gives_the_same_rollup_as_incremental_refreshes(conn):
    org = Org(conn)
    atlas = org.team("Atlas")
    opening = org.meeting(atlas, labels=(OTHER,) * 5 + (CI,) + (REV,) * 54)  # 6th of 60
    unlabelled = org.meeting(atlas, labels=(None, (None, False, True)))  # an NSP flag without a label
    empty = org.meeting(None, "leadership")  # no transcript, no team
    incremental = rollup(conn)
    rebuild_meeting_talk(conn)
    assert rollup(conn) == incremental == raw(conn)
    assert counts(conn, opening)["first_customer_position"] == 6
    assert pick(counts(conn, unlabelled), "nsp_mentions", "labelled_nsp_mentions") == (1, 0)
    assert counts(conn, empty) == {
        **dict.fromkeys(MEETING_TALK_COLUMNS[1:], 0),
        "team_id": None,
        "held_at": "2025-02-03 10:00:00",
        "kind": "leadership",
        "first_customer_position": None,
        "first_customer_seconds": None,
    }


@pytest.mark.parametrize("loader", ["load_demo", "stream_demo"])
def test_the_demo_loads_with_its_talk_rollup(conn, loader):
    from data_access.demo import load_demo
    from data_access.demo.scale import SCALES, stream_demo

    end = dt.date(2025, 12, 31)
    if loader == "load_demo":
        load_demo(conn, seed=3, end=end)
    else:
        stream_demo(conn, SCALES["tiny-multi"], seed=3, end=end)
    stored = rollup(conn)
    assert stored == raw(conn)
    assert len(stored) == len(conn.execute(select(m.Meeting.id)).all()) > 100
    utterances = MEETING_TALK_COLUMNS.index("utterances") - 1
    assert sum(row[utterances] for row in stored.values()) == len(conn.execute(select(m.Utterance.id)).all())


def test_the_initialised_demo_keeps_its_rollup_through_relabelling(demo_database_url):
    """``init --demo`` loads the demo and relabels its planted talk with the classifier."""
    engine = make_engine(demo_database_url)
    try:
        with engine.connect() as conn:
            assert rollup(conn) == raw(conn) != {}
    finally:
        engine.dispose()


def _fill_before_the_rollup(engine: Engine) -> None:
    """A database at the revision before ``meeting_talk`` with meetings of every shape in it."""
    command.upgrade(alembic_config(engine), "0003_stored_results")
    with engine.begin() as conn:
        conn.execute(insert(m.Team.__table__).values(id=1, name="Atlas"))
        meetings = [
            {"id": 1, "kind": "deal_review", "team_id": 1, "labels": [OTHER, CI, (CI, True, False), REV]},
            {"id": 2, "kind": "leadership", "team_id": None, "labels": [None, (None, False, True)]},
            {"id": 3, "kind": "one_on_one", "team_id": 1, "labels": []},
            {"id": 4, "kind": "forecast_call", "team_id": 1, "labels": [(REV, True, True)] * 3},
        ]
        for meeting in meetings:
            conn.execute(
                insert(m.Meeting.__table__).values(
                    id=meeting["id"],
                    external_key=f"m{meeting['id']}",
                    kind=meeting["kind"],
                    held_at=dt.datetime(2025, 3, 3, 9),
                    team_id=meeting["team_id"],
                    title="Meeting",
                )
            )
            for seq, item in enumerate(meeting["labels"], start=10):
                label, question, nsp = item if isinstance(item, tuple) else (item, False, False)
                conn.execute(
                    insert(m.Utterance.__table__).values(
                        meeting_id=meeting["id"],
                        seq=seq,
                        text="words",
                        label=label,
                        is_question=question,
                        nsp_mention=nsp,
                    )
                )


def _check_the_migration_fills_it(engine: Engine) -> None:
    _fill_before_the_rollup(engine)
    migrate(engine)
    with engine.connect() as conn:
        assert rollup(conn) == raw(conn)
        # (utterances, labelled, customer_impact, revenue, other, customer_questions, nsp_mentions,
        #  labelled_nsp_mentions, first_customer_position, first_customer_seconds, timed,
        #  purpose_relevant), counted by hand; no speaker names, so everyone's talk is the lead's.
        assert {k: v[3:] for k, v in rollup(conn).items()} == {
            1: (4, 4, 2, 1, 1, 1, 0, 0, 2, None, 0, 3),
            2: (2, 0, 0, 0, 0, 0, 1, 0, None, None, 0, 0),
            3: (0, 0, 0, 0, 0, 0, 0, 0, None, None, 0, 0),
            4: (3, 3, 0, 3, 0, 0, 3, 3, None, None, 0, 3),
        }


def test_the_migration_fills_the_rollup_from_existing_rows_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    try:
        _check_the_migration_fills_it(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_the_migration_fills_the_rollup_from_existing_rows_on_postgresql():
    if not postgres_url():
        pytest.skip(PG_SKIP_REASON)
    engine = make_postgres_engine("_talk")
    try:
        _check_the_migration_fills_it(engine)
    finally:
        drop_postgres_schema(engine)
