"""``python -m dashboard import transcripts``: meeting transcripts in, labelled utterances stored.

The ``import`` command calls :func:`add_transcript_arguments` to build its ``transcripts`` subparser
and :func:`run_transcript_import` to run it. Every file is read and parsed before the database is
touched, and all of them are stored in one transaction: one unreadable file means nothing is written.
Each utterance is labelled at import time by the talk classifier, with the NSP stored in the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from dashboard.config import Settings

MEETING_KINDS = ("leadership", "deal_review", "pipeline_review", "forecast_call", "one_on_one")
MANIFEST_COLUMNS = ("path", "kind", "team", "held_at", "title")
_CHANGE_WORDS = {"kind": "kind", "team_id": "team", "held_at": "date", "title": "title"}


@dataclass(frozen=True)
class TranscriptJob:
    """One file to import, with the meeting facts the file itself does not hold."""

    path: Path
    kind: str
    team: str | None
    held_at: dt.datetime
    title: str
    external_key: str | None = None


def add_transcript_arguments(parser) -> None:
    """The arguments of ``import transcripts``."""
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="transcript files: .vtt, .srt, .txt, .json"
    )
    parser.add_argument(
        "--kind", choices=MEETING_KINDS, help="the kind of meeting (required without --manifest)"
    )
    parser.add_argument(
        "--team", metavar="NAME", help="the team whose meeting it was (an existing team's name)"
    )
    parser.add_argument(
        "--held-at",
        metavar="DATE",
        help="when the meeting was held: YYYY-MM-DD or YYYY-MM-DDTHH:MM (required)",
    )
    parser.add_argument("--title", metavar="TITLE", help="the meeting's title (default: the file name)")
    parser.add_argument(
        "--manifest",
        type=Path,
        metavar="CSV",
        help="a CSV naming many files, with columns path,kind,team,held_at,title (paths relative to the CSV)",
    )
    parser.add_argument(
        "--speaker-pattern",
        metavar="REGEX",
        help="plain text: how a line names its speaker, e.g. '(?P<speaker>[A-Z]+)> ' (default: a short "
        "name or role before a colon, repeated across the file)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per file")


def parse_held_at(value: str, where: str) -> dt.datetime:
    """A meeting time from ``YYYY-MM-DD`` or an ISO date-time; UserError naming ``where`` otherwise."""
    from dashboard.cli.errors import UserError

    text = (value or "").strip()
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.min)
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"{where}: the meeting date {value!r} is not a date like 2025-03-14.") from None
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def jobs_from_arguments(args) -> list[TranscriptJob]:
    """The files to import, from PATH arguments with the flags, and from the manifest's rows."""
    from dashboard.cli.errors import UserError

    jobs: list[TranscriptJob] = []
    if args.paths:
        if not args.kind:
            raise UserError("Say what kind of meeting the transcripts are with --kind (or use --manifest).")
        if not args.held_at:
            raise UserError("Say when the meeting was held with --held-at YYYY-MM-DD (or use --manifest).")
        held_at = parse_held_at(args.held_at, "--held-at")
        for path in args.paths:
            title = args.title or path.stem
            jobs.append(TranscriptJob(path, args.kind, args.team, held_at, title))
    if args.manifest:
        jobs.extend(read_manifest(args.manifest))
    if not jobs:
        raise UserError("Name at least one transcript file, or a --manifest CSV listing them.")
    return jobs


def read_manifest(path: Path) -> list[TranscriptJob]:
    """Rows of a manifest CSV (path,kind,team,held_at,title[,external_key]); UserError naming the row."""
    from dashboard.cli.errors import UserError

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{path}: no such manifest file.") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text; save the manifest as UTF-8 CSV.") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("path", "kind", "held_at") if c not in header]
    if missing:
        raise UserError(
            f"{path}: the manifest has no {', '.join(missing)} column (expected {','.join(MANIFEST_COLUMNS)})."
        )
    jobs = []
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        where = f"{path}, row {line}"
        if not row.get("path"):
            raise UserError(f"{where}: the path is empty.")
        if row.get("kind") not in MEETING_KINDS:
            raise UserError(f"{where}: kind {row.get('kind')!r} is not one of {', '.join(MEETING_KINDS)}.")
        file_path = Path(row["path"])
        if not file_path.is_absolute():
            file_path = path.parent / file_path
        jobs.append(
            TranscriptJob(
                file_path,
                row["kind"],
                row.get("team") or None,
                parse_held_at(row.get("held_at", ""), where),
                row.get("title") or file_path.stem,
                row.get("external_key") or None,
            )
        )
    return jobs


def label_and_store(conn, transcript, model, nsp, *, imported_by: str | None = None, **meeting):
    """Label every utterance with the classifier and store the meeting (idempotent by file content).

    ``meeting`` holds ``kind``, ``held_at``, ``title``, ``team_id`` and optionally ``external_key``
    and ``source``. The command line and the upload on the Meeting health page both come here.
    """
    from data_access.transcripts import store_transcript

    labels = [model.classify(u.text, nsp).as_dict(u.text) for u in transcript.utterances]
    return store_transcript(
        conn, transcript, labels=labels, classifier_version=model.version, imported_by=imported_by, **meeting
    )


def import_uploaded_transcript(
    conn,
    data: bytes,
    name: str,
    *,
    kind: str,
    team_id: int,
    held_at: dt.datetime,
    title: str,
    scope,
    imported_by: str,
) -> dict:
    """Import one uploaded transcript for a team in the viewer's scope, in the caller's transaction
    ``conn``; return what the page shows.

    Raises ValueError with one sentence (naming the file) when the file cannot be read or the team
    is outside the viewer's scope; nothing is written then (the caller's transaction rolls back).
    """
    from sqlalchemy import select

    from data_access import models as m
    from data_access.transcripts import meeting_key, parse_bytes
    from metrics.talk.classifier import default_classifier
    from metrics.talk.measures import meeting_measures
    from metrics.talk.reclassify import stored_nsp_matcher

    if not scope.allows(team_id):
        raise ValueError(f"{name}: you can add meetings only for your own teams.")
    if kind not in MEETING_KINDS:
        raise ValueError(f"{name}: {kind!r} is not a meeting kind.")
    transcript = parse_bytes(data, name)  # TranscriptError is a ValueError with one sentence
    model = default_classifier()
    found = conn.execute(
        select(m.Meeting.team_id).where(m.Meeting.external_key == meeting_key(transcript))
    ).first()
    if found is not None and found[0] is not None and not scope.allows(found[0]):
        raise ValueError(f"{name} is already imported as another team's meeting; it was left as it is.")
    stored = label_and_store(
        conn,
        transcript,
        model,
        stored_nsp_matcher(conn),
        kind=kind,
        held_at=held_at,
        title=title.strip() or name,
        team_id=team_id,
        source=name,
        imported_by=imported_by,
    )
    measures = meeting_measures(conn, scope, meeting_ids=[stored.meeting_id])
    return _summary(stored, transcript, measures[0] if measures else None)


def _summary(stored, transcript, measured) -> dict:
    """What one stored transcript came to: the page's result and the command's JSON line."""
    return {
        "meeting_id": stored.meeting_id,
        "created": stored.created,
        "updated": [_CHANGE_WORDS[c] for c in stored.changed],
        "utterances": stored.utterances,
        "speakers": transcript.speakers,
        "customer_impact_share": measured.customer_impact_share if measured else None,
    }


def run_transcript_import(args, settings: Settings) -> int:
    """Parse, label and store every named transcript; print one summary line (or JSON object) per file."""
    from dashboard.cli.errors import UserError
    from dashboard.database import open_engine
    from data_access.scope import Scope
    from data_access.transcripts import TranscriptError, parse_file, team_id_named
    from metrics.talk.classifier import default_classifier
    from metrics.talk.measures import meeting_measures
    from metrics.talk.reclassify import stored_nsp_matcher

    jobs = jobs_from_arguments(args)
    parsed = []
    for job in jobs:
        try:
            parsed.append(parse_file(job.path, speaker_pattern=getattr(args, "speaker_pattern", None)))
        except TranscriptError as exc:
            raise UserError(str(exc)) from None
    model = default_classifier()
    engine = open_engine(settings, must_exist=True)
    results = []
    try:
        with engine.begin() as conn:
            nsp = stored_nsp_matcher(conn)
            for job, transcript in zip(jobs, parsed, strict=True):
                team_id = None
                if job.team:
                    team_id = team_id_named(conn, job.team)
                    if team_id is None:
                        raise UserError(
                            f"{job.path.name}: there is no team named {job.team!r}; nothing was imported."
                        )
                stored = label_and_store(
                    conn,
                    transcript,
                    model,
                    nsp,
                    kind=job.kind,
                    held_at=job.held_at,
                    title=job.title,
                    team_id=team_id,
                    external_key=job.external_key,
                    source=str(job.path),
                )
                results.append((job, transcript, stored))
            measures = {
                mm.meeting_id: mm
                for mm in meeting_measures(
                    conn, Scope.everything(), meeting_ids=[r[2].meeting_id for r in results]
                )
            }
    finally:
        engine.dispose()
    for job, transcript, stored in results:
        mm = measures.get(stored.meeting_id)
        share = mm.customer_impact_share if mm else None
        if args.json:
            print(
                json.dumps(
                    {
                        "file": str(job.path),
                        **_summary(stored, transcript, mm),
                        "revenue": mm.revenue if mm else None,
                        "customer_impact": mm.customer_impact if mm else None,
                        "other": mm.other if mm else None,
                    }
                )
            )
        else:
            shown = "n/a (no revenue or customer talk)" if share is None else f"{share:.0%}"
            state = (
                "imported"
                if stored.created
                else f"already imported; updated its {', '.join(_CHANGE_WORDS[c] for c in stored.changed)}"
                if stored.changed
                else "already imported, unchanged"
            )
            print(
                f"{job.path.name}: meeting {stored.meeting_id} ({state}), {stored.utterances:,} utterances, "
                f"customer-impact share {shown}"
            )
    return 0
