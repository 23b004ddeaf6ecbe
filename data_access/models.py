"""The Purpose Pulse data model: SQLAlchemy 2 typed ORM classes.

One class per table. Every table that holds people-related data carries a ``team_id`` so that
scoping (which teams a viewer may see) is a plain ``WHERE team_id IN (...)`` pushed into SQL.
Indexes follow the queries the metrics run: by team, by close date, by meeting date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# A naming convention keeps constraint names stable across SQLite and PostgreSQL, so Alembic
# migrations (batch mode on SQLite) can refer to them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2)

ROLES = ("seller", "manager", "leader", "executive", "admin")
MEETING_KINDS = ("leadership", "deal_review", "pipeline_review", "forecast_call", "one_on_one")
TALK_LABELS = ("revenue", "customer_impact", "other")
LOSS_CATEGORIES = ("price", "competition", "no_decision", "disqualified", "timing", "other")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Team(Base):
    """A team, or a group of teams: a leader's region is a team whose children are teams."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(100))
    # The day this team adopted the organisation's Noble Sales Purpose, when it did so on its own date.
    nsp_adopted_on: Mapped[dt.date | None] = mapped_column(Date)

    parent: Mapped[Team | None] = relationship(remote_side="Team.id", back_populates="children")
    children: Mapped[list[Team]] = relationship(back_populates="parent")
    members: Mapped[list[Person]] = relationship(back_populates="team", foreign_keys="Person.team_id")


class Person(Base):
    """A seller, manager, leader, executive or admin."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="seller")
    title: Mapped[str | None] = mapped_column(String(200))
    hire_date: Mapped[dt.date | None] = mapped_column(Date)
    termination_date: Mapped[dt.date | None] = mapped_column(Date)
    termination_voluntary: Mapped[bool | None] = mapped_column(Boolean)

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    manager: Mapped[Person | None] = relationship(remote_side="Person.id")


class Quota(Base):
    __tablename__ = "quotas"
    __table_args__ = (UniqueConstraint("person_id", "period_start", name="uq_quotas_person_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    segment: Mapped[str | None] = mapped_column(String(50))
    industry: Mapped[str | None] = mapped_column(String(100))
    employees: Mapped[int | None] = mapped_column(Integer)
    annual_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    region: Mapped[str | None] = mapped_column(String(100))
    parent_name: Mapped[str | None] = mapped_column(String(300))


class Opportunity(Base):
    """A deal. ``team_id`` is the owner's team when the deal was loaded, so scoping needs no join."""

    __tablename__ = "opportunities"
    __table_args__ = (
        Index("ix_opportunities_team_close", "team_id", "close_date"),
        Index("ix_opportunities_owner_close", "owner_id", "close_date"),
        Index("ix_opportunities_closed_won_close", "is_closed", "is_won", "close_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    segment: Mapped[str | None] = mapped_column(String(50))
    product: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    list_amount: Mapped[Decimal | None] = mapped_column(Money)
    # Discount as a fraction 0..1: explicit from the source, or 1 - amount / list_amount.
    discount: Mapped[float | None] = mapped_column(Float)
    is_won: Mapped[bool] = mapped_column(Boolean, default=False)
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_date: Mapped[dt.date | None] = mapped_column(Date)
    close_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    probability: Mapped[float | None] = mapped_column(Float)
    type: Mapped[str | None] = mapped_column(String(100))
    forecast_category: Mapped[str | None] = mapped_column(String(50))
    # Late stage = commit / negotiation: where a customer outcome and a senior contact matter most.
    is_late_stage: Mapped[bool] = mapped_column(Boolean, default=False)
    # Kept by data_access.history_rollup from the deal's history, never imported: whether the history
    # names a stage, and when the deal first reached a stage that flagged deals are in (None: never).
    has_stage_history: Mapped[bool | None] = mapped_column(Boolean)
    first_late_stage_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    loss_reason: Mapped[str | None] = mapped_column(String(500))
    loss_category: Mapped[str | None] = mapped_column(String(30))
    customer_outcome: Mapped[str | None] = mapped_column(Text)
    executive_sponsor: Mapped[str | None] = mapped_column(String(300))
    # ISO 4217 code when the file named one; None means the organisation's currency.
    currency: Mapped[str | None] = mapped_column(String(3))
    source_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    account: Mapped[Account | None] = relationship()
    owner: Mapped[Person | None] = relationship()
    history: Mapped[list[OpportunityHistory]] = relationship(
        back_populates="opportunity", order_by="OpportunityHistory.changed_at"
    )


class OpportunityHistory(Base):
    """One row per change of stage, amount or close date of an opportunity."""

    __tablename__ = "opportunity_history"
    __table_args__ = (
        Index("ix_opportunity_history_opp_changed", "opportunity_id", "changed_at"),
        # The deals that changed in a period, without reading every deal's history.
        Index("ix_opportunity_history_changed", "changed_at", "opportunity_id"),
        UniqueConstraint("opportunity_id", "changed_at", name="uq_opportunity_history_opp_changed"),
        # The deals an import wrote history for, whose history rollup it refreshes.
        Index("ix_opportunity_history_batch", "source_batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    stage: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    close_date: Mapped[dt.date | None] = mapped_column(Date)
    source_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    opportunity: Mapped[Opportunity] = relationship(back_populates="history")


class Subscription(Base):
    """One contract term of an account. A renewal is a new row pointing at the term it renews.

    A term that ended with no renewal is churn; a renewal with lower ARR is contraction, higher is
    expansion. ``concession_amount`` is what was given away (annual) to keep the contract.
    """

    __tablename__ = "subscriptions"
    __table_args__ = (
        Index("ix_subscriptions_team_end", "team_id", "end_date"),
        Index("ix_subscriptions_start", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_key: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    plan: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    mrr: Mapped[Decimal | None] = mapped_column(Money)
    arr: Mapped[Decimal] = mapped_column(Money)
    renewed_from_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    concession_amount: Mapped[Decimal | None] = mapped_column(Money)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))

    account: Mapped[Account] = relationship()


class Meeting(Base):
    """An internal meeting: leadership, deal review, pipeline review, forecast call or one-on-one."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_team_held", "team_id", "held_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    held_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    title: Mapped[str] = mapped_column(String(300))
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(500))
    # The seller a one-on-one is with, when known.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    source_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    utterances: Mapped[list[Utterance]] = relationship(
        back_populates="meeting", order_by="Utterance.seq", cascade="all, delete-orphan"
    )


class Utterance(Base):
    __tablename__ = "utterances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "seq", name="uq_utterances_meeting_seq"),
        Index("ix_utterances_label", "label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(200))
    start_seconds: Mapped[float | None] = mapped_column(Float)
    end_seconds: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(20))
    confidence: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[str | None] = mapped_column(Text)
    is_question: Mapped[bool] = mapped_column(Boolean, default=False)
    nsp_mention: Mapped[bool] = mapped_column(Boolean, default=False)
    classifier_version: Mapped[str | None] = mapped_column(String(40))

    meeting: Mapped[Meeting] = relationship(back_populates="utterances")


class SurveyResponse(Base):
    """One answer of one pseudonymous respondent to one pulse-survey question. Never shown alone."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_team_submitted", "team_id", "submitted_at"),
        UniqueConstraint(
            "respondent_key", "submitted_at", "question_code", name="uq_survey_responses_answer"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_key: Mapped[str] = mapped_column(String(128))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    # Respondents outside sales (for the cross-functional perception question) have a department.
    department: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    question_code: Mapped[str] = mapped_column(String(60))
    driver: Mapped[str | None] = mapped_column(String(60))
    score: Mapped[float] = mapped_column(Float)
    scale: Mapped[int] = mapped_column(Integer, default=10)
    comment: Mapped[str | None] = mapped_column(Text)
    source_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class NobleSalesPurpose(Base):
    """The organisation's Noble Sales Purpose: one statement, its key phrases, its launch date."""

    __tablename__ = "nsp"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement: Mapped[str] = mapped_column(Text)
    key_phrases: Mapped[list[str]] = mapped_column(JSON, default=list)
    launch_date: Mapped[dt.date | None] = mapped_column(Date)


class SettingOverride(Base):
    """A value a leader changed on the settings page; defaults live in code with their help text."""

    __tablename__ = "setting_overrides"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(320))


class ImportBatch(Base):
    """One import of one file (or the demo generation): what, from where, by whom, with what result."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    file_name: Mapped[str | None] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    format: Mapped[str | None] = mapped_column(String(40))
    imported_by: Mapped[str | None] = mapped_column(String(320))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)

    rejected_rows: Mapped[list[RejectedRow]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="RejectedRow.line_number"
    )


class ImportMapping(Base):
    """A column mapping saved by name on the Imports page, reused with ``import --mapping NAME``.

    ``spec`` holds the source, format, columns, constants, value maps and reading options (see
    :mod:`data_access.importers.mappings`).
    """

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    source: Mapped[str] = mapped_column(String(40))
    spec: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(320))


class RejectedRow(Base):
    __tablename__ = "rejected_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    raw: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)

    batch: Mapped[ImportBatch] = relationship(back_populates="rejected_rows")


class TeamWeekDeals(Base):
    """Closed deals per team per week (Monday of the close date): a rollup kept equal to the raw rows.

    Written only by :mod:`data_access.rollups` (the demo loader and every import refresh it), so a
    page can read a year of a large organisation's wins in a few thousand rows. Deals without a team
    or a close date are not rolled up.
    """

    __tablename__ = "team_week_deals"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    closed_count: Mapped[int] = mapped_column(Integer, default=0)
    won_count: Mapped[int] = mapped_column(Integer, default=0)
    won_amount: Mapped[Decimal] = mapped_column(Money, default=0)
    won_list_amount: Mapped[Decimal] = mapped_column(Money, default=0)
    # Sum and count of the discounts of won deals that have one, so an average can be rebuilt.
    won_discount_sum: Mapped[float] = mapped_column(Float, default=0.0)
    won_discount_count: Mapped[int] = mapped_column(Integer, default=0)


class MeetingTalk(Base):
    """What one meeting's talk adds up to: a rollup of its utterances, kept equal to the raw rows.

    One row per meeting (a meeting without utterances has zeros). Written only by
    :mod:`data_access.talk_rollup` (the demo loaders, the transcript store and every relabelling
    refresh it), so the talk symptoms and the Meeting health page count a quarter of a large
    organisation's meetings without reading millions of utterances. ``team_id``, ``held_at`` and
    ``kind`` are copies of the meeting's, so period and team filters need no join.
    """

    __tablename__ = "meeting_talk"
    __table_args__ = (
        Index("ix_meeting_talk_team_held", "team_id", "held_at"),
        Index("ix_meeting_talk_held_at", "held_at"),
    )

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int | None] = mapped_column(Integer)
    held_at: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(30))
    utterances: Mapped[int] = mapped_column(Integer, default=0)
    # Utterances carrying any label, then per label.
    labelled: Mapped[int] = mapped_column(Integer, default=0)
    customer_impact: Mapped[int] = mapped_column(Integer, default=0)
    revenue: Mapped[int] = mapped_column(Integer, default=0)
    other: Mapped[int] = mapped_column(Integer, default=0)
    # Customer-impact utterances that are questions (what symptom 2 counts).
    customer_questions: Mapped[int] = mapped_column(Integer, default=0)
    # Utterances flagged as mentioning the NSP: all of them (the meeting list), and the labelled ones
    # (symptom 4, which reads only labelled talk).
    nsp_mentions: Mapped[int] = mapped_column(Integer, default=0)
    labelled_nsp_mentions: Mapped[int] = mapped_column(Integer, default=0)
    # Where the meeting's lead (the speaker with the most utterances) first talks about a customer:
    # the 1-based rank by ``seq`` of that customer-impact utterance and its seconds since the
    # meeting's first timed utterance (None without one, or without timings). A meeting opens with a
    # customer when this falls in its opening, the first minutes or utterances (symptom 3).
    first_customer_position: Mapped[int | None] = mapped_column(Integer)
    first_customer_seconds: Mapped[float | None] = mapped_column(Float)
    # 1 when the meeting's utterances carry start times, so its opening is measured in minutes.
    timed: Mapped[int] = mapped_column(Integer, default=0)
    # Revenue plus customer-impact utterances: how much purpose-relevant talk a share is computed on.
    purpose_relevant: Mapped[int] = mapped_column(Integer, default=0)


class DealCloseDateMove(Base):
    """One row per history row of a deal that holds a close date and was written up to the day the
    deal closed (a correction written after the close is no move), with the close date the row before
    it held: a rollup of ``opportunity_history`` kept equal to the raw rows.

    Written only by :mod:`data_access.history_rollup` (the demo loaders and every import refresh it),
    so pushes and pull-ins are counted without a window function over the whole history at read time.
    Like the other history rollups it has no foreign key: it is rebuilt from the raw rows, and checking
    one per row made a rebuild several times slower on PostgreSQL.
    ``old_close`` is None on a deal's first row; ``next_at`` is when the deal's next such row was
    written (None on its last); ``direction`` is 1 for a push (later date), -1 for a pull-in (earlier
    date), 0 otherwise; ``days`` is how far the date moved (None on the first row).
    """

    __tablename__ = "deal_close_date_moves"

    opportunity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, primary_key=True)
    old_close: Mapped[dt.date | None] = mapped_column(Date)
    new_close: Mapped[dt.date] = mapped_column(Date)
    next_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    direction: Mapped[int] = mapped_column(Integer, default=0)
    days: Mapped[int | None] = mapped_column(Integer)


class DealStageFirst(Base):
    """When a deal first reached each stage its history names: a rollup of ``opportunity_history``.

    Which stages are late ones depends on today's deals, so the first late-stage time is read from
    here for whatever stages are late when a page asks. Written only by :mod:`data_access.history_rollup`.
    """

    __tablename__ = "deal_stage_firsts"

    opportunity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(100), primary_key=True)
    first_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LateStageName(Base):
    """The stages flagged deals were in when the deals' first late-stage times were last worked out
    (:attr:`Opportunity.first_late_stage_at`): when the flagged stages change, every deal's time is
    worked out again. Written only by :mod:`data_access.history_rollup`."""

    __tablename__ = "late_stage_names"

    stage: Mapped[str] = mapped_column(String(100), primary_key=True)


class DealHistory(Base):
    """One row per deal that has any history: how much, and its close-date moves added up.

    Written only by :mod:`data_access.history_rollup`. ``team_id`` and ``segment`` are copies of the
    deal's, so "which teams have any history" and the count of history rows need no join. The moves
    (``pushes``, ``pull_ins``, ``first_close``, ``last_close`` the latest date, ``last_move_at``)
    add up the deal's :class:`DealCloseDateMove` rows; all None or zero when it has none.
    """

    __tablename__ = "deal_history"
    __table_args__ = (Index("ix_deal_history_team_segment", "team_id", "segment"),)

    opportunity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int | None] = mapped_column(Integer)
    segment: Mapped[str | None] = mapped_column(String(50))
    history_rows: Mapped[int] = mapped_column(Integer, default=0)
    pushes: Mapped[int] = mapped_column(Integer, default=0)
    pull_ins: Mapped[int] = mapped_column(Integer, default=0)
    first_close: Mapped[dt.date | None] = mapped_column(Date)
    last_close: Mapped[dt.date | None] = mapped_column(Date)
    last_move_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class StoredResult(Base):
    """A computed page result (a scorecard, a trend...) kept for every viewer and every replica.

    Written and read only by :mod:`data_access.result_store`: ``key`` names the computation and its
    arguments, ``version`` the state of the data it was computed on, so a result computed before an
    import, a relabelling or a settings change is never read again.
    """

    __tablename__ = "stored_results"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    seconds: Mapped[float] = mapped_column(Float)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class DataChange(Base):
    """A change to stored data that is not an import (a relabelling of talk): it moves the data
    version that stored results are checked against."""

    __tablename__ = "data_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    what: Mapped[str] = mapped_column(String(200))


class SettingChange(Base):
    """One change of an organisation-wide setting or of the NSP: who made it, when, and the value
    before and after (None when the default applied). Written in the same transaction as the change."""

    __tablename__ = "setting_changes"
    __table_args__ = (Index("ix_setting_changes_changed_at", "changed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    changed_by: Mapped[str] = mapped_column(String(320))
    role: Mapped[str | None] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(120))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class OneOnOne(Base):
    """A one-on-one a manager held with a seller: the notes of it. Only the seller's management line
    (their manager and those above) may read or write it (:mod:`data_access.one_on_one`)."""

    __tablename__ = "one_on_ones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    written_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    actions: Mapped[list[OneOnOneAction]] = relationship(
        back_populates="one_on_one", cascade="all, delete-orphan", order_by="OneOnOneAction.id"
    )


class OneOnOneAction(Base):
    """An action agreed in a one-on-one; open until someone in the line marks it done."""

    __tablename__ = "one_on_one_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    one_on_one_id: Mapped[int] = mapped_column(ForeignKey("one_on_ones.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    done_by: Mapped[str | None] = mapped_column(String(320))

    one_on_one: Mapped[OneOnOne] = relationship(back_populates="actions")
