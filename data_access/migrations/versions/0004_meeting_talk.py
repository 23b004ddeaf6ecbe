"""meeting talk: one row per meeting with what its utterances add up to, filled from the existing rows

Revision ID: 0004_meeting_talk
Revises: 0003_stored_results
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_meeting_talk"
down_revision = "0003_stored_results"
branch_labels = None
depends_on = None

# The rollup as data_access.talk_rollup computes it, written out here so this migration keeps meaning
# what it meant when it was written, whatever that module becomes. Portable SQL: SQLite >= 3.25 and
# PostgreSQL both know window functions and ``IS TRUE``.
FILL = """
INSERT INTO meeting_talk (
    meeting_id, team_id, held_at, kind, utterances, labelled, customer_impact, revenue, other,
    customer_questions, nsp_mentions, labelled_nsp_mentions, first_customer_position
)
SELECT
    meetings.id, meetings.team_id, meetings.held_at, meetings.kind,
    COUNT(ranked.meeting_id),
    COALESCE(SUM(CASE WHEN ranked.label IS NOT NULL THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'customer_impact' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'revenue' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'other' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label = 'customer_impact' AND ranked.is_question IS TRUE
                      THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.nsp_mention IS TRUE THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN ranked.label IS NOT NULL AND ranked.nsp_mention IS TRUE
                      THEN 1 ELSE 0 END), 0),
    MIN(CASE WHEN ranked.label = 'customer_impact' THEN ranked.position END)
FROM meetings
LEFT OUTER JOIN (
    SELECT meeting_id, label, is_question, nsp_mention,
           ROW_NUMBER() OVER (PARTITION BY meeting_id ORDER BY seq) AS position
    FROM utterances
) AS ranked ON ranked.meeting_id = meetings.id
GROUP BY meetings.id, meetings.team_id, meetings.held_at, meetings.kind
"""


def upgrade() -> None:
    op.create_table(
        "meeting_talk",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("utterances", sa.Integer(), nullable=False),
        sa.Column("labelled", sa.Integer(), nullable=False),
        sa.Column("customer_impact", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Integer(), nullable=False),
        sa.Column("other", sa.Integer(), nullable=False),
        sa.Column("customer_questions", sa.Integer(), nullable=False),
        sa.Column("nsp_mentions", sa.Integer(), nullable=False),
        sa.Column("labelled_nsp_mentions", sa.Integer(), nullable=False),
        sa.Column("first_customer_position", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_talk_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_meeting_talk")),
    )
    op.create_index("ix_meeting_talk_team_held", "meeting_talk", ["team_id", "held_at"], unique=False)
    op.create_index("ix_meeting_talk_held_at", "meeting_talk", ["held_at"], unique=False)
    op.execute(FILL)


def downgrade() -> None:
    op.drop_index("ix_meeting_talk_held_at", table_name="meeting_talk")
    op.drop_index("ix_meeting_talk_team_held", table_name="meeting_talk")
    op.drop_table("meeting_talk")
