"""Pulse-survey answers: one row per respondent, question and submission.

Respondents stay pseudonymous: a key that looks like an email is replaced by its SHA-256 before
anything is stored. The eNPS item is recognised by its code or its wording ("How likely are you to
recommend working here?"); the pulse drivers by their codes or names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import ClassVar

from pydantic import model_validator

from data_access import models as m
from data_access.importers.errors import UnreadableFile
from data_access.importers.pipeline import WriteContext, WriteOutcome
from data_access.importers.reading import RawTable
from data_access.importers.refs import looks_like_email
from data_access.importers.spec import Constant, FieldSpec, Format, Source, normalise_header
from data_access.importers.store import bulk_insert, bulk_update, load_existing, plan_upsert
from data_access.importers.validation import (
    Bool,
    ImportRow,
    Integer,
    Number,
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
    TEXT_LIMITS: ClassVar[dict[str, int]] = {
        "respondent": 500,
        "department": 100,
        "question": 1000,
        "driver": 60,
        "comment": 20_000,
    }

    respondent: RequiredText
    team: Text = None
    department: Text = None
    submitted_at: RequiredDateTime
    question: RequiredText
    score: RequiredNumber
    scale: Integer = None
    scale_min: Number = None
    decimals: Bool = None
    driver: Text = None
    comment: Text = None

    @model_validator(mode="after")
    def _check(self):
        scale = self.effective_scale
        low = self.scale_min or 0
        if scale <= 0 or low >= scale:
            raise ValueError(f"the scale {low:g}-{scale} is not a scale")
        if not low <= self.score <= scale:
            raise ValueError(f"the score {self.score:g} is outside the {low:g}-{scale} scale")
        if self.decimals is False and not float(self.score).is_integer():
            raise ValueError(
                f"the score {self.score:g} is not a whole number on the {low:g}-{scale} scale "
                f"(write the scale as {low:g}.0-{scale}.0 to allow decimals)"
            )
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
    FieldSpec("scale_min", "number", help="the bottom of the scale (default 0)"),
    FieldSpec("decimals", "bool", help="whether scores may have decimals (default yes)"),
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


ENPS_SCALE = (0, 10)
WIDE_FIELDS = ("respondent", "team", "department", "submitted_at", "comment")


@dataclass(frozen=True)
class Question:
    """One question column of a wide survey file: ``--question COLUMN=CODE[:LOW-HIGH]``."""

    column: str
    code: str
    low: float | None = None
    high: float | None = None
    decimals: bool = True

    @property
    def scale_text(self) -> str:
        return f"{self.low:g}-{self.high:g}" if self.high is not None else "default"


_SCALE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$", re.ASCII)


def parse_question_option(text: str) -> Question:
    """``EngagementSurvey=engagement:1.0-5.0`` -> a :class:`Question`; ValueError with one sentence."""
    column, sep, rest = text.partition("=")
    if not sep or not column.strip() or not rest.strip():
        raise ValueError(f"--question '{text}' is not COLUMN=CODE or COLUMN=CODE:LOW-HIGH")
    code, colon, scale = rest.rpartition(":") if ":" in rest else (rest, "", "")
    code = code.strip()
    if not code:
        raise ValueError(f"--question '{text}' names no question code")
    if not colon:
        return Question(column.strip(), question_code(code))
    found = _SCALE.match(scale)
    if not found:
        raise ValueError(f"--question '{text}': the scale '{scale}' is not LOW-HIGH such as 1-5 or 0-10")
    low, high = float(found.group(1)), float(found.group(2))
    if low >= high or not high.is_integer():
        raise ValueError(
            f"--question '{text}': the scale {scale} must run up to a whole number above {low:g}"
        )
    decimals = "." in found.group(1) or "." in found.group(2)
    return Question(column.strip(), question_code(code), low, high, decimals)


def check_enps_scale(code: str, low: float | None, high: float | None, where: str) -> None:
    """Refuse an eNPS question on anything but 0-10: its promoters and detractors mean nothing else."""
    if code != "enps" or high is None:
        return
    if (low or 0, high) != ENPS_SCALE:
        raise UnreadableFile(
            f"The eNPS question {where} is on a {low or 0:g}-{high:g} scale, but eNPS must be asked on 0-10."
        )


def widen(
    table: RawTable, overrides: dict[str, str], questions, submitted_at: dt.datetime | None
) -> tuple[RawTable, dict[str, str]]:
    """A wide survey table (one row per respondent, one column per question) in the long form.

    ``overrides`` maps respondent, team, department, submitted_at and comment to the wide file's columns
    (or constants); each question column becomes one answer row per respondent with a score, keeping
    the wide row's line number. Empty answers are skipped. Returns the long table and its mapping.
    """
    if not questions:
        raise UnreadableFile(f"{table.file_name}: --wide needs at least one --question COLUMN=CODE.")
    by_norm = {normalise_header(h): i for i, h in enumerate(table.headers)}
    unknown = [f for f in overrides if f not in WIDE_FIELDS]
    if unknown:
        raise UnreadableFile(
            f"--map names {', '.join(unknown)}, which a wide survey file does not take "
            f"(use {', '.join(WIDE_FIELDS)}; questions come from --question)."
        )

    def position(column: str, asked_by: str) -> int:
        i = by_norm.get(normalise_header(column))
        if i is None:
            raise UnreadableFile(f"{table.file_name} has no column '{column}' (asked for by {asked_by}).")
        return i

    fields: dict[str, int | str] = {}
    for name, column in overrides.items():
        fields[name] = column if isinstance(column, Constant) else position(column, f"--map {name}={column}")
    if submitted_at is not None and "submitted_at" not in fields:
        fields["submitted_at"] = Constant(submitted_at.isoformat(sep=" "))
    for name in ("respondent", "submitted_at"):
        if name not in fields:
            hint = " or --submitted-at DATE" if name == "submitted_at" else ""
            raise UnreadableFile(f"{table.file_name}: a wide survey file needs --map {name}=COLUMN{hint}.")
    columns = []
    for q in questions:
        check_enps_scale(q.code, q.low, q.high, f"({q.column})")
        columns.append((position(q.column, f"--question {q.column}={q.code}"), q))
    names = list(fields)
    headers = (*names, "question", "score", "scale", "scale_min", "decimals")
    width = len(table.headers)
    rows: list[tuple[int, list[str]]] = []
    for line, cells in table.rows:
        if len(cells) != width and (len(cells) < width or any(c.strip() for c in cells[width:])):
            # Kept short so the long form rejects it as cut off, naming the wide file's line.
            rows.append((line, [""] * (len(headers) - 1)))
            continue
        base = [fields[n] if isinstance(fields[n], str) else cells[fields[n]] for n in names]
        for i, q in columns:
            if not cells[i].strip():
                continue
            rows.append(
                (
                    line,
                    [
                        *base,
                        q.code,
                        cells[i],
                        "" if q.high is None else f"{q.high:g}",
                        "" if q.low is None else f"{q.low:g}",
                        "yes" if q.decimals else "no",
                    ],
                )
            )
    if not rows:
        raise UnreadableFile(f"{table.file_name} has no answers in the question columns.")
    long = RawTable(
        file_name=table.file_name,
        sha256=table.sha256,
        encoding=table.encoding,
        delimiter=table.delimiter,
        headers=headers,
        rows=rows,
        notes=[*table.notes, f"Read {len(columns)} question columns of {len(table.rows):,} respondents."],
    )
    return long, {name: name for name in headers}


def check(rows: list[ValidRow], file_name: str) -> None:
    """Refuse a file that asks the eNPS question on another scale than 0-10."""
    for valid in rows:
        row = valid.row
        if row.code == "enps":
            check_enps_scale(
                "enps",
                row.scale_min,
                float(row.effective_scale),
                f"in {file_name} (line {valid.line_number})",
            )


SOURCE = Source(
    name="surveys",
    label="Pulse surveys",
    description="Pulse-survey answers: pseudonymous respondent, team, date, question, score, comment.",
    fields=FIELDS,
    formats=FORMATS,
    model=SurveyRow,
    write=write,
    check=check,
)
