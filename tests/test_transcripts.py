"""Transcript import: each format parsed as its specification says, bad files refused, re-import idempotent."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil

import pytest
from sqlalchemy import func, select

from dashboard.cli.errors import UserError
from dashboard.config import Settings
from dashboard.transcript_import import add_transcript_arguments, run_transcript_import
from data_access import models as m
from data_access.transcripts import TranscriptError, parse_bytes, parse_file, store_transcript
from tests.conftest import FIXTURES, SHARED_DATA, needs_shared_data

TRANSCRIPTS = FIXTURES / "transcripts"
AMI = SHARED_DATA / "meetings" / "ES2002d.vtt"
HELD_AT = dt.datetime(2025, 3, 14, 9, 30)


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        (
            "zoom_deal_review.vtt",
            "vtt",
            [
                ("Dana Whitfield", 1.5, 5.25, "Morning all, let's start with Harbor Clinic."),
                (
                    "Sam Ortiz",
                    5.25,
                    11.0,
                    "What are they trying to achieve this year? Their patients wait three weeks for a slot.",
                ),
                ("Dana Whitfield", 11.0, 14.75, "And the close date is still the 28th?"),
                ("Sam Ortiz", 62.0, 64.0, "Yes, we help small businesses be more successful."),
            ],
        ),
        (
            "teams_pipeline.vtt",
            "vtt",
            [
                ("Priya Natarajan", 0.0, 3.12, "Can everyone hear me?"),
                (
                    "Jonas Berg",
                    3.12,
                    9.88,
                    "Pipeline coverage is two times quota, we need more deals in stage three.",
                ),
                ("Priya Natarajan", 9.88, 15.4, "What happens to their warehouse team if nothing changes?"),
            ],
        ),
        (
            "forecast_call.srt",
            "srt",
            [
                ("Maria Lopez", 0.0, 4.5, "Where are we against the number?"),
                ("Tom Reed", 4.5, 9.0, "Commit is at 1.2 million, best case 1.5."),
                (None, 9.0, 12.25, "Their operations team is overwhelmed."),
            ],
        ),
        (
            "one_on_one.txt",
            "txt",
            [
                ("Alex Kim", 5.0, 9.0, "How was your week?"),
                ("Jordan Lee", 9.0, 62.0, "Busy. The Fenwick renewal is worth 80k and it's due in March."),
                ("Alex Kim", 62.0, None, "What does Fenwick want to achieve with it?"),
                ("Jordan Lee", None, None, "Their drivers waste hours on paperwork."),
            ],
        ),
        (
            "leadership.json",
            "json",
            [
                ("Chris Obi", 0.0, 4.5, "Let's open with a customer story."),
                ("Lena Vogt", 4.5, 12.0, "Their nurses now spend an extra hour with patients."),
                ("Chris Obi", 12.0, 15.25, "Bookings are at 94 percent of plan."),
                ("Lena Vogt", None, None, "Thanks everyone."),
            ],
        ),
    ],
)
def test_each_format_gives_speakers_texts_and_times(name, fmt, expected):
    parsed = parse_file(TRANSCRIPTS / name)
    assert parsed.format == fmt
    got = [(u.speaker, u.start_seconds, u.end_seconds, u.text) for u in parsed.utterances]
    assert got == expected
    assert [u.seq for u in parsed.utterances] == list(range(1, len(expected) + 1))


def test_vtt_notes_cue_ids_and_settings_are_not_utterances():
    parsed = parse_file(TRANSCRIPTS / "teams_pipeline.vtt")
    texts = " ".join(u.text for u in parsed.utterances)
    assert "NOTE" not in texts and "roster" not in texts and "3f1c2a9e" not in texts and "align" not in texts


def test_a_utf16_file_with_a_byte_order_mark_is_read():
    data = "Ann: What do they need?\nBo: Faster reports.\n".encode("utf-16")
    parsed = parse_bytes(data, "notepad.txt")
    assert [(u.speaker, u.text) for u in parsed.utterances] == [
        ("Ann", "What do they need?"),
        ("Bo", "Faster reports."),
    ]


@needs_shared_data
def test_the_real_ami_meeting_parses_whole():
    parsed = parse_file(AMI)
    assert len(parsed.utterances) == 1362
    assert sorted(parsed.speakers) == ["ID (A)", "ME (C)", "PM (B)", "UI (D)"]
    first = parsed.utterances[0]
    assert (first.speaker, first.start_seconds, first.end_seconds) == ("PM (B)", 2.41, 5.7)
    assert first.text == "Okay we all all set ?"
    # Cues holding only a non-speech event are kept as a turn, named.
    assert sum(1 for u in parsed.utterances if u.text == "[vocalsound]") > 0


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("truncated.vtt", "line 8"),
        ("truncated.srt", "line 5"),
        ("truncated.json", "line 3"),
        ("binary.vtt", "binary file"),
        ("latin1.txt", "not UTF-8"),
    ],
)
def test_malformed_files_get_one_sentence_naming_file_and_problem(name, words):
    with pytest.raises(TranscriptError) as info:
        parse_file(TRANSCRIPTS / name)
    message = str(info.value)
    assert name in message and words in message
    assert "\n" not in message


def _counts(conn) -> tuple[int, int, int]:
    return (
        conn.execute(select(func.count()).select_from(m.Meeting)).scalar_one(),
        conn.execute(select(func.count()).select_from(m.Utterance)).scalar_one(),
        conn.execute(select(func.count()).select_from(m.ImportBatch)).scalar_one(),
    )


@needs_shared_data
def test_ami_meeting_is_stored_whole_with_its_speakers(conn):
    parsed = parse_file(AMI)
    stored = store_transcript(conn, parsed, kind="leadership", held_at=HELD_AT, title="AMI ES2002d")
    assert stored.created and stored.utterances == 1362
    u = m.Utterance
    assert conn.execute(select(func.count()).where(u.meeting_id == stored.meeting_id)).scalar_one() == 1362
    speakers = conn.execute(select(u.speaker).where(u.meeting_id == stored.meeting_id).distinct()).scalars()
    assert sorted(speakers) == ["ID (A)", "ME (C)", "PM (B)", "UI (D)"]
    meeting = conn.execute(select(m.Meeting.__table__).where(m.Meeting.id == stored.meeting_id)).one()
    assert meeting.external_key == f"sha256:{parsed.sha256}"
    assert meeting.duration_seconds == pytest.approx(2398.45)
    batch = conn.execute(select(m.ImportBatch.__table__).where(m.ImportBatch.id == stored.batch_id)).one()
    assert (batch.source, batch.inserted, batch.format) == ("transcripts", 1362, "vtt")


def test_reimporting_the_same_file_changes_nothing(conn):
    parsed = parse_file(TRANSCRIPTS / "zoom_deal_review.vtt")
    first = store_transcript(conn, parsed, kind="deal_review", held_at=HELD_AT, title="Harbor")
    meetings, utterances, _ = _counts(conn)
    rows_before = conn.execute(select(m.Utterance.__table__).order_by(m.Utterance.id)).all()
    again = store_transcript(conn, parsed, kind="deal_review", held_at=HELD_AT, title="Harbor")
    assert not again.created and again.meeting_id == first.meeting_id and again.changed == ()
    assert _counts(conn)[:2] == (meetings, utterances)
    assert conn.execute(select(m.Utterance.__table__).order_by(m.Utterance.id)).all() == rows_before


def test_reimporting_with_other_meeting_facts_updates_the_meeting_only(conn):
    parsed = parse_file(TRANSCRIPTS / "zoom_deal_review.vtt")
    first = store_transcript(conn, parsed, kind="deal_review", held_at=HELD_AT, title="Harbor")
    rows_before = conn.execute(select(m.Utterance.__table__).order_by(m.Utterance.id)).all()
    again = store_transcript(conn, parsed, kind="leadership", held_at=HELD_AT, title="Another title")
    assert not again.created and again.meeting_id == first.meeting_id
    assert again.changed == ("kind", "title")
    assert conn.execute(select(m.Utterance.__table__).order_by(m.Utterance.id)).all() == rows_before
    stored = conn.execute(
        select(m.Meeting.kind, m.Meeting.title).where(m.Meeting.id == first.meeting_id)
    ).one()
    assert tuple(stored) == ("leadership", "Another title")
    batch = conn.execute(select(m.ImportBatch.message).order_by(m.ImportBatch.id.desc())).scalars().first()
    assert batch == f"meeting {first.meeting_id} already imported; updated kind, title"


def test_an_external_key_identifies_the_meeting_instead_of_the_file_hash(conn):
    a = parse_file(TRANSCRIPTS / "zoom_deal_review.vtt")
    b = parse_file(TRANSCRIPTS / "forecast_call.srt")
    first = store_transcript(conn, a, kind="deal_review", held_at=HELD_AT, title="x", external_key="zoom-881")
    second = store_transcript(
        conn, b, kind="deal_review", held_at=HELD_AT, title="x", external_key="zoom-881"
    )
    assert second.meeting_id == first.meeting_id and not second.created


# The import command hook, end to end on a real (committed) SQLite database.


def _args(*argv: str):
    parser = argparse.ArgumentParser()
    add_transcript_arguments(parser)
    return parser.parse_args(list(argv))


def _settings(engine) -> Settings:
    return Settings(database_url=str(engine.url))


def test_import_labels_every_utterance_and_prints_a_summary(fresh_engine, capsys):
    with fresh_engine.begin() as c:
        c.execute(m.Team.__table__.insert().values(id=1, name="Enterprise East"))
        c.execute(
            m.NobleSalesPurpose.__table__.insert().values(
                statement="We help small businesses be more successful", key_phrases=["small businesses"]
            )
        )
    args = _args(
        str(TRANSCRIPTS / "zoom_deal_review.vtt"),
        "--kind",
        "deal_review",
        "--team",
        "enterprise east",
        "--held-at",
        "2025-03-14",
    )
    assert run_transcript_import(args, _settings(fresh_engine)) == 0
    out = capsys.readouterr().out
    assert "zoom_deal_review.vtt: meeting 1 (imported), 4 utterances, customer-impact share" in out
    with fresh_engine.connect() as c:
        meeting = c.execute(select(m.Meeting.__table__)).one()
        assert (meeting.team_id, meeting.kind, meeting.title) == (1, "deal_review", "zoom_deal_review")
        assert meeting.held_at == dt.datetime(2025, 3, 14)
        rows = c.execute(select(m.Utterance.__table__).order_by(m.Utterance.seq)).all()
    assert all(r.label in m.TALK_LABELS and r.classifier_version for r in rows)
    assert rows[1].label == "customer_impact" and rows[1].is_question and rows[1].evidence
    assert rows[2].label == "revenue" and rows[2].is_question
    assert [r.nsp_mention for r in rows] == [False, False, False, True]


def test_one_bad_file_in_a_batch_writes_nothing(fresh_engine):
    good = TRANSCRIPTS / "leadership.json"
    with fresh_engine.connect() as c:
        before = _counts(c)
    for bad in ("truncated.vtt", "binary.vtt", "latin1.txt", "truncated.json"):
        args = _args(str(good), str(TRANSCRIPTS / bad), "--kind", "leadership", "--held-at", "2025-03-14")
        with pytest.raises(UserError, match=bad.replace(".", r"\.")):
            run_transcript_import(args, _settings(fresh_engine))
    with fresh_engine.connect() as c:
        assert _counts(c) == before == (0, 0, 0)


def test_unknown_team_is_refused_and_nothing_is_written(fresh_engine):
    args = _args(
        str(TRANSCRIPTS / "leadership.json"),
        "--kind",
        "leadership",
        "--team",
        "Nobody",
        "--held-at",
        "2025-03-14",
    )
    with pytest.raises(UserError, match="no team named 'Nobody'"):
        run_transcript_import(args, _settings(fresh_engine))
    with fresh_engine.connect() as c:
        assert _counts(c) == (0, 0, 0)


def test_manifest_imports_many_files_and_reimport_is_unchanged(fresh_engine, tmp_path, capsys):
    for name in ("one_on_one.txt", "forecast_call.srt"):
        shutil.copy(TRANSCRIPTS / name, tmp_path / name)
    manifest = tmp_path / "meetings.csv"
    manifest.write_text(
        "path,kind,team,held_at,title\n"
        "one_on_one.txt,one_on_one,,2025-03-10,Alex and Jordan\n"
        "forecast_call.srt,forecast_call,,2025-03-11T16:00,Week 11 forecast\n",
        encoding="utf-8",
    )
    settings = _settings(fresh_engine)
    assert run_transcript_import(_args("--manifest", str(manifest)), settings) == 0
    with fresh_engine.connect() as c:
        first = _counts(c)
        titles = c.execute(select(m.Meeting.title).order_by(m.Meeting.held_at)).scalars().all()
    assert first[:2] == (2, 7)
    assert titles == ["Alex and Jordan", "Week 11 forecast"]
    capsys.readouterr()
    assert run_transcript_import(_args("--manifest", str(manifest), "--json"), settings) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all('"created": false' in line for line in lines)
    with fresh_engine.connect() as c:
        assert _counts(c)[:2] == first[:2]


def test_missing_meeting_date_is_a_user_error():
    with pytest.raises(UserError, match="--held-at"):
        run_transcript_import(
            _args(str(TRANSCRIPTS / "leadership.json"), "--kind", "leadership"), Settings("sqlite://")
        )


def test_a_file_named_like_something_else_is_not_guessed_to_be_a_transcript(tmp_path):
    from data_access.transcripts import TranscriptError, parse_file

    notes = tmp_path / "notes.md"
    notes.write_text("# Pipeline notes\n\nNext steps: chase Globex for the signature.\nOwner: Dana\n")
    with pytest.raises(TranscriptError, match=r"notes\.md is not a transcript this product reads"):
        parse_file(notes)
    plain = tmp_path / "standup"
    plain.write_text("Dana: What is Globex trying to achieve?\nLee: Cut their close from ten days to four.\n")
    assert [u.speaker for u in parse_file(plain).utterances] == ["Dana", "Lee"]
