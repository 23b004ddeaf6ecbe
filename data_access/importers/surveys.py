"""Pulse-survey answers: one row per respondent, question and submission.

Respondents stay pseudonymous: a key that looks like an email is replaced by its SHA-256 before
anything is stored. The eNPS item is recognised by its code or its wording ("How likely are you to
recommend working here?"); the pulse drivers by their codes or names.
"""

from __future__ import annotations

import hashlib
import re

from pydantic import model_validator

from data_access import models as m
from data_access.importers.pipeline import WriteContext, WriteOutcome
from data_access.importers.refs import looks_like_email
from data_access.importers.spec import FieldSpec, Format, Source
from data_access.importers.store import bulk_insert, bulk_update, load_existing, plan_upsert
from data_access.importers.validation import (
    ImportRow,
    Integer,
    RequiredDateTime,
    RequiredNumber,
    RequiredText,
    Text,
    ValidRow,
    reject_duplicates,
)

# Known questions: code -> (scale, driver, wording patterns). Other questions keep a code made from their text.
KNOWN_QUESTIONS = {
    "enps": (
        10,
        None,
        re.compile(r"\benps\b|recommend.{0,60}(work|employer|place to work|company|team)", re.I),
    ),
    "meaning_purpose": (5, "meaning_purpose", re.compile(r"meaning|purpose|makes? a difference", re.I)),
    "recognition": (5, "recognition", re.compile(r"recogni[sz]|appreciat|valued", re.I)),
    "peer_relationships": (5, "peer_relationships", re.compile(r"peer|colleague|collaborat|teammate", re.I)),
    "workload": (5, "workload", re.compile(r"workload|work load|manageable|burn.?out", re.I)),
    "sales_perception": (
        5,
        "sales_perception",
        re.compile(r"sales (team|organi[sz]ation|function)|perception of sales|trust sales", re.I),
    ),
}


def question_code(question: str) -> str:
    """The stored code of a question: a known code as is, a known wording mapped, other text slugged."""
    text = question.strip()
    slug = re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")
    if slug in KNOWN_QUESTIONS:
        return slug
    for code, (_scale, _driver, pattern) in KNOWN_QUESTIONS.items():
        if pattern.search(text):
            return code
    return slug[:60] or "question"


def respondent_key(raw: str) -> str:
    """A pseudonymous key: emails are hashed (SHA-256 of the lower-cased address), other keys kept."""
    text = raw.strip()
    if looks_like_email(text) or "@" in text:
        return hashlib.sha256(text.casefold().encode("utf-8")).hexdigest()
    return text[:128]


class SurveyRow(ImportRow):
    respondent: RequiredText
    team: Text = None
    department: Text = None
    submitted_at: RequiredDateTime
    question: RequiredText
    score: RequiredNumber
    scale: Integer = None
    driver: Text = None
    comment: Text = None

    @model_validator(mode="after")
    def _check(self):
        scale = self.effective_scale
        if scale <= 0:
            raise ValueError(f"the scale {scale} is not positive")
        if not 0 <= self.score <= scale:
            raise ValueError(f"the score {self.score:g} is outside the 0-{scale} scale")
        return self

    @property
    def code(self) -> str:
        return question_code(self.question)

    @property
    def effective_scale(self) -> int:
        if self.scale is not None:
            return self.scale
        known = KNOWN_QUESTIONS.get(self.code)
        return known[0] if known else 10


FIELDS = (
    FieldSpec("respondent", required=True, help="a pseudonymous key; an email is hashed before storage"),
    FieldSpec("team", help="the respondent's sales team; created when new"),
    FieldSpec("department", help="for respondents outside sales (the perception question)"),
    FieldSpec("submitted_at", "datetime", required=True),
    FieldSpec("question", required=True, help="a code (enps, meaning_purpose, ...) or the question's text"),
    FieldSpec("score", "number", required=True),
    FieldSpec("scale", "integer", help="the top of the scale (default: 10 for eNPS, 5 for the drivers)"),
    FieldSpec("driver", help="the driver the question measures (default: from the question)"),
    FieldSpec("comment", help="free text; shown only for groups of 10 or more"),
)

FORMATS = (
    Format(
        "generic",
        "generic CSV (canonical names)",
        {
            "respondent": ("Respondent", "Respondent ID", "Employee", "Email"),
            "submitted_at": ("Submitted", "Submitted At", "Date", "Response Date"),
            "question": ("Question", "Question Code", "Item"),
            "score": ("Score", "Answer", "Rating"),
            "comment": ("Comment", "Comments"),
        },
    ),
)


def write(ctx: WriteContext, rows: list[ValidRow]) -> WriteOutcome:
    """Upsert answers by (respondent key, submitted at, question code)."""
    rows, duplicates = reject_duplicates(
        rows, lambda r: (respondent_key(r.respondent), r.submitted_at, r.code), "the same answer"
    )
    ctx.directory.ensure_teams(r.row.team for r in rows)
    table = m.SurveyResponse.__table__
    pairs = []
    for valid in rows:
        row = valid.row
        key = (respondent_key(row.respondent), row.submitted_at, row.code)
        known = KNOWN_QUESTIONS.get(row.code)
        pairs.append(
            (
                key,
                {
                    "respondent_key": key[0],
                    "team_id": ctx.directory.team_id(row.team),
                    "department": row.department,
                    "submitted_at": row.submitted_at,
                    "question_code": row.code,
                    "driver": row.driver or (known[1] if known else None),
                    "score": row.score,
                    "scale": row.effective_scale,
                    "comment": row.comment,
                    "source_batch_id": ctx.batch_id,
                },
            )
        )
    compared = ("team_id", "department", "driver", "score", "scale", "comment")
    stored = load_existing(
        ctx.conn, table, ["respondent_key", "submitted_at", "question_code"], [k for k, _ in pairs], compared
    )
    plan = plan_upsert(pairs, stored, compared)
    bulk_insert(ctx.conn, table, plan.inserts)
    bulk_update(ctx.conn, table, plan.updates)
    return WriteOutcome(len(plan.inserts), len(plan.updates), plan.unchanged, duplicates)


SOURCE = Source(
    name="surveys",
    label="Pulse surveys",
    description="Pulse-survey answers: pseudonymous respondent, team, date, question, score, comment.",
    fields=FIELDS,
    formats=FORMATS,
    model=SurveyRow,
    write=write,
)
