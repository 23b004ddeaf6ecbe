"""Relabelling stored utterances that an older (or no) classifier version labelled."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, or_, select, update

from data_access import models as m
from data_access.result_store import note_change
from data_access.scope import Scope
from data_access.status import current_nsp
from data_access.talk_rollup import refresh_meetings
from data_access.transcripts.store import format_evidence
from metrics.talk.classifier import TalkClassifier, default_classifier
from metrics.talk.nsp import NspMatcher

BATCH_SIZE = 2000


@dataclass(frozen=True)
class ReclassifyResult:
    examined: int
    label_changed: int
    version: str


def stored_nsp_matcher(conn: Connection) -> NspMatcher | None:
    """A matcher for the NSP stored in the database, or None when there is none."""
    nsp = current_nsp(conn)
    if nsp is None:
        return None
    return NspMatcher(nsp["statement"], nsp["key_phrases"] or ())


def reclassify(
    conn: Connection,
    scope: Scope,
    *,
    classifier: TalkClassifier | None = None,
    progress=None,
    batch_size: int = BATCH_SIZE,
) -> ReclassifyResult:
    """Relabel every utterance in ``scope`` whose ``classifier_version`` is not the classifier's.

    Utterances already labelled by this version are not touched. The NSP flag is recomputed with the
    stored NSP at the same time. Works in batches by id so memory stays flat; never commits. The
    meetings whose utterances were relabelled get their talk rollup recomputed once, at the end.

    Returns
    -------
    ReclassifyResult
        How many utterances were relabelled and how many of them got a different label.
    """
    model = classifier or default_classifier()
    nsp = stored_nsp_matcher(conn)
    u = m.Utterance
    stale = or_(u.classifier_version.is_(None), u.classifier_version != model.version)
    in_scope = u.meeting_id.in_(select(m.Meeting.id).where(scope.clause(m.Meeting.team_id)))
    todo = conn.execute(select(u.id).where(stale, in_scope).order_by(u.id)).scalars().all()
    table = u.__table__
    # Core executemany; bound names differ from the column names, which SQLAlchemy reserves for SET.
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            label=bindparam("b_label"),
            confidence=bindparam("b_confidence"),
            evidence=bindparam("b_evidence"),
            is_question=bindparam("b_is_question"),
            nsp_mention=bindparam("b_nsp_mention"),
            classifier_version=bindparam("b_version"),
        )
    )
    changed = 0
    relabelled_meetings: set[int] = set()
    for start in range(0, len(todo), batch_size):
        ids = todo[start : start + batch_size]
        rows = conn.execute(select(u.id, u.text, u.label, u.meeting_id).where(u.id.in_(ids))).all()
        params = []
        for uid, text, old, meeting_id in rows:
            relabelled_meetings.add(meeting_id)
            result = model.classify(text, nsp)
            changed += result.label != old
            params.append(
                {
                    "b_id": uid,
                    "b_label": result.label,
                    "b_confidence": result.confidence,
                    "b_evidence": format_evidence(result.evidence),
                    "b_is_question": result.is_question,
                    "b_nsp_mention": result.nsp_mention,
                    "b_version": model.version,
                }
            )
        if params:
            conn.execute(statement, params)
        if progress is not None:
            progress(min(1.0, (start + len(ids)) / len(todo)), f"relabelled {start + len(ids):,} utterances")
    refresh_meetings(conn, relabelled_meetings)
    if todo:
        note_change(conn, f"relabelled {len(todo):,} utterances with {model.version}")
    return ReclassifyResult(len(todo), changed, model.version)
