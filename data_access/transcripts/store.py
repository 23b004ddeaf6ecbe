"""Storing a parsed transcript as one meeting and its utterances, idempotently.

A meeting is keyed by an external key: the one the caller gives (a meeting id from the source
system) or ``sha256:<hash of the file>``. Storing the same key again writes no meeting and no
utterance; it only records that the import happened. The caller owns the transaction: nothing
here commits, and a failure leaves the caller's transaction to roll back.

Labels are computed by the caller (``data_access`` never imports ``metrics``) and passed in, one per
utterance, with the version of the classifier that produced them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from data_access import models as m
from data_access.talk_rollup import refresh_meetings
from data_access.transcripts.parsers import ParsedTranscript

SOURCE = "transcripts"


@dataclass(frozen=True)
class StoredMeeting:
    """What storing one transcript did: the meeting's id, whether it is new, how many utterances it has."""

    meeting_id: int
    created: bool
    utterances: int
    batch_id: int
    external_key: str
    # The meeting facts a re-import changed (kind, team, held_at, title); empty for a new meeting.
    changed: tuple[str, ...] = ()


def meeting_key(parsed: ParsedTranscript, external_key: str | None = None) -> str:
    return external_key.strip() if external_key and external_key.strip() else f"sha256:{parsed.sha256}"


def team_id_named(conn: Connection, name: str) -> int | None:
    """The id of the team called ``name`` (case and surrounding spaces ignored), or None."""
    row = conn.execute(
        select(m.Team.id).where(func.lower(m.Team.name) == name.strip().lower()).order_by(m.Team.id).limit(1)
    ).first()
    return int(row[0]) if row else None


def store_transcript(
    conn: Connection,
    parsed: ParsedTranscript,
    *,
    kind: str,
    held_at: dt.datetime,
    title: str,
    team_id: int | None = None,
    external_key: str | None = None,
    labels: Sequence[Mapping] | None = None,
    classifier_version: str | None = None,
    source: str | None = None,
    imported_by: str | None = None,
    now: dt.datetime | None = None,
) -> StoredMeeting:
    """Store ``parsed`` as a meeting with its utterances, unless a meeting with its key exists.

    Parameters
    ----------
    labels
        One mapping per utterance, in order, with ``label``, ``confidence``, ``evidence`` (a sequence
        of phrases), ``is_question`` and ``nsp_mention``; None stores the utterances unlabelled.
    classifier_version
        Stored with each label, so a newer classifier knows what to relabel.

    Returns
    -------
    StoredMeeting
        ``created`` is False when the meeting was already there; then nothing but the import record
        was written. A new meeting gets its row in the talk rollup (:mod:`data_access.talk_rollup`).
    """
    if kind not in m.MEETING_KINDS:
        raise ValueError(f"unknown meeting kind {kind!r}; use one of {', '.join(m.MEETING_KINDS)}")
    if labels is not None and len(labels) != len(parsed.utterances):
        raise ValueError("labels must hold exactly one entry per utterance")
    started = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    key = meeting_key(parsed, external_key)
    existing = conn.execute(
        select(m.Meeting.id, m.Meeting.kind, m.Meeting.team_id, m.Meeting.held_at, m.Meeting.title).where(
            m.Meeting.external_key == key
        )
    ).first()
    count = len(parsed.utterances)
    wanted = {"kind": kind, "team_id": team_id, "held_at": held_at, "title": title[:300]}
    changed: tuple[str, ...] = ()
    if existing:
        stored = dict(existing._mapping)
        changed = tuple(c for c, v in wanted.items() if not _same(stored[c], v))
    batch_id = conn.execute(
        insert(m.ImportBatch)
        .values(
            source=SOURCE,
            file_name=parsed.file_name,
            sha256=parsed.sha256,
            format=parsed.format,
            imported_by=imported_by,
            started_at=started,
            finished_at=started,
            status="done",
            rows_read=count,
            inserted=0 if existing else count,
            updated=0,
            unchanged=count if existing else 0,
            rejected=0,
            message=(
                f"{count} utterances, {len(parsed.speakers)} speakers"
                if not existing
                else f"meeting {existing[0]} already imported; updated {', '.join(_WORDS[c] for c in changed)}"
                if changed
                else f"meeting {existing[0]} already imported; nothing changed"
            ),
        )
        .returning(m.ImportBatch.id)
    ).scalar_one()
    if existing:
        if changed:
            conn.execute(
                update(m.Meeting).where(m.Meeting.id == existing[0]).values({c: wanted[c] for c in changed})
            )
            refresh_meetings(conn, [int(existing[0])])
        return StoredMeeting(int(existing[0]), False, count, int(batch_id), key, changed)
    meeting_id = conn.execute(
        insert(m.Meeting)
        .values(
            external_key=key,
            kind=kind,
            held_at=held_at,
            team_id=team_id,
            title=title[:300],
            duration_seconds=parsed.duration_seconds,
            source=(source or parsed.file_name)[:500],
            source_batch_id=batch_id,
        )
        .returning(m.Meeting.id)
    ).scalar_one()
    rows = []
    for i, u in enumerate(parsed.utterances):
        row = {
            "meeting_id": meeting_id,
            "seq": u.seq,
            "speaker": u.speaker[:200] if u.speaker else None,
            "start_seconds": u.start_seconds,
            "end_seconds": u.end_seconds,
            "text": u.text,
            "label": None,
            "confidence": None,
            "evidence": None,
            "is_question": False,
            "nsp_mention": False,
            "classifier_version": None,
        }
        if labels is not None:
            lab = labels[i]
            row.update(
                label=lab["label"],
                confidence=lab["confidence"],
                evidence=format_evidence(lab["evidence"]),
                is_question=bool(lab["is_question"]),
                nsp_mention=bool(lab["nsp_mention"]),
                classifier_version=classifier_version,
            )
        rows.append(row)
    conn.execute(insert(m.Utterance), rows)
    refresh_meetings(conn, [meeting_id])
    return StoredMeeting(int(meeting_id), True, count, int(batch_id), key)


_WORDS = {"kind": "kind", "team_id": "team", "held_at": "date", "title": "title"}


def _same(old, new) -> bool:
    if isinstance(new, dt.datetime) and not isinstance(old, dt.datetime) and old is not None:
        return str(old)[:19] == new.isoformat(sep=" ")[:19]
    return old == new


def format_evidence(phrases: Sequence[str] | str | None) -> str | None:
    """Evidence as stored in ``utterances.evidence``: the phrases joined by ", " (phrases hold no commas)."""
    if phrases is None:
        return None
    if isinstance(phrases, str):
        return phrases or None
    return ", ".join(phrases) or None
